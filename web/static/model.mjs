// The page of the projected objectives (issue 5): the model picker and the
// plane picker (server-rendered in model.templ, filled and wired here), the
// landscape's progress as it is computed coarse to fine, and the panels
// beside the per-step plots: the data set with the selected run's decision
// regions, the Hessian spectrum, the 1-D interpolation and the fidelity of
// the projection. The server's messages are in internal/stream/doc.go; a
// panel stays hidden until its first message arrives, so the page works
// with a server that does not send them yet.
//
// app.mjs imports this module the first time a projected objective is
// chosen (it and its panels weigh more than most sessions need) and calls:
// installModel (then), sync (after syncControls),
// adjustStart (on the start message), onMessage (every message), gridSize,
// projected, decoratePanels (after buildPanels); panel.mjs asks axisNames.

import { fmt } from './ticks.mjs';
import { runColour } from './track.mjs';
import { XYPlot } from './xyplot.mjs';
import { spectrumSpec, spectrumText, finiteSpectrum } from './spectrum.mjs';
import { interpSpec, interpText, fidelitySpec, fidelityText } from './interp.mjs';
import { DataPanel, accuracyText } from './regions.mjs';
import { planeTitle } from './plane.mjs';

const $ = (id) => document.getElementById(id);

/** The side of a projected objective's landscape grid (zoo.DefaultGridSide) and its cap (zoo.MaxGridSide). */
export const PLANE_GRID = 51;
export const PLANE_GRID_MAX = 101;
/** REGIONS_NX is the side of the decision-region grid the page asks for. */
export const REGIONS_NX = 64;

/**
 * checkNumber reads a number input's text against its range: {ok, value}
 * or {ok: false, why}.
 */
export function checkNumber(text, { min = -Infinity, max = Infinity, int = false } = {}) {
  const t = String(text ?? '').trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) return { ok: false, why: 'must be a number' };
  if (int && !Number.isInteger(v)) return { ok: false, why: 'must be a whole number' };
  if (v < min || v > max) return { ok: false, why: `must be between ${min} and ${max}` };
  return { ok: true, value: v };
}

/**
 * planeMsg is the start message's "plane": a kind, or {kind, seed} with a
 * seed; the three-point plane through a run's step adds {run, k}.
 */
export function planeMsg(kind, seed, run = null, k = 0) {
  const kd = kind || 'random';
  const m = seed == null ? { kind: kd } : { kind: kd, seed };
  if (kd === 'three_points' && run != null && k > 0) Object.assign(m, { run, k });
  return Object.keys(m).length === 1 ? kd : m;
}

/** planeNote describes a plane's particulars (explained variance, eigenvalues, note). */
export function planeNote(plane) {
  if (!plane) return '';
  const bits = [];
  if (plane.explained?.length) bits.push(`explains ${plane.explained.map((v) => fmt(100 * v, 3) + '%').join(' + ')} of the pilot's variance`);
  if (plane.eigenvalues?.length) bits.push(`λ₁ = ${fmt(plane.eigenvalues[0], 3)}, λ₂ = ${fmt(plane.eigenvalues[1], 3)} at θ₀`);
  if (plane.axis_cos != null && plane.kind === 'random') bits.push(`cos(d₁, d₂) = ${fmt(plane.axis_cos, 2)}`);
  if (plane.kind === 'three_points' && plane.current) {
    const who = plane.run != null ? `run ${plane.run + 1}'s step ${plane.k}` : `the pilot's step ${plane.k}`;
    bits.push(`current point: ${who} at (${plane.current.map((v) => fmt(v, 3)).join(', ')})`);
    if (plane.solution) bits.push(`solution: ${plane.pilot_steps} Adam steps from θ₀, at (${plane.solution.map((v) => fmt(v, 3)).join(', ')})`);
  }
  if (plane.note) bits.push(plane.note);
  return bits.join(' · ');
}

/** progressText prints a "progress" message: "computing 3/9 passes…". */
export function progressText(m) {
  const what = m.note || (m.task === 'spectrum' ? 'Lanczos' : 'landscape');
  return m.total > 0 ? `${what}: ${m.done}/${m.total}` : `${what}…`;
}

