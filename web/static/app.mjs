// Saddle's explorer: the state (mirrored in the URL), the scene it
// starts, and the boot. The numerics all live on the server; the page
// only draws what it is sent. The App's other methods come in groups,
// one module per concern, and the other modules hook in here:
//   session.mjs   the live session over /ws and its messages
//   controls.mjs  the controls, the keyboard and the mouse on the panels
//   draw.mjs      the panels, legend, side plots, draw loop and read-outs
// page.mjs holds the page's data (#saddle-data) they all read.

import { decodeState, encodeState, withPageParams } from './urlstate.mjs';
import { Track } from './track.mjs';
import { installA11y } from './a11y.mjs';
import { lessonState, finished, Script } from './lesson.mjs';
import { installLessonTools } from './lessontools.mjs';
import { DATA, $, objInfo } from './page.mjs';
import { session } from './session.mjs';
import { controls } from './controls.mjs';
import { draw } from './draw.mjs';
import './theme.mjs';

class App {
  constructor() {
    this.state = decodeState(location.search);
    let hasView = new URLSearchParams(location.search).has('view');
    if (!this.state.runs.length && DATA.lesson) {
      // A lesson page (or /embed?lesson=) opens on the lesson's scene; a
      // link's own speed, and the step it replays to, win over the lesson's.
      const { speed, k } = this.state, q = new URLSearchParams(location.search);
      lessonState(this.state, DATA.lesson);
      if (q.has('speed')) this.state.speed = speed;
      if (q.has('k')) this.state.k = k;
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

  // surface3d.mjs, when 3-D is first chosen (without WebGL it says why)
  load3D() {
    this.surfaceLoading ||= import('./surface3d.mjs').then((m) => { this.surface = m.install3D(this); this.buildPanels(); this.saveURL(); });
  }

  get start() { return this.state.start || this.model?.sceneStart || null; }

  saveURL() {
    const q = withPageParams(encodeState(this.state), location.search);
    if ('?' + q !== location.search) history.replaceState(null, '', '?' + q);
    this.room?.stateChanged(); // a room's driver tells its followers (room.mjs)
    this.maps?.stateChanged(); // another run selected, side by side: another map (maps.mjs)
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

  /** restart sends the scene afresh: paused, then replays to the step the URL asks for. */
  /**
   * needSharpness subscribes to every run's sharpness (the edge of
   * stability) when the URL asks (sharp=m) or the lesson draws it, and
   * loads its panel (sharpness.mjs) the first time.
   */
  needSharpness() {
    const every = this.state.sharp > 0 ? this.state.sharp : 0;
    this.syncSharpToggle?.();
    if (!every && (this.sharpOff || !(DATA.lesson?.overlays || []).includes('sharpness'))) return;
    this.send({ type: 'sharpness', every: every || 5 });
    this.sharpLoading ||= import('./sharpness.mjs').then((m) => { this.sharpness = m.installSharpness(this); this.syncSharpToggle?.(); });
  }

  restart() {
    if (this.room?.following) return; // the room's driver starts the scenes (room.mjs)
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
    this.needSharpness();
    this.lastStart = start; // asked for suggestions once the server accepts it
    if (!this.model?.projected()) this.requestGeometry({ at: this.state.start }, 'start');
    if (target > 0) this.stepBy(target);
    else if (this.playing) this.send({ type: 'resume' });
    this.dirty = this.plotsDirty = true;
    this.saveURL();
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

  /** wireMaps adds the maps button; maps.mjs loads on its first press, or at once for a link with map=. */
  wireMaps() {
    const bar = document.querySelector('.view-buttons');
    if (!bar) return;
    const b = Object.assign(document.createElement('button'), { type: 'button', id: 'maps-open', textContent: 'maps',
      title: 'a rate map over two hyperparameters, or the basins of attraction: one run per cell, on the server' });
    b.dataset.testid = 'maps-open';
    bar.append(b);
    this.loadMaps = () => this.mapsLoading ||= import('./maps.mjs').then((m) => (this.maps = m.installMaps(this, DATA)));
    b.onclick = () => this.loadMaps().then((v) => v.toggle());
    if (this.state.map) this.loadMaps();
  }

  /**
   * wireSharpness adds the sharpness toggle beside the maps button: the
   * panel (sharp=5 in the URL) for a projected objective, whose training
   * it is about; a 2-D objective's λmax(H) is in the read-out, so there
   * the toggle is off and a line says why.
   */
  wireSharpness() {
    const bar = document.querySelector('.view-buttons');
    if (!bar) return;
    const l = document.createElement('label');
    l.title = 'each run’s sharpness λmax(H) every 5 steps against its stability threshold 2/ε (the edge of stability), measured on the server';
    const cb = Object.assign(document.createElement('input'), { type: 'checkbox', id: 'sharp-toggle' });
    cb.dataset.testid = 'sharpness-toggle';
    const why = Object.assign(document.createElement('small'), { className: 'why', textContent: ' (networks only: a 2-D objective’s λmax(H) is in the read-out)' });
    why.dataset.testid = 'sharpness-why';
    l.append(cb, ' sharpness', why);
    bar.append(l);
    const lessonOn = () => !this.sharpOff && (DATA.lesson?.overlays || []).includes('sharpness');
    this.syncSharpToggle = () => {
      const on = this.state.sharp > 0 || lessonOn();
      cb.checked = on;
      cb.disabled = !on && !this.projected(); // what is on can always be switched off
      why.hidden = !cb.disabled;
      if (this.sharpness) this.sharpness.box.hidden = !on;
    };
    cb.onchange = () => {
      this.state.sharp = cb.checked ? 5 : 0;
      this.sharpOff = !cb.checked;
      if (!cb.checked) this.send({ type: 'cancel', task: 'sharpness' });
      this.saveURL();
      this.needSharpness();
    };
    this.syncSharpToggle();
  }

  /**
   * wireDecay adds the decay toggle at the foot of the side column, where
   * its panel opens (the view bar is full at 1280 px); decay.mjs loads on
   * its first press, or at once for a link with decay=1.
   */
  wireDecay() {
    const load = () => this.decayLoading ||= import('./decay.mjs').then((m) => (this.decay = m.installDecay(this)));
    const side = document.querySelector('[data-testid="side"]');
    if (side) {
      const b = Object.assign(document.createElement('button'), { type: 'button', id: 'decay-open', className: 'decay-open',
        textContent: 'eigen-component decay',
        title: 'the selected run’s error along each Hessian eigenvector over the steps, beside its closed-form rate (the server replays the run)' });
      b.dataset.testid = 'decay-open';
      side.append(b);
      b.onclick = () => (this.decay ? this.decay.toggle() : load());
    }
    if (this.state.decay) load();
  }

  /** wireHonest adds the honest-saddle button (projected objectives only); honest.mjs loads on its first press, or at once for honest=1 or a lesson that shows it. */
  wireHonest() {
    const bar = document.querySelector('.view-buttons');
    if (!bar) return;
    const b = Object.assign(document.createElement('button'), { type: 'button', id: 'honest-open', textContent: 'honest saddle', hidden: true,
      title: 'the current point on a random plane and on the plane of the Hessian’s extreme eigenvectors, with tr(H)/n beside λmin and λmax' });
    b.dataset.testid = 'honest-open';
    bar.append(b);
    this.loadHonest = () => this.honestLoading ||= import('./honest.mjs').then((m) => (this.honest = m.installHonest(this)));
    b.onclick = () => this.loadHonest().then((v) => v.toggle());
    this.syncHonest = () => {
      b.hidden = !this.model?.projected?.();
      if (!b.hidden && (this.state.honest || (DATA.lesson?.overlays || []).includes('honest')) && !this.honestOpened) {
        this.honestOpened = true;
        this.loadHonest().then((v) => v.open());
      }
    };
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
    this.wireMaps();
    this.wireSharpness();
    this.wireDecay();
    this.wireHonest();
    if (DATA.embed) import('./embedviews.mjs').then((m) => (this.embedViews = m.installEmbedViews(this))); // the theory views' place in an iframe
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
    // Classroom rooms (room.mjs): the header's button, a ?room= link, or a teacher's page coming back.
    const loadRoom = () => this.roomLoading ||= import('./room.mjs').then((m) => { m.installRoom(this); return m; });
    const roomBtn = $('room');
    if (roomBtn) roomBtn.onclick = () => loadRoom().then((m) => m.classroomDialog(this).showModal());
    if (new URLSearchParams(location.search).has('room') || sessionStorage.getItem('saddle-room')) loadRoom().then(() => this.connect());
    else this.connect();
    requestAnimationFrame(() => this.frame());
  }
}

/**
 * addMethods adds each group's methods to cls.prototype as if they were
 * written in the class: not enumerable, getters kept as getters (so each
 * module is a plain object of methods whose `this` is the App). A name
 * defined twice is a mistake, and fails at once.
 */
function addMethods(cls, ...groups) {
  for (const g of groups) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(g))) {
      if (Object.hasOwn(cls.prototype, name)) throw new Error(`App.${name} is defined twice`);
      Object.defineProperty(cls.prototype, name, { ...d, enumerable: false });
    }
  }
}
addMethods(App, session, controls, draw);

new App().boot();
