// The page's state in its URL query, so a copied link restores the scene
// and replays it to the same step. Pure functions (urlstate.test.mjs).
//
//   obj=quadratic&p=a:1,b:25,angle:30   or   expr=0.5*(x^2+25*y^2)
//   start=-2.5,1.5
//   run=gd|lr=0.07   run=sgd|lr=0.05|clip.norm=1|sched.kind=step|sched.every=100|label=SGD
//   seed=1  view=x0,x1,y0,y1  k=120  mode=single|side|phi|3d  pair=0,1  sel=0
//   cam=yaw,pitch,zoom (3-D camera)
//   speed=60  eigen=1  quad=1  log=0  scene=cliffs  grid=256
//   ov=velocity,lookahead (overlays)  blur=0.6 (continuation's σ)  variant=0 (a lesson's)
//   a projected model: obj=mlp&p=width:16,depth:2&o=data:moons,init:orthogonal
//   plane=pca  pseed=3  slog=1 (the spectrum's density on a log scale)
//   decay=1 (the eigen-component decay panel, decay.mjs)
//   plane=three_points  prun=0  pk=120 (the plane through θ₀, run 0's step 120 and the solution)
//   cscale=auto|log|lin (the heat map's colour scale; auto, the default, takes log when the
//     range spans ≥ 3 decades above the grid's lowest 1%; another value means auto)
//
// The page's own parameters (PAGE_PARAMS, kept as they are): lesson=id, and
// /embed's, which the server checks strictly (400 naming the parameter):
//   controls=play|sliders|none   or a list of chosen controls only:
//   controls=play,speed,run1.lr,p.b   (play: play/step/reset and the step counter;
//     speed: its slider; runN.<hyperparameter>: run N's slider, N from 0 as in
//     pair=; p.<parameter>: the objective's slider)
//   autoplay=1  theme=light|dark  caption=1 (the lesson's or ready scene's caption)
//   cues=1 (the lesson's current cue)

export const DEFAULTS = Object.freeze({
  scene: '', objective: { id: 'quadratic' }, start: null, runs: [], seed: 1, view: null,
  k: 0, mode: 'single', pair: [0, 1], sel: 0, speed: 60, eigen: false, quad: false, logLoss: true, grid: 0,
  overlays: [], variant: -1,
  plane: '', planeSeed: null, planeRun: null, planeK: 0, specLog: false,
  cscale: 'auto', cam: null, map: '', mapMeasure: 'rate', sharp: 0, decay: false, honest: 0,
});

/** MAPS are the maps view's kinds (maps.mjs), MAP_MEASURES a hyperparameter map's measures (internal/maps). */
export const MAPS = ['hypermap', 'basins'];
export const MAP_MEASURES = ['rate', 'loss', 'steps'];

/** CSCALES are the heat map's colour scales (colormap.mjs valueScale). */
export const CSCALES = ['auto', 'log', 'lin'];

const num = (s) => {
  if (s === null || s === undefined || s.trim() === '') return NaN;
  return Number(s);
};

function nums(s, n) {
  if (s == null) return null;
  const parts = s.split(',').map(num);
  if (parts.length !== n || parts.some((v) => !Number.isFinite(v))) return null;
  return parts;
}

// Numbers print with the shortest text that parses back to the same double.
const str = (v) => String(v);

