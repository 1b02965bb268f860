// The lesson tools (lessontools.mjs) a lesson page or a drawn overlay
// needs: the variant picker for lessons with variants, the σ slider of the
// continuation lesson (each move restarts from the tracked point on the
// objective blurred at the new σ, and the ends of the stages are kept as
// the tracked minimum's path), the basins' extra starts, the lesson in the
// scene picker, and the legend lines saying what each overlay shows. It
// brings the overlays' drawing (overlays.mjs) to the panels. The pure parts
// are exported for overlays.test.mjs.

import { lessonState, planeState, viewOf } from './lesson.mjs';
import { fmt } from './ticks.mjs';

const $ = (id) => document.getElementById(id);

/**
 * variantState sets state's objective, start, runs, plane and view to
 * variant i of the lesson (−1: the lesson's own scene); fields a variant
 * leaves out keep the lesson's own, as lessons.Lesson.Request and ViewOf
 * do. It returns state.
 */
export function variantState(state, lesson, i) {
  const v = i >= 0 ? lesson.variants?.[i] : null;
  const sc = lesson.scene;
  state.objective = structuredClone(v?.objective || sc.objective);
  const start = v?.start || sc.start;
  state.start = start ? [...start] : null;
  state.runs = (v?.runs || sc.runs).map((r) => ({
    optimizer: r.optimizer, hyper: { ...(r.hyper || {}) }, clip: { ...(r.clip || {}) },
    schedule: { ...(r.schedule || {}) }, label: r.label || '',
  }));
  planeState(state, v?.plane || sc.plane);
  const view = viewOf(v?.view || lesson.view);
  if (view) state.view = view; // another plane has other coordinates
  state.variant = v ? i : -1;
  state.k = 0;
  state.sel = 0;
  if (state.mode === 'side') state.pair = [0, Math.min(1, state.runs.length - 1)];
  return state;
}

/**
 * sigmaStops returns the σ values the slider steps through: the lesson's
 * sigmas (largest first), or 0..2 in steps of 0.05.
 */
export function sigmaStops(lesson) {
  const s = lesson?.sigmas;
  if (s && s.length > 1) return [...s].sort((a, b) => b - a);
  const out = [];
  for (let i = 40; i >= 0; i--) out.push(+(i * 0.05).toFixed(2));
  return out;
}

/** nearestStop returns the index of the stop nearest sigma. */
export function nearestStop(stops, sigma) {
  let best = 0;
  stops.forEach((s, i) => { if (Math.abs(s - sigma) < Math.abs(stops[best] - sigma)) best = i; });
  return best;
}

/**
 * basinStarts returns the starts of the basins overlay: the lesson's own
 * start and its variants' when the page shows the lesson's objective,
 * else a 3×3 grid inside the view.
 */
export function basinStarts(lesson, objective, start, view) {
  const same = lesson && JSON.stringify(lesson.scene.objective) === JSON.stringify(objective);
  const starts = [];
  const add = (s) => { if (s && !starts.some((q) => q[0] === s[0] && q[1] === s[1])) starts.push([...s]); };
  if (same) {
    add(lesson.scene.start);
    for (const v of lesson.variants || []) if (!v.objective) add(v.start);
  }
  if (starts.length > 1) return starts;
  const [x0, x1, y0, y1] = view;
  for (const fy of [0.2, 0.5, 0.8]) for (const fx of [0.2, 0.5, 0.8]) add([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)]);
  if (start) add(start);
  return starts;
}

/**
 * installLessonExtras adds them to the tools lessontools.mjs built
 * ({bar, boxes, legend}) and returns {refresh, syncBoxes, basins}.
 */