/** progressFraction is done/total clamped to [0, 1], or null when unknown. */
export function progressFraction(m) {
  if (!(m.total > 0) || !Number.isFinite(m.done)) return null;
  return Math.min(1, Math.max(0, m.done / m.total));
}

const sameView = (a, b) => !!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]);

export function installModel(app, DATA) { return new ModelUI(app, DATA); }

class ModelUI {
  constructor(app, DATA) {
    this.app = app;
    this.DATA = DATA;
    this.plane = null;
    this.sceneStart = null;
    // The view of a projected objective follows its plane's domain until
    // the user zooms or pans: then it is theirs (and in the URL). This
    // module may arrive after the page opened: app.opened is how it did.
    const opened = app.opened;
    this.autoView = !opened.hasView;
    this.autoViewValue = opened.view ? [...opened.view] : null;
    this.lastId = opened.id;
    this.resetScene();
    this.dataPanel = new DataPanel($('plot-dataset'));
    this.spectrumPlot = new XYPlot($('plot-spectrum'), 175);
    this.interpPlot = new XYPlot($('plot-interp'), 190); // room for a legend row per two eigen-lines
    this.fidelityPlot = new XYPlot($('plot-fidelity'), 150);
    this.wire();
    app.loadShapes(); // the three-point plane marks its points (overlays.mjs)
    requestAnimationFrame(() => this.tick());
  }

  info() { return this.DATA.objectives.find((o) => o.id === this.app.state.objective.id); }

  projected() { return this.app.state.objective.expr === undefined && !!this.info()?.projected; }

  gridSize() {
    const g = this.app.state.grid;
    const n = g ? Math.min(Math.max(g, 8), PLANE_GRID_MAX) : PLANE_GRID;
    return [n, n];
  }

  axisNames() { return this.projected() ? ['α', 'β'] : null; }

  resetScene() {
    this.plane = null;
    this.sceneStart = null;
    this.dataset = null;
    this.regions = null;
    this.subscribed = null;
    this.spectra = {};
    this.interp = null;
    this.fidelity = null;
    this.landTask = null;
    this.dirty = { data: true, spectrum: true, interp: true, fidelity: true };
  }

  // ----- the controls -----

  wire() {
    const box = $('model-controls');
    box.addEventListener('change', (e) => this.onControl(e.target));
    $('spectrum-start').onclick = () => this.askSpectrum('start');
    $('spectrum-current').onclick = () => this.askSpectrum('current');
    $('spectrum-log').onchange = (e) => { this.app.state.specLog = e.target.checked; this.dirty.spectrum = true; this.app.saveURL(); };
    $('interp-go').onclick = () => this.ask('interp', { type: 'interpolate', run: this.app.state.sel, n: 51 });
    $('fidelity-go').onclick = () => this.ask('fidelity', { type: 'fidelity', run: this.app.state.sel });
    for (const b of document.querySelectorAll('#model-side .cancel')) b.onclick = () => this.cancel(b.dataset.task);
    // "fit" shows the plane's own domain.
    $('zoom-fit').addEventListener('click', () => {
      const d = this.plane?.domain;
      if (!this.projected() || !d) return;
      setTimeout(() => this.app.setView([d.x[0], d.x[1], d.y[0], d.y[1]]), 0);
    });
    let t;
    window.addEventListener('resize', () => { clearTimeout(t); t = setTimeout(() => this.markAll(), 120); });
  }

  markAll() { for (const k of Object.keys(this.dirty)) this.dirty[k] = true; }