/** encodeState returns the query string (without "?") for state. */
export function encodeState(s) {
  const q = new URLSearchParams();
  if (s.scene) q.set('scene', s.scene);
  if (s.objective.expr !== undefined && s.objective.expr !== '') {
    q.set('expr', s.objective.expr);
  } else {
    q.set('obj', s.objective.id);
    const ps = Object.keys(s.objective.params || {}).sort();
    if (ps.length) q.set('p', ps.map((k) => `${k}:${str(s.objective.params[k])}`).join(','));
    if (s.objective.blur > 0) q.set('blur', str(s.objective.blur));
    const os = Object.keys(s.objective.options || {}).sort();
    if (os.length) q.set('o', os.map((k) => `${k}:${s.objective.options[k]}`).join(','));
  }
  if (s.start) q.set('start', s.start.map(str).join(','));
  for (const r of s.runs) q.append('run', encodeRun(r));
  if (s.seed !== DEFAULTS.seed) q.set('seed', str(s.seed));
  if (s.view) q.set('view', s.view.map(str).join(','));
  if (s.k) q.set('k', str(s.k));
  if (s.mode !== DEFAULTS.mode) q.set('mode', s.mode);
  if (s.mode !== 'single') q.set('pair', s.pair.join(','));
  if (s.sel) q.set('sel', str(s.sel));
  if (s.speed !== DEFAULTS.speed) q.set('speed', str(s.speed));
  if (s.eigen) q.set('eigen', '1');
  if (s.quad) q.set('quad', '1');
  if (!s.logLoss) q.set('log', '0');
  if (s.grid) q.set('grid', str(s.grid));
  if (s.overlays?.length) q.set('ov', s.overlays.join(','));
  if (s.variant >= 0) q.set('variant', str(s.variant));
  if (s.plane) q.set('plane', s.plane);
  if (s.planeSeed != null) q.set('pseed', str(s.planeSeed));
  if (s.plane === 'three_points' && s.planeRun != null) {
    q.set('prun', str(s.planeRun));
    if (s.planeK) q.set('pk', str(s.planeK));
  }
  if (s.specLog) q.set('slog', '1');
  if (s.sharp > 0) q.set('sharp', str(s.sharp));
  if (s.decay) q.set('decay', '1');
  if (s.honest) q.set('honest', '1');
  if (s.cscale && s.cscale !== 'auto' && CSCALES.includes(s.cscale)) q.set('cscale', s.cscale);
  if (s.cam) q.set('cam', s.cam.map(str).join(','));
  if (MAPS.includes(s.map)) q.set('map', s.map);
  if (s.map === 'hypermap' && s.mapMeasure !== 'rate' && MAP_MEASURES.includes(s.mapMeasure)) q.set('mmeas', s.mapMeasure);
  // Separators need no escaping in a query value; leaving them readable
  // makes a copied link legible.
  return q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%7C/g, '|').replace(/%3D/g, '=');
}

// esc escapes only what would break a run's text ('%' and the separators
// '|' and '='): the query string escapes the rest once, so a label's space
// is "+" in the URL and not "%2520".
const esc = (v) => String(v).replace(/[%|=]/g, (c) => encodeURIComponent(c));

// unesc undoes esc (and a whole encodeURIComponent, as older links have);
// a stray '%' is kept as it is.
const unesc = (v) => {
  try { return decodeURIComponent(v); } catch { return v; }
};

/** encodeRun writes one run as "optimizer|name=value|...". */
export function encodeRun(r) {
  const parts = [esc(r.optimizer)];
  for (const k of Object.keys(r.hyper || {}).sort()) {
    parts.push(`${esc(k)}=${esc(str(r.hyper[k]))}`);
  }
  const clip = r.clip || {};
  if (clip.norm > 0) parts.push(`clip.norm=${str(clip.norm)}`);
  if (clip.value > 0) parts.push(`clip.value=${str(clip.value)}`);
  const sch = r.schedule || {};
  if (sch.kind && sch.kind !== 'constant') {
    for (const k of Object.keys(sch).sort()) {
      parts.push(`sched.${esc(k)}=${esc(str(sch[k]))}`);
    }
  }
  if (r.label) parts.push(`label=${esc(r.label)}`);
  return parts.join('|');
}

/** decodeRun parses encodeRun's text; null when it has no optimizer. */
export function decodeRun(text) {
  const parts = text.split('|');
  const optimizer = unesc(parts[0] || '');
  if (!optimizer) return null;
  const r = { optimizer, hyper: {}, clip: {}, schedule: {}, label: '' };
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = unesc(p.slice(0, eq)), raw = unesc(p.slice(eq + 1));
    const v = num(raw);
    if (key === 'label') r.label = raw;
    else if (key === 'clip.norm' || key === 'clip.value') {
      if (v > 0) r.clip = { [key.slice(5)]: v };
    } else if (key.startsWith('sched.')) {
      r.schedule[key.slice(6)] = key === 'sched.kind' ? raw : (Number.isFinite(v) ? v : raw);
    } else {
      r.hyper[key] = Number.isFinite(v) ? v : raw;
    }
  }
  return r;
}

