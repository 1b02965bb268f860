// The maps view (issue 11), loaded on first use: under the landscape, the
// selected run's hyperparameter map (one run per cell over two of its
// hyperparameters, coloured by a measure, the quadratic's theory drawn
// over it) or its basins of attraction (one run per start over the view).
// The server computes both (the hypermap and basins tasks of /ws, coarse
// to fine); this module only draws them and turns a click into a `set`
// (hypermap) or a new start (basins). In side-by-side mode the basins of
// both runs of the pair are drawn beside each other, asked for one after
// the other (the session runs one basins task at a time). A lesson may
// open the view (lessons.go's Map): its map's parameters are sent while the
// run keeps the lesson's optimizer.

import { viridis } from './colormap.mjs';
import { logTicks, niceTicks, fmt } from './ticks.mjs';
import { optInfo } from './page.mjs';
import { runColour } from './track.mjs';
import { SVGContext } from './svgcanvas.mjs';
import { download } from './download.mjs';

const CSS = `
.maps-view{margin:.5rem 0;padding:.5rem;border:1px solid var(--border,#ccc);border-radius:6px}
.maps-view .maps-bar{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;font-size:.9rem}
.maps-view canvas{display:block;width:100%;max-width:640px;cursor:crosshair;touch-action:manipulation}
.maps-view .maps-note{font-size:.85rem;margin:.3rem 0 0;max-width:640px}
.maps-view .maps-progress{font-size:.85rem;opacity:.8}
.maps-view .maps-panes{display:flex;flex-wrap:wrap;gap:.6rem}
.maps-view .maps-pane{flex:1 1 250px;min-width:0;margin:0}
.maps-view .maps-pane figcaption{font-size:.85rem;font-weight:600;border-left:4px solid;padding-left:.35rem}
.maps-view .maps-pane figcaption:empty{display:none}
@media (max-width:700px){body:not(:has(#embed)) .maps-view{order:3;margin:0}}
`;

// On a phone the stage's parts are ordered (saddle.css): the maps come
// after the landscape, its playback and its bars, before the controls.

// Colours not on the scale: a diverged cell, a tolerance not reached, and
// the basins' outcomes that are no minimum.
const DIVERGED = [214, 39, 40], NOT_REACHED = [150, 150, 150];
const BASIN_COLOURS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [148, 103, 189], [140, 86, 75], [227, 119, 194], [188, 189, 34], [23, 190, 207]];
const BASIN_OTHER = { '-1': [214, 39, 40], '-2': [160, 160, 160], '-3': [40, 40, 40], '-4': [255, 236, 150] }; // a maximum: pale yellow, not the page's white
const BASIN_NAMES = { '-1': 'diverged', '-2': 'not converged', '-3': 'a saddle', '-4': 'a maximum' };

const M = { l: 58, r: 78, t: 12, b: 44 }; // plot margins, CSS pixels

export function installMaps(app, data) {
  const v = new MapsView(app, data);
  if (app.state.map) v.open(app.state.map);
  return v;
}

class MapsView {
  constructor(app, data) {
    this.app = app;
    this.data = data;
    this.kind = '';
    this.sig = '';
    if (!document.getElementById('maps-css')) {
      const st = document.createElement('style');
      st.id = 'maps-css';
      st.textContent = CSS;
      document.head.append(st);
    }
    const box = this.box = document.createElement('section');
    box.className = 'maps-view';
    box.id = 'maps-view';
    box.dataset.testid = 'maps-view';
    box.hidden = true;
    box.innerHTML = `<div class="maps-bar">
      <label><input type="radio" name="maps-kind" value="hypermap" data-testid="maps-hypermap"> rate map</label>
      <label><input type="radio" name="maps-kind" value="basins" data-testid="maps-basins"> basins</label>
      <select id="maps-measure" aria-label="measure" data-testid="maps-measure">
        <option value="rate">rate per step</option><option value="loss">final loss</option><option value="steps">steps to ‖g‖ ≤ 10⁻⁶</option></select>
      <button type="button" id="maps-png" data-testid="maps-png">PNG</button>
      <button type="button" id="maps-svg" data-testid="maps-svg">SVG</button>
      <button type="button" id="maps-csv" data-testid="maps-csv">CSV</button>
      <button type="button" id="maps-close" aria-label="close the maps" data-testid="maps-close">×</button>
      <span class="maps-progress" id="maps-progress" data-testid="maps-progress"></span></div>
      <div class="maps-panes" id="maps-panes"></div>`;
    const stage = document.querySelector('.stage');
    (stage || document.body).append(box);
    this.panesBox = box.querySelector('#maps-panes');
    this.panes = [];
    this.setPanes([0]);
    for (const r of box.querySelectorAll('input[name=maps-kind]')) r.onchange = () => this.open(r.value);
    this.measure = box.querySelector('#maps-measure');
    this.measure.value = app.state.mapMeasure || 'rate';
    this.measure.onchange = () => { app.state.mapMeasure = this.measure.value; app.saveURL(); this.ask(true); };
    box.querySelector('#maps-close').onclick = () => this.close();
    box.querySelector('#maps-png').onclick = () => this.png();
    box.querySelector('#maps-svg').onclick = () => this.saveSVG();
    box.querySelector('#maps-csv').onclick = () => this.saveCSV();
    new ResizeObserver(() => this.drawAll()).observe(box);
  }