  onControl(el) {
    const s = this.app.state, o = s.objective;
    const bad = (why) => { el.classList.add('bad'); el.title = why; };
    el.classList.remove('bad');
    el.title = '';
    if (el.dataset.param) {
      const r = checkNumber(el.value, { min: Number(el.min), max: Number(el.max), int: el.dataset.int === '1' });
      if (!r.ok) return bad(`${el.dataset.param} ${r.why}`);
      o.params = { ...(o.params || {}), [el.dataset.param]: r.value };
    } else if (el.dataset.choice) {
      o.options = { ...(o.options || {}), [el.dataset.choice]: el.value };
    } else if (el.dataset.seed) {
      const r = checkNumber(el.value, { min: 0, max: Number.MAX_SAFE_INTEGER, int: true });
      if (!r.ok) return bad(`the seed ${r.why}`);
      s.seed = r.value;
    } else if (el.id === 'plane-kind') {
      s.plane = el.value === 'random' ? '' : el.value;
      if (s.plane === 'three_points') return this.throughCurrent();
      s.planeRun = null;
      s.planeK = 0;
    } else if (el.id === 'plane-seed') {
      if (el.value.trim() === '') s.planeSeed = null;
      else {
        const r = checkNumber(el.value, { min: 0, max: Number.MAX_SAFE_INTEGER, int: true });
        if (!r.ok) return bad(`the plane seed ${r.why}`);
        s.planeSeed = r.value;
      }
    } else return;
    // A new model or plane starts from its own θ₀ on its own plane's domain.
    s.scene = '';
    s.start = null;
    s.k = 0;
    this.autoView = true;
    this.autoViewValue = s.view ? [...s.view] : null;
    this.app.restartSoon();
  }

  /**
   * throughCurrent redraws the scene on the plane through θ₀, the selected
   * run's current point and the solution, and replays the runs to that
   * step: the path so far on the new plane, ending on its current point.
   */
  throughCurrent() {
    const app = this.app, s = app.state, k = Math.max(0, app.tracks[s.sel]?.lastK ?? 0);
    s.planeRun = k > 0 ? s.sel : null;
    s.planeK = k;
    s.scene = '';
    s.start = null;
    s.k = k;
    app.replayTo = k;
    this.autoView = true;
    this.autoViewValue = s.view ? [...s.view] : null;
    app.restartSoon();
  }

  /** sync shows the current objective's form with the state's values. */
  sync() {
    const s = this.app.state, proj = this.projected(), id = s.objective.id;
    if (id !== this.lastId) {
      this.lastId = id;
      this.autoView = true;
      this.autoViewValue = s.view ? [...s.view] : null;
    }
    $('model-controls').hidden = !proj;
    $('model-side').hidden = !proj;
    $('objective').closest('fieldset').classList.toggle('projected', proj);
    $('spectrum-log').checked = !!s.specLog;
    if (!proj) { this.decoratePanels(); return; }
    for (const form of document.querySelectorAll('#model-controls .model-form')) {
      form.hidden = form.dataset.objective !== id;
      if (form.hidden) continue;
      for (const el of form.querySelectorAll('[data-param]')) {
        el.value = String(s.objective.params?.[el.dataset.param] ?? el.dataset.default);
        el.classList.remove('bad');
      }
      for (const el of form.querySelectorAll('[data-choice]')) el.value = s.objective.options?.[el.dataset.choice] ?? el.dataset.default;
      for (const el of form.querySelectorAll('[data-seed]')) el.value = String(s.seed);
    }
    $('plane-kind').value = s.plane || 'random';
    $('plane-seed').value = s.planeSeed == null ? '' : String(s.planeSeed);
    this.decoratePanels();
  }

  // ----- the session -----

  /** adjustStart completes app.mjs's start message for a projected objective. */
  adjustStart(msg) {
    this.resetScene();
    this.showSide();
    if (!this.projected()) { this.decoratePanels(); return; }
    $('geometry').textContent = ''; // the 2-D Hessian read-out has no meaning here
    const s = this.app.state;
    if (s.plane || s.planeSeed != null) msg.plane = planeMsg(s.plane, s.planeSeed, s.planeRun, s.planeK);
    if (msg.start == null) delete msg.start; // θ₀ from the seed
    if (this.autoView && !sameView(s.view, this.autoViewValue)) this.autoView = false;
    if (this.autoView) delete msg.view; // the plane's own domain at 51×51
    this.landTask = { task: 'landscape', done: 0, total: 0, note: 'computing the landscape' };
    this.decoratePanels();
  }

