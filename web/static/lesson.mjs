// A lesson (GET /lessons/{id}, /embed?lesson=id) as the page's state, and
// its script: cues that light up as the step counter passes them. The state
// mapping and the cue choice are pure functions (static.test.mjs).

import { lessonOverlays } from './overlaylist.mjs';
import { PLANES, MAPS, MAP_MEASURES } from './urlstate.mjs';

const FINAL = new Set(['converged', 'diverged', 'max_steps']);

/**
 * planeState sets state's plane (the URL's plane, pseed, prun, pk) to a
 * lesson's or variant's plane: lessons.go's zoo.PlaneSpec, in JSON a kind
 * ("pca") or {kind, seed, run, k}; none is the random plane with the
 * scene's seed. It returns state.
 */
export function planeState(state, plane) {
  const p = typeof plane === 'string' ? { kind: plane } : plane || {};
  const kind = PLANES.includes(p.kind) ? p.kind : 'random';
  state.plane = kind === 'random' ? '' : kind; // as the plane picker writes it
  state.planeSeed = Number.isInteger(p.seed) && p.seed >= 0 ? p.seed : null;
  const three = kind === 'three_points' && Number.isInteger(p.run);
  state.planeRun = three ? p.run : null;
  state.planeK = three && Number.isInteger(p.k) ? p.k : 0;
  return state;
}

/** viewOf turns a lesson's view {x: [lo, hi], y: [lo, hi]} into the state's [x0, x1, y0, y1]; null when empty. */
export function viewOf(v) {
  return v && v.x && v.y && v.x[1] > v.x[0] && v.y[1] > v.y[0] ? [v.x[0], v.x[1], v.y[0], v.y[1]] : null;
}

/**
 * lessonState sets state (as decodeState makes it) to the lesson's scene:
 * objective, start, runs, seed, plane, view, speed, panels and overlays.
 * It returns state.
 */
export function lessonState(state, lesson) {
  const sc = lesson.scene;
  state.scene = 'lesson:' + lesson.id; // the scene picker shows the lesson
  state.objective = structuredClone(sc.objective);
  state.start = sc.start ? [...sc.start] : null;
  state.runs = sc.runs.map((r) => ({
    optimizer: r.optimizer, hyper: { ...(r.hyper || {}) }, clip: { ...(r.clip || {}) },
    schedule: { ...(r.schedule || {}) }, label: r.label || '',
  }));
  state.seed = sc.seed ?? 0; // Go leaves a zero seed out
  planeState(state, sc.plane); // a projected lesson's plane (the PCA plane of real-network)
  state.view = viewOf(lesson.view); // in that plane's (α, β)
  const overlays = new Set(lesson.overlays || []);
  state.mode = overlays.has('surface_3d') ? '3d' : overlays.has('side_by_side') && state.runs.length > 1 ? 'side' : 'single';
  state.pair = [0, Math.min(1, state.runs.length - 1)];
  state.eigen = overlays.has('eigen');
  state.quad = overlays.has('quadratic_model');
  state.overlays = lessonOverlays(lesson);
  state.variant = -1;
  if (lesson.speed > 0) state.speed = lesson.speed;
  // The maps view the lesson opens (lessons.go's Map), of its run.
  const m = lesson.map;
  state.map = MAPS.includes(m?.kind) ? m.kind : '';
  if (state.map === 'hypermap' && MAP_MEASURES.includes(m.hyper?.measure)) state.mapMeasure = m.hyper.measure;
  state.sel = state.map && Number.isInteger(m.run) && m.run >= 0 && m.run < state.runs.length ? m.run : 0;
  state.k = 0;
  return state;
}

/** finished reports whether every run has ended (converged, diverged or out of steps). */
export function finished(statuses, nRuns) {
  if (!nRuns) return false;
  for (let r = 0; r < nRuns; r++) if (!FINAL.has(statuses[r]?.status)) return false;
  return true;
}

/**
 * cueAt returns the index of the cue to show at step k: the last one whose
 * step has been reached, or the last of all once every run has ended
 * (a run may converge before the script's final step). −1 before the first.
 */
export function cueAt(script, k, done) {
  if (!script || !script.length) return -1;
  if (done) return script.length - 1;
  let i = -1;
  for (let j = 0; j < script.length; j++) if (script[j].at <= k) i = j;
  return i;
}

/** Script drives the lesson bar's list of cues (li[data-at] under root). */
export class Script {
  constructor(root, script) {
    this.items = root ? [...root.querySelectorAll('li[data-at]')] : [];
    this.script = script || [];
    this.shown = -2;
  }

  /** update marks the cues passed at step k and the current one. */
  update(k, done) {
    const i = cueAt(this.script, k, done);
    if (i === this.shown) return;
    this.shown = i;
    this.items.forEach((li, j) => {
      li.classList.toggle('passed', j <= i);
      li.classList.toggle('current', j === i);
      if (j === i) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
  }
}
