// The lessons' overlays on the landscape: momentum's velocity, Nesterov's
// look-ahead point, the adaptive methods' per-coordinate rates, BFGS's
// inverse-Hessian estimate against the true one, line-search trial points,
// the basins several starts fall into, and the minimum continuation tracks
// across σ. Also the eigen-directions, quadratic model and clipped steps as
// shapes for the SVG export.
//
// Everything is first turned into shapes in CSS px (pure functions, tested
// in overlays.test.mjs); the canvas and the SVG export draw the same shapes.
// The page imports this module when something needs drawing (app.mjs's
// loadShapes): a lesson, an overlay switched on, a plane's marked points,
// an export. The toggles' list is in overlaylist.mjs.

import { eigSym2, quadModel } from './linalg.mjs';
import { trace } from './contour.mjs';
import { runColour } from './track.mjs';
import { fmt } from './ticks.mjs';

// ----- 2×2 geometry -----

/**
 * ellipseOf returns the ellipse xᵀM⁻¹x = 1 of a symmetric 2×2 matrix M
 * (row-major; the mean of the off-diagonal entries is used): its half-axes
 * √μᵢ along M's eigenvectors. spd is false when an eigenvalue is not
 * positive; then |μᵢ| is used so something can still be drawn.
 */
export function ellipseOf(M) {
  const b = (M[1] + M[2]) / 2;
  const { values, vectors } = eigSym2(M[0], b, M[3]);
  const spd = values[0] > 0 && values[1] > 0;
  return { axes: values.map((v) => Math.sqrt(Math.abs(v))), dirs: vectors, spd };
}

/**
 * curvatureEllipse returns the ellipse xᵀHx = 1 of a Hessian H (the unit
 * ellipse of the curvature, the same as ellipseOf(H⁻¹)): half-axes 1/√|λᵢ|.
 * An eigenvalue within 1e-12 of the largest is floored there, so a flat
 * direction gives a long but finite axis.
 */
export function curvatureEllipse(H) {
  const b = (H[1] + H[2]) / 2;
  const { values, vectors } = eigSym2(H[0], b, H[3]);
  const big = Math.max(Math.abs(values[0]), Math.abs(values[1]));
  if (!(big > 0) || !Number.isFinite(big)) return null;
  const axes = values.map((v) => 1 / Math.sqrt(Math.max(Math.abs(v), 1e-12 * big)));
  return { axes, dirs: vectors, spd: values[0] > 0 && values[1] > 0 };
}

/** ellipsePoints returns n points [x0, y0, x1, y1, ...] of centre + r·(a₁cos t·d₁ + a₂sin t·d₂). */
export function ellipsePoints(centre, E, r, n = 64) {
  const out = [];
  const [a1, a2] = E.axes, [d1, d2] = E.dirs;
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n, c = r * a1 * Math.cos(t), s = r * a2 * Math.sin(t);
    out.push(centre[0] + c * d1[0] + s * d2[0], centre[1] + c * d1[1] + s * d2[1]);
  }
  return out;
}

/** pxLength is the length in px of the θ-vector v under the panel's matrix m. */
export const pxLength = (m, v) => Math.hypot(m[0] * v[0] + m[2] * v[1], m[1] * v[0] + m[3] * v[1]);

/** longestAxisPx is the longest half-axis of E on screen (r = 1). */
export function longestAxisPx(m, E) {
  return Math.max(pxLength(m, E.dirs[0]) * E.axes[0], pxLength(m, E.dirs[1]) * E.axes[1]);
}

/**
 * commonRadius returns the r for which the largest of the ellipses' half-
 * axes is target px on screen, so ellipses drawn with one r compare
 * honestly. null when none has a finite positive size.
 */
export function commonRadius(m, ellipses, target) {
  let big = 0;
  for (const E of ellipses) if (E) big = Math.max(big, longestAxisPx(m, E));
  return big > 0 && Number.isFinite(big) ? target / big : null;
}

const toPx = (m, x, y) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
const mapPts = (m, pts) => {
  const out = new Array(pts.length);
  for (let i = 0; i + 1 < pts.length; i += 2) {
    out[i] = m[0] * pts[i] + m[2] * pts[i + 1] + m[4];
    out[i + 1] = m[1] * pts[i] + m[3] * pts[i + 1] + m[5];
  }
  return out;
};
const finite = (v) => Array.isArray(v) ? v.every(Number.isFinite) : Number.isFinite(v);