  onMessage(m) {
    switch (m.type) {
      case 'scene':
        this.plane = m.plane || null;
        this.sceneStart = this.projected() && Array.isArray(m.start) ? m.start : null;
        this.decoratePanels();
        break;
      case 'landscape':
        if (!this.projected()) break;
        if (m.plane) this.plane = { ...(this.plane || {}), ...m.plane };
        if (this.autoView && m.x && m.y) {
          this.app.state.view = [m.x[0], m.x[1], m.y[0], m.y[1]];
          this.autoViewValue = [...this.app.state.view];
        }
        this.partial = !!m.partial;
        // A coarse pass: the computation goes on (its last progress stays).
        this.landTask = m.partial ? (this.landTask || { task: 'landscape', done: 0, total: 0, note: 'finer passes' }) : null;
        this.decoratePanels();
        break;
      case 'progress': {
        const over = m.note === 'cancelled' || (m.total > 0 && m.done >= m.total && m.task === 'spectrum');
        if (m.task === 'landscape') {
          if (over) this.landTask = null;
          else if (this.landTask || !this.app.land) this.landTask = m;
          this.decoratePanels();
        } else if (m.task === 'spectrum') this.showTask('spectrum-progress', over ? null : m);
        break;
      }
      case 'dataset':
        if (!Array.isArray(m.points) || !m.x || !m.y) break;
        this.dataset = m;
        this.dataPanel.setData(m);
        this.subscribed = null;
        $('dataset-box').hidden = false;
        $('accuracy').textContent = `${m.points.length} training points, ${m.classes} classes`;
        this.dirty.data = true;
        break;
      case 'regions':
        if (!this.dataset || m.run !== this.subscribed?.run) break;
        if (this.dataPanel.setRegions(m)) {
          this.regions = m;
          $('accuracy').textContent = accuracyText(m.accuracy, this.dataset.classes, m.k);
          this.dirty.data = true;
        }
        break;
      case 'spectrum':
        if (!finiteSpectrum(m)) break;
        this.spectra[m.at] = m;
        this.showTask('spectrum-progress', null);
        $('plot-spectrum').hidden = false;
        this.dirty.spectrum = true;
        break;
      case 'interpolation':
        if (!Array.isArray(m.t) || !Array.isArray(m.loss)) break;
        this.interp = m;
        $('plot-interp').hidden = false;
        this.dirty.interp = true;
        break;
      case 'fidelity':
        if (!Array.isArray(m.k) || !Array.isArray(m.true_loss)) break;
        this.fidelity = m;
        $('plot-fidelity').hidden = false;
        this.dirty.fidelity = true;
        break;
      case 'error':
        // A request the server refused (or does not know yet) is not pending.
        this.showTask('spectrum-progress', null);
        if (this.landTask && this.app.land) { this.landTask = null; this.decoratePanels(); }
        break;
    }
  }

  ask(what, msg) {
    if (!this.projected()) return;
    this.app.send(msg);
    const el = what === 'interp' ? $('interp-text') : $('fidelity-text');
    if (!(what === 'interp' ? this.interp : this.fidelity)) el.textContent = 'computing…';
  }

  askSpectrum(at) {
    if (!this.projected()) return;
    const r = checkNumber($('spectrum-k').value, { min: 1, max: 20, int: true });
    $('spectrum-k').classList.toggle('bad', !r.ok);
    if (!r.ok) return;
    const msg = { type: 'spectrum', at, k: r.value };
    if (at === 'current') msg.run = this.app.state.sel;
    this.app.send(msg);
    this.showTask('spectrum-progress', { task: 'spectrum', done: 0, total: 0, note: `Lanczos at ${at === 'start' ? 'θ₀' : 'the current θ'}` });
  }

  cancel(task) {
    this.app.send({ type: 'cancel', task });
    if (task === 'spectrum') this.showTask('spectrum-progress', null);
    else { this.landTask = null; this.decoratePanels(); }
  }

  showTask(id, m) {
    const box = $(id);
    box.hidden = !m;
    if (!m) return;
    const bar = box.querySelector('progress'), f = progressFraction(m);
    if (f == null) bar.removeAttribute('value'); else bar.value = f;
    box.querySelector('.task-note').textContent = progressText(m);
  }

