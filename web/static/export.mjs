// Exports of the explorer: the figure (PNG at 2×, SVG with vector paths),
// the trajectories (CSV, JSON) and the scene (JSON that loads back). The
// builders at the top are pure (export.test.mjs); the Exporter below reads
// the page and saves files.

import { exportShapes, shapesSVG } from './overlays.mjs';
import { escapeXML } from './svgcanvas.mjs';
import { download } from './download.mjs';
import { niceTicks, fmt } from './ticks.mjs';
import { lut, colourBarTicks } from './colormap.mjs';
import { ui } from './ui.mjs';
import { runColour } from './track.mjs';
import { planeTitle } from './plane.mjs';

export const SCENE_VERSION = 1;
export const TRAJECTORY_VERSION = 1;

// Limits a loaded scene must respect (the page's own: 8 runs, k ≤ 100 000).
export const MAX_RUNS = 8;
export const MAX_K = 100000;

const num = (v) => String(v); // shortest text that parses back to the same double

// ----- axes -----

const PLANE_SHORT = { random: 'random plane', pca: 'PCA plane', hessian: 'Hessian plane', three_points: 'θ₀–current–solution plane' };

/**
 * axisLabels names a figure's axes: φ₁, φ₂ in φ-space; α and β along the
 * plane's directions (and which plane) for a projected objective; else
 * θ₁, θ₂.
 */
export function axisLabels(phi, plane) {
  if (phi) return ['φ₁', 'φ₂'];
  if (plane) {
    const k = PLANE_SHORT[plane.kind] || `${plane.kind || 'random'} plane`;
    return [`α (along d₁ of the ${k})`, `β (along d₂ of the ${k})`];
  }
  return ['θ₁', 'θ₂'];
}

/** exportTitle is a panel's title in a figure: its own, or a projected objective's plane. */
export function exportTitle(own, plane) {
  return own || (plane ? planeTitle(plane) : '');
}

// ----- hyperparameters -----

/**
 * fullHyper returns run's hyperparameters with the optimizer's defaults
 * filled in (info: the optimizer's catalogue entry, or undefined), in the
 * catalogue's order, then any others sorted.
 */
export function fullHyper(run, info) {
  const out = {};
  for (const h of info?.hyper || []) {
    const v = run.hyper?.[h.name] ?? (h.choices ? h.default_choice : h.default);
    if (v !== undefined && v !== null) out[h.name] = v;
  }
  for (const k of Object.keys(run.hyper || {}).sort()) if (!(k in out)) out[k] = run.hyper[k];
  return out;
}

/** runHeader describes a run in one line: "adam lr=0.05 beta1=0.9 clip.norm=1". */
export function runHeader(run, info) {
  const parts = [run.optimizer];
  for (const [k, v] of Object.entries(fullHyper(run, info))) parts.push(`${k}=${v}`);
  const clip = run.clip || {};
  if (clip.norm > 0) parts.push(`clip.norm=${num(clip.norm)}`);
  if (clip.value > 0) parts.push(`clip.value=${num(clip.value)}`);
  const sch = run.schedule || {};
  if (sch.kind && sch.kind !== 'constant') {
    for (const k of Object.keys(sch).sort()) parts.push(`schedule.${k}=${sch[k]}`);
  }
  if (run.label) parts.push(`label=${JSON.stringify(run.label)}`);
  return parts.join(' ');
}

// ----- trajectories -----

/**
 * A trajectory set is {meta: {objective, start, seed, note?}, runs: [{run,
 * optimizer, hyper, clip, schedule, label, status, points: {k, x, y, loss,
 * gn, clipped}}]} where the point fields are parallel arrays (typed or not).
 */

const CSV_COLUMNS = ['run', 'k', 'x', 'y', 'loss', 'grad_norm', 'clipped'];

/** trajectoriesCSV writes every point of every run, hyperparameters in "# " comment lines. */
export function trajectoriesCSV({ meta, runs }, optimizers = []) {
  const info = (id) => optimizers.find((o) => o.id === id);
  const lines = ['# Saddle trajectories (x, y: the point on the plot\'s plane)'];
  lines.push(`# objective: ${JSON.stringify(meta.objective)}`);
  if (meta.start) lines.push(`# start: ${meta.start.map(num).join(',')}`);
  lines.push(`# seed: ${meta.seed ?? 1}`);
  if (meta.note) lines.push(`# note: ${meta.note}`);
  runs.forEach((r, i) => {
    lines.push(`# run ${i}: ${runHeader(r, info(r.optimizer))}${r.status ? ` (status: ${r.status})` : ''}`);
  });
  lines.push(CSV_COLUMNS.join(','));
  runs.forEach((r, i) => {
    const p = r.points;
    for (let j = 0; j < p.k.length; j++) {
      lines.push(`${i},${p.k[j]},${num(p.x[j])},${num(p.y[j])},${num(p.loss[j])},${num(p.gn[j])},${p.clipped[j] ? 1 : 0}`);
    }
  });
  return lines.join('\n') + '\n';
}

/**
 * parseTrajectoriesCSV reads trajectoriesCSV's output back: {comments,
 * runs: [{header, points: {k, x, y, loss, gn, clipped}}]}.
 */