export function installLessonExtras(app, data, { bar, boxes, legend }) {
  const lesson = data.lesson || null;
  const s = app.state;
  let keepStages = false;
  app.onRestart = () => { if (!keepStages) app.stages = []; keepStages = false; };
  app.loadShapes();

  // Variants.
  if (lesson?.variants?.length) {
    const l = document.createElement('label');
    l.className = 'variant-pick';
    const sel = document.createElement('select');
    sel.dataset.testid = 'variant-picker';
    sel.setAttribute('aria-label', 'variant of the lesson');
    sel.append(new Option(lesson.title + ' (as it opens)', '-1'));
    lesson.variants.forEach((v, i) => sel.append(new Option(v.label, String(i))));
    sel.value = String(s.variant ?? -1);
    sel.onchange = () => {
      variantState(s, lesson, +sel.value);
      s.scene = 'lesson:' + lesson.id;
      syncSigma(); // a variant may have its own σ (continuation's "no blur")
      app.syncControls();
      app.restart();
    };
    l.append('variant ', sel);
    bar.append(l);
  }

  // The continuation's σ.
  let syncSigma = () => {};
  if (lesson?.sigmas?.length || s.objective.blur > 0) {
    const stops = sigmaStops(lesson);
    const l = document.createElement('label');
    l.className = 'sigma-pick';
    l.title = 'blur σ of J_σ(θ) = E[J(θ + σε)] (8.7.5): each move restarts from the tracked run’s point';
    const range = document.createElement('input');
    range.type = 'range';
    range.min = '0';
    range.max = String(stops.length - 1);
    range.step = '1';
    range.value = String(nearestStop(stops, s.objective.blur || 0));
    range.dataset.testid = 'sigma';
    range.setAttribute('aria-label', 'blur σ, largest on the left');
    const out = document.createElement('output');
    out.dataset.testid = 'sigma-out';
    const show = () => { out.textContent = `σ = ${fmt(stops[+range.value], 3)}`; range.setAttribute('aria-valuetext', out.textContent); };
    show();
    let timer;
    range.oninput = () => {
      show();
      clearTimeout(timer);
      timer = setTimeout(() => setSigma(stops[+range.value]), 250);
    };
    l.append('σ ', range, out);
    bar.append(l);
    syncSigma = () => { range.value = String(nearestStop(stops, s.objective.blur || 0)); show(); };
  }
  app.setSigma = setSigma; // for the tests and the curious

  function setSigma(sigma) {
    const cur = s.objective.blur || 0;
    if (sigma === cur || s.objective.expr !== undefined) return;
    // The tracked run (the first) ends this stage where it stands.
    const t = app.tracks[0];
    const here = t && t.n ? [t.x[t.n - 1], t.y[t.n - 1]] : s.start;
    if (here && here.every(Number.isFinite)) {
      app.stages.push({ sigma: cur, xy: [...here] });
      s.start = [...here];
    }
    if (sigma > 0) s.objective.blur = sigma; else delete s.objective.blur;
    s.k = 0;
    keepStages = true;
    syncSigma();
    app.restart();
  }

  // The lesson in the scene picker, instead of "custom".
  const picker = $('scene');
  if (lesson && picker) {
    const value = 'lesson:' + lesson.id;
    picker.append(new Option('lesson: ' + lesson.title, value));
    picker.value = s.scene || '';
    picker.onchange = (e) => {
      const v = e.target.value;
      if (v === value) {
        lessonState(s, lesson);
        app.syncControls();
        app.restart();
        syncBoxes();
      } else if (v) app.applyScene(v);
    };
  }

  function syncBoxes() {
    for (const [id, cb] of boxes) cb.checked = s.overlays.includes(id);
    const vp = bar.querySelector('[data-testid=variant-picker]');
    if (vp) vp.value = String(s.variant ?? -1);
    app.dirty = true;
  }

  // Basins: several starts, run once per scene by POST /api/run.
  let basinKey = '', basinBusy = false;
  async function basins() {
    if (!s.overlays.includes('basins') || basinBusy || !s.runs.length || !s.view) return;
    const run = app.runSpecs()[0];
    const starts = basinStarts(lesson, s.objective, s.start, s.view);
    const objective = app.objectiveSpec();
    const steps = Math.min(lesson?.steps || 300, 2000);
    const key = JSON.stringify([objective, run, starts, steps, s.seed]);
    if (key === basinKey) return;
    basinBusy = true;
    try {
      const paths = [];
      for (const st of starts) {
        const res = await fetch(`${data.base}/api/run`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ objective, start: st, steps, seed: s.seed, runs: [run] }),
        });
        if (!res.ok) throw new Error(`basins: ${res.status} ${await res.text()}`);
        const ans = await res.json();
        const pts = ans.runs[0].points, xy = [];
        const stride = Math.max(1, Math.floor(pts.length / 400));
        for (let i = 0; i < pts.length; i += stride) xy.push(pts[i].xy[0], pts[i].xy[1]);
        const last = pts[pts.length - 1].xy;
        xy.push(last[0], last[1]);
        paths.push({ start: st, xy, status: ans.runs[0].status });
      }
      app.basins = { key, paths };
      basinKey = key;
      app.dirty = true;
    } catch (err) {
      app.basins = null;
      basinKey = key; // no retry loop on a refusal
      legend.dataset.error = String(err.message || err);
    } finally {
      basinBusy = false;
    }
  }

  // Legend lines, a few times a second while something is drawn.
  let lastText = '';
  function refresh(force) {
    const lines = legendLines(app);
    const text = lines.join('\n');
    if (!force && text === lastText) return;
    lastText = text;
    legend.textContent = '';
    for (const l of lines) {
      const p = document.createElement('p');
      p.textContent = l;
      legend.append(p);
    }
    legend.hidden = !lines.length;
  }
  setInterval(() => { refresh(false); basins(); }, 300);
  app.overlayTools = { refresh, syncBoxes, basins };
  refresh(true);
  return app.overlayTools;
}

