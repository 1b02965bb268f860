// The controls: their wiring (buttons, pickers, sliders, the keyboard),
// the objective's parameters and the run list built from the state, the
// mouse on the panels (move the start, pan, zoom), and the controls'
// layout on a phone and in an embed. Methods of the App (app.mjs adds
// them to its prototype); slider and numberInput build the inputs.

import { CSCALES } from './urlstate.mjs';
import { Track, runColour } from './track.mjs';
import { Suggester } from './suggest.mjs';
import { DATA, $, objInfo, optInfo } from './page.mjs';
import { offered } from './offered.mjs';

const isTyping = (el) => el && (el.tagName === 'INPUT' && !['checkbox', 'radio', 'range', 'button'].includes(el.type) || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

export const controls = {
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
  },

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
  },

  select(r) {
    this.state.sel = r;
    this.geometry = null;
    this.buildLegend();
    this.buildRunList();
    for (const p of this.panels) p.trailsDirty = true;
    this.dirty = this.plotsDirty = true;
    this.lastGeomK = -1;
    this.saveURL();
  },

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
  },

  moveStart(at, restart) {
    if (!at || !at.every(Number.isFinite)) return;
    this.state.start = at.map((v) => +v.toPrecision(6));
    this.state.k = 0;
    this.tracks = this.state.runs.map(() => new Track());
    this.full = [];
    for (const p of this.panels) p.trailsDirty = true;
    this.dirty = this.plotsDirty = true;
    if (restart) this.restart();
  },

  setView(v) {
    this.state.view = v.map((x) => +x.toPrecision(8));
    for (const p of this.panels) p.heatDirty = true;
    this.dirty = true;
    clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => { this.send({ type: 'view', ...this.viewMsg() }); this.saveURL(); }, 120);
  },

  zoom(f, about) {
    const [x0, x1, y0, y1] = this.state.view;
    const [cx, cy] = about || [(x0 + x1) / 2, (y0 + y1) / 2];
    this.setView([cx + (x0 - cx) * f, cx + (x1 - cx) * f, cy + (y0 - cy) * f, cy + (y1 - cy) * f]);
  },

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
  },

  /** setColourScale sets the heat map's colour scale (auto, log, lin) and redraws it. */
  setColourScale(v) {
    this.state.cscale = CSCALES.includes(v) ? v : 'auto';
    if (this.landMsg) this.onLandscape(this.landMsg);
    this.saveURL();
  },

  togglePlay() {
    this.playing = !this.playing;
    this.send({ type: this.playing ? 'resume' : 'pause' });
    this.syncPlay();
  },

  syncPlay() {
    $('play').textContent = this.playing ? '❚❚ pause' : '▶ play';
    $('play').setAttribute('aria-pressed', String(this.playing));
  },

  step() {
    if (this.playing) this.togglePlay();
    this.send({ type: 'step', n: 1 });
  },

  reset() {
    this.state.k = 0;
    this.restart();
  },

  syncControls() {
    const s = this.state;
    $('scene').value = s.scene || '';
    const sc = DATA.scenes.find((x) => x.id === s.scene);
    $('caption').textContent = sc ? `${sc.section} — ${sc.caption}` : '';
    $('objective').value = s.objective.expr !== undefined ? 'expr' : s.objective.id;
    $('expr').value = s.objective.expr ?? '';
    document.querySelector(`input[name=mode][value="${s.mode}"]`).checked = true;
    if (!window.WebGLRenderingContext) this.load3D();
    $('show-eigen').checked = s.eigen;
    $('show-quad').checked = s.quad;
    $('log-loss').checked = s.logLoss;
    $('speed').value = Math.log10(s.speed);
    $('speed-out').textContent = s.speed + '/s';
    this.buildParams();
    this.buildRunList();
    this.model?.sync();
  },

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
  },

  restartSoon() {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.restart(), 250);
  },

  buildRunList() {
    const box = $('run-list');
    box.textContent = '';
    this.state.runs.forEach((run, r) => box.append(this.runRow(run, r)));
    this.keepChosen();
  },

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
    for (const o of DATA.optimizers) if (offered(o, this.state.objective, objInfo, run.optimizer)) pick.append(new Option(o.name, o.id, false, o.id === run.optimizer));
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
  },

  /** suggester shows the server's suggested ε beside each rate control (suggest.mjs). */
  get suggester() {
    return (this._suggester ??= new Suggester(DATA.base || '', (r, lr) => {
      // One click sets the rate and races again from the start.
      this.state.runs[r].hyper.lr = lr;
      this.state.scene = '';
      this.buildRunList();
      this.restart();
    }));
  },

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
  },
};
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