  /**
   * setPanes makes one pane (a figure: the run's name, its canvas, a note)
   * per run drawn. Pane 0's are also this.canvas, this.msg and
   * this.markers (where the optimum, best cell and current run were drawn,
   * CSS px), for the tests.
   */
  setPanes(runs) {
    if (this.panes.length === runs.length && this.panes.every((p, i) => p.run === runs[i])) return;
    this.panesBox.textContent = '';
    this.panes = runs.map((run, i) => {
      const fig = document.createElement('figure');
      fig.className = 'maps-pane';
      fig.dataset.testid = 'maps-pane';
      fig.dataset.run = run;
      fig.innerHTML = `<figcaption></figcaption><canvas data-testid="maps-canvas" aria-label="map"></canvas>
        <p class="maps-note" data-testid="maps-note"></p>`;
      if (i === 0) { fig.querySelector('canvas').id = 'maps-canvas'; fig.querySelector('p').id = 'maps-note'; }
      this.panesBox.append(fig);
      const pane = { run, fig, canvas: fig.querySelector('canvas'), msg: null, markers: {} };
      pane.canvas.onclick = (e) => this.click(e, pane);
      return pane;
    });
  }

  get canvas() { return this.panes[0].canvas; }
  get msg() { return this.panes[0].msg; }
  get markers() { return this.panes[0].markers; }

  /** drawnRuns are the runs whose maps are shown: the pair side by side (basins), else the selected run. */
  drawnRuns() {
    const s = this.app.state, n = s.runs.length;
    if (this.kind === 'basins' && s.mode === 'side' && n > 1) {
      const [a, b] = s.pair.map((r) => Math.min(Math.max(r | 0, 0), n - 1));
      if (a !== b) return [a, b];
    }
    return [Math.min(s.sel, Math.max(n - 1, 0))];
  }

  /** lessonParams are the lesson's map parameters for run r, when the lesson opens this kind of map and r keeps its optimizer. */
  lessonParams(r) {
    const l = this.data.lesson, m = l?.map;
    if (!m || m.kind !== this.kind) return {};
    const s = this.app.state, run = s.runs[r], own = l.scene.runs[r];
    if (!run || !own || run.optimizer !== own.optimizer || s.objective.id !== l.scene.objective.id || s.objective.expr !== undefined) return {};
    return (this.kind === 'hypermap' ? m.hyper : m.basins) || {};
  }

  toggle() { return this.kind ? this.close() : this.open(this.app.state.map || 'hypermap'); }

  open(kind) {
    this.kind = kind;
    this.app.state.map = kind;
    this.box.hidden = false;
    for (const r of this.box.querySelectorAll('input[name=maps-kind]')) r.checked = r.value === kind;
    this.measure.hidden = kind !== 'hypermap';
    this.ask(true);
    this.app.saveURL();
  }

  /**
   * stateChanged (from app.saveURL) asks for new maps when other runs are
   * to be drawn (another run selected, side by side switched): what the
   * server already has. A new scene is asked for on its `scene` message.
   */
  stateChanged() {
    if (!this.kind) return;
    const runs = JSON.stringify(this.drawnRuns());
    if (runs !== this.runsDrawn) { this.runsDrawn = runs; this.ask(false); }
  }

  close() {
    if (this.kind) this.app.send({ type: 'cancel', task: this.kind });
    this.kind = '';
    this.app.state.map = '';
    this.app.saveURL();
    this.box.hidden = true;
  }