  showSide() {
    const proj = this.projected();
    $('model-side').hidden = !proj;
    $('dataset-box').hidden = true;
    for (const id of ['plot-spectrum', 'plot-interp', 'plot-fidelity']) $(id).hidden = true;
    for (const id of ['spectrum-text', 'interp-text', 'fidelity-text', 'accuracy']) $(id).textContent = '';
    this.showTask('spectrum-progress', null);
  }

  /** decoratePanels puts the plane's title and the landscape's progress on every panel. */
  decoratePanels() {
    const proj = this.projected();
    for (const p of this.app.panels || []) {
      let title = p.el.querySelector('.plane-title');
      if (!title) {
        title = document.createElement('div');
        title.className = 'plane-title';
        title.dataset.testid = 'plane-title';
        p.el.append(title);
      }
      title.hidden = !proj || !this.plane;
      title.textContent = proj ? planeTitle(this.plane) : '';
      let bar = p.el.querySelector('.land-progress');
      if (!bar) {
        bar = document.createElement('div');
        bar.className = 'land-progress task-progress';
        bar.dataset.testid = 'landscape-progress';
        const prog = document.createElement('progress');
        prog.max = 1;
        const note = document.createElement('span');
        note.className = 'task-note';
        const cancel = document.createElement('button');
        cancel.type = 'button';
        cancel.className = 'cancel';
        cancel.textContent = 'cancel';
        cancel.title = 'stop computing this landscape (keep what is drawn)';
        cancel.dataset.testid = 'landscape-cancel';
        cancel.onclick = () => this.cancel('landscape');
        bar.append(prog, note, cancel);
        p.el.append(bar);
      }
      const t = proj ? this.landTask : null;
      bar.hidden = !t;
      if (t) {
        const f = progressFraction(t), prog = bar.querySelector('progress');
        if (f == null) prog.removeAttribute('value'); else prog.value = f;
        bar.querySelector('.task-note').textContent = (this.partial ? 'coarse picture · ' : '') + progressText(t);
      }
    }
    $('plane-note').textContent = proj ? planeNote(this.plane) : '';
    this.app.dirty = true;
  }

  // ----- drawing -----

  tick() {
    requestAnimationFrame(() => this.tick());
    const app = this.app;
    if (!this.projected()) return;
    // The data-set panel follows the selected run.
    if (this.dataset && app.ws && (this.subscribed?.run !== app.state.sel || this.subscribed?.ws !== app.ws)) {
      this.subscribed = { run: app.state.sel, ws: app.ws };
      app.send({ type: 'regions', run: app.state.sel, nx: REGIONS_NX });
    }
    const names = this.spectrumNames();
    if (this.dirty.data && this.dataset && !$('dataset-box').hidden) {
      this.dataPanel.draw();
      this.dirty.data = false;
    }
    if (this.dirty.spectrum && !$('plot-spectrum').hidden) {
      this.spectrumPlot.draw(spectrumSpec(this.spectra, { logY: !!app.state.specLog, names }));
      $('spectrum-text').textContent = spectrumText(this.spectra);
      this.dirty.spectrum = false;
    }
    if (this.dirty.interp && this.interp && !$('plot-interp').hidden) {
      this.interpPlot.draw(interpSpec(this.interp, runColour(this.interp.run)));
      $('interp-text').textContent = `${app.runName(this.interp.run)}: ${interpText(this.interp)}`;
      this.dirty.interp = false;
    }
    if (this.dirty.fidelity && this.fidelity && !$('plot-fidelity').hidden) {
      this.fidelityPlot.draw(fidelitySpec(this.fidelity, runColour(this.fidelity.run)));
      $('fidelity-text').textContent = `${app.runName(this.fidelity.run)}: ${fidelityText(this.fidelity)}`;
      this.dirty.fidelity = false;
    }
  }

  spectrumNames() {
    const c = this.spectra.current;
    return { start: 'at θ₀', current: c ? `${this.app.runName(c.run)}, k = ${c.k}` : '' };
  }
}