/** legendLines says in words what each overlay drawn now shows. */
export function legendLines(app) {
  const s = app.state, on = new Set(s.overlays || []), lines = [];
  const has = (name) => app.full.some((p, r) => p?.state?.[name] && r < s.runs.length);
  if (on.has('velocity') && has('velocity')) lines.push('→ velocity v: the arrow θ → θ + v; momentum carries the next step along it.');
  if (on.has('lookahead') && has('lookahead')) lines.push('○ look-ahead θ + αv: where Nesterov took the gradient; the dashed link to the point is the correction −ε∇J there.');
  if (on.has('eff_lr') && has('eff_lr')) {
    const parts = [];
    app.full.forEach((p, r) => {
      const e = p?.state?.eff_lr;
      if (e && r < s.runs.length) parts.push(`${app.runName(r)} ε₁ = ${fmt(e[0], 3)}, ε₂ = ${fmt(e[1], 3)}`);
    });
    lines.push(`⬭ effective rates (ellipse half-axes ∝ ε₁ along θ₁, ε₂ along θ₂): ${parts.join('; ')}.`);
  }
  if (on.has('inv_hessian') && has('inv_hessian')) {
    lines.push('⬭ solid: BFGS’s estimate M of H⁻¹ as xᵀM⁻¹x = r²; dashed: the true H⁻¹ at the selected run’s point, with the same r.');
  }
  if (on.has('ls_points') && has('ls_points')) lines.push('| ticks: the trial points of each run’s last line search.');
  if (on.has('basins') && app.basins?.paths?.length) {
    const ends = new Set(app.basins.paths.map((p) => `${fmt(p.xy.at(-2), 2)},${fmt(p.xy.at(-1), 2)}`));
    lines.push(`basins: ${app.basins.paths.length} starts of ${app.runName(0)} (hollow) end in ${ends.size} different points (dots coloured by the nearest minimum).`);
  }
  if (app.stages?.length) {
    lines.push(`continuation: the dashed line tracks the minimum through σ = ${app.stages.map((x) => fmt(x.sigma, 3)).join(' → ')} → ${fmt(s.objective.blur || 0, 3)} (now).`);
  }
  return lines;
}