  /** signature is what the map depends on; a new one asks for a new map. */
  signature() {
    const s = this.app.state, runs = this.drawnRuns();
    if (!runs.every((r) => s.runs[r])) return '';
    const of = runs.map((r) => {
      const run = s.runs[r], hyper = { ...run.hyper };
      if (this.kind === 'hypermap') for (const n of this.axes(run)) delete hyper[n];
      return [r, run.optimizer, hyper, run.clip, run.schedule, this.lessonParams(r)];
    });
    // A basins map does not depend on the start (every pixel is one).
    return JSON.stringify([this.kind, s.objective, this.kind === 'basins' ? null : s.start, s.seed, of,
      this.kind === 'basins' ? s.view : null, this.kind === 'hypermap' ? this.measure.value : null]);
  }

  /** axes names the hyperparameters a map of run varies (the server's defaults: internal/maps DefaultAxes). */
  axes(run) {
    const id = run.optimizer;
    if (id === 'momentum' || id === 'nesterov') return ['lr', 'momentum'];
    if (id === 'adam') return ['lr', 'beta1'];
    if (id === 'rmsprop' || id === 'rmsprop_nesterov') return ['lr', 'rho'];
    const names = (optInfo(id)?.hyper || []).filter((h) => !h.choices && !h.integer).map((h) => h.name);
    const i = names.indexOf('lr');
    if (i > 0) [names[0], names[i]] = [names[i], names[0]];
    return names.slice(0, 2);
  }

  ask(force) {
    if (!this.kind) return;
    const sig = this.signature();
    if (!force && sig === this.sig) return false;
    this.sig = sig;
    this.setPanes(this.drawnRuns());
    this.runsDrawn = JSON.stringify(this.drawnRuns());
    for (const p of this.panes) p.msg = null;
    this.askPane(0);
    return true;
  }

  /** askPane asks for pane i's map; the next pane is asked for when it is whole. */
  askPane(i) {
    const pane = this.panes[i];
    if (!pane) return;
    this.pending = i;
    this.asked = (this.asked || 0) + 1; // maps asked for, for the tests
    const s = this.app.state, r = pane.run;
    const msg = { type: this.kind, run: r, ...structuredClone(this.lessonParams(r)) };
    if (this.kind === 'hypermap') msg.measure = this.measure.value;
    else if (s.view && !msg.x) { msg.x = [s.view[0], s.view[1]]; msg.y = [s.view[2], s.view[3]]; }
    this.say(this.panes.length > 1 ? `computing ${this.app.runName(r)}…` : 'computing…');
    this.drawAll();
    this.app.send(msg);
  }

  say(text) { this.box.querySelector('#maps-progress').textContent = text; }

  onMessage(m) {
    if (!this.kind) return;
    if (m.type === 'scene') { if (!this.ask(false)) this.drawAll(); } // the start's ○ moves
    else if (m.type === 'progress' && m.task === this.kind) this.say(m.note === 'cancelled' ? 'cancelled' : `${m.done} of ${m.total} runs`);
    else if (m.type === this.kind) {
      const i = this.panes.findIndex((p) => p.run === m.run && !(p.msg && !p.msg.partial));
      if (i < 0) return;
      const pane = this.panes[i];
      pane.msg = m;
      this.say(m.partial ? `coarse picture (every ${m.map.stride}th cell)…` : '');
      this.drawAll(); // the key's rows may change every pane's height
      if (!m.partial && i === this.pending) this.askPane(i + 1);
    } else if (m.type === 'error' && this.msg == null) this.say('');
  }

  drawAll() { for (const p of this.panes) this.draw(p); }

  /** plot is the rectangle of the cells in CSS pixels. */
  plot(pane = this.panes[0]) {
    const w = pane.canvas.clientWidth || 600;
    if (this.kind !== 'basins') {
      const h = Math.round(Math.max(Math.min(w * 0.75, 460, this.maxH || Infinity), 120)); // maxH: an embed's room (fitHeight)
      return { w, h, x0: M.l, y0: M.t, x1: w - M.r, y1: h - M.b };
    }
    // Basins: a square view of starts, its key to the right, or below
    // when the pane is narrow (a phone, two panes side by side).
    const rows = Math.max(...this.panes.map((p) => this.legend(p.msg?.map).length)), below = w < 520; // panes of one height
    let side = Math.min(below ? w - M.l - 12 : w - M.l - 150, 420);
    if (this.maxH) side = Math.max(Math.min(side, this.maxH - M.t - M.b - (below ? Math.ceil(rows / 2) * 16 + 12 : 0)), 80);
    const y1 = M.t + side, h = y1 + M.b + (below ? Math.ceil(rows / 2) * 16 + 12 : 0);
    return { w, h: Math.max(h, below ? 0 : M.t + rows * 16 + 8), x0: M.l, y0: M.t, x1: M.l + side, y1, below };
  }

