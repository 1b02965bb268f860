// The live session over /ws: connecting, sending, and what the page does
// with each message the server sends (scene, landscape, frame, status,
// geometry, error), plus the parts of the start message built from the
// state. Methods of the App (app.mjs adds them to its prototype).

import { valueScale } from './colormap.mjs';
import { levels } from './contour.mjs';
import { buildLandscape } from './panel.mjs';
import { blurGrid } from './lessontools.mjs';
import { DATA, $ } from './page.mjs';

export const session = {
  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${DATA.base}/ws`);
    this.ws = ws;
    ws.onopen = () => { this.setConn('live'); if (!this.room?.onOpen()) this.restart(); }; // room.mjs: a follower starts no scene
    ws.onclose = (e) => {
      this.setConn(`disconnected${e.reason ? ': ' + e.reason : ''} (retrying)`);
      this.playing = false;
      this.syncPlay();
      setTimeout(() => this.connect(), 2000);
    };
    ws.onmessage = (e) => this.onMessage(JSON.parse(e.data));
  },

  setConn(text) { $('conn').textContent = text; $('conn').dataset.state = text.split(' ')[0]; },

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  },

  gridSize() {
    if (this.model?.projected()) return this.model.gridSize();
    if (this.state.grid) return [this.state.grid, this.state.grid];
    const p = this.panels[0]?.plot;
    const nx = Math.max(32, Math.min(512, Math.round((p?.w || 400) / 1.5)));
    const ny = Math.max(32, Math.min(512, Math.round((p?.h || 400) / 1.5)));
    return blurGrid(this.state.objective.blur, [nx, ny]); // a blurred objective costs k² per point
  },

  viewMsg() {
    const [x0, x1, y0, y1] = this.state.view, [nx, ny] = this.gridSize();
    return { x: [x0, x1], y: [y0, y1], nx, ny };
  },

  runSpecs() {
    return this.state.runs.map((r) => {
      const o = { optimizer: r.optimizer };
      if (Object.keys(r.hyper).length) o.hyper = r.hyper;
      if (r.clip.norm > 0 || r.clip.value > 0) o.clip = r.clip;
      if (r.schedule.kind && r.schedule.kind !== 'constant') o.schedule = r.schedule;
      if (r.label) o.label = r.label;
      return o;
    });
  },

  objectiveSpec() {
    const o = this.state.objective;
    if (o.expr !== undefined) return { expr: o.expr };
    const spec = o.params && Object.keys(o.params).length ? { id: o.id, params: o.params } : { id: o.id };
    if (o.blur > 0) spec.blur = o.blur; // continuation (8.7.5)
    if (o.options && Object.keys(o.options).length) spec.options = o.options; // a projected model's choices
    return spec;
  },

  stepBy(n) {
    while (n > 0) {
      const m = Math.min(n, 10000);
      this.send({ type: 'step', n: m });
      n -= m;
    }
  },

  requestGeometry(what, purpose) {
    this.pendingGeometry.push({ purpose, gen: this.sceneGen, at: what.at });
    this.send({ type: 'hessian', ...what });
  },

  onMessage(m) {
    this.room?.onMessage(m); // room.mjs, once a room is used
    this.model?.onMessage(m);
    this.maps?.onMessage(m); // maps.mjs, once opened
    // Each trace holds its run's whole trace; kept here, so those that come
    // before sharpness.mjs is in are drawn once it is.
    if (m.type === 'sharpness') (this.sharpTraces ||= [])[m.run] = m;
    this.sharpness?.onMessage(m); // sharpness.mjs, once loaded
    this.decay?.onMessage(m); // decay.mjs, once opened
    this.honest?.onMessage(m); // honest.mjs, once opened
    if (m.type === 'scene') this.syncHonest?.();
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
  },

  onLandscape(m) {
    this.landMsg = m; // redrawn when the colour scale (cscale) changes
    const scale = valueScale(m.min, m.max, { values: m.values, kind: this.state.cscale });
    this.land = buildLandscape(m, scale, (sc) => levels(sc, 14));
    for (const p of this.panels) p.heatDirty = true;
    this.dirty = true;
  },

  onFrame(m) {
    for (const p of m.points) {
      const t = this.tracks[p.run];
      if (!t) continue;
      t.push(p);
      if (p.update || p.grad || p.state || p.k === 0) this.full[p.run] = p;
    }
    this.dirty = this.plotsDirty = true;
    if (!this.playing) this.saveK(); // a step's (or a replay's) k is in the link at once
  },

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
  },

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
  },

  currentPoint() {
    const t = this.tracks[this.state.sel];
    return t && t.n ? [t.x[t.n - 1], t.y[t.n - 1]] : null;
  },

  onError(m) {
    if (m.field && m.field.endsWith('expr')) {
      this.showExprError(m.error, m.offset);
    } else {
      const box = $('error');
      box.hidden = false;
      box.textContent = (m.field ? m.field + ': ' : '') + m.error;
    }
    if (this.pendingGeometry.length && m.field && (m.field === 'at' || m.field === 'run')) this.pendingGeometry.shift();
  },
};