/** decodeState parses a query string ("?..." or "...") onto the defaults. */
export function decodeState(search) {
  const q = new URLSearchParams(search);
  const s = structuredClone({ ...DEFAULTS, objective: { ...DEFAULTS.objective } });
  s.scene = q.get('scene') || '';
  if (q.has('expr')) s.objective = { expr: q.get('expr') };
  else if (q.has('obj')) {
    s.objective = { id: q.get('obj') };
    const p = q.get('p');
    if (p) {
      const params = {};
      for (const kv of p.split(',')) {
        const i = kv.indexOf(':');
        const v = num(kv.slice(i + 1));
        if (i > 0 && Number.isFinite(v)) params[kv.slice(0, i)] = v;
      }
      if (Object.keys(params).length) s.objective.params = params;
    }
    const o = q.get('o');
    if (o) {
      // Option values are words (spirals, relu): anything else is dropped.
      const options = {};
      for (const kv of o.split(',')) {
        const i = kv.indexOf(':'), v = kv.slice(i + 1);
        if (i > 0 && /^[A-Za-z0-9_.-]+$/.test(v)) options[kv.slice(0, i)] = v;
      }
      if (Object.keys(options).length) s.objective.options = options;
    }
  }
  const blur = num(q.get('blur'));
  if (s.objective.id && blur > 0 && blur <= 2) s.objective.blur = blur;
  s.start = nums(q.get('start'), 2);
  s.runs = q.getAll('run').map(decodeRun).filter(Boolean);
  const int = (name, lo, hi, def) => {
    const v = num(q.get(name));
    return Number.isInteger(v) && v >= lo && v <= hi ? v : def;
  };
  s.seed = int('seed', 0, Number.MAX_SAFE_INTEGER, DEFAULTS.seed);
  const view = nums(q.get('view'), 4);
  s.view = view && view[1] > view[0] && view[3] > view[2] ? view : null;
  s.k = int('k', 0, 100000, 0);
  const mode = q.get('mode');
  s.mode = mode === 'side' || mode === 'phi' || mode === '3d' ? mode : 'single';
  const pair = nums(q.get('pair'), 2);
  s.pair = pair && pair.every((v) => Number.isInteger(v) && v >= 0) ? pair : [0, 1];
  s.sel = int('sel', 0, 64, 0);
  const speed = num(q.get('speed'));
  s.speed = speed >= 1 && speed <= 10000 ? speed : DEFAULTS.speed;
  s.eigen = q.get('eigen') === '1';
  s.quad = q.get('quad') === '1';
  s.logLoss = q.get('log') !== '0';
  s.grid = int('grid', 0, 1024, 0);
  const ov = q.get('ov');
  s.overlays = ov ? [...new Set(ov.split(',').filter((o) => /^[a-z_]+$/.test(o)))] : [];
  s.variant = int('variant', 0, 64, -1);
  const plane = q.get('plane');
  s.plane = PLANES.includes(plane) ? plane : '';
  s.planeSeed = q.has('pseed') ? int('pseed', 0, Number.MAX_SAFE_INTEGER, null) : null;
  const three = s.plane === 'three_points' && q.has('prun');
  s.planeRun = three ? int('prun', 0, 64, null) : null;
  s.planeK = s.planeRun != null ? int('pk', 0, 100000, 0) : 0;
  s.specLog = q.get('slog') === '1';
  s.sharp = int('sharp', 1, 1000, 0); // the sharpness panel, measured every sharp steps
  s.decay = q.get('decay') === '1'; // the eigen-component decay panel (decay.mjs)
  s.honest = q.get('honest') === '1' ? 1 : 0; // the honest-saddle view (honest.mjs)
  s.cscale = CSCALES.includes(q.get('cscale')) ? q.get('cscale') : 'auto';
  const cam = nums(q.get('cam'), 3);
  s.cam = cam && cam[2] > 0 ? cam : null;
  s.map = MAPS.includes(q.get('map')) ? q.get('map') : '';
  s.mapMeasure = MAP_MEASURES.includes(q.get('mmeas')) ? q.get('mmeas') : 'rate';
  return s;
}

/** PLANES are the planes of a projected objective (zoo.PlaneKinds). */
export const PLANES = ['random', 'pca', 'hessian', 'three_points'];

// Query parameters that belong to the page rather than to the scene (the
// lesson it came from, an embed's options): saveURL keeps them as they are.
export const PAGE_PARAMS = ['lesson', 'controls', 'autoplay', 'theme', 'caption', 'cues', 'room'];

/** withPageParams appends search's PAGE_PARAMS to query (encodeState's output). */
export function withPageParams(query, search) {
  const from = new URLSearchParams(search), keep = new URLSearchParams();
  for (const k of PAGE_PARAMS) if (from.has(k)) keep.set(k, from.get(k));
  const extra = keep.toString();
  return extra ? (query ? `${query}&${extra}` : extra) : query;
}