  /** legend lists the basins' key: each minimum and each other outcome seen, with its share of the starts. */
  legend(mp) {
    if (!mp) return [];
    const all = mp.n * mp.n, out = [];
    const pc = (c) => c > 0 && c < all / 200 ? '<1%' : `${Math.round(100 * c / all)}%`;
    mp.minima.forEach((m, q) => out.push({ colour: BASIN_COLOURS[q % BASIN_COLOURS.length], text: `(${fmt(m[0], 2)}, ${fmt(m[1], 2)}) ${pc(mp.counts[q] || 0)}` }));
    for (const q of ['-1', '-2', '-3', '-4']) {
      const c = mp.basin.reduce((a, b) => a + (b === +q), 0);
      if (c) out.push({ colour: BASIN_OTHER[q], text: `${BASIN_NAMES[q]} ${pc(c)}`, code: +q, count: c });
    }
    return out;
  }

  /** scaleX maps a value of the x axis (hypermap: a hyperparameter; basins: x) to CSS px at cell centres. */
  axisMap(ax, lo, hi, log) {
    if (ax) { // hypermap: values are cell centres, the cells evenly spaced on the axis's scale
      const n = ax.n, f = log ? Math.log : (x) => x;
      const a = f(ax.range[0]), b = f(ax.range[1]), step = n > 1 ? (b - a) / (n - 1) : 1;
      return (x, p0, p1) => p0 + ((f(x) - a) / step + 0.5) / n * (p1 - p0);
    }
    return (x, p0, p1) => p0 + (x - lo) / (hi - lo) * (p1 - p0);
  }

  toCanvas(x, y, pane = this.panes[0]) {
    const P = this.plot(pane), mp = pane.msg?.map;
    if (!mp) return null;
    if (this.kind === 'hypermap') {
      const fx = this.axisMap(mp.x, 0, 0, mp.x.log);
      const px = fx(x, P.x0, P.x1);
      const py = mp.y ? this.axisMap(mp.y, 0, 0, mp.y.log)(y, P.y1, P.y0) : (P.y0 + P.y1) / 2;
      return [px, py];
    }
    return [P.x0 + (x - mp.x[0]) / (mp.x[1] - mp.x[0]) * (P.x1 - P.x0), P.y1 - (y - mp.y[0]) / (mp.y[1] - mp.y[0]) * (P.y1 - P.y0)];
  }

  /** cellAt is the cell (i, j) under a CSS pixel, or null outside. */
  cellAt(px, py, pane = this.panes[0]) {
    const P = this.plot(pane), mp = pane.msg?.map;
    if (!mp || px < P.x0 || px >= P.x1 || py < P.y0 || py >= P.y1) return null;
    const nx = this.kind === 'hypermap' ? mp.x.n : mp.n, ny = this.kind === 'hypermap' ? (mp.y ? mp.y.n : 1) : mp.n;
    const i = Math.floor((px - P.x0) / (P.x1 - P.x0) * nx), j = Math.floor((P.y1 - py) / (P.y1 - P.y0) * ny);
    return { i: Math.min(i, nx - 1), j: Math.min(j, ny - 1) };
  }

  click(e, pane) {
    const r = pane.canvas.getBoundingClientRect();
    const c = this.cellAt(e.clientX - r.left, e.clientY - r.top, pane), mp = pane.msg?.map;
    if (!c) return;
    const app = this.app, s = app.state;
    if (this.kind === 'hypermap') {
      const run = s.runs[pane.run], hyper = { [mp.x.name]: mp.x.values[c.i] };
      if (mp.y) hyper[mp.y.name] = mp.y.values[c.j];
      for (const k in hyper) hyper[k] = +hyper[k].toPrecision(6);
      Object.assign(run.hyper, hyper);
      s.scene = '';
      app.send({ type: 'set', run: pane.run, hyper }); // live, as the sliders do
      app.buildRunList();
      app.reset(); // and the trajectory drawn again from k = 0 with them
    } else {
      const x = mp.x[0] + (c.i + 0.5) * (mp.x[1] - mp.x[0]) / mp.n, y = mp.y[0] + (c.j + 0.5) * (mp.y[1] - mp.y[0]) / mp.n;
      app.moveStart([x, y], true);
    }
  }