// ----- shapes -----
//
// A shape is one of
//   {t: 'arrow', a: [x, y], b: [x, y], stroke, width, dash?, alpha?, halo?}
//   {t: 'line', pts: [x0, y0, ...], stroke, width, dash?, alpha?, close?, halo?}
//   {t: 'segs', segs: [x0, y0, x1, y1, ...], stroke, width, dash?, alpha?, halo?}
//   {t: 'circle', c: [x, y], r, stroke?, fill?, width, dash?}
//   {t: 'text', at: [x, y], text, fill, size, halo?}
// in CSS px, with a class naming what it shows.

const HALO = 'rgba(0,0,0,0.75)';

/**
 * runShapes builds the overlays of one run at its last full point:
 * run = {r, xy, state, colour}; on = Set of overlay ids; truth = the
 * geometry message for the true Hessian at this run's point (or null);
 * m = the panel's matrix θ → px; plot = {x, y, w, h}.
 */
export function runShapes(run, on, m, plot, truth = null) {
  const out = [], st = run.state || {}, xy = run.xy, col = run.colour;
  if (!xy || !finite(xy)) return out;
  const at = toPx(m, xy[0], xy[1]);
  if (on.has('velocity') && st.velocity && finite(st.velocity)) {
    const v = st.velocity;
    out.push({ t: 'arrow', cls: 'velocity', a: at, b: toPx(m, xy[0] + v[0], xy[1] + v[1]), stroke: col, width: 2.4, halo: true });
  }
  const look = st.lookahead || st.ascent; // SAM's ascent point θ + ρg/‖g‖ is drawn as Nesterov's look-ahead is
  if (on.has('lookahead') && look && finite(look)) {
    // The look-ahead of the step just taken: where Nesterov's gradient
    // was evaluated. The dashed link to the point reached is −ε∇J there.
    const la = toPx(m, look[0], look[1]);
    out.push({ t: 'line', cls: 'lookahead-link', pts: [la[0], la[1], at[0], at[1]], stroke: col, width: 1.6, dash: [4, 3], halo: true });
    out.push({ t: 'circle', cls: 'lookahead', c: la, r: 5, stroke: col, width: 2.2, halo: true });
  }
  if (on.has('eff_lr') && st.eff_lr && st.eff_lr.length >= 2 && finite(st.eff_lr)) {
    out.push(...effLRShapes(at, st.eff_lr, col));
  }
  if (on.has('inv_hessian') && st.inv_hessian && st.inv_hessian.length === 4 && finite(st.inv_hessian)) {
    const E = ellipseOf(st.inv_hessian);
    const T = truth?.hessian ? curvatureEllipse(truth.hessian.flat()) : null;
    const r = commonRadius(m, [E, T], 0.2 * Math.min(plot.w, plot.h));
    if (r) {
      out.push({ t: 'line', cls: 'inv-hessian', pts: mapPts(m, ellipsePoints(xy, E, r)), close: true, stroke: col, width: 2.2, halo: true });
      if (T) out.push({ t: 'line', cls: 'true-inv-hessian', pts: mapPts(m, ellipsePoints(xy, T, r)), close: true, stroke: '#fff', width: 1.8, dash: [6, 4], halo: true });
    }
  }
  if (on.has('ls_points') && st.ls_points && st.ls_points.length >= 2 && finite(st.ls_points)) {
    out.push(lineSearchTicks(m, st.ls_points, st.direction, col));
  }
  return out;
}

/**
 * effLRShapes draws per-coordinate rates at px point at: an axis-aligned
 * ellipse whose half-axes are ∝ ε₁ (horizontal) and ε₂ (vertical), the
 * larger 26 px, and the two bars along the axes.
 */
export function effLRShapes(at, eff, colour, size = 26) {
  const big = Math.max(Math.abs(eff[0]), Math.abs(eff[1]));
  if (!(big > 0)) return [];
  const ax = Math.max(1.5, (size * Math.abs(eff[0])) / big), ay = Math.max(1.5, (size * Math.abs(eff[1])) / big);
  const pts = [];
  for (let i = 0; i < 48; i++) {
    const t = (2 * Math.PI * i) / 48;
    pts.push(at[0] + ax * Math.cos(t), at[1] + ay * Math.sin(t));
  }
  return [
    { t: 'line', cls: 'eff-lr', pts, close: true, stroke: colour, width: 1.8, halo: true },
    { t: 'segs', cls: 'eff-lr-bars', segs: [at[0] - ax, at[1], at[0] + ax, at[1], at[0], at[1] - ay, at[0], at[1] + ay], stroke: colour, width: 3, halo: true },
  ];
}

