// Saddle's explorer: state (mirrored in the URL), the live session over
// /ws, the controls, and the draw loop. The numerics all live on the
// server; this module only draws what it is sent.

import { decodeState, encodeState, withPageParams, CSCALES } from './urlstate.mjs';
import { valueScale } from './colormap.mjs';
import { levels } from './contour.mjs';
import { fmt } from './ticks.mjs';
import { phiTransform, inv2, apply2 } from './linalg.mjs';
import { Track, runColour } from './track.mjs';
import { Panel, buildLandscape } from './panel.mjs';
import { CurvePlot } from './plots.mjs';
import { lossScale } from './curves.mjs';
import { installA11y } from './a11y.mjs';
import { lessonState, finished, Script } from './lesson.mjs';
import { endLabel, statusText, divergenceText } from './runstatus.mjs';
import { Suggester } from './suggest.mjs';
import { installLessonTools, blurGrid } from './lessontools.mjs';
import './theme.mjs';

const DATA = JSON.parse(document.getElementById('saddle-data').textContent);
const $ = (id) => document.getElementById(id);
const objInfo = (id) => DATA.objectives.find((o) => o.id === id);
const optInfo = (id) => DATA.optimizers.find((o) => o.id === id);
const isTyping = (el) => el && (el.tagName === 'INPUT' && !['checkbox', 'radio', 'range', 'button'].includes(el.type) || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

class App {
  constructor() {
    this.state = decodeState(location.search);
    let hasView = new URLSearchParams(location.search).has('view');
    if (!this.state.runs.length && DATA.lesson) {
      // A lesson page (or /embed?lesson=) opens on the lesson's scene; a
      // link's own speed wins over the lesson's.
      const speed = this.state.speed;
      lessonState(this.state, DATA.lesson);
      if (new URLSearchParams(location.search).has('speed')) this.state.speed = speed;
      hasView = !!this.state.view; // the lesson's view, on its plane, is drawn as it is
    } else if (!this.state.runs.length) this.applyScene(this.state.scene || DATA.scenes[0]?.id, false);
    this.fillView();
    // How the page opened, for model.mjs, which may arrive later.
    this.opened = { id: this.state.objective.id, hasView, view: this.state.view ? [...this.state.view] : null };
    this.model = null; // model.mjs, once a projected objective is chosen
    this.tracks = [];
    this.full = [];
    this.status = [];
    this.land = null;
    this.geometry = null;
    this.startGeometry = null;
    this.hoverK = null;
    this.playing = false;
    this.dirty = true;
    this.plotsDirty = true;
    this.pendingGeometry = [];
    this.replayTo = this.state.k; // a permalink replays to this step
    this.frameTimes = [];
    this.panels = [];
    this.ws = null;
    this.sceneGen = 0;
    // window.saddle is a tested surface: docs/API.md, "The page's state object".
    window.saddle = this; // for the browser tests and the curious
    this.maxSteps = DATA.lesson?.steps || 100000; // a lesson plays to its end
    this.script = new Script($('lesson'), DATA.lesson?.script);
    this.playing = !!DATA.embed?.autoplay; // an embed may start playing once connected
  }

  // ----- state -----

  applyScene(id, restart = true) {
    const sc = DATA.scenes.find((s) => s.id === id);
    if (!sc) return;
    const s = this.state;
    s.scene = sc.id;
    s.objective = structuredClone(sc.objective);
    s.start = sc.start ? [...sc.start] : null;
    s.runs = sc.runs.map((r) => ({ optimizer: r.optimizer, hyper: { ...(r.hyper || {}) }, clip: { ...(r.clip || {}) }, schedule: {}, label: r.label || '' }));
    s.mode = sc.mode || 'single';
    s.pair = [...(sc.pair || [0, 1])];
    s.eigen = !!sc.eigen;
    s.sel = 0;
    s.k = 0;
    s.view = sc.view ? [...sc.view] : null;
    this.fillView();
    if (restart) { this.syncControls(); this.restart(); }
  }

  fillView() {
    const s = this.state;
    if (!s.start && !(s.objective.id && objInfo(s.objective.id)?.projected)) { // projected: θ₀ from the seed
      const info = s.objective.id ? objInfo(s.objective.id) : null;
      s.start = info?.start ? [...info.start] : [-2, 2];
    }
    if (!s.view) {
      const info = s.objective.id ? objInfo(s.objective.id) : null;
      const d = info?.domain || { x: [-3, 3], y: [-3, 3] };
      s.view = [d.x[0], d.x[1], d.y[0], d.y[1]];
    }
  }

  minima() {
    const id = this.state.objective.id;
    return (this.sceneInfo?.minima) || (id ? objInfo(id)?.minima : null) || [];
  }

  /** projected reports whether the objective is a projected model (issue 5). */
  projected() {
    const o = this.state.objective;
    return o.expr === undefined && !!(o.id && objInfo(o.id)?.projected);
  }

  /**
   * needModel loads model.mjs (the projected objectives' controls and
   * panels) the first time a projected objective is chosen, and reports
   * whether the caller must wait for it: restart() runs again once it is
   * in, if the session is open (else the session's opening restarts).
   */
  needModel() {
    if (this.model || !this.projected()) return false;
    // The module, its forms and its panels (GET /partials/model-controls)
    // arrive together; most pages never need their ~14 KB.
    const forms = () => fetch(`${DATA.base}/partials/model-controls`).then((r) => {
      if (!r.ok) throw new Error(`the model controls could not be loaded (${r.status})`);
      return r.text();
    });
    this.modelLoading ||= Promise.all([import('./model.mjs'), forms()]).then(([m, html]) => {
      const parts = document.createElement('template');
      parts.innerHTML = html;
      for (const id of ['model-controls', 'model-side']) {
        const el = parts.content.getElementById(id);
        if (el) $(`${id}-slot`)?.replaceWith(el);
      }
      this.model = m.installModel(this, DATA);
      this.model.sync();
      if (this.ws?.readyState === WebSocket.OPEN) this.restart();
    });
    return true;
  }

  /**
   * loadShapes imports overlays.mjs, the drawing of the lessons' overlays
   * and a plane's marked points, once; the panels draw them from then on.
   */
  loadShapes() {
    return this.shapesLoading ||= import('./overlays.mjs').then((m) => { this.shapes = m; this.dirty = true; return m; });
  }

  get start() { return this.state.start || this.model?.sceneStart || null; }

  /**
   * fillHeight is the height panels fill in an embed (its iframe's), in
   * presentation mode (the screen below what is above them, less the
   * legend's lines) and for two stacked panels on a phone, else undefined.
   */
  fillHeight() {
    if (DATA.embed) return $('panels').clientHeight - 2;
    // A phone stacks two panels: flatter, so play stays on the first screen.
    if (!this.presenting && $('panels').dataset.mode !== 'single' && window.matchMedia('(max-width: 700px)').matches) return Math.round($('panels').clientWidth * 0.5);
    if (!this.presenting) return undefined;
    return innerHeight - ($('panels').getBoundingClientRect().top + scrollY) - $('legend').offsetHeight - 12;
  }

  /**
   * layoutControls folds the controls below play on a phone and in a
   * narrow embed with every control, marks an embed's chosen controls
   * (controls=play,run1.lr: CSS shows only .keep) and lets a phone's
   * clamped captions open on a tap.
   */
  layoutControls() {
    const more = $('more-controls'), e = DATA.embed;
    const narrow = window.matchMedia(e ? '(max-width: 999px)' : '(max-width: 700px)');
    const fold = () => { if (more) more.open = !((!e || e.controls === 'sliders') && narrow.matches); };
    fold();
    narrow.addEventListener?.('change', fold);
    if (!e) for (const cap of document.querySelectorAll('.lesson-caption, .top .caption')) cap.onclick = () => cap.classList.toggle('open');
    this.keepChosen();
  }

  keepChosen() {
    const pick = DATA.embed?.pick;
    if (!pick) return;
    const keep = (el) => el?.classList.add('keep');
    for (const c of pick) {
      const run = /^run(\d+)\.(.+)$/.exec(c);
      if (c === 'play') { keep(document.querySelector('.playback .buttons')); keep(document.querySelector('.counter')); }
      else if (c === 'speed') keep($('speed').closest('label'));
      else if (c.startsWith('p.')) keep($('params').querySelector(`[data-param="${CSS.escape(c.slice(2))}"]`));
      else if (run) keep($('run-list').children[+run[1]]?.querySelector(`[data-hyper="${CSS.escape(run[2])}"]`));
    }
  }

  saveURL() {
    const q = withPageParams(encodeState(this.state), location.search);
    if ('?' + q !== location.search) history.replaceState(null, '', '?' + q);
  }

  /**
   * saveK writes the step reached into the URL: at once when paused (a
   * step, a replay, the pause itself), at most twice a second while
   * playing, and always ending on the last one.
   */
  saveK() {
    const k = this.currentK();
    // A replay to a link's step leaves the link alone until it is there.
    if (this.replayUntil > k && !finished(this.status, this.state.runs.length)) return;
    this.replayUntil = 0;
    this.state.k = k;
    clearTimeout(this.urlTimer);
    const now = performance.now();
    if (!this.playing || !this.urlTime || now - this.urlTime > 500) { this.urlTime = now; this.saveURL(); }
    else this.urlTimer = setTimeout(() => { this.urlTime = performance.now(); this.saveURL(); }, 500);
  }

  currentK() {
    let k = 0;
    for (const t of this.tracks) k = Math.max(k, t.lastK);
    return k;
  }

  // ----- the live session -----

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${DATA.base}/ws`);
    this.ws = ws;
    ws.onopen = () => { this.setConn('live'); this.restart(); };
    ws.onclose = (e) => {
      this.setConn(`disconnected${e.reason ? ': ' + e.reason : ''} (retrying)`);
      this.playing = false;
      this.syncPlay();
      setTimeout(() => this.connect(), 2000);
    };
    ws.onmessage = (e) => this.onMessage(JSON.parse(e.data));
  }

  setConn(text) { $('conn').textContent = text; $('conn').dataset.state = text.split(' ')[0]; }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  gridSize() {
    if (this.model?.projected()) return this.model.gridSize();
    if (this.state.grid) return [this.state.grid, this.state.grid];
    const p = this.panels[0]?.plot;
    const nx = Math.max(32, Math.min(512, Math.round((p?.w || 400) / 1.5)));
    const ny = Math.max(32, Math.min(512, Math.round((p?.h || 400) / 1.5)));
    return blurGrid(this.state.objective.blur, [nx, ny]); // a blurred objective costs k² per point
  }

  viewMsg() {
    const [x0, x1, y0, y1] = this.state.view, [nx, ny] = this.gridSize();
    return { x: [x0, x1], y: [y0, y1], nx, ny };
  }

  runSpecs() {
    return this.state.runs.map((r) => {
      const o = { optimizer: r.optimizer };
      if (Object.keys(r.hyper).length) o.hyper = r.hyper;
      if (r.clip.norm > 0 || r.clip.value > 0) o.clip = r.clip;
      if (r.schedule.kind && r.schedule.kind !== 'constant') o.schedule = r.schedule;
      if (r.label) o.label = r.label;
      return o;
    });
  }

  objectiveSpec() {
    const o = this.state.objective;
    if (o.expr !== undefined) return { expr: o.expr };
    const spec = o.params && Object.keys(o.params).length ? { id: o.id, params: o.params } : { id: o.id };
    if (o.blur > 0) spec.blur = o.blur; // continuation (8.7.5)
    if (o.options && Object.keys(o.options).length) spec.options = o.options; // a projected model's choices
    return spec;
  }

  /** restart sends the scene afresh: paused, then replays to the step the URL asks for. */
  restart() {
    if (this.needModel()) return;
    this.sceneGen++;
    this.onRestart?.(); // lessonextras.mjs: continuation's stages end here
    this.tracks = this.state.runs.map(() => new Track());
    this.full = [];
    this.status = [];
    this.geometry = null;
    this.startGeometry = null;
    this.pendingGeometry = [];
    this.hoverK = null;
    this.clearError();
    this.showDivergence();
    this.buildPanels();
    this.buildLegend();
    const target = this.replayTo || 0;
    this.replayTo = 0;
    this.replayUntil = target;
    const start = {
      type: 'start', objective: this.objectiveSpec(), start: this.state.start, runs: this.runSpecs(),
      seed: this.state.seed, view: this.viewMsg(), steps_per_second: this.state.speed,
      max_steps: this.maxSteps, paused: true,
    };
    this.model?.adjustStart(start); // a projected objective's plane (model.mjs)
    this.send(start);
    this.lastStart = start; // asked for suggestions once the server accepts it
    if (!this.model?.projected()) this.requestGeometry({ at: this.state.start }, 'start');
    if (target > 0) this.stepBy(target);
    else if (this.playing) this.send({ type: 'resume' });
    this.dirty = this.plotsDirty = true;
    this.saveURL();
  }

  stepBy(n) {
    while (n > 0) {
      const m = Math.min(n, 10000);
      this.send({ type: 'step', n: m });
      n -= m;
    }
  }

  requestGeometry(what, purpose) {
    this.pendingGeometry.push({ purpose, gen: this.sceneGen, at: what.at });
    this.send({ type: 'hessian', ...what });
  }

  onMessage(m) {
    this.model?.onMessage(m);
    switch (m.type) {
      case 'scene':
        this.sceneInfo = m.objective || null;
        if (this.lastStart) this.suggester.update(this.lastStart); // the rates fitted to this objective and start (suggest.mjs)
        for (const p of this.panels) p.heatDirty = true;
        this.dirty = true;
        break;
      case 'landscape': this.onLandscape(m); break;
      case 'frame': this.onFrame(m); break;
      case 'status': this.onStatus(m); break;
      case 'geometry': this.onGeometry(m); break;
      case 'error': this.onError(m); break;
    }
  }

  onLandscape(m) {
    this.landMsg = m; // redrawn when the colour scale (cscale) changes
    const scale = valueScale(m.min, m.max, { values: m.values, kind: this.state.cscale });
    this.land = buildLandscape(m, scale, (sc) => levels(sc, 14));
    for (const p of this.panels) p.heatDirty = true;
    this.dirty = true;
  }

  onFrame(m) {
    for (const p of m.points) {
      const t = this.tracks[p.run];
      if (!t) continue;
      t.push(p);
      if (p.update || p.grad || p.state || p.k === 0) this.full[p.run] = p;
    }
    this.dirty = this.plotsDirty = true;
    if (!this.playing) this.saveK(); // a step's (or a replay's) k is in the link at once
  }

  onStatus(m) {
    if (m.run == null || m.run < 0) { // the session's ("run": -1)
      if (m.status === 'paused' || m.status === 'running') {
        this.playing = m.status === 'running';
        this.syncPlay();
        this.session = m.status; // the server's word, for the tests
        if (!this.playing) this.saveK(); // every frame before the pause is in: the link is exact now
      }
      return;
    }
    this.status[m.run] = m;
    if (m.status === 'diverged') this.showDivergence();
    this.buildLegend();
    this.dirty = true;
  }

  onGeometry(m) {
    const req = this.pendingGeometry.shift();
    if (!req || req.gen !== this.sceneGen) return;
    const ev = m.eigenvectors;
    const g = { ...m, xy: m.at || m.xy || req.at || this.currentPoint() };
    if (!g.xy || !ev) return;
    if (req.purpose === 'start') {
      this.startGeometry = g;
      this.setupPhi();
      this.showDivergence();
      if (this.state.eigen || this.state.quad) this.geometry = g;
    } else {
      this.geometry = g;
    }
    this.showGeometry();
    this.dirty = true;
  }

  currentPoint() {
    const t = this.tracks[this.state.sel];
    return t && t.n ? [t.x[t.n - 1], t.y[t.n - 1]] : null;
  }

  onError(m) {
    if (m.field && m.field.endsWith('expr')) {
      this.showExprError(m.error, m.offset);
    } else {
      const box = $('error');
      box.hidden = false;
      box.textContent = (m.field ? m.field + ': ' : '') + m.error;
    }
    if (this.pendingGeometry.length && m.field && (m.field === 'at' || m.field === 'run')) this.pendingGeometry.shift();
  }

  /**
   * projectedGeometryNote answers an alt-click on a projected landscape: a
   * point of the plane has a Hessian of the model's full dimension, which
   * the 2-D read-out cannot show; the spectrum panel can.
   */
  projectedGeometryNote() {
    const dim = this.model?.plane?.dim;
    const box = $('geometry');
    box.textContent = `Local geometry needs the full Hessian${dim ? ` (${dim.toLocaleString('en')} × ${dim.toLocaleString('en')})` : ''}, not the plane's 2 × 2: ` +
      'see the spectrum panel for its top eigenvalues and density at θ₀ or at the current θ.';
    box.dataset.note = 'projected';
  }

  clearError() {
    $('error').hidden = true;
    $('expr-error').hidden = true;
    $('expr').classList.remove('bad');
  }

  showExprError(msg, offset) {
    const box = $('expr-error'), src = this.state.objective.expr || '';
    box.hidden = false;
    box.textContent = '';
    $('expr').classList.add('bad');
    if (Number.isInteger(offset) && offset >= 0) {
      const code = document.createElement('pre');
      code.className = 'expr-src';
      const at = Math.min(offset, src.length);
      const bad = document.createElement('span');
      bad.className = 'bad-char';
      bad.textContent = src.slice(at, at + 1) || ' ';
      code.append(src.slice(0, at), bad, src.slice(at + 1), '\n' + ' '.repeat(at) + '^');
      box.append(code);
      const inp = $('expr');
      if (document.activeElement === inp) inp.setSelectionRange(at, Math.min(at + 1, src.length));
    }
    const p = document.createElement('p');
    p.textContent = msg;
    box.append(p);
  }

  // ----- divergence and geometry read-outs -----

  showDivergence() {
    const box = $('divergence');
    const lines = [];
    this.status.forEach((st, r) => {
      if (!st || st.status !== 'diverged') return;
      const spec = this.state.runs[r];
      const t = this.tracks[r];
      const k = st.k ?? t?.lastK;
      const loss = t && t.n ? t.loss[t.n - 1] : NaN;
      const why = this.whyDiverged(r);
      lines.push({ r, text: divergenceText(this.runName(r), st, k, loss), why, spec });
    });
    box.hidden = !lines.length;
    box.textContent = '';
    for (const l of lines) {
      const p = document.createElement('p');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = runColour(l.r);
      p.append(sw, l.text + ' ', Object.assign(document.createElement('em'), { textContent: l.why }));
      box.append(p);
    }
  }

  whyDiverged(r) {
    const spec = this.state.runs[r], g = this.startGeometry;
    const lr = spec.hyper.lr ?? optInfo(spec.optimizer)?.hyper.find((h) => h.name === 'lr')?.default;
    if (!g) return 'The step overshot the local curvature.';
    const lmax = g.eigenvalues[1], lmin = g.eigenvalues[0];
    if (lr != null && lmax > 0) {
      const bound = 2 / lmax;
      if (lr > bound) return `Why: ε = ${fmt(lr)} is above 2/λmax = ${fmt(bound)} for the curvature at the start (λmax = ${fmt(lmax)}), so each step overshoots along the steepest eigen-direction and grows.`;
      return `Why: ε = ${fmt(lr)} is below 2/λmax = ${fmt(bound)} at the start, but the curvature along the path grew (a cliff or a steeper wall) until ε·λ passed 2.`;
    }
    if (lmin < 0) return `Why: the Hessian has a negative eigenvalue (λmin = ${fmt(lmin)}); a Newton-type step moves towards the saddle or maximum and can jump far.`;
    return 'Why: the step overshot the local curvature.';
  }

  runName(r) {
    const s = this.state.runs[r];
    if (!s) return `run ${r}`;
    if (s.label) return s.label;
    const info = optInfo(s.optimizer);
    const lr = s.hyper.lr != null ? ` ε=${fmt(s.hyper.lr)}` : '';
    const clip = s.clip.norm ? ` clip ‖g‖≤${fmt(s.clip.norm)}` : s.clip.value ? ` clip |gᵢ|≤${fmt(s.clip.value)}` : '';
    return `${info ? info.name : s.optimizer}${lr}${clip}`;
  }

  showGeometry() {
    const box = $('geometry');
    const g = this.geometry || this.startGeometry;
    if (!g) { box.textContent = ''; return; }
    const [l1, l2] = g.eigenvalues;
    const where = this.geometry && this.geometry !== this.startGeometry ? `at (${fmt(g.xy[0])}, ${fmt(g.xy[1])})` : 'at the start';
    box.textContent = `Hessian ${where}: λ₁ = ${fmt(l1)}, λ₂ = ${fmt(l2)}, condition number κ = ${g.condition != null ? fmt(g.condition) : "∞ (λmin = 0)"}` +
      (l1 < 0 && l2 > 0 ? ' — a saddle: curvature of both signs' : l2 < 0 ? ' — a maximum' : '') +
      (l2 > 0 ? ` · 2/λmax = ${fmt(2 / l2)}` : '');
  }

  setupPhi() {
    const g = this.startGeometry;
    const phi = this.panels.find((p) => p.opts.phi);
    if (!g || !phi) return;
    const A = phiTransform(g.eigenvalues, g.eigenvectors);
    // The model's minimum θ* = θ0 − |H|⁻¹ g (|H| so a saddle still has one).
    // |H|⁻¹ = Q |Λ|⁻¹ Qᵀ = (AᵀA)⁻¹.
    const AtA = [A[0] * A[0] + A[2] * A[2], A[0] * A[1] + A[2] * A[3], A[0] * A[1] + A[2] * A[3], A[1] * A[1] + A[3] * A[3]];
    const Hinv = inv2(AtA);
    let origin = g.xy;
    if (Hinv) {
      const d = apply2(Hinv, g.grad[0], g.grad[1]);
      origin = [g.xy[0] - d[0], g.xy[1] - d[1]];
    }
    phi.setPhi(A, origin, g.xy);
  }

  // ----- panels, legend, plots -----

  buildPanels() {
    const host = $('panels');
    host.textContent = '';
    const s = this.state;
    host.dataset.mode = s.mode;
    const n = s.runs.length;
    s.pair = s.pair.map((v) => Math.min(v, Math.max(0, n - 1)));
    if (s.mode === 'side') {
      this.panels = s.pair.map((r) => new Panel(this, host, { runs: [r], title: this.runName(r) }));
    } else if (s.mode === 'phi') {
      this.panels = [new Panel(this, host, { title: 'θ-space' }), new Panel(this, host, { phi: true, title: 'φ = |Λ|^½ Qᵀ(θ − θ*), Fig 8.7' })];
      this.setupPhi();
    } else {
      this.panels = [new Panel(this, host, {})];
    }
    for (const p of this.panels) this.wirePanel(p);
    $('pair').hidden = s.mode !== 'side';
    this.model?.decoratePanels();
    for (const [i, id] of [[0, 'pair-a'], [1, 'pair-b']]) {
      const sel = $(id);
      sel.textContent = '';
      s.runs.forEach((_, r) => sel.append(new Option(`${r + 1}: ${this.runName(r)}`, r, false, s.pair[i] === r)));
    }
    this.dirty = true;
  }

  buildLegend() {
    const box = $('legend');
    box.textContent = '';
    this.state.runs.forEach((_, r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item' + (r === this.state.sel ? ' selected' : '');
      b.dataset.testid = 'legend-item';
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = runColour(r);
      const end = endLabel(this.status[r]);
      b.append(sw, this.runName(r) + (end ? ` — ${end}` : ''));
      b.title = 'select this run';
      b.onclick = () => this.select(r);
      box.append(b);
    });
  }

  select(r) {
    this.state.sel = r;
    this.geometry = null;
    this.buildLegend();
    this.buildRunList();
    for (const p of this.panels) p.trailsDirty = true;
    this.dirty = this.plotsDirty = true;
    this.lastGeomK = -1;
    this.saveURL();
  }

  wirePanel(p) {
    const c = p.canvas;
    let drag = null;
    const pos = (e) => { const r = c.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    c.addEventListener('mousedown', (e) => {
      const [px, py] = pos(e);
      if (!p.inPlot(px, py)) return;
      e.preventDefault();
      if (p.T) return; // φ-space follows the θ view
      if (e.altKey || e.ctrlKey || e.metaKey) {
        const at = p.fromPx(px, py);
        if (at && this.model?.projected()) this.projectedGeometryNote();
        else if (at) this.requestGeometry({ at }, 'point');
        return;
      }
      if (e.shiftKey || e.button === 1 || this.panMode) {
        drag = { kind: 'pan', px, py, view: [...this.state.view] };
      } else {
        drag = { kind: 'start' };
        this.moveStart(p.fromPx(px, py), false);
      }
    });
    window.addEventListener('mousemove', (e) => {
      const [px, py] = pos(e);
      if (drag?.kind === 'pan') {
        const [x0, x1, y0, y1] = drag.view;
        const dx = ((px - drag.px) / p.plot.w) * (x1 - x0), dy = ((py - drag.py) / p.plot.h) * (y1 - y0);
        this.setView([x0 - dx, x1 - dx, y0 + dy, y1 + dy]);
      } else if (drag?.kind === 'start') {
        this.moveStart(p.fromPx(px, py), false);
      } else if (e.target === c) {
        const hit = p.inPlot(px, py) ? p.nearest(px, py) : null;
        const k = hit ? hit.k : null;
        if (k !== this.hoverK) { this.hoverK = k; this.dirty = this.plotsDirty = true; }
      }
    });
    window.addEventListener('mouseup', () => {
      if (drag?.kind === 'start') this.restart();
      drag = null;
    });
    // The mouse leaving the landscape ends its hover, as on the plots.
    c.addEventListener('mouseleave', () => {
      if (!drag && this.hoverK != null) { this.hoverK = null; this.dirty = this.plotsDirty = true; }
    });
    c.addEventListener('wheel', (e) => {
      const [px, py] = pos(e);
      if (!p.inPlot(px, py) || p.T) return;
      e.preventDefault();
      this.zoom(Math.exp(e.deltaY * 0.0015), p.fromPx(px, py));
    }, { passive: false });
  }

  moveStart(at, restart) {
    if (!at || !at.every(Number.isFinite)) return;
    this.state.start = at.map((v) => +v.toPrecision(6));
    this.state.k = 0;
    this.tracks = this.state.runs.map(() => new Track());
    this.full = [];
    for (const p of this.panels) p.trailsDirty = true;
    this.dirty = this.plotsDirty = true;
    if (restart) this.restart();
  }

  setView(v) {
    this.state.view = v.map((x) => +x.toPrecision(8));
    for (const p of this.panels) p.heatDirty = true;
    this.dirty = true;
    clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => { this.send({ type: 'view', ...this.viewMsg() }); this.saveURL(); }, 120);
  }

  zoom(f, about) {
    const [x0, x1, y0, y1] = this.state.view;
    const [cx, cy] = about || [(x0 + x1) / 2, (y0 + y1) / 2];
    this.setView([cx + (x0 - cx) * f, cx + (x1 - cx) * f, cy + (y0 - cy) * f, cy + (y1 - cy) * f]);
  }

  // ----- controls -----

  wireControls() {
    $('scene').onchange = (e) => { if (e.target.value) this.applyScene(e.target.value); };
    $('play').onclick = () => this.togglePlay();
    $('step').onclick = () => this.step();
    $('reset').onclick = () => this.reset();
    $('speed').oninput = (e) => {
      this.state.speed = Math.round(Math.pow(10, +e.target.value));
      $('speed-out').textContent = this.state.speed + '/s';
      this.send({ type: 'speed', steps_per_second: this.state.speed });
      this.saveURL();
    };
    $('objective').onchange = (e) => {
      const id = e.target.value;
      this.state.scene = '';
      if (id === 'expr') {
        this.state.objective = { expr: $('expr').value || '0.5*(x^2 + 25*y^2)' };
        $('expr').value = this.state.objective.expr;
      } else {
        this.state.objective = { id };
      }
      this.state.start = null;
      this.state.view = null;
      this.fillView();
      this.syncControls();
      this.restart();
    };
    let exprTimer;
    $('expr').oninput = (e) => {
      clearTimeout(exprTimer);
      exprTimer = setTimeout(() => {
        this.state.scene = '';
        this.state.objective = { expr: e.target.value };
        $('objective').value = 'expr';
        this.buildParams();
        this.restart();
      }, 350);
    };
    $('add-run').onclick = () => {
      const s = this.state;
      if (s.runs.length >= 8) return;
      const last = s.runs.at(-1);
      s.runs.push(last ? structuredClone(last) : { optimizer: 'gd', hyper: {}, clip: {}, schedule: {}, label: '' });
      s.runs.at(-1).label = '';
      this.buildRunList();
      this.restart();
    };
    for (const r of document.querySelectorAll('input[name=mode]')) {
      r.onchange = () => { this.state.mode = r.value; this.buildPanels(); this.saveURL(); };
    }
    $('pair-a').onchange = (e) => { this.state.pair[0] = +e.target.value; this.buildPanels(); this.saveURL(); };
    $('pair-b').onchange = (e) => { this.state.pair[1] = +e.target.value; this.buildPanels(); this.saveURL(); };
    $('zoom-in').onclick = () => this.zoom(1 / 1.5);
    $('zoom-out').onclick = () => this.zoom(1.5);
    $('zoom-fit').onclick = () => { this.state.view = null; this.fillView(); this.setView(this.state.view); };
    $('pan-mode').onclick = (e) => {
      this.panMode = !this.panMode;
      e.target.setAttribute('aria-pressed', String(this.panMode));
      $('panels').classList.toggle('panning', this.panMode);
    };
    $('show-eigen').onchange = (e) => { this.state.eigen = e.target.checked; this.lastGeomK = -1; this.dirty = true; this.saveURL(); };
    $('show-quad').onchange = (e) => { this.state.quad = e.target.checked; this.lastGeomK = -1; this.dirty = true; this.saveURL(); };
    $('log-loss').onchange = (e) => { this.state.logLoss = e.target.checked; this.plotsDirty = true; this.saveURL(); };
    window.addEventListener('keydown', (e) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === ' ') { e.preventDefault(); this.togglePlay(); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); this.step(); }
      else if (e.key === 'r' || e.key === 'R') { e.preventDefault(); this.reset(); }
      else if (e.key === 'c' || e.key === 'C') { e.preventDefault(); this.setColourScale(CSCALES[(CSCALES.indexOf(this.state.cscale || 'auto') + 1) % 3]); }
    });
    let resizeTimer;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.resize(), 100);
    });
  }

  resize() {
    for (const p of this.panels) p.resize();
    for (const pl of this.plots) pl.resize();
    this.dirty = this.plotsDirty = true;
  }

  /** setColourScale sets the heat map's colour scale (auto, log, lin) and redraws it. */
  setColourScale(v) {
    this.state.cscale = CSCALES.includes(v) ? v : 'auto';
    if (this.landMsg) this.onLandscape(this.landMsg);
    this.saveURL();
  }

  togglePlay() {
    this.playing = !this.playing;
    this.send({ type: this.playing ? 'resume' : 'pause' });
    this.syncPlay();
  }

  syncPlay() {
    $('play').textContent = this.playing ? '❚❚ pause' : '▶ play';
    $('play').setAttribute('aria-pressed', String(this.playing));
  }

  step() {
    if (this.playing) this.togglePlay();
    this.send({ type: 'step', n: 1 });
  }

  reset() {
    this.state.k = 0;
    this.restart();
  }

  syncControls() {
    const s = this.state;
    $('scene').value = s.scene || '';
    const sc = DATA.scenes.find((x) => x.id === s.scene);
    $('caption').textContent = sc ? `${sc.section} — ${sc.caption}` : '';
    $('objective').value = s.objective.expr !== undefined ? 'expr' : s.objective.id;
    $('expr').value = s.objective.expr ?? '';
    document.querySelector(`input[name=mode][value=${s.mode}]`).checked = true;
    $('show-eigen').checked = s.eigen;
    $('show-quad').checked = s.quad;
    $('log-loss').checked = s.logLoss;
    $('speed').value = Math.log10(s.speed);
    $('speed-out').textContent = s.speed + '/s';
    this.buildParams();
    this.buildRunList();
    this.model?.sync();
  }

  buildParams() {
    const box = $('params');
    box.textContent = '';
    const o = this.state.objective;
    const info = o.id ? objInfo(o.id) : null;
    $('objective-desc').textContent = info ? `${info.formula ? info.formula + ' — ' : ''}${info.description || ''}` : '';
    $('expr').closest('fieldset').classList.toggle('using-expr', o.expr !== undefined);
    if (!info || info.projected) return; // model.mjs fills the model picker
    for (const p of info.params || []) {
      const v = o.params?.[p.name] ?? p.default;
      const row = slider({
        label: p.name, value: v, min: p.min, max: p.max, log: false, testid: 'param-' + p.name,
        onchange: (x) => {
          o.params = { ...(o.params || {}), [p.name]: x };
          this.state.scene = '';
          this.restartSoon();
        },
      });
      row.dataset.param = p.name; // an embed's chosen controls name it p.<name>
      box.append(row);
    }
    this.keepChosen();
  }

  restartSoon() {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.restart(), 250);
  }

  buildRunList() {
    const box = $('run-list');
    box.textContent = '';
    this.state.runs.forEach((run, r) => box.append(this.runRow(run, r)));
    this.keepChosen();
  }

  runRow(run, r) {
    const row = document.createElement('div');
    row.className = 'run' + (r === this.state.sel ? ' selected' : '');
    row.dataset.testid = 'run';
    row.style.borderLeftColor = runColour(r);
    if (DATA.embed?.pick) row.dataset.name = this.runName(r);
    const head = document.createElement('div');
    head.className = 'run-head';
    const pick = document.createElement('select');
    pick.dataset.testid = 'optimizer-picker';
    for (const o of DATA.optimizers) pick.append(new Option(o.name, o.id, false, o.id === run.optimizer));
    if (!optInfo(run.optimizer)) pick.append(new Option(run.optimizer + ' (unknown)', run.optimizer, false, true));
    pick.onchange = () => { run.optimizer = pick.value; run.hyper = {}; this.state.scene = ''; this.buildRunList(); this.restart(); };
    const sel = document.createElement('button');
    sel.type = 'button';
    sel.textContent = r === this.state.sel ? '● selected' : '○ select';
    sel.onclick = () => this.select(r);
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.textContent = '✕';
    rm.title = 'remove this run';
    rm.setAttribute('aria-label', `remove run ${r + 1}`);
    rm.dataset.testid = 'remove-run';
    rm.disabled = this.state.runs.length <= 1;
    rm.onclick = () => {
      this.state.runs.splice(r, 1);
      this.state.sel = Math.min(this.state.sel, this.state.runs.length - 1);
      this.state.scene = '';
      this.buildRunList();
      this.restart();
    };
    head.append(pick, sel, rm);
    row.append(head);
    const info = optInfo(run.optimizer);
    if (info?.description) { // the book's section and the conventions a careful reader trips on
      const about = document.createElement('details');
      about.className = 'opt-about';
      about.dataset.testid = 'optimizer-about';
      about.innerHTML = '<summary></summary><p class="desc"></p>';
      about.firstChild.textContent = `about: ${info.section}`;
      about.lastChild.textContent = info.description;
      row.append(about);
    }
    const live = () => { this.state.scene = ''; this.saveURL(); };
    for (const h of info?.hyper || []) {
      if (h.choices) {
        const s = document.createElement('select');
        for (const c of h.choices) s.append(new Option(c, c, false, (run.hyper[h.name] ?? h.default_choice) === c));
        s.onchange = () => { run.hyper[h.name] = s.value; this.send({ type: 'set', run: r, hyper: { [h.name]: s.value } }); live(); };
        const l = document.createElement('label');
        l.className = 'row';
        l.dataset.hyper = h.name;
        l.append(h.symbol || h.name, s);
        row.append(l);
        continue;
      }
      row.append(slider({
        label: h.symbol || h.name, title: `${h.name}: ${h.description}`, value: run.hyper[h.name] ?? h.default,
        min: h.min, max: h.max, log: h.log, integer: h.integer, testid: `hyper-${h.name}`,
        onchange: (x) => { run.hyper[h.name] = x; this.send({ type: 'set', run: r, hyper: { [h.name]: x } }); live(); this.buildLegend(); },
      }));
      row.lastChild.dataset.hyper = h.name; // an embed's chosen controls name it runN.<name>
      if (h.name === 'lr') row.append(this.suggester.slot(run, r, h));
    }
    // Clipping.
    const clipRow = document.createElement('div');
    clipRow.className = 'row clip';
    const mode = document.createElement('select');
    mode.dataset.testid = 'clip-mode';
    for (const [v, t] of [['off', 'no clipping'], ['norm', 'clip by norm'], ['value', 'clip by value']]) {
      mode.append(new Option(t, v, false, (run.clip.norm > 0 ? 'norm' : run.clip.value > 0 ? 'value' : 'off') === v));
    }
    const thr = numberInput(run.clip.norm || run.clip.value || 1, 1e-6, 1e6);
    thr.dataset.testid = 'clip-threshold';
    thr.hidden = mode.value === 'off';
    const sendClip = () => {
      const c = Number(thr.value);
      run.clip = mode.value === 'off' || !(c > 0) ? {} : { [mode.value]: c };
      thr.hidden = mode.value === 'off';
      this.send({ type: 'set', run: r, clip: run.clip });
      live(); this.buildLegend();
    };
    mode.onchange = sendClip;
    thr.onchange = sendClip;
    clipRow.append(mode, thr);
    row.append(clipRow);
    // Schedule.
    if (info?.hyper?.some((h) => h.name === 'lr')) row.append(this.scheduleRow(run, r, live));
    return row;
  }

  /** suggester shows the server's suggested ε beside each rate control (suggest.mjs). */
  get suggester() {
    return (this._suggester ??= new Suggester(DATA.base || '', (r, lr) => {
      // One click sets the rate and races again from the start.
      this.state.runs[r].hyper.lr = lr;
      this.state.scene = '';
      this.buildRunList();
      this.restart();
    }));
  }

  scheduleRow(run, r, live) {
    const FIELDS = { constant: [], linear: [['tau', 100], ['final', 0]], inverse_time: [['decay', 0.01]], step: [['gamma', 0.5], ['every', 100]], exponential: [['decay', 0.01]] };
    const wrap = document.createElement('div');
    wrap.className = 'row schedule';
    const kind = document.createElement('select');
    kind.title = 'learning-rate schedule';
    for (const k of Object.keys(FIELDS)) kind.append(new Option(k === 'constant' ? 'constant ε' : k.replace('_', ' ') + ' decay', k, false, (run.schedule.kind || 'constant') === k));
    const fields = document.createElement('span');
    const send = () => {
      this.send({ type: 'set', run: r, schedule: run.schedule.kind ? run.schedule : { kind: 'constant' } });
      live();
    };
    const build = () => {
      fields.textContent = '';
      for (const [name, def] of FIELDS[kind.value]) {
        const l = document.createElement('label');
        const inp = numberInput(run.schedule[name] ?? def, 0, 1e9);
        inp.onchange = () => { run.schedule[name] = Number(inp.value); send(); };
        if (run.schedule[name] == null) run.schedule[name] = def;
        l.append(name + ' ', inp);
        fields.append(l);
      }
    };
    kind.onchange = () => {
      run.schedule = kind.value === 'constant' ? {} : { kind: kind.value };
      build();
      send();
    };
    build();
    wrap.append(kind, fields);
    return wrap;
  }

  // ----- the draw loop -----

  setupPlots() {
    const all = (field) => () => this.tracks.map((t, r) => ({ track: t, field, colour: runColour(r) }));
    const hover = (k) => { if (k !== this.hoverK) { this.hoverK = k; this.dirty = this.plotsDirty = true; } };
    this.plots = [
      new CurvePlot($('plot-loss'), { series: all('loss'), scale: () => this.lossScaleShown(lossScale(this.state.logLoss, this.tracks)), onHover: hover }),
      new CurvePlot($('plot-grad'), { series: all('gn'), scale: () => (this.tracks.every((t) => !t.n || t.minGn > 0) ? 'log' : 'lin'), onHover: hover }),
      new CurvePlot($('plot-gthg'), {
        series: () => {
          const t = this.tracks[this.state.sel];
          if (!t) return [];
          if (!t.gtg || t.gtg.length < t.cap || t.gtgN !== t.n) {
            if (!t.gtg || t.gtg.length < t.cap) {
              // The track grew: keep the values already squared.
              const g = new Float64Array(t.cap);
              if (t.gtg) g.set(t.gtg.subarray(0, t.gtgN || 0));
              t.gtg = g;
            }
            for (let i = t.gtgN || 0; i < t.n; i++) t.gtg[i] = t.gn[i] * t.gn[i];
            t.gtgN = t.n;
          }
          return [{ track: t, field: 'gtg', colour: runColour(this.state.sel) }, { track: t, field: 'gthg', colour: '#ff4081', dash: [4, 3] }];
        },
        scale: () => 'symlog', onHover: hover,
      }),
    ];
  }

  // lossScaleShown says beside the log box when it draws symlog (losses < 0).
  lossScaleShown(kind) {
    if (kind !== this.lossKind) {
      const box = $('log-loss').parentElement, note = box.lastChild;
      this.lossKind = box.dataset.scale = kind;
      if (note?.nodeType === 3) note.textContent = kind === 'symlog' ? ' log scale (symlog: J < 0)' : ' log scale';
      box.title = kind === 'symlog' ? 'some losses are negative: sign(J)·log₁₀(1 + |J|)' : '';
    }
    return kind;
  }

  frame() {
    requestAnimationFrame(() => this.frame());
    const k = this.currentK();
    if (k !== this.shownK) {
      this.shownK = k;
      $('k').textContent = String(k);
      const clips = this.tracks.reduce((a, t) => a + t.clips, 0);
      $('clips').textContent = clips ? `· ${clips} clipped` : '';
      this.saveK();
    }
    this.maybeGeometry(k);
    const done = finished(this.status, this.state.runs.length);
    this.script.update(k, done);
    if (done && this.playing) { this.playing = false; this.syncPlay(); } // every run ended: nothing left to play
    if (!this.dirty && !this.plotsDirty) return;
    const t0 = performance.now();
    // Reduced motion (a11y.mjs): while playing, the figure moves in steps
    // about twice a second instead of every display frame.
    const hold = this.reducedMotion && this.playing && t0 - (this.motionTime || 0) < 500;
    if (hold) return;
    this.redraw();
    const dt = performance.now() - t0;
    this.frameTimes.push(dt);
    if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
  }

  /**
   * redraw draws what changed since the last display frame: the panels,
   * and the side plots and read-out (plots.mjs keeps this under a few ms
   * with 8 runs × 10 000 steps, so they follow every frame).
   */
  redraw() {
    if (this.dirty) { this.motionTime = performance.now(); for (const p of this.panels) p.draw(); }
    if (this.plotsDirty) {
      for (const pl of this.plots) pl.draw(this.hoverK);
      this.readout();
      this.plotsDirty = false;
    }
    this.dirty = false;
  }

  // The eigen overlay follows the selected run, at most ~4 times a second.
  maybeGeometry(k) {
    if (!(this.state.eigen || this.state.quad || this.state.overlays?.includes('inv_hessian')) || this.pendingGeometry.length || this.projected()) return;
    if (this.lastGeomK === k && this.lastGeomSel === this.state.sel) return;
    const now = performance.now();
    if (this.lastGeomTime && now - this.lastGeomTime < 250) return;
    const t = this.tracks[this.state.sel];
    if (!t || !t.n) return;
    this.lastGeomTime = now; this.lastGeomK = k; this.lastGeomSel = this.state.sel;
    this.requestGeometry({ run: this.state.sel, at: undefined }, 'run');
  }

  readout() {
    const box = $('readout'), r = this.state.sel, p = this.full[r], t = this.tracks[r];
    // A hover redraws the plots, not the read-out: rebuild it only when it changes.
    const key = [t, t?.n, p, this.status[r]?.status, this.runName(r)];
    if (this.readoutKey && key.every((v, i) => v === this.readoutKey[i])) return;
    this.readoutKey = key;
    box.textContent = '';
    if (!t || !t.n) return;
    const i = t.n - 1;
    const vec = (v) => (v ? `(${v.map((x) => fmt(x)).join(', ')})` : '–');
    const rows = [
      ['run', this.runName(r)],
      ['k', String(t.k[i])],
      // A projected model's point is drawn on the plane: say so, it is not θ.
      this.projected() ? ['(α, β) on the plane', vec([t.x[i], t.y[i]])] : ['θ', vec([t.x[i], t.y[i]])],
      ['J(θ)', fmt(t.loss[i])],
      ['g', p && p.k === t.k[i] ? vec(p.grad) : '–'],
      ['‖g‖', fmt(t.gn[i])],
      ['update Δθ', p && p.k === t.k[i] ? vec(p.update) : '–'],
    ];
    if (p?.lr) rows.push(['ε (this step)', fmt(p.lr)]);
    if (p?.clipped) rows.push(['clipped', `raw ‖g‖ = ${fmt(Math.hypot(...p.raw_grad))} → ${vec(p.used_grad)}`]);
    if (Number.isFinite(t.gthg[i])) rows.push(['gᵀHg', fmt(t.gthg[i])]);
    for (const [name, v] of Object.entries(p?.state || {})) rows.push([stateName(name), vec(v)]);
    const st = this.status[r];
    if (st && st.status !== 'running') rows.push(['status', statusText(st)]);
    const dl = document.createElement('dl');
    for (const [a, b] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = a;
      const dd = document.createElement('dd');
      dd.textContent = b;
      dl.append(dt, dd);
    }
    box.append(dl);
  }

  /**
   * wireExport loads export.mjs when the Export menu opens (most sessions
   * never export); a scene file chosen before it arrived waits for it.
   */
  wireExport() {
    const menu = $('export-menu'), file = $('load-scene');
    const load = () => import('./export.mjs').then((m) => this.exporter || m.installExportMenu(this, DATA));
    this.loadExporter = load; // for the tests and the curious
    menu?.addEventListener('toggle', () => { if (menu.open) load(); });
    file?.addEventListener('change', () => { if (!this.exporter) load().then(() => file.onchange?.()); });
  }

  boot() {
    this.needModel(); // a projected objective from the link: fetch its module now
    this.syncControls();
    this.wireControls();
    this.setupPlots();
    this.buildPanels();
    this.buildLegend();
    this.syncPlay();
    this.wireExport();
    installA11y(this, DATA);
    this.layoutControls();
    // The share dialog and its module arrive with its first opening.
    const share = $('share');
    if (share) {
      share.onclick = () => Promise.all([import('./share.mjs'), fetch(`${DATA.base}/partials/share-dialog`).then((r) => r.text())]).then(([m, html]) => {
        if (!$('share-dialog')) share.closest('header, body').insertAdjacentHTML('beforeend', html);
        m.initShare(this, DATA);
        share.onclick();
      });
    }
    installLessonTools(this, DATA);
    // An embed follows its iframe and its own legend: the panels' box is
    // sized by the layout (flex), never by the canvases in it.
    if (DATA.embed) {
      let pending = false;
      new ResizeObserver(() => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => { pending = false; this.resize(); });
      }).observe($('panels'));
    }
    this.connect();
    requestAnimationFrame(() => this.frame());
  }
}