  draw(pane) {
    const cv = pane.canvas, P = this.plot(pane), dpr = window.devicePixelRatio || 1;
    const cap = pane.fig.querySelector('figcaption');
    cap.textContent = this.panes.length > 1 ? this.app.runName(pane.run) : '';
    cap.style.borderColor = runColour(pane.run);
    cv.style.height = P.h + 'px';
    cv.width = Math.round(P.w * dpr);
    cv.height = Math.round(P.h * dpr);
    const ctx = cv.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.paint(ctx, P, pane);
  }

  /** paint draws pane into ctx (CSS px): its canvas's 2-D context, or an SVGContext (svg()). */
  paint(ctx, P, pane) {
    const own = document.getElementById('embed')?.dataset.theme; // an embed's theme is its author's (theme.mjs)
    const dark = own ? own === 'dark' : document.documentElement.dataset.theme === 'dark' || matchMedia?.('(prefers-color-scheme: dark)').matches && document.documentElement.dataset.theme !== 'light';
    const fg = dark ? '#ddd' : '#222';
    ctx.fillStyle = dark ? '#111' : '#fff';
    ctx.fillRect(0, 0, P.w, P.h);
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = fg;
    const mp = pane.msg?.map;
    pane.markers = {};
    if (!mp) {
      ctx.fillText(this.kind ? (this.pending === this.panes.indexOf(pane) ? 'computing the map on the server…' : 'waiting for the map beside…') : '', P.x0, P.y0 + 20);
      return;
    }
    if (this.kind === 'hypermap') this.drawHypermap(ctx, P, mp, fg, pane);
    else this.drawBasins(ctx, P, mp, fg, pane);
    ctx.strokeStyle = fg;
    ctx.strokeRect(P.x0, P.y0, P.x1 - P.x0, P.y1 - P.y0);
  }