/**
 * lineSearchTicks marks the trial points (flattened θ pairs) with 8 px
 * ticks across the search direction (or crosses without one).
 */
export function lineSearchTicks(m, flat, direction, colour) {
  const segs = [];
  let ux = 0, uy = 0;
  if (direction && finite(direction)) {
    const dx = m[0] * direction[0] + m[2] * direction[1], dy = m[1] * direction[0] + m[3] * direction[1];
    const n = Math.hypot(dx, dy);
    if (n > 0) { ux = -dy / n; uy = dx / n; }
  }
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [px, py] = toPx(m, flat[i], flat[i + 1]);
    if (ux || uy) segs.push(px - 4 * ux, py - 4 * uy, px + 4 * ux, py + 4 * uy);
    else segs.push(px - 3, py - 3, px + 3, py + 3, px - 3, py + 3, px + 3, py - 3);
  }
  return { t: 'segs', cls: 'ls-points', segs, stroke: colour, width: 2, halo: true };
}

/**
 * basinShapes draws several starts' paths faintly, each ending in a dot
 * coloured by the minimum it reached (index into minima, by distance).
 * paths: [{xy: [x0, y0, ...] θ, start: [x, y]}].
 */
export function basinShapes(m, paths, minima) {
  const out = [];
  for (const p of paths) {
    const n = p.xy.length;
    if (n < 2) continue;
    const end = [p.xy[n - 2], p.xy[n - 1]];
    const which = nearestMinimum(end, minima);
    const col = which >= 0 ? BASIN_COLOURS[which % BASIN_COLOURS.length] : '#fff';
    out.push({ t: 'line', cls: 'basin-path', pts: mapPts(m, p.xy), stroke: col, width: 1.4, alpha: 0.85, dash: [2, 3], halo: true });
    out.push({ t: 'circle', cls: 'basin-start', c: toPx(m, p.start[0], p.start[1]), r: 3.5, stroke: col, width: 1.8 });
    out.push({ t: 'circle', cls: 'basin-end', c: toPx(m, end[0], end[1]), r: 4.5, fill: col, stroke: '#000', width: 1.2 });
  }
  return out;
}

// Colours of the minima the basins reach (distinct from the run colours' order).
const BASIN_COLOURS = ['#ffffff', '#ff80ab', '#80d8ff', '#ccff90', '#ffd180', '#b388ff'];

/** nearestMinimum returns the index of the minimum nearest xy, −1 with none. */
export function nearestMinimum(xy, minima) {
  let best = -1, bd = Infinity;
  (minima || []).forEach((mn, i) => {
    const d = Math.hypot(mn[0] - xy[0], mn[1] - xy[1]);
    if (d < bd) { bd = d; best = i; }
  });
  return best;
}

/**
 * stageShapes draws continuation's tracked minimum: the polyline through
 * the end of each σ stage (stages: [{sigma, xy}]) and on to the tracked
 * run's current point, each end labelled with its σ.
 */
export function stageShapes(m, stages, current) {
  if (!stages.length) return [];
  const pts = [];
  for (const s of stages) pts.push(...toPx(m, s.xy[0], s.xy[1]));
  if (current && finite(current)) pts.push(...toPx(m, current[0], current[1]));
  const out = [{ t: 'line', cls: 'stages', pts, stroke: '#fff', width: 2, dash: [6, 3], halo: true }];
  stages.forEach((s, i) => {
    const c = [pts[2 * i], pts[2 * i + 1]];
    out.push({ t: 'circle', cls: 'stage-end', c, r: 4, fill: '#fff', stroke: '#000', width: 1.2 });
    out.push({ t: 'text', cls: 'stage-label', at: [c[0] + 6, c[1] - 6], text: `σ = ${fmt(s.sigma, 3)}`, fill: '#fff', size: 11, halo: true });
  });
  return out;
}

/**
 * planeShapes marks a three-point plane's other two points (θ₀ has the
 * start's marker): the current point as a ring labelled with its step and
 * the solution as a diamond.
 */