const STATE_NAMES = { velocity: 'velocity v', lookahead: 'look-ahead θ+αv', s: 'first moment s', r: 'second moment r', eff_lr: 'effective rate ε/(δ+√r)', inv_hessian: 'H⁻¹ estimate' };
const stateName = (n) => STATE_NAMES[n] || n;

function numberInput(value, min, max) {
  const inp = document.createElement('input');
  inp.type = 'number';
  inp.value = String(value);
  inp.min = String(min);
  inp.max = String(max);
  inp.step = 'any';
  return inp;
}

/** slider builds a labelled range input (log scale when asked) with a number box beside it. */
function slider({ label, title, value, min, max, log, integer, testid, onchange }) {
  const row = document.createElement('label');
  row.className = 'row slider';
  if (title) row.title = title;
  const name = document.createElement('span');
  name.className = 'sym';
  name.textContent = label;
  const useLog = log && min > 0;
  const range = document.createElement('input');
  range.type = 'range';
  range.dataset.testid = testid;
  // A symbol (ε, a) is no name for a screen reader: say what it is.
  const spoken = title || `parameter ${label}`;
  range.setAttribute('aria-label', spoken);
  const toR = (v) => (useLog ? Math.log10(v) : v), fromR = (x) => (useLog ? Math.pow(10, x) : x);
  range.min = String(toR(min));
  range.max = String(toR(max));
  range.step = integer ? '1' : String((toR(max) - toR(min)) / 400);
  range.value = String(toR(value));
  const num = numberInput(value, min, max);
  num.dataset.testid = testid + '-num';
  num.setAttribute('aria-label', `${spoken}, exact value`);
  const tidy = (v) => (integer ? Math.round(v) : +v.toPrecision(3));
  range.oninput = () => {
    const v = tidy(fromR(Number(range.value)));
    num.value = String(v);
    num.classList.remove('bad');
    onchange(v);
  };
  num.onchange = () => {
    const v = Number(num.value);
    const ok = Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
    num.classList.toggle('bad', !ok);
    num.title = ok ? '' : `must be between ${min} and ${max}`;
    if (!ok) return;
    range.value = String(toR(v));
    onchange(v);
  };
  row.append(name, range, num);
  return row;
}

new App().boot();