  cells(ctx, P, nx, ny, colour) {
    if (ctx.svg) return ctx.cells(P.x0, P.y0, P.x1, P.y1, nx, ny, colour); // as rects, in the SVG
    const img = ctx.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const c = colour(j * nx + i), o = 4 * ((ny - 1 - j) * nx + i);
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
    const off = document.createElement('canvas');
    off.width = nx; off.height = ny;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, P.x0, P.y0, P.x1 - P.x0, P.y1 - P.y0);
  }

  drawHypermap(ctx, P, mp, fg, pane) {
    const nx = mp.x.n, ny = mp.y ? mp.y.n : 1;
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < mp.values.length; c++) if (mp.status[c] === 0) { lo = Math.min(lo, mp.values[c]); hi = Math.max(hi, mp.values[c]); }
    const log = mp.measure === 'loss' && lo > 0 && hi / lo > 100;
    const t = (v) => hi > lo ? (log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo)) : 0;
    // Lower is better for every measure: bright is best.
    this.cells(ctx, P, nx, ny, (c) => mp.status[c] === 1 ? DIVERGED : mp.status[c] === 2 ? NOT_REACHED : viridis(1 - t(mp.values[c])));
    // Axes: the chapter's symbols, log ticks on a rate.
    const fx = (x) => this.toCanvas(x, mp.y ? mp.y.values[0] : 0, pane)[0];
    ctx.fillStyle = fg; ctx.strokeStyle = fg; ctx.textAlign = 'center';
    const xt = mp.x.log ? logTicks(mp.x.range[0], mp.x.range[1]) : niceTicks(mp.x.range[0], mp.x.range[1], 5);
    for (const v of xt) { const x = fx(v); ctx.beginPath(); ctx.moveTo(x, P.y1); ctx.lineTo(x, P.y1 + 4); ctx.stroke(); ctx.fillText(fmt(v, 2), x, P.y1 + 16); }
    ctx.fillText(`${mp.x.symbol} (${mp.x.name}${mp.x.log ? ', log scale' : ''})`, (P.x0 + P.x1) / 2, P.y1 + 34);
    if (mp.y) {
      ctx.textAlign = 'right';
      const yt = mp.y.log ? logTicks(mp.y.range[0], mp.y.range[1]) : niceTicks(mp.y.range[0], mp.y.range[1], 5);
      for (const v of yt) { const y = this.toCanvas(mp.x.values[0], v, pane)[1]; ctx.beginPath(); ctx.moveTo(P.x0 - 4, y); ctx.lineTo(P.x0, y); ctx.stroke(); ctx.fillText(fmt(v, 2), P.x0 - 6, y + 4); }
      ctx.save(); ctx.translate(14, (P.y0 + P.y1) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center';
      ctx.fillText(`${mp.y.symbol} (${mp.y.name})`, 0, 0); ctx.restore();
    }
    // The colour bar, with the swatches off the scale.
    const bx = P.x1 + 14, bw = 12, bh = (P.y1 - P.y0) * 0.6;
    for (let k = 0; k < bh; k++) { const c = viridis(1 - k / bh); ctx.fillStyle = `rgb(${c})`; ctx.fillRect(bx, P.y0 + k, bw, 1.5); }
    ctx.fillStyle = fg; ctx.textAlign = 'left';
    if (Number.isFinite(lo)) { ctx.fillText(fmt(lo, 3), bx + bw + 3, P.y0 + 9); ctx.fillText(fmt(hi, 3), bx + bw + 3, P.y0 + bh); }
    const name = { rate: 'rate', loss: 'J(θ_N)', steps: 'steps' }[mp.measure];
    ctx.fillText(name, bx, P.y0 + bh + 14);
    ctx.fillStyle = `rgb(${DIVERGED})`; ctx.fillRect(bx, P.y0 + bh + 22, bw, 10);
    ctx.fillStyle = fg; ctx.fillText('diverged', bx - 2, P.y0 + bh + 46);
    if (mp.measure === 'steps') { ctx.fillStyle = `rgb(${NOT_REACHED})`; ctx.fillRect(bx, P.y0 + bh + 52, bw, 10); ctx.fillStyle = fg; ctx.fillText('not reached', bx - 8, P.y0 + bh + 74); }
    // The theory: the stability boundary (dashed) and the optimum (a star).
    const th = mp.theory, notes = [];
    ctx.save();
    ctx.beginPath(); ctx.rect(P.x0, P.y0, P.x1 - P.x0, P.y1 - P.y0); ctx.clip();
    if (th) {
      ctx.setLineDash([6, 4]); ctx.lineWidth = 2; ctx.strokeStyle = '#fff';
      ctx.beginPath();
      if (mp.y) th.boundary.forEach(([e, a], k) => { const [x, y] = this.toCanvas(e, a, pane); k ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      else { const x = this.toCanvas(th.boundary[0][0], 0, pane)[0]; ctx.moveTo(x, P.y0); ctx.lineTo(x, P.y1); }
      ctx.stroke(); ctx.setLineDash([]);
      notes.push(`λmin = ${fmt(th.lambda_min, 3)}, λmax = ${fmt(th.lambda_max, 3)}, κ = ${fmt(th.kappa, 3)}; stable left of the dashed line, ${th.formula}`);
      if (th.optimum) {
        const [x, y] = this.toCanvas(th.optimum.x, th.optimum.y || 0, pane);
        star(ctx, x, y, 9);
        pane.markers.optimum = [x, y];
        notes.push(mp.y ? `☆ the optimum ε* = 4/(√λmax+√λmin)² = ${fmt(th.optimum.x, 3)}, α* = ((√κ−1)/(√κ+1))² = ${fmt(th.optimum.y, 3)}, rate ${fmt(th.optimum.rate, 3)}`
          : `☆ the optimum ε = 2/(λmin+λmax) = ${fmt(th.optimum.x, 3)}, rate ${fmt(th.optimum.rate, 3)}`);
      }
    }
    if (mp.best) {
      // At least 16 px, so that the star on a neighbouring cell leaves it in sight.
      const [x, y] = this.toCanvas(mp.best.x, mp.best.y || 0, pane), cw = Math.max((P.x1 - P.x0) / nx, 16), ch = Math.max((P.y1 - P.y0) / ny, 16);
      ctx.strokeStyle = '#fff'; ctx.lineWidth = 4; ctx.strokeRect(x - cw / 2, y - ch / 2, cw, ch);
      ctx.strokeStyle = '#e11'; ctx.lineWidth = 2; ctx.strokeRect(x - cw / 2, y - ch / 2, cw, ch);
      if (pane.markers.optimum) star(ctx, ...pane.markers.optimum, 9); // the theory's star stays on top
      pane.markers.best = [x, y];
      notes.push(`□ best measured: ${mp.x.symbol} = ${fmt(mp.best.x, 3)}${mp.y ? `, ${mp.y.symbol} = ${fmt(mp.best.y || 0, 3)}` : ''}, ${name} ${fmt(mp.best.value, 3)}`);
    }
    const run = this.app.state.runs[pane.run];
    const cur = (n, d) => run?.hyper[n] ?? optInfo(run?.optimizer)?.hyper.find((h) => h.name === n)?.default ?? d;
    const cx = cur(mp.x.name, NaN), cy = mp.y ? cur(mp.y.name, NaN) : 0;
    if (Number.isFinite(cx) && Number.isFinite(cy)) {
      const [x, y] = this.toCanvas(cx, cy, pane);
      ctx.strokeStyle = '#fff'; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
      ctx.strokeStyle = '#000'; ctx.lineWidth = 1; ctx.beginPath(); ctx.arc(x, y, 8, 0, 2 * Math.PI); ctx.stroke();
      pane.markers.current = [x, y];
    }
    ctx.restore();
    notes.push(`○ the selected run; each cell is one run of ${mp.steps} steps from the start. Click a cell to run with its values.`);
    this.note(pane, notes.join(' · '));
  }

  drawBasins(ctx, P, mp, fg, pane) {
    const n = mp.n;
    this.cells(ctx, P, n, n, (c) => {
      const q = mp.basin[c];
      if (q < 0) return BASIN_OTHER[q];
      const base = BASIN_COLOURS[q % BASIN_COLOURS.length], f = 1 - 0.55 * Math.min(1, mp.k[c] / mp.steps); // darker: more steps
      return base.map((v) => Math.round(v * f + 255 * (1 - f) * 0.15));
    });
    ctx.fillStyle = fg; ctx.strokeStyle = fg; ctx.textAlign = 'center';
    for (const v of niceTicks(mp.x[0], mp.x[1], 5)) { const x = this.toCanvas(v, mp.y[0], pane)[0]; ctx.fillText(fmt(v, 2), x, P.y1 + 16); }
    // The landscape's own axis names (θ₁, θ₂), so the map reads as the view it colours.
    const [n1, n2] = this.app.model?.axisNames?.() || ['θ₁', 'θ₂'];
    ctx.fillText(`${n1} of the start`, (P.x0 + P.x1) / 2, P.y1 + 34);
    ctx.save(); ctx.translate(P.x0 - 40, (P.y0 + P.y1) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(n2, 0, 0); ctx.restore();
    ctx.textAlign = 'right';
    for (const v of niceTicks(mp.y[0], mp.y[1], 5)) { const y = this.toCanvas(mp.x[0], v, pane)[1]; ctx.fillText(fmt(v, 2), P.x0 - 6, y + 4); }
    ctx.textAlign = 'left';
    const key = this.legend(mp), colW = (P.w - 8) / 2;
    key.forEach((e, i) => {
      const x = P.below ? 8 + (i % 2) * colW : P.x1 + 8, y = P.below ? P.y1 + M.b + 8 + Math.floor(i / 2) * 16 : P.y0 + 8 + i * 16;
      ctx.fillStyle = `rgb(${e.colour})`; ctx.fillRect(x, y - 8, 10, 10); ctx.strokeStyle = fg; ctx.strokeRect(x, y - 8, 10, 10);
      ctx.fillStyle = fg; ctx.fillText(e.text, x + 14, y + 1);
    });
    ctx.save(); ctx.beginPath(); ctx.rect(P.x0, P.y0, P.x1 - P.x0, P.y1 - P.y0); ctx.clip();
    for (const m of mp.minima) { const [x, y] = this.toCanvas(m[0], m[1], pane); star(ctx, x, y, 6); }
    const st = this.app.start;
    if (st) { const [x, y] = this.toCanvas(st[0], st[1], pane); ctx.strokeStyle = '#fff'; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke(); pane.markers.current = [x, y]; }
    ctx.restore();
    const opt = optInfo(mp.optimizer)?.name || mp.optimizer, all = n * n;
    const atMin = mp.counts.reduce((a, b) => a + b, 0), stuck = key.filter((e) => e.code === -3 || e.code === -4).reduce((a, e) => a + e.count, 0);
    const pc = (c) => `${Math.round(100 * c / all)}%`;
    pane.stats = { atMin, stuck, boundary: mp.boundary, all };
    this.note(pane, `${opt}: each pixel is a start, coloured by the minimum (☆) its run of ${mp.steps} steps reaches, darker the more steps it took. ` +
      `${pc(atMin)} of the starts reach a minimum${stuck ? `, ${pc(stuck)} a saddle or maximum` : ''}; ${mp.boundary} of ${all} cells lie on a basin boundary. ○ the current start; click to start there.`);
  }

  note(pane, text) { pane.fig.querySelector('.maps-note').textContent = text; }

  /** fileName is the exports' name: saddle-<kind>-<optimizers>.<ext>. */
  fileName(ext) { return `saddle-${this.kind}-${this.panes.map((p) => p.msg?.map?.optimizer || 'map').join('-')}.${ext}`; }

  /**
   * svg is the map as an SVG document, drawn by paint into an SVGContext:
   * every cell a rect, the axes, ticks, labels, key and theory as vectors;
   * side by side, the panes beside each other (each its run's name above).
   */
  svg() {
    const plots = this.panes.map((p) => this.plot(p)), cap = this.panes.length > 1 ? 18 : 0;
    const w = plots.reduce((a, P) => a + P.w, 0), h = Math.max(...plots.map((P) => P.h)) + cap;
    const ctx = new SVGContext(w, h);
    let x = 0;
    this.panes.forEach((pane, i) => {
      ctx.save();
      ctx.translate(x, 0);
      if (cap) { ctx.font = 'bold 12px system-ui, sans-serif'; ctx.fillStyle = runColour(pane.run); ctx.fillText(this.app.runName(pane.run), plots[i].x0, 13); ctx.translate(0, cap); }
      this.paint(ctx, plots[i], pane);
      ctx.restore();
      x += plots[i].w;
    });
    const what = this.kind === 'hypermap' ? 'rate map' : 'basins of attraction';
    return ctx.document({ title: `Saddle: ${what} of ${this.panes.map((p) => this.app.runName(p.run)).join(' and ')}`,
      desc: this.panes.map((p) => p.fig.querySelector('.maps-note').textContent).join(' | ') });
  }

  /**
   * csv is the map's cells: hypermap run,i,j,<x name>,<y name>,value,status
   * (status 0 ok, 1 diverged, 2 not reached); basins run,i,j,x,y,basin,k
   * (basin the minimum's index, or −1 diverged, −2 not converged, −3 a
   * saddle, −4 a maximum; k the steps taken).
   */
  csv() {
    const rows = [];
    for (const p of this.panes) {
      const mp = p.msg?.map;
      if (!mp) continue;
      if (this.kind === 'hypermap') {
        if (!rows.length) rows.push(`run,i,j,${mp.x.name},${mp.y ? mp.y.name : ''},${mp.measure},status`);
        const nx = mp.x.n, ny = mp.y ? mp.y.n : 1;
        for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
          const c = j * nx + i;
          rows.push([p.run, i, j, mp.x.values[i], mp.y ? mp.y.values[j] : '', mp.values[c], mp.status[c]].join(','));
        }
      } else {
        if (!rows.length) rows.push('run,i,j,x,y,basin,k');
        const n = mp.n, dx = (mp.x[1] - mp.x[0]) / n, dy = (mp.y[1] - mp.y[0]) / n;
        for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
          const c = j * n + i;
          rows.push([p.run, i, j, mp.x[0] + (i + 0.5) * dx, mp.y[0] + (j + 0.5) * dy, mp.basin[c], mp.k[c]].join(','));
        }
      }
    }
    return rows.join('\n') + '\n';
  }

  saveSVG() { return (this.lastExport = download(this.fileName('svg'), this.svg(), 'image/svg+xml')); }
  saveCSV() { return (this.lastExport = download(this.fileName('csv'), this.csv(), 'text/csv')); }

  /** fitHeight caps the map's height at px CSS pixels (an embed's room; 0: no cap). */
  fitHeight(px) {
    if (this.maxH === px) return;
    this.maxH = px;
    this.drawAll();
  }

  /** png saves the map as drawn (maps-<kind>.png). */
  png() {
    // Side by side: the panes' canvases beside each other on one image.
    let cv = this.canvas;
    if (this.panes.length > 1) {
      cv = document.createElement('canvas');
      cv.width = this.panes.reduce((a, p) => a + p.canvas.width, 0);
      cv.height = Math.max(...this.panes.map((p) => p.canvas.height));
      const ctx = cv.getContext('2d');
      let x = 0;
      for (const p of this.panes) { ctx.drawImage(p.canvas, x, 0); x += p.canvas.width; }
    }
    return new Promise((resolve) => cv.toBlob((b) => {
      this.lastExport = download(this.fileName('png'), b, 'image/png');
      resolve(this.lastExport);
    }, 'image/png'));
  }
}

function star(ctx, x, y, r) {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 ? r * 0.45 : r;
    k ? ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a)) : ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = '#fff'; ctx.fill();
  ctx.strokeStyle = '#000'; ctx.lineWidth = 1.5; ctx.stroke();
}