export function parseTrajectoriesCSV(text) {
  const comments = [], runs = [];
  let columns = null;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (!line) continue;
    if (line.startsWith('#')) {
      comments.push(line.slice(1).trim());
      const m = /^# run (\d+): (.*)$/.exec(line);
      if (m) (runs[+m[1]] ||= emptyRun()).header = m[2];
      continue;
    }
    const cells = line.split(',');
    if (!columns) {
      columns = cells;
      if (columns.join(',') !== CSV_COLUMNS.join(',')) throw new Error(`line ${n + 1}: columns ${line}, want ${CSV_COLUMNS.join(',')}`);
      continue;
    }
    if (cells.length !== CSV_COLUMNS.length) throw new Error(`line ${n + 1}: ${cells.length} cells, want ${CSV_COLUMNS.length}`);
    const v = cells.map(Number);
    if (v.some((x) => !Number.isFinite(x))) throw new Error(`line ${n + 1}: not a number in ${line}`);
    const p = (runs[v[0]] ||= emptyRun()).points;
    p.k.push(v[1]); p.x.push(v[2]); p.y.push(v[3]); p.loss.push(v[4]); p.gn.push(v[5]); p.clipped.push(v[6] === 1);
  }
  return { comments, runs };
}

const emptyRun = () => ({ header: '', points: { k: [], x: [], y: [], loss: [], gn: [], clipped: [] } });

/** trajectoriesJSON writes the set as JSON: points shaped as /api/run's ({k, xy, loss, grad_norm, clipped}). */
export function trajectoriesJSON({ meta, runs }, optimizers = []) {
  const info = (id) => optimizers.find((o) => o.id === id);
  const out = {
    saddle: 'trajectories', version: TRAJECTORY_VERSION,
    objective: meta.objective, start: meta.start, seed: meta.seed ?? 1,
    ...(meta.note ? { note: meta.note } : {}),
    runs: runs.map((r, i) => {
      const p = r.points, points = [];
      for (let j = 0; j < p.k.length; j++) {
        points.push({ k: p.k[j], xy: [p.x[j], p.y[j]], loss: p.loss[j], grad_norm: p.gn[j], clipped: !!p.clipped[j] });
      }
      return {
        run: i, optimizer: r.optimizer, hyper: fullHyper(r, info(r.optimizer)),
        clip: r.clip || {}, schedule: r.schedule || {}, label: r.label || '', header: runHeader(r, info(r.optimizer)),
        status: r.status || '', points,
      };
    }),
  };
  return JSON.stringify(out, null, 1) + '\n';
}

/** gaps counts the steps missing from a run's points (the server may thin frames for a slow page). */
export function gaps(points) {
  let missing = 0;
  for (let j = 1; j < points.k.length; j++) missing += Math.max(0, points.k[j] - points.k[j - 1] - 1);
  return missing;
}

// ----- scenes -----

/** SceneError is a scene file's fault, with the field at fault. */
export class SceneError extends Error {
  constructor(field, message) {
    super(field ? `${field}: ${message}` : message);
    this.field = field;
    this.name = 'SceneError';
  }
}