export function planeShapes(m, plane) {
  if (plane?.kind !== 'three_points') return [];
  const out = [];
  if (finite(plane.current) && plane.current.length === 2) {
    const c = toPx(m, plane.current[0], plane.current[1]);
    out.push({ t: 'circle', cls: 'plane-current', c, r: 7, stroke: '#fff', width: 2, halo: true });
    out.push({ t: 'text', cls: 'plane-label', at: [c[0] + 9, c[1] - 9], text: plane.k ? `current (k = ${plane.k})` : 'current', fill: '#fff', size: 11, halo: true });
  }
  if (finite(plane.solution) && plane.solution.length === 2) {
    const [x, y] = toPx(m, plane.solution[0], plane.solution[1]), d = 6;
    out.push({ t: 'line', cls: 'plane-solution', pts: [x, y - d, x + d, y, x, y + d, x - d, y], close: true, fill: '#fff', stroke: '#000', width: 1.5 });
    out.push({ t: 'text', cls: 'plane-label', at: [x + 9, y - 9], text: 'solution', fill: '#fff', size: 11, halo: true });
  }
  return out;
}

/**
 * geometryShapes builds the eigen-direction arrows (lengths ∝ |λ|, cyan
 * for positive curvature, red for negative) and the quadratic model's
 * contours at geometry g, as the panel draws them, for the SVG export.
 */
export function geometryShapes(m, plot, g, { eigen = false, quad = false, view = null } = {}) {
  const out = [];
  if (!g || !g.xy) return out;
  const at = toPx(m, g.xy[0], g.xy[1]);
  if (quad && g.hessian && g.grad && view) {
    const model = g.model || quadContours(g, view);
    const { segs, r, n } = model;
    const gx = (i) => g.xy[0] - r + (2 * r * i) / (n - 1), gy = (j) => g.xy[1] - r + (2 * r * j) / (n - 1);
    const px = [];
    for (let s = 0; s + 3 < segs.length; s += 4) px.push(...toPx(m, gx(segs[s]), gy(segs[s + 1])), ...toPx(m, gx(segs[s + 2]), gy(segs[s + 3])));
    out.push({ t: 'segs', cls: 'quad-model', segs: px, stroke: 'rgba(255,64,129,0.9)', width: 1.2, dash: [3, 3] });
  }
  if (eigen && g.eigenvalues && g.eigenvectors) {
    const big = Math.max(Math.abs(g.eigenvalues[0]), Math.abs(g.eigenvalues[1]), 1e-300);
    const len = Math.min(plot.w, plot.h) * 0.18;
    for (let i = 0; i < 2; i++) {
      const lam = g.eigenvalues[i], v = g.eigenvectors[i];
      const q = toPx(m, g.xy[0] + v[0], g.xy[1] + v[1]);
      let dx = q[0] - at[0], dy = q[1] - at[1];
      const nn = Math.hypot(dx, dy) || 1, L = len * Math.max(Math.abs(lam) / big, 0.08);
      dx = (dx / nn) * L; dy = (dy / nn) * L;
      const col = lam >= 0 ? '#4dd0e1' : '#ff5252';
      out.push({ t: 'arrow', cls: 'eigen', a: at, b: [at[0] + dx, at[1] + dy], stroke: col, width: 2.5 });
      out.push({ t: 'arrow', cls: 'eigen', a: at, b: [at[0] - dx, at[1] - dy], stroke: col, width: 2.5 });
      out.push({ t: 'text', cls: 'eigen-label', at: [at[0] + dx + 4, at[1] + dy], text: `λ${i ? '₂' : '₁'} = ${fmt(lam, 3)}`, fill: col, size: 12 });
    }
  }
  return out;
}

/** quadContours traces six contours of the quadratic model at g over a square of side 0.4·view. */
export function quadContours(g, view) {
  const [x0, x1, y0, y1] = view;
  const r = Math.max(x1 - x0, y1 - y0) * 0.2, n = 48;
  const f = quadModel(g.xy, g.loss, g.grad, g.hessian);
  const vals = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals[j * n + i] = f(g.xy[0] - r + (2 * r * i) / (n - 1), g.xy[1] - r + (2 * r * j) / (n - 1));
  let lo = Infinity, hi = -Infinity;
  for (const v of vals) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const segs = [];
  for (let l = 1; l <= 6; l++) trace(vals, n, n, lo + ((hi - lo) * l * l) / 49, segs);
  return { segs, r, n };
}

/**
 * clipShapes: for a clipped step (p: a full frame point), the raw step
 * −ε·g_raw faint and dashed, the step taken solid, from the point before.
 */