/** sceneJSON writes the page's state as a scene file. */
export function sceneJSON(s) {
  const run = (r) => {
    const o = { optimizer: r.optimizer };
    if (r.hyper && Object.keys(r.hyper).length) o.hyper = r.hyper;
    if (r.clip && (r.clip.norm > 0 || r.clip.value > 0)) o.clip = r.clip;
    if (r.schedule?.kind && r.schedule.kind !== 'constant') o.schedule = r.schedule;
    if (r.label) o.label = r.label;
    return o;
  };
  const out = {
    saddle: 'scene', version: SCENE_VERSION,
    objective: s.objective, start: s.start, seed: s.seed, runs: s.runs.map(run),
    view: s.view, k: s.k, mode: s.mode, pair: s.pair, sel: s.sel, speed: s.speed,
    eigen: !!s.eigen, quad: !!s.quad, log_loss: s.logLoss !== false,
    overlays: [...(s.overlays || [])],
  };
  // The lesson the scene came from, its variant, and a projected model's plane.
  if (s.scene?.startsWith('lesson:')) out.lesson = s.scene.slice(7);
  if (s.variant >= 0) out.variant = s.variant;
  if (s.plane) out.plane = s.plane;
  if (s.planeSeed != null) out.plane_seed = s.planeSeed;
  if (s.plane === 'three_points' && s.planeRun != null) { out.plane_run = s.planeRun; out.plane_k = s.planeK || 0; }
  return JSON.stringify(out, null, 2) + '\n';
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

function numbers(v, n, field) {
  if (!Array.isArray(v) || v.length !== n || !v.every(finite)) throw new SceneError(field, `must be ${n} finite numbers`);
  return [...v];
}

function int(v, lo, hi, field) {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new SceneError(field, `must be a whole number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * parseScene reads a scene file into the page's state shape, or throws a
 * SceneError naming the field. known ({objectives, optimizers}: lists of
 * ids) refuses ids the server does not have.
 */
export function parseScene(text, known = {}) {
  let o;
  try { o = JSON.parse(text); } catch (e) { throw new SceneError('', `not JSON: ${e.message}`); }
  if (!isObj(o)) throw new SceneError('', 'must be a JSON object');
  if (o.saddle !== 'scene') throw new SceneError('saddle', 'must be "scene": this is not a Saddle scene file');
  if (o.version !== SCENE_VERSION) throw new SceneError('version', `must be ${SCENE_VERSION}, got ${JSON.stringify(o.version)}`);
  const s = { scene: '' };
  // Objective: an id with numeric params, or an expression.
  const ob = o.objective;
  if (!isObj(ob)) throw new SceneError('objective', 'must be an object such as {"id": "rosenbrock"}');
  if (typeof ob.expr === 'string') {
    if (!ob.expr.trim()) throw new SceneError('objective.expr', 'is empty');
    s.objective = { expr: ob.expr };
  } else if (typeof ob.id === 'string' && ob.id) {
    if (known.objectives && !known.objectives.includes(ob.id)) throw new SceneError('objective.id', `unknown objective ${JSON.stringify(ob.id)}`);
    s.objective = { id: ob.id };
    if (ob.params !== undefined) {
      if (!isObj(ob.params)) throw new SceneError('objective.params', 'must be an object of numbers');
      for (const [k, v] of Object.entries(ob.params)) if (!finite(v)) throw new SceneError(`objective.params.${k}`, 'must be a finite number');
      if (Object.keys(ob.params).length) s.objective.params = { ...ob.params };
    }
    if (ob.options !== undefined) { // a projected model's choices (data set, activation, ...)
      if (!isObj(ob.options)) throw new SceneError('objective.options', 'must be an object of words');
      for (const [k, v] of Object.entries(ob.options)) if (typeof v !== 'string' || !WORD.test(v)) throw new SceneError(`objective.options.${k}`, 'must be a word such as "moons"');
      if (Object.keys(ob.options).length) s.objective.options = { ...ob.options };
    }
    if (ob.blur !== undefined) { // continuation's σ (8.7.5)
      if (!finite(ob.blur) || ob.blur < 0 || ob.blur > 2) throw new SceneError('objective.blur', 'must be a number from 0 to 2');
      if (ob.blur > 0) s.objective.blur = ob.blur;
    }
  } else {
    throw new SceneError('objective', 'needs an "id" or an "expr"');
  }
  s.start = o.start === null ? null : numbers(o.start, 2, 'start'); // null: a projected model's θ₀ from the seed
  s.seed = o.seed === undefined ? 1 : int(o.seed, 0, Number.MAX_SAFE_INTEGER, 'seed');
  if (!Array.isArray(o.runs) || o.runs.length < 1 || o.runs.length > MAX_RUNS) throw new SceneError('runs', `must list 1 to ${MAX_RUNS} runs`);
  s.runs = o.runs.map((r, i) => parseRun(r, `runs[${i}]`, known));
  const v = o.view === undefined || o.view === null ? null : numbers(o.view, 4, 'view');
  if (v && !(v[0] < v[1] && v[2] < v[3])) throw new SceneError('view', 'must be [x0, x1, y0, y1] with x0 < x1 and y0 < y1');
  s.view = v;
  s.k = o.k === undefined ? 0 : int(o.k, 0, MAX_K, 'k');
  s.mode = o.mode === undefined ? 'single' : o.mode;
  if (!['single', 'side', 'phi'].includes(s.mode)) throw new SceneError('mode', 'must be "single", "side" or "phi"');
  const last = s.runs.length - 1;
  s.pair = o.pair === undefined ? [0, Math.min(1, last)] : numbers(o.pair, 2, 'pair').map((p, i) => int(p, 0, last, `pair[${i}]`));
  s.sel = o.sel === undefined ? 0 : int(o.sel, 0, last, 'sel');
  s.speed = o.speed === undefined ? 60 : int(o.speed, 1, 10000, 'speed');
  for (const [name, key, def] of [['eigen', 'eigen', false], ['quad', 'quad', false], ['log_loss', 'logLoss', true]]) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw new SceneError(name, 'must be true or false');
    s[key] = o[name] ?? def;
  }
  s.grid = 0;
  if (o.overlays !== undefined && (!Array.isArray(o.overlays) || !o.overlays.every((v) => typeof v === 'string' && /^[a-z_]+$/.test(v)))) {
    throw new SceneError('overlays', 'must be a list of overlay names such as "velocity"');
  }
  s.overlays = [...new Set(o.overlays || [])];
  if (o.lesson !== undefined) {
    if (typeof o.lesson !== 'string' || !/^[a-z0-9-]+$/.test(o.lesson)) throw new SceneError('lesson', 'must be a lesson id such as "cliffs"');
    s.scene = 'lesson:' + o.lesson;
  }
  s.variant = o.variant === undefined ? -1 : int(o.variant, 0, 64, 'variant');
  const planes = ['random', 'pca', 'hessian', 'three_points'];
  if (o.plane !== undefined && !planes.includes(o.plane)) throw new SceneError('plane', `must be one of ${planes.join(', ')}`);
  s.plane = o.plane === 'random' ? '' : o.plane || '';
  s.planeSeed = o.plane_seed === undefined ? null : int(o.plane_seed, 0, Number.MAX_SAFE_INTEGER, 'plane_seed');
  const three = s.plane === 'three_points' && o.plane_run !== undefined;
  s.planeRun = three ? int(o.plane_run, 0, last, 'plane_run') : null;
  s.planeK = three && o.plane_k !== undefined ? int(o.plane_k, 0, MAX_K, 'plane_k') : 0;
  return s;
}

const WORD = /^[A-Za-z0-9_.-]+$/;

function parseRun(r, at, known) {
  if (!isObj(r)) throw new SceneError(at, 'must be an object such as {"optimizer": "adam"}');
  if (typeof r.optimizer !== 'string' || !r.optimizer) throw new SceneError(`${at}.optimizer`, 'must name an optimizer');
  if (known.optimizers && !known.optimizers.includes(r.optimizer)) throw new SceneError(`${at}.optimizer`, `unknown optimizer ${JSON.stringify(r.optimizer)}`);
  const out = { optimizer: r.optimizer, hyper: {}, clip: {}, schedule: {}, label: '' };
  if (r.hyper !== undefined) {
    if (!isObj(r.hyper)) throw new SceneError(`${at}.hyper`, 'must be an object');
    for (const [k, v] of Object.entries(r.hyper)) {
      if (!finite(v) && typeof v !== 'string') throw new SceneError(`${at}.hyper.${k}`, 'must be a finite number or a choice');
      out.hyper[k] = v;
    }
  }
  if (r.clip !== undefined) {
    if (!isObj(r.clip)) throw new SceneError(`${at}.clip`, 'must be {"norm": c} or {"value": c}');
    const keys = Object.keys(r.clip);
    if (keys.length > 1 || keys.some((k) => k !== 'norm' && k !== 'value')) throw new SceneError(`${at}.clip`, 'must be {"norm": c} or {"value": c}');
    for (const k of keys) {
      if (!finite(r.clip[k]) || r.clip[k] <= 0) throw new SceneError(`${at}.clip.${k}`, 'must be a positive number');
      out.clip[k] = r.clip[k];
    }
  }
  if (r.schedule !== undefined) {
    if (!isObj(r.schedule)) throw new SceneError(`${at}.schedule`, 'must be an object such as {"kind": "step", "gamma": 0.5, "every": 100}');
    for (const [k, v] of Object.entries(r.schedule)) {
      if (k === 'kind' ? typeof v !== 'string' : !finite(v)) throw new SceneError(`${at}.schedule.${k}`, k === 'kind' ? 'must be a string' : 'must be a finite number');
      out.schedule[k] = v;
    }
  }
  if (r.label !== undefined) {
    if (typeof r.label !== 'string') throw new SceneError(`${at}.label`, 'must be a string');
    out.label = r.label;
  }
  return out;
}

// ----- the figure as SVG -----

// escapeXML (svgcanvas.mjs, the small SVG helper the theory views share) makes text safe inside SVG.
export { escapeXML };

const r2 = (v) => Math.round(v * 100) / 100;

/** segmentsPath turns [x0, y0, x1, y1, ...] segments (px) into path data, joining segments that meet. */
export function segmentsPath(segs) {
  let d = '', lx = NaN, ly = NaN;
  for (let s = 0; s + 3 < segs.length; s += 4) {
    const ax = r2(segs[s]), ay = r2(segs[s + 1]), bx = r2(segs[s + 2]), by = r2(segs[s + 3]);
    if (![ax, ay, bx, by].every(Number.isFinite)) continue;
    if (ax !== lx || ay !== ly) d += `M${ax} ${ay}`;
    d += `L${bx} ${by}`;
    lx = bx; ly = by;
  }
  return d;
}

/** polylinePath turns [x0, y0, x1, y1, ...] points (px) into path data. */
export function polylinePath(pts) {
  let d = '';
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const x = r2(pts[i]), y = r2(pts[i + 1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    d += (d ? 'L' : 'M') + x + ' ' + y;
  }
  return d;
}

/**
 * legendLayout places legend entries in a box in the corner of the plot
 * that hides fewest of the points in avoid ([x0, y0, x1, y1, ...], CSS px:
 * the paths, the start, the minima), preferring top left, bottom left,
 * bottom right, top right (where a panel's title sits).
 */
export function legendLayout(entries, plot, measure, font = 12, avoid = []) {
  const pad = 6, sw = font * 0.9, row = font * 1.5, gap = 8;
  const textW = Math.max(0, ...entries.map((e) => measure(e.label)));
  const w = pad * 2 + sw + 6 + textW, h = pad * 2 + row * entries.length;
  const left = plot.x + gap, right = plot.x + plot.w - gap - w, top = plot.y + gap, bottom = plot.y + plot.h - gap - h;
  let best = null;
  for (const [x, y] of [[left, top], [left, bottom], [right, bottom], [right, top]]) {
    let hidden = 0;
    for (let i = 0; i + 1 < avoid.length; i += 2) {
      if (avoid[i] >= x - 4 && avoid[i] <= x + w + 4 && avoid[i + 1] >= y - 4 && avoid[i + 1] <= y + h + 4) hidden++;
    }
    if (!best || hidden < best.hidden) best = { x, y, hidden };
  }
  const { x, y } = best;
  return {
    x, y, w, h,
    rows: entries.map((e, i) => ({ ...e, sx: x + pad, ty: y + pad + row * i + row / 2, tx: x + pad + sw + 6 })),
    sw, font,
  };
}

/** starPoints returns the polygon of a five-pointed star of radius r at (x, y). */
export function starPoints(x, y, r) {
  const out = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
    out.push(`${r2(x + rr * Math.cos(a))},${r2(y + rr * Math.sin(a))}`);
  }
  return out.join(' ');
}

/**
 * figureSVG writes a figure description (see Exporter.describe) as an SVG
 * document: the heat map as an embedded image, everything else as vectors.
 */
export function figureSVG(fig) {
  const out = [];
  const font = 'system-ui, -apple-system, Segoe UI, sans-serif';
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${fig.width}" height="${fig.height}" viewBox="0 0 ${fig.width} ${fig.height}" font-family="${escapeXML(font)}">`);
  if (fig.title) out.push(`<title>${escapeXML(fig.title)}</title>`);
  if (fig.description) out.push(`<desc>${escapeXML(fig.description)}</desc>`);
  out.push(`<rect width="100%" height="100%" fill="${escapeXML(fig.background || '#fff')}"/>`);
  fig.panels.forEach((p, i) => {
    const id = `p${i}`, pl = p.plot;
    out.push(`<g transform="translate(${r2(p.dx)} 0)">`);
    out.push(`<defs><clipPath id="${id}-clip"><rect x="${pl.x}" y="${pl.y}" width="${pl.w}" height="${pl.h}"/></clipPath>`);
    if (p.colourBar) {
      out.push(`<linearGradient id="${id}-bar" x1="0" y1="1" x2="0" y2="0">`);
      for (const [o, c] of p.colourBar.stops) out.push(`<stop offset="${r2(o)}" stop-color="${c}"/>`);
      out.push('</linearGradient>');
    }
    out.push('</defs>');
    out.push(`<rect x="${pl.x}" y="${pl.y}" width="${pl.w}" height="${pl.h}" fill="#d9d9de"/>`);
    out.push(`<g clip-path="url(#${id}-clip)">`);
    if (p.image) {
      const m = p.image.matrix.map(r2).map((v) => (Object.is(v, -0) ? 0 : v));
      out.push(`<image class="heat" width="${p.image.width}" height="${p.image.height}" preserveAspectRatio="none" transform="matrix(${m.join(' ')})" href="${p.image.href}" xlink:href="${p.image.href}"/>`);
    }
    if (p.contours) out.push(`<path class="contours" d="${p.contours}" fill="none" stroke="#fff" stroke-opacity="0.45" stroke-width="0.8"/>`);
    for (const m of p.minima || []) out.push(`<polygon class="minimum" points="${starPoints(m[0], m[1], 7)}" fill="#fff" stroke="#000"/>`);
    for (const t of p.trails || []) {
      if (t.d) out.push(`<path class="trail" data-run="${t.run}" d="${t.d}" fill="none" stroke="${t.colour}" stroke-width="${t.width}" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
    if (p.overlays) out.push(p.overlays); // eigen arrows, quadratic model, clipped steps, the lessons' overlays
    if (p.start) out.push(`<circle class="start" cx="${r2(p.start[0])}" cy="${r2(p.start[1])}" r="5" fill="#fff" stroke="#000" stroke-width="2"/>`);
    for (const q of p.points || []) {
      out.push(`<circle class="current" cx="${r2(q.x)}" cy="${r2(q.y)}" r="${q.r}" fill="${q.colour}" stroke="#000" stroke-width="1.5"/>`);
      if (q.diverged) out.push(`<path d="M${r2(q.x - 8)} ${r2(q.y - 8)}L${r2(q.x + 8)} ${r2(q.y + 8)}M${r2(q.x + 8)} ${r2(q.y - 8)}L${r2(q.x - 8)} ${r2(q.y + 8)}" stroke="#fff" stroke-width="2.5"/>`);
    }
    out.push('</g>');
    // Axes.
    out.push(`<g class="axes" fill="${p.ink}" font-size="11">`);
    out.push(`<rect x="${pl.x + 0.5}" y="${pl.y + 0.5}" width="${pl.w - 1}" height="${pl.h - 1}" fill="none" stroke="#444"/>`);
    for (const t of p.xTicks) {
      out.push(`<path d="M${r2(t.at)} ${pl.y + pl.h}v4" stroke="${p.ink}"/><text x="${r2(t.at)}" y="${pl.y + pl.h + 16}" text-anchor="middle">${escapeXML(t.label)}</text>`);
    }
    for (const t of p.yTicks) {
      out.push(`<path d="M${pl.x - 4} ${r2(t.at)}h4" stroke="${p.ink}"/><text x="${pl.x - 6}" y="${r2(t.at)}" dy="0.35em" text-anchor="end">${escapeXML(t.label)}</text>`);
    }
    out.push(`<text x="${r2(pl.x + pl.w / 2)}" y="${p.h - 4}" text-anchor="middle" font-style="italic" font-size="13">${escapeXML(p.axisLabels[0])}</text>`);
    out.push(`<text transform="translate(12 ${r2(pl.y + pl.h / 2)}) rotate(-90)" text-anchor="middle" dy="0.35em" font-style="italic" font-size="13">${escapeXML(p.axisLabels[1])}</text>`);
    out.push('</g>');
    if (p.colourBar) {
      const b = p.colourBar;
      out.push(`<g class="colour-bar" fill="${p.ink}" font-size="10">`);
      out.push(`<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="url(#${id}-bar)" stroke="#444"/>`);
      for (const t of b.ticks) out.push(`<path d="M${b.x + b.w} ${r2(t.at)}h3" stroke="${p.ink}"/><text x="${b.x + b.w + 4}" y="${r2(t.at)}" dy="0.35em">${escapeXML(t.label)}</text>`);
      out.push(`<text x="${b.x - 2}" y="${b.y + b.h + 22}">${escapeXML(b.label)}</text>`);
      out.push('</g>');
    }
    if (p.legend && p.legend.rows.length) {
      const L = p.legend;
      out.push(`<g class="legend" font-size="${L.font}">`);
      out.push(`<rect x="${r2(L.x)}" y="${r2(L.y)}" width="${r2(L.w)}" height="${r2(L.h)}" rx="4" fill="#fff" fill-opacity="0.85" stroke="#999"/>`);
      for (const e of L.rows) {
        out.push(`<circle cx="${r2(e.sx + L.sw / 2)}" cy="${r2(e.ty)}" r="${r2(L.sw / 2)}" fill="${e.colour}" stroke="#000" stroke-opacity="0.4"/>`);
        out.push(`<text x="${r2(e.tx)}" y="${r2(e.ty)}" dy="0.35em" fill="#1d1d24">${escapeXML(e.label)}</text>`);
      }
      out.push('</g>');
    }
    if (p.title) out.push(`<text class="panel-title" x="${pl.x + pl.w - 6}" y="${pl.y + 16}" text-anchor="end" font-size="12" fill="#1d1d24" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXML(p.title)}</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** colourStops samples the heat map's colour map for an SVG gradient. */
export function colourStops(n = 17) {
  const table = lut(), stops = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1), c = 3 * Math.round(t * 255);
    stops.push([t, `rgb(${table[c]},${table[c + 1]},${table[c + 2]})`]);
  }
  return stops;
}

// ----- the page side -----

/** filename makes a file name from the scene: "saddle-rosenbrock-k120.png". */
export function filename(state, ext) {
  const what = state.objective.expr !== undefined ? 'expr' : state.objective.id;
  const safe = String(what || 'scene').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  return `saddle-${safe}-k${state.k || 0}.${ext}`;
}

/**
 * Exporter reads the page (app: the explorer) and makes the files. Each
 * maker returns the file's data; save() downloads it. The last file made
 * is kept in .last for the browser tests.
 */
export class Exporter {
  constructor(app, data) {
    this.app = app;
    this.data = data; // the page's #saddle-data: base, optimizers
    this.last = null;
  }

  // describe reads one panel into figureSVG's description (CSS px).
  describePanel(p, dx) {
    const app = this.app, L = app.land, m = p.matrix(), pl = p.plot, [x0, x1, y0, y1] = p.view();
    const d = { dx, w: p.w, h: p.h, plot: { ...pl }, title: exportTitle(p.opts.title, this.plane()), ink: getComputedStyle(document.body).color || '#222' };
    if (L) {
      const gdx = (L.x[1] - L.x[0]) / (L.nx - 1), gdy = (L.y[1] - L.y[0]) / (L.ny - 1);
      const X0 = L.x[0] - gdx / 2, Y1 = L.y[1] + gdy / 2;
      d.image = {
        width: L.nx, height: L.ny, href: L.image.toDataURL('image/png'),
        matrix: [m[0] * gdx, m[1] * gdx, -m[2] * gdy, -m[3] * gdy, m[0] * X0 + m[2] * Y1 + m[4], m[1] * X0 + m[3] * Y1 + m[5]],
      };
      const px = [];
      for (const seg of L.contours) {
        for (let s = 0; s < seg.length; s += 4) {
          const a = p.toPx(L.x[0] + seg[s] * gdx, L.y[0] + seg[s + 1] * gdy, m), b = p.toPx(L.x[0] + seg[s + 2] * gdx, L.y[0] + seg[s + 3] * gdy, m);
          px.push(a[0], a[1], b[0], b[1]);
        }
      }
      d.contours = segmentsPath(px);
      d.minima = app.minima().map((mn) => p.toPx(mn[0], mn[1], m));
      const bx = pl.x + pl.w + 10;
      d.colourBar = {
        x: bx, y: pl.y, w: 12, h: pl.h, stops: colourStops(),
        ticks: colourBarTicks(L.scale, pl, ui.font).map(({ at, label }) => ({ at, label })), // the panel's own
        label: L.scale.kind === 'log' ? 'J (log)' : 'J',
      };
    }
    d.xTicks = niceTicks(x0, x1, Math.max(3, Math.round(pl.w / 80))).map((t) => ({ at: pl.x + ((t - x0) / (x1 - x0)) * pl.w, label: fmt(t, 3) }));
    d.yTicks = niceTicks(y0, y1, Math.max(3, Math.round(pl.h / 60))).map((t) => ({ at: pl.y + pl.h - ((t - y0) / (y1 - y0)) * pl.h, label: fmt(t, 3) }));
    d.axisLabels = axisLabels(!!p.T, this.plane());
    d.trails = [];
    d.points = [];
    app.tracks.forEach((t, r) => {
      if (!p.shows(r) || !t.n) return;
      const pts = [];
      let lx = NaN, ly = NaN;
      for (let i = 0; i < t.n; i++) {
        const [qx, qy] = p.toPx(t.x[i], t.y[i], m);
        // Points closer than a quarter pixel add bytes, not detail.
        if (i && i !== t.n - 1 && Math.abs(qx - lx) + Math.abs(qy - ly) < 0.25) continue;
        pts.push(qx, qy);
        lx = qx; ly = qy;
      }
      d.trails.push({ run: r, colour: this.colour(r), width: r === app.state.sel ? 2.2 : 1.6, d: polylinePath(pts) });
      d.points.push({ x: lx, y: ly, colour: this.colour(r), r: r === app.state.sel ? 7 : 5, diverged: app.status[r]?.status === 'diverged' });
    });
    if (app.start) d.start = p.toPx(app.start[0], app.start[1], m);
    d.overlays = shapesSVG(exportShapes(p));
    d.legend = legendLayout(this.legendEntries(p), pl, (s) => s.length * 6.6, 12, this.markedPoints(p));
    return d;
  }

  colour(r) { return runColour(r); }

  /** plane is a projected objective's plane (model.mjs), else null. */
  plane() {
    const model = this.app.model;
    return model?.projected?.() ? model.plane || { kind: this.app.state.plane || 'random' } : null;
  }

  // markedPoints lists what a legend should not hide in panel p: every
  // path's points (at most ~2000 per run), the start and the minima (px).
  markedPoints(p) {
    const app = this.app, m = p.matrix(), out = [];
    app.tracks.forEach((t, r) => {
      if (!p.shows(r)) return;
      const stride = Math.max(1, Math.floor(t.n / 2000));
      for (let i = 0; i < t.n; i += stride) out.push(...p.toPx(t.x[i], t.y[i], m));
      if (t.n) out.push(...p.toPx(t.x[t.n - 1], t.y[t.n - 1], m));
    });
    if (app.start) out.push(...p.toPx(app.start[0], app.start[1], m));
    for (const mn of app.minima()) out.push(...p.toPx(mn[0], mn[1], m));
    return out;
  }

  legendEntries(p) {
    const app = this.app, out = [];
    app.state.runs.forEach((_, r) => {
      if (!p.shows(r)) return;
      const st = app.status[r]?.status;
      out.push({ colour: this.colour(r), label: app.runName(r) + (st && st !== 'running' && st !== 'paused' ? ` — ${st.replace('_', ' ')}` : '') });
    });
    return out;
  }

  figure() {
    const panels = [];
    let dx = 0;
    // An SVG is flat: the 3-D view (surface3d.mjs) gives a 2-D panel of the same scene, titled so.
    const flat = this.app.panels.map((p) => (p.is3d ? p.flatPanel() : p));
    for (const p of flat) { panels.push(this.describePanel(p, dx)); dx += p.w; }
    return {
      width: dx, height: Math.max(...flat.map((p) => p.h)), panels,
      title: 'Saddle: ' + (document.getElementById('caption')?.textContent || 'loss landscape'),
      description: this.app.summary ? this.app.summary() : '',
      background: getComputedStyle(this.app.panels[0].el).backgroundColor || '#fff',
    };
  }

  /** svg returns the figure as an SVG document. */
  svg() { return this.keep('svg', 'image/svg+xml', figureSVG(this.figure())); }

  /** png renders every panel at devicePixelRatio 2 into one offscreen canvas and returns its PNG blob. */
  async png(scale = 2) {
    const app = this.app, panels = app.panels;
    const W = panels.reduce((a, p) => a + p.w, 0), H = Math.max(...panels.map((p) => p.h));
    const out = document.createElement('canvas');
    out.width = Math.round(W * scale); out.height = Math.round(H * scale);
    const ctx = out.getContext('2d');
    ctx.fillStyle = getComputedStyle(panels[0].el).backgroundColor || '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    const hover = app.hoverK;
    app.hoverK = null; // the hover ring is a pointer's, not the figure's
    try {
      let dx = 0;
      for (const p of panels) {
        if (p.is3d) { // the 3-D view renders itself at the export scale, labels included
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.drawImage(p.exportCanvas(scale), Math.round(dx * scale), 0);
          ctx.setTransform(scale, 0, 0, scale, dx * scale, 0);
          drawLegend(ctx, legendLayout(this.legendEntries(p), p.plot, (s) => { ctx.font = '12px system-ui, sans-serif'; return ctx.measureText(s).width; }, 12, p.markedPx()));
          dx += p.w;
          continue;
        }
        // A shadow of the panel with its own canvases at the export scale:
        // the panel's own drawing code, none of its state disturbed.
        const off = Object.create(p);
        off.dpr = scale;
        off.canvas = document.createElement('canvas');
        off.heat = document.createElement('canvas');
        off.trails = document.createElement('canvas');
        for (const c of [off.canvas, off.heat, off.trails]) { c.width = Math.round(p.w * scale); c.height = Math.round(p.h * scale); }
        off.ctx = off.canvas.getContext('2d');
        off.heatDirty = off.trailsDirty = true;
        off.drawn = [];
        off.draw();
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.drawImage(off.canvas, Math.round(dx * scale), 0);
        ctx.setTransform(scale, 0, 0, scale, dx * scale, 0);
        drawLegend(ctx, legendLayout(this.legendEntries(p), p.plot, (s) => { ctx.font = '12px system-ui, sans-serif'; return ctx.measureText(s).width; }, 12, this.markedPoints(p)));
        const title = exportTitle(p.opts.title, this.plane());
        if (title) {
          ctx.font = '12px system-ui, sans-serif';
          ctx.textAlign = 'right'; ctx.textBaseline = 'alphabetic';
          ctx.lineWidth = 3; ctx.strokeStyle = '#fff'; ctx.fillStyle = '#1d1d24';
          ctx.strokeText(title, p.plot.x + p.plot.w - 6, p.plot.y + 16);
          ctx.fillText(title, p.plot.x + p.plot.w - 6, p.plot.y + 16);
        }
        dx += p.w;
      }
    } finally {
      app.hoverK = hover;
      app.dirty = true;
    }
    const blob = await new Promise((res) => out.toBlob(res, 'image/png'));
    this.keep('png', 'image/png', blob);
    return blob;
  }

  /** trajectories returns the set of every run's points; when frames were thinned it asks /api/run for the missing steps. */
  async trajectories() {
    const app = this.app, s = app.state;
    const meta = { objective: app.objectiveSpec(), start: s.start, seed: s.seed };
    const runs = s.runs.map((r, i) => {
      const t = app.tracks[i];
      const n = t ? t.n : 0;
      return {
        // Only an ended run has a status worth keeping; a live one is "at step k".
        ...r, status: ['converged', 'diverged', 'max_steps'].includes(app.status[i]?.status) ? app.status[i].status : '',
        points: {
          k: Array.from(t ? t.k.subarray(0, n) : []), x: Array.from(t ? t.x.subarray(0, n) : []), y: Array.from(t ? t.y.subarray(0, n) : []),
          loss: Array.from(t ? t.loss.subarray(0, n) : []), gn: Array.from(t ? t.gn.subarray(0, n) : []), clipped: Array.from(t ? t.clipped.subarray(0, n) : []),
        },
      };
    });
    const missing = runs.reduce((a, r) => a + gaps(r.points), 0);
    if (missing > 0) {
      const filled = await this.fill(meta, runs).catch(() => null);
      if (filled) return filled;
      meta.note = `the page received ${runs.reduce((a, r) => a + r.points.k.length, 0)} points; ${missing} steps the server thinned for the page are missing`;
    }
    return { meta, runs };
  }

  // fill re-runs the scene through /api/run (deterministic: the same
  // request gives the same points) and uses its answer if it agrees with
  // every point the page received; a run changed live would not.
  async fill(meta, runs) {
    const steps = Math.max(...runs.map((r) => r.points.k.at(-1) ?? 0));
    const res = await fetch(`${this.data.base || ''}/api/run`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ objective: meta.objective, start: meta.start, seed: meta.seed, steps, runs: this.app.runSpecs() }),
    });
    if (!res.ok) return null;
    const ans = await res.json();
    const out = runs.map((r, i) => {
      const pts = ans.runs[i].points.filter((q) => q.k <= (r.points.k.at(-1) ?? 0));
      const byK = new Map(pts.map((q) => [q.k, q]));
      for (let j = 0; j < r.points.k.length; j++) {
        const q = byK.get(r.points.k[j]);
        if (!q || q.xy[0] !== r.points.x[j] || q.xy[1] !== r.points.y[j] || q.loss !== r.points.loss[j]) throw new Error('the scene changed while it ran');
      }
      return {
        ...r, points: {
          k: pts.map((q) => q.k), x: pts.map((q) => q.xy[0]), y: pts.map((q) => q.xy[1]),
          loss: pts.map((q) => q.loss), gn: pts.map((q) => q.grad_norm), clipped: pts.map((q) => (q.clipped ? 1 : 0)),
        },
      };
    });
    return { meta, runs: out };
  }

  async csv() { return this.keep('csv', 'text/csv', trajectoriesCSV(await this.trajectories(), this.data.optimizers)); }

  async json() { return this.keep('json', 'application/json', trajectoriesJSON(await this.trajectories(), this.data.optimizers), 'trajectories'); }

  scene() { return this.keep('json', 'application/json', sceneJSON(this.app.state), 'scene'); }

  /** load applies a scene file's text to the page; a bad file throws a SceneError. */
  load(text) {
    const s = parseScene(text, { optimizers: this.data.optimizers?.map((o) => o.id), objectives: this.data.objectives?.map((o) => o.id) });
    const app = this.app;
    Object.assign(app.state, s);
    app.fillView(); // a 2-D objective without a start takes its own
    app.replayTo = s.k;
    app.syncControls();
    app.restart();
    return s;
  }

  keep(ext, type, data, kind = '') {
    const name = filename(this.app.state, ext).replace(/\.json$/, kind ? `-${kind}.json` : '.json');
    this.last = { name, type, data, size: typeof data === 'string' ? data.length : data.size };
    return data;
  }

  /** save downloads the last file made. */
  save() {
    if (!this.last) return;
    const { name, type, data } = this.last;
    download(name, data, type);
  }
}