export function clipShapes(m, p, colour) {
  if (!p || !p.clipped || !p.update || !p.raw_grad || !(p.lr > 0)) return [];
  const prev = [p.xy[0] - p.update[0], p.xy[1] - p.update[1]];
  const a = toPx(m, prev[0], prev[1]);
  return [
    { t: 'arrow', cls: 'clip-raw', a, b: toPx(m, prev[0] - p.lr * p.raw_grad[0], prev[1] - p.lr * p.raw_grad[1]), stroke: colour, width: 1.5, alpha: 0.45, dash: [5, 4] },
    { t: 'arrow', cls: 'clip-step', a, b: toPx(m, p.xy[0], p.xy[1]), stroke: colour, width: 2.5 },
  ];
}

// ----- drawing -----

/** arrowHead returns the triangle [x0, y0, x1, y1, x2, y2] at b of the arrow a → b, or null when shorter than 1 px. */
export function arrowHead(a, b, size = 10) {
  const dx = b[0] - a[0], dy = b[1] - a[1], n = Math.hypot(dx, dy);
  if (!(n > 1) || !Number.isFinite(n)) return null;
  const h = Math.min(size, n / 2), ux = dx / n, uy = dy / n;
  return [b[0], b[1], b[0] - h * ux + h * 0.5 * uy, b[1] - h * uy - h * 0.5 * ux, b[0] - h * ux - h * 0.5 * uy, b[1] - h * uy + h * 0.5 * ux];
}

/** drawShapes draws shapes on a canvas context in CSS px; k scales line widths (presentation mode). */
export function drawShapes(ctx, shapes, k = 1) {
  for (const s of shapes) {
    ctx.save();
    ctx.globalAlpha = s.alpha ?? 1;
    ctx.setLineDash(s.dash || []);
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    const path = () => {
      ctx.beginPath();
      if (s.t === 'arrow') { ctx.moveTo(s.a[0], s.a[1]); ctx.lineTo(s.b[0], s.b[1]); }
      else if (s.t === 'line') {
        for (let i = 0; i + 1 < s.pts.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, s.pts[i], s.pts[i + 1]);
        if (s.close) ctx.closePath();
      } else if (s.t === 'segs') {
        for (let i = 0; i + 3 < s.segs.length; i += 4) { ctx.moveTo(s.segs[i], s.segs[i + 1]); ctx.lineTo(s.segs[i + 2], s.segs[i + 3]); }
      } else if (s.t === 'circle') ctx.arc(s.c[0], s.c[1], s.r * (1 + k) / 2, 0, 2 * Math.PI);
    };
    if (s.t === 'text') {
      ctx.font = `bold ${Math.round(s.size * k)}px system-ui, sans-serif`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      if (s.halo) { ctx.lineWidth = 3; ctx.strokeStyle = HALO; ctx.strokeText(s.text, s.at[0], s.at[1]); }
      ctx.fillStyle = s.fill;
      ctx.fillText(s.text, s.at[0], s.at[1]);
      ctx.restore();
      continue;
    }
    path();
    if (s.fill) { ctx.fillStyle = s.fill; ctx.fill(); }
    if (s.halo && s.stroke) { ctx.strokeStyle = HALO; ctx.lineWidth = (s.width + 2) * k; ctx.stroke(); }
    if (s.stroke) { ctx.strokeStyle = s.stroke; ctx.lineWidth = s.width * k; ctx.stroke(); }
    if (s.t === 'arrow') {
      const h = arrowHead(s.a, s.b, 10 * k);
      if (h) {
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(h[0], h[1]); ctx.lineTo(h[2], h[3]); ctx.lineTo(h[4], h[5]); ctx.closePath();
        if (s.halo) { ctx.strokeStyle = HALO; ctx.lineWidth = 2; ctx.stroke(); }
        ctx.fillStyle = s.stroke;
        ctx.fill();
      }
    }
    ctx.restore();
  }
}