/** drawLegend draws a legendLayout on a 2-D canvas context (CSS px transform set). */
export function drawLegend(ctx, L) {
  if (!L.rows.length) return;
  ctx.save();
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.roundRect ? ctx.roundRect(L.x, L.y, L.w, L.h, 4) : ctx.rect(L.x, L.y, L.w, L.h);
  ctx.fill();
  ctx.stroke();
  ctx.font = `${L.font}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const e of L.rows) {
    ctx.fillStyle = e.colour;
    ctx.strokeStyle = 'rgba(0,0,0,0.4)';
    ctx.beginPath();
    ctx.arc(e.sx + L.sw / 2, e.ty, L.sw / 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = '#1d1d24';
    ctx.fillText(e.label, e.tx, e.ty);
  }
  ctx.restore();
}

/**
 * installExportMenu wires the Export menu (#export-menu in the controls)
 * and the scene file input to app.
 */
export function installExportMenu(app, data) {
  const ex = new Exporter(app, data);
  app.exporter = ex;
  const menu = document.getElementById('export-menu');
  if (!menu) return ex;
  const status = document.getElementById('export-status');
  const say = (text, bad = false) => { if (status) { status.textContent = text; status.classList.toggle('bad', bad); } };
  const actions = {
    png: () => ex.png(), svg: () => ex.svg(), csv: () => ex.csv(), json: () => ex.json(), scene: () => ex.scene(),
  };
  for (const b of menu.querySelectorAll('button[data-export]')) {
    b.onclick = async () => {
      const what = b.dataset.export;
      try {
        await actions[what]();
        ex.save();
        say(`saved ${ex.last.name}`);
      } catch (e) {
        say(`could not export: ${e.message}`, true);
      }
    };
  }
  const file = document.getElementById('load-scene');
  if (file) {
    file.onchange = async () => {
      const f = file.files[0];
      if (!f) return;
      try {
        ex.load(await f.text());
        say(`loaded ${f.name}`);
      } catch (e) {
        say(`could not load ${f.name}: ${e.message}`, true);
      }
      file.value = '';
    };
  }
  return ex;
}