const r2 = (v) => Math.round(v * 100) / 100;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** shapesSVG writes shapes as SVG elements (one string, one element per line). */
export function shapesSVG(shapes) {
  const out = [];
  for (const s of shapes) {
    if ([s.a, s.b, s.c, s.at].some((v) => v && !finite(v))) continue;
    const cls = s.cls ? ` class="${esc(s.cls)}"` : '';
    const stroke = (col, w) => `stroke="${esc(col)}" stroke-width="${r2(w)}"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}${s.alpha != null ? ` opacity="${s.alpha}"` : ''} stroke-linecap="round" stroke-linejoin="round"`;
    const both = (d, fill = 'none') => {
      const halo = s.halo && s.stroke ? `<path d="${d}" fill="none" ${stroke(HALO, s.width + 2)}/>` : '';
      return `${halo}<path${cls} d="${d}" fill="${fill}" ${s.stroke ? stroke(s.stroke, s.width) : 'stroke="none"'}/>`;
    };
    if (s.t === 'arrow') {
      const h = arrowHead(s.a, s.b);
      if (!h) continue;
      out.push(`<g${cls}>${both(`M${r2(s.a[0])} ${r2(s.a[1])}L${r2(s.b[0])} ${r2(s.b[1])}`)}<polygon points="${h.map(r2).join(' ')}" fill="${esc(s.stroke)}"${s.alpha != null ? ` opacity="${s.alpha}"` : ''}/></g>`);
    } else if (s.t === 'line') {
      let d = '';
      for (let i = 0; i + 1 < s.pts.length; i += 2) {
        if (!Number.isFinite(s.pts[i]) || !Number.isFinite(s.pts[i + 1])) continue;
        d += (d ? 'L' : 'M') + r2(s.pts[i]) + ' ' + r2(s.pts[i + 1]);
      }
      if (d) out.push(both(d + (s.close ? 'Z' : ''), s.fill || 'none'));
    } else if (s.t === 'segs') {
      let d = '';
      for (let i = 0; i + 3 < s.segs.length; i += 4) {
        const v = s.segs.slice(i, i + 4);
        if (v.every(Number.isFinite)) d += `M${r2(v[0])} ${r2(v[1])}L${r2(v[2])} ${r2(v[3])}`;
      }
      if (d) out.push(both(d));
    } else if (s.t === 'circle') {
      out.push(`<circle${cls} cx="${r2(s.c[0])}" cy="${r2(s.c[1])}" r="${r2(s.r)}" fill="${esc(s.fill || 'none')}" ${s.stroke ? stroke(s.stroke, s.width) : ''}/>`);
    } else if (s.t === 'text') {
      out.push(`<text${cls} x="${r2(s.at[0])}" y="${r2(s.at[1])}" dy="0.35em" font-size="${s.size}" font-weight="bold" fill="${esc(s.fill)}"${s.halo ? ` stroke="${HALO}" stroke-width="3" paint-order="stroke"` : ''}>${esc(s.text)}</text>`);
    }
  }
  return out.join('\n');
}

// ----- the panel's shapes -----

/**
 * panelShapes gathers the overlays panel p draws now (the app's state,
 * its runs' last full points, the geometry, the basins, the stages).
 * layer 'under' is what goes beneath the runs' current points (basins,
 * stages), 'over' what goes above them (each run's own overlays, which sit
 * at its point); anything else is both.
 */
export function panelShapes(p, m = p.matrix(), layer = '') {
  const app = p.app, on = new Set(app.state.overlays || []), out = [];
  if (layer === 'over') return out.concat(runOverlays(p, m, on));
  if (on.has('basins') && app.basins?.paths?.length && !p.T) out.push(...basinShapes(m, app.basins.paths, app.minima()));
  if (!p.T) out.push(...planeShapes(m, app.model?.plane));
  if (app.stages?.length) {
    const t = app.tracks[0];
    out.push(...stageShapes(m, app.stages, t && t.n ? [t.x[t.n - 1], t.y[t.n - 1]] : null));
  }
  if (layer === 'under') return out;
  return out.concat(runOverlays(p, m, on));
}

function runOverlays(p, m, on) {
  const app = p.app, out = [];
  if (!on.size) return out;
  for (let r = 0; r < app.tracks.length; r++) {
    if (!p.shows(r)) continue;
    const f = app.full[r];
    if (!f || !f.state) continue;
    // The true Hessian belongs to the selected run's point.
    const truth = r === app.state.sel && app.geometry && app.geometry !== app.startGeometry ? app.geometry : null;
    out.push(...runShapes({ r, xy: f.xy, state: f.state, colour: runColour(r) }, on, m, p.plot, truth));
  }
  return out;
}

/** exportShapes adds, for the SVG, what the panel draws itself: eigen arrows, the quadratic model and clipped steps. */
export function exportShapes(p) {
  const app = p.app, m = p.matrix(), st = app.state, out = [];
  if (app.geometry && !p.T) out.push(...geometryShapes(m, p.plot, app.geometry, { eigen: st.eigen, quad: st.quad, view: st.view }));
  for (let r = 0; r < app.tracks.length; r++) if (p.shows(r)) out.push(...clipShapes(m, app.full[r], runColour(r)));
  out.push(...panelShapes(p, m));
  return out;
}
