// A landscape panel: heat map, contours, axes and colour bar drawn once into
// an offscreen canvas; trails drawn incrementally into a second one; only
// the overlays (current points, arrows, hover) are drawn per frame.

import { paint, lut, colourBarTicks } from './colormap.mjs';
import { trace } from './contour.mjs';
import { niceTicks, fmt } from './ticks.mjs';
import { apply2, inv2, quadModel } from './linalg.mjs';
import { runColour } from './track.mjs';
import { ui } from './ui.mjs';

const TABLE = lut();
const MARGIN = { left: 48, right: 70, top: 10, bottom: 36 };
// Canvas fonts follow ui.font (presentation mode), line widths ui.line.
const font = (size, style = '') => `${style}${Math.round(size * ui.font)}px system-ui, sans-serif`;
const marker = () => (1 + ui.line) / 2;

export class Panel {
  /**
   * app is the page (store and settings); opts.runs lists the runs shown
   * (null: all); opts.phi draws in φ-space (Fig 8.7); opts.title labels it.
   */
  constructor(app, host, opts = {}) {
    this.app = app;
    this.opts = opts;
    this.el = document.createElement('div');
    this.el.className = 'panel';
    this.el.dataset.testid = opts.phi ? 'panel-phi' : 'panel';
    if (opts.title) {
      const t = document.createElement('div');
      t.className = 'panel-title';
      t.textContent = opts.title;
      this.el.append(t);
    }
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'landscape';
    this.canvas.dataset.testid = 'landscape';
    this.el.append(this.canvas);
    if (app.setColourScale) { // the colour scale (state.cscale), under the bar
      const sel = this.cscale = document.createElement('select');
      sel.className = 'cscale';
      sel.dataset.testid = 'cscale';
      sel.title = 'colour scale of the loss (key c): auto is log when it spans decades';
      for (const [v, t] of [['auto', 'auto'], ['log', 'log'], ['lin', 'linear']]) sel.append(new Option(t, v));
      sel.onchange = () => app.setColourScale(sel.value);
      this.el.append(sel);
    }
    host.append(this.el);
    this.ctx = this.canvas.getContext('2d');
    this.heat = document.createElement('canvas');
    this.trails = document.createElement('canvas');
    this.heatDirty = true;
    this.trailsDirty = true;
    this.drawn = [];
    this.T = null; // θ → plotted coordinates (φ-space); null is the identity
    this.resize();
  }

  shows(run) { return !this.opts.runs || this.opts.runs.includes(run); }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, Math.round(this.el.clientWidth || 600));
    const fill = this.app.fillHeight?.(); // an embed fills its iframe
    const h = fill > 0 ? Math.max(100, Math.round(fill)) : Math.max(200, Math.round(Math.min(w * 0.8, (window.innerHeight || 800) - 190 * ui.font)));
    this.w = w; this.h = h; this.dpr = dpr;
    for (const c of [this.canvas, this.heat, this.trails]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    this.canvas.style.width = w + 'px';
    this.canvas.style.height = h + 'px';
    const f = ui.font;
    this.plot = { x: MARGIN.left * f, y: MARGIN.top, w: w - (MARGIN.left + MARGIN.right) * f, h: h - MARGIN.top - MARGIN.bottom * f };
    this.heatDirty = this.trailsDirty = true;
  }

  /** view returns [x0, x1, y0, y1] in plotted coordinates. */
  view() {
    if (!this.T) return this.app.state.view;
    // φ-space: centred on the model's minimum, wide enough for the start,
    // with equal scales so the model's contours are circles.
    const r = this.phiR, ry = (r * this.plot.h) / this.plot.w;
    return [-r, r, -ry, ry];
  }

  /**
   * setPhi sets φ = A(θ − origin) (origin: the quadratic model's minimum),
   * or clears it with A = null.
   */
  setPhi(A, origin, start) {
    this.T = A; this.origin = origin;
    if (A) {
      const s = apply2(A, start[0] - origin[0], start[1] - origin[1]);
      this.phiR = Math.max(1.4 * Math.hypot(s[0], s[1]), 1e-6);
    }
    this.heatDirty = this.trailsDirty = true;
  }

  /** matrix returns the affine map θ → CSS px as [a, b, c, d, e, f] (canvas order). */
  matrix() {
    const [x0, x1, y0, y1] = this.view();
    const p = this.plot;
    const sx = p.w / (x1 - x0), sy = -p.h / (y1 - y0);
    const ex = p.x - x0 * sx, fy = p.y + p.h - y0 * sy;
    if (!this.T) return [sx, 0, 0, sy, ex, fy];
    const [t0, t1, t2, t3] = this.T, [ox, oy] = this.origin;
    // px = sx·(t0 (x−ox) + t1 (y−oy)) + ex, py = sy·(t2 (x−ox) + t3 (y−oy)) + fy
    return [sx * t0, sy * t2, sx * t1, sy * t3,
      ex - sx * (t0 * ox + t1 * oy), fy - sy * (t2 * ox + t3 * oy)];
  }

  toPx(x, y, m = this.matrix()) {
    return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  }

  /** fromPx maps CSS px to θ. */
  fromPx(px, py) {
    const m = this.matrix();
    const inv = inv2([m[0], m[2], m[1], m[3]]);
    if (!inv) return null;
    return apply2(inv, px - m[4], py - m[5]);
  }

  inPlot(px, py) {
    const p = this.plot;
    return px >= p.x && px <= p.x + p.w && py >= p.y && py <= p.y + p.h;
  }

  clipPlot(ctx) {
    const p = this.plot;
    ctx.beginPath();
    ctx.rect(p.x, p.y, p.w, p.h);
    ctx.clip();
  }

  renderHeat() {
    const ctx = this.heat.getContext('2d');
    const dpr = this.dpr, L = this.app.land, p = this.plot;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.w, this.h);
    ctx.fillStyle = '#d9d9de';
    ctx.fillRect(p.x, p.y, p.w, p.h);
    const m = this.matrix();
    if (L) {
      ctx.save();
      this.clipPlot(ctx);
      // Grid point i sits at the centre of image pixel i.
      const dx = (L.x[1] - L.x[0]) / (L.nx - 1), dy = (L.y[1] - L.y[0]) / (L.ny - 1);
      const X0 = L.x[0] - dx / 2, Y1 = L.y[1] + dy / 2;
      ctx.setTransform(dpr * m[0] * dx, dpr * m[1] * dx, -dpr * m[2] * dy, -dpr * m[3] * dy,
        dpr * (m[0] * X0 + m[2] * Y1 + m[4]), dpr * (m[1] * X0 + m[3] * Y1 + m[5]));
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(L.image, 0, 0);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      // Contours, in grid coordinates → θ → px.
      ctx.lineWidth = 0.8 * ui.line;
      ctx.strokeStyle = 'rgba(255,255,255,0.45)';
      ctx.beginPath();
      const gx = (i) => L.x[0] + i * dx, gy = (j) => L.y[0] + j * dy;
      for (const seg of L.contours) {
        for (let s = 0; s < seg.length; s += 4) {
          const a = this.toPx(gx(seg[s]), gy(seg[s + 1]), m), b = this.toPx(gx(seg[s + 2]), gy(seg[s + 3]), m);
          ctx.moveTo(a[0], a[1]);
          ctx.lineTo(b[0], b[1]);
        }
      }
      ctx.stroke();
      // Known minima.
      ctx.fillStyle = '#fff';
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      for (const mn of this.app.minima()) {
        const [px, py] = this.toPx(mn[0], mn[1], m);
        star(ctx, px, py, 7);
      }
      ctx.restore();
    }
    this.drawAxes(ctx);
    if (L) this.drawColourBar(ctx, L);
    this.heatDirty = false;
  }

  drawAxes(ctx) {
    const p = this.plot, [x0, x1, y0, y1] = this.view();
    ctx.strokeStyle = '#444';
    ctx.lineWidth = 1;
    ctx.strokeRect(p.x + 0.5, p.y + 0.5, p.w - 1, p.h - 1);
    ctx.fillStyle = this.ink || (this.ink = getComputedStyle(document.body).color || '#222');
    ctx.font = font(11);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(x0, x1, Math.max(3, Math.round(p.w / 80)))) {
      const px = p.x + ((t - x0) / (x1 - x0)) * p.w;
      ctx.fillRect(px, p.y + p.h, 1, 4);
      ctx.fillText(fmt(t, 3), px, p.y + p.h + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(y0, y1, Math.max(3, Math.round(p.h / 60)))) {
      const py = p.y + p.h - ((t - y0) / (y1 - y0)) * p.h;
      ctx.fillRect(p.x - 4, py, 4, 1);
      ctx.fillText(fmt(t, 3), p.x - 6, py);
    }
    // A projected objective's plane coordinates are α, β (model.mjs).
    const [n1, n2] = this.T ? ['φ₁', 'φ₂'] : this.app.model?.axisNames() || ['θ₁', 'θ₂'];
    ctx.font = font(13, 'italic ');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(n1, p.x + p.w / 2, this.h - 2);
    ctx.save();
    ctx.translate(12 * ui.font, p.y + p.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(n2, 0, 0);
    ctx.restore();
  }

  drawColourBar(ctx, L) {
    const p = this.plot, bx = p.x + p.w + 10, bw = 12;
    for (let i = 0; i < p.h; i++) {
      const t = 1 - i / (p.h - 1), c = 3 * Math.round(t * 255);
      ctx.fillStyle = `rgb(${TABLE[c]},${TABLE[c + 1]},${TABLE[c + 2]})`;
      ctx.fillRect(bx, p.y + i, bw, 1);
    }
    ctx.strokeStyle = '#444';
    ctx.strokeRect(bx + 0.5, p.y + 0.5, bw - 1, p.h - 1);
    ctx.fillStyle = this.ink || (this.ink = getComputedStyle(document.body).color || '#222');
    ctx.font = font(10);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const { at, label } of colourBarTicks(L.scale, p, ui.font)) {
      ctx.fillRect(bx + bw, at, 3, 1);
      ctx.fillText(label, bx + bw + 4, at);
    }
    if (this.cscale) { // the select under the bar names the scale
      const sc = this.app.state.cscale || 'auto';
      if (this.cscale.value !== sc) this.cscale.value = sc;
      this.cscale.options[0].text = `auto: ${L.scale.kind === 'log' ? 'log' : 'lin'}`;
      return;
    }
    ctx.textBaseline = 'bottom';
    ctx.fillText(L.scale.kind === 'log' ? 'J (log)' : 'J', bx - 2, p.y + p.h + 24 * ui.font);
  }

  renderTrails(full) {
    const ctx = this.trails.getContext('2d');
    const dpr = this.dpr, tracks = this.app.tracks;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (full) {
      ctx.clearRect(0, 0, this.w, this.h);
      this.drawn = tracks.map(() => 0);
    }
    const m = this.matrix();
    ctx.save();
    this.clipPlot(ctx);
    ctx.lineJoin = 'round';
    for (let r = 0; r < tracks.length; r++) {
      if (!this.shows(r)) continue;
      const t = tracks[r];
      let from = this.drawn[r] || 0;
      if (from >= t.n) continue;
      if (from > 0) from--; // join onto the last drawn point
      ctx.strokeStyle = runColour(r);
      ctx.fillStyle = runColour(r);
      ctx.lineWidth = (r === this.app.state.sel ? 2.2 : 1.6) * ui.line;
      ctx.beginPath();
      let [lx, ly] = this.toPx(t.x[from], t.y[from], m);
      ctx.moveTo(lx, ly);
      const dots = [];
      for (let i = from + 1; i < t.n; i++) {
        const [px, py] = this.toPx(t.x[i], t.y[i], m);
        const d = Math.abs(px - lx) + Math.abs(py - ly);
        // Points closer than half a pixel add nothing but time.
        if (d < 0.5 && i !== t.n - 1) continue;
        ctx.lineTo(px, py);
        if (d > 6) dots.push(px, py);
        lx = px; ly = py;
      }
      ctx.stroke();
      const ds = 3 * marker();
      for (let i = 0; i < dots.length; i += 2) ctx.fillRect(dots[i] - ds / 2, dots[i + 1] - ds / 2, ds, ds);
      this.drawn[r] = t.n;
    }
    ctx.restore();
    this.trailsDirty = false;
  }

  /** draw composes the layers and the overlays; called once per display frame. */
  draw() {
    if (this.heatDirty) { this.renderHeat(); this.trailsDirty = true; }
    this.renderTrails(this.trailsDirty);
    const ctx = this.ctx, dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.heat, 0, 0);
    ctx.drawImage(this.trails, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    this.clipPlot(ctx);
    this.drawOverlays(ctx);
    ctx.restore();
  }

  drawOverlays(ctx) {
    const app = this.app, m = this.matrix(), st = app.state;
    // Start.
    if (app.start) {
      const [sx, sy] = this.toPx(app.start[0], app.start[1], m);
      ctx.lineWidth = 2 * ui.line;
      ctx.strokeStyle = '#000';
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(sx, sy, 5 * marker(), 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    // Quadratic model and eigen-directions at the geometry point.
    const g = app.geometry;
    if (g && !this.T) {
      if (st.quad) this.drawQuadModel(ctx, g, m);
      if (st.eigen) this.drawEigen(ctx, g, m);
    }
    if (this.T && app.startGeometry) this.drawPhiCircles(ctx, m);
    // Clipped steps: the raw step faint, the step taken solid.
    for (let r = 0; r < app.tracks.length; r++) {
      if (!this.shows(r)) continue;
      const p = app.full[r];
      if (!p || !p.clipped || !p.update || !p.raw_grad || !(p.lr > 0)) continue;
      const prev = [p.xy[0] - p.update[0], p.xy[1] - p.update[1]];
      const a = this.toPx(prev[0], prev[1], m);
      const raw = this.toPx(prev[0] - p.lr * p.raw_grad[0], prev[1] - p.lr * p.raw_grad[1], m);
      const b = this.toPx(p.xy[0], p.xy[1], m);
      ctx.globalAlpha = 0.45;
      ctx.setLineDash([5, 4]);
      arrow(ctx, a, raw, runColour(r), 1.5 * ui.line);
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      arrow(ctx, a, b, runColour(r), 2.5 * ui.line);
    }
    // The lessons' overlays (overlays.mjs, app.shapes once something needs
    // it): basins, continuation's stages and a plane's points beneath the
    // current points; velocity, look-ahead, rates, H⁻¹ above them.
    const sh = app.shapes;
    if (sh) sh.drawShapes(ctx, sh.panelShapes(this, m, 'under'), ui.line);
    // Current points; the selected run's is larger; a diverged run gets a cross.
    for (let r = 0; r < app.tracks.length; r++) {
      if (!this.shows(r)) continue;
      const t = app.tracks[r];
      if (!t.n) continue;
      const [px, py] = this.toPx(t.x[t.n - 1], t.y[t.n - 1], m);
      const big = (r === st.sel ? 7 : 5) * marker();
      ctx.fillStyle = runColour(r);
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1.5 * ui.line;
      ctx.beginPath();
      ctx.arc(px, py, big, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      if (app.status[r]?.status === 'diverged') {
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.moveTo(px - 8, py - 8); ctx.lineTo(px + 8, py + 8);
        ctx.moveTo(px + 8, py - 8); ctx.lineTo(px - 8, py + 8);
        ctx.stroke();
      }
    }
    if (sh) sh.drawShapes(ctx, sh.panelShapes(this, m, 'over'), ui.line);
    // Hover: the point of each run at the hovered step.
    if (app.hoverK != null) {
      for (let r = 0; r < app.tracks.length; r++) {
        if (!this.shows(r)) continue;
        const t = app.tracks[r], i = t.indexOf(app.hoverK);
        if (i < 0) continue;
        const [px, py] = this.toPx(t.x[i], t.y[i], m);
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(px, py, 9, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.strokeStyle = runColour(r);
        ctx.beginPath();
        ctx.arc(px, py, 11, 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.fillStyle = 'rgba(0,0,0,0.65)';
      ctx.fillRect(this.plot.x + 4, this.plot.y + 4, 70, 18);
      ctx.fillStyle = '#fff';
      ctx.font = font(12);
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText('k = ' + app.hoverK, this.plot.x + 9, this.plot.y + 13);
    }
  }

  drawEigen(ctx, g, m) {
    const at = g.xy;
    const [px, py] = this.toPx(at[0], at[1], m);
    const big = Math.max(Math.abs(g.eigenvalues[0]), Math.abs(g.eigenvalues[1]), 1e-300);
    const len = Math.min(this.plot.w, this.plot.h) * 0.18;
    const labels = [], obstacles = this.markerBoxes(m);
    obstacles.push(box(px, py, 6));
    ctx.font = font(12, 'bold ');
    const th = Math.round(12 * ui.font * 1.2);
    for (let i = 0; i < 2; i++) {
      const lam = g.eigenvalues[i], v = g.eigenvectors[i];
      // Direction on screen: push the unit θ-vector through the map.
      const q = this.toPx(at[0] + v[0], at[1] + v[1], m);
      let dx = q[0] - px, dy = q[1] - py;
      const n = Math.hypot(dx, dy) || 1;
      const L = len * Math.max(Math.abs(lam) / big, 0.08);
      dx = (dx / n) * L; dy = (dy / n) * L;
      const col = lam >= 0 ? '#4dd0e1' : '#ff5252';
      arrow(ctx, [px, py], [px + dx, py + dy], col, 2.5);
      arrow(ctx, [px, py], [px - dx, py - dy], col, 2.5);
      // The arrows are obstacles too: a few boxes along each.
      for (let s = 1; s <= 4; s++) obstacles.push(box(px + (dx * s) / 4, py + (dy * s) / 4, 2), box(px - (dx * s) / 4, py - (dy * s) / 4, 2));
      const text = `λ${i ? '₂' : '₁'} = ${fmt(lam, 3)}`;
      labels.push({ text, col, x: px + dx, y: py + dy, w: ctx.measureText(text).width, h: th, dir: [dx / L || 1, dy / L || 0] });
    }
    const boxes = placeLabels(labels, obstacles, this.plot);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    this.labelBoxes = boxes.map((b, i) => ({ text: labels[i].text, ...b }));
    boxes.forEach((b, i) => {
      ctx.fillStyle = labels[i].col;
      ctx.fillText(labels[i].text, b.x, b.y + 1);
    });
  }

  /** markerBoxes returns the boxes (CSS px) of the minima, the start and the current points. */
  markerBoxes(m = this.matrix()) {
    const app = this.app, out = [];
    for (const mn of app.minima()) out.push({ kind: 'minimum', ...box(...this.toPx(mn[0], mn[1], m), 8) });
    if (app.start) out.push({ kind: 'start', ...box(...this.toPx(app.start[0], app.start[1], m), 6 * marker()) });
    app.tracks.forEach((t, r) => {
      if (this.shows(r) && t.n) out.push({ kind: 'point', ...box(...this.toPx(t.x[t.n - 1], t.y[t.n - 1], m), 8 * marker()) });
    });
    return out;
  }

  drawQuadModel(ctx, g, m) {
    if (!g.model) {
      const [x0, x1, y0, y1] = this.app.state.view;
      const r = Math.max(x1 - x0, y1 - y0) * 0.2, n = 48;
      const f = quadModel(g.xy, g.loss, g.grad, g.hessian);
      const vals = new Float64Array(n * n);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals[j * n + i] = f(g.xy[0] - r + (2 * r * i) / (n - 1), g.xy[1] - r + (2 * r * j) / (n - 1));
      const segs = [];
      let lo = Infinity, hi = -Infinity;
      for (const v of vals) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      for (let l = 1; l <= 6; l++) trace(vals, n, n, lo + ((hi - lo) * l * l) / 49, segs);
      g.model = { segs, r, n };
    }
    const { segs, r, n } = g.model;
    const gx = (i) => g.xy[0] - r + (2 * r * i) / (n - 1), gy = (j) => g.xy[1] - r + (2 * r * j) / (n - 1);
    ctx.strokeStyle = 'rgba(255,64,129,0.9)';
    ctx.lineWidth = 1.2;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    for (let s = 0; s < segs.length; s += 4) {
      const a = this.toPx(gx(segs[s]), gy(segs[s + 1]), m), b = this.toPx(gx(segs[s + 2]), gy(segs[s + 3]), m);
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // In φ-space the quadratic model at the start has circular contours
  // around its minimum.
  drawPhiCircles(ctx, m) {
    const [ox, oy] = this.toPx(this.origin[0], this.origin[1], m);
    const unit = this.plot.w / (2 * this.phiR);
    ctx.strokeStyle = 'rgba(255,64,129,0.8)';
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1;
    for (let k = 1; k <= 5; k++) {
      ctx.beginPath();
      ctx.arc(ox, oy, (k * this.phiR * unit) / 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  /**
   * nearest returns {run, k} of the path point within 10 px of (px, py), or
   * null; of equally near points, the first run's earliest. Each run's
   * points are kept in screen-space buckets (PathIndex), brought up to date
   * as the track grows and rebuilt when the view changes, so a hover looks
   * at the points of 3 × 3 buckets, not at all 80 000.
   */
  nearest(px, py) {
    const m = this.matrix(), tracks = this.app.tracks;
    const key = `${m.join()}|${this.w}|${this.h}`;
    if (this.hoverKey !== key || !this.paths) { this.hoverKey = key; this.paths = []; }
    let best = null, bd = HOVER_R * HOVER_R;
    for (let r = 0; r < tracks.length; r++) {
      if (!this.shows(r)) continue;
      const t = tracks[r];
      let ix = this.paths[r];
      if (!ix || ix.track !== t || ix.n > t.n) ix = this.paths[r] = new PathIndex(t, m, this.w, this.h);
      const i = ix.nearest(px, py, bd);
      if (i >= 0) { bd = ix.d; best = { run: r, k: t.k[i] }; }
    }
    return best;
  }
}

const HOVER_R = 10; // px: how near the pointer a path point is hovered

/**
 * PathIndex holds one track's points mapped to CSS px by the affine map m,
 * in buckets of HOVER_R × HOVER_R px over the canvas (w × h) and HOVER_R
 * around it; points further out are left out (a query inside the canvas
 * cannot reach them; one outside scans all the points instead). Each
 * bucket is a linked list (head, next), newest point first, so the points
 * a growing track gains are added in place.
 */
export class PathIndex {
  constructor(track, m, w, h) {
    this.track = track;
    this.m = m;
    this.w = w; this.h = h;
    this.gx = Math.ceil(w / HOVER_R) + 3; // one bucket of room each side, and the far edge
    this.gy = Math.ceil(h / HOVER_R) + 3;
    this.head = new Int32Array(this.gx * this.gy).fill(-1);
    this.n = 0; // points indexed
    this.grow(Math.max(track.n, 64));
    this.d = Infinity; // the squared distance of the last point nearest returned
  }

  grow(cap) {
    const next = new Int32Array(cap), qx = new Float64Array(cap), qy = new Float64Array(cap);
    if (this.next) { next.set(this.next); qx.set(this.qx); qy.set(this.qy); }
    this.next = next; this.qx = qx; this.qy = qy;
  }

  // cell returns the bucket of (x, y) in px, -1 outside the grid (NaN too).
  cell(x, y) {
    const i = Math.floor(x / HOVER_R) + 1, j = Math.floor(y / HOVER_R) + 1;
    return i >= 0 && i < this.gx && j >= 0 && j < this.gy ? j * this.gx + i : -1;
  }

  // update indexes the points the track gained.
  update() {
    const t = this.track, m = this.m;
    if (t.n > this.next.length) this.grow(Math.max(t.n, 2 * this.next.length));
    for (let i = this.n; i < t.n; i++) {
      // The same arithmetic as Panel.toPx: the same distances, the same ties.
      const x = m[0] * t.x[i] + m[2] * t.y[i] + m[4], y = m[1] * t.x[i] + m[3] * t.y[i] + m[5];
      this.qx[i] = x; this.qy[i] = y;
      const c = this.cell(x, y);
      if (c >= 0) { this.next[i] = this.head[c]; this.head[c] = i; }
    }
    this.n = t.n;
  }

  /**
   * nearest returns the index of the track's point nearest (px, py) at a
   * squared distance under bd (the earliest of equally near ones), or -1;
   * this.d is then its squared distance.
   */
  nearest(px, py, bd) {
    this.update();
    let best = -1;
    const qx = this.qx, qy = this.qy, next = this.next;
    if (px >= 0 && px <= this.w && py >= 0 && py <= this.h) {
      // Points within HOVER_R lie in the buckets of (px ± R, py ± R).
      const i0 = Math.floor((px - HOVER_R) / HOVER_R) + 1, i1 = Math.floor((px + HOVER_R) / HOVER_R) + 1;
      const j0 = Math.floor((py - HOVER_R) / HOVER_R) + 1, j1 = Math.floor((py + HOVER_R) / HOVER_R) + 1;
      for (let j = Math.max(j0, 0); j <= Math.min(j1, this.gy - 1); j++) {
        for (let i = Math.max(i0, 0); i <= Math.min(i1, this.gx - 1); i++) {
          // Newest first: on equal distances the earlier point wins.
          for (let p = this.head[j * this.gx + i]; p >= 0; p = next[p]) {
            const d = (qx[p] - px) ** 2 + (qy[p] - py) ** 2;
            if (d < bd || (d === bd && best >= 0 && p < best)) { bd = d; best = p; }
          }
        }
      }
    } else {
      for (let p = 0; p < this.n; p++) {
        const d = (qx[p] - px) ** 2 + (qy[p] - py) ** 2;
        if (d < bd) { bd = d; best = p; }
      }
    }
    this.d = bd;
    return best;
  }
}

function star(ctx, x, y, r) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
}

export function arrow(ctx, a, b, colour, width) {
  const dx = b[0] - a[0], dy = b[1] - a[1], n = Math.hypot(dx, dy);
  if (!(n > 1) || !Number.isFinite(n)) return;
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(a[0], a[1]);
  ctx.lineTo(b[0], b[1]);
  ctx.stroke();
  const h = Math.min(10, n / 2), ux = dx / n, uy = dy / n;
  ctx.beginPath();
  ctx.moveTo(b[0], b[1]);
  ctx.lineTo(b[0] - h * ux + h * 0.5 * uy, b[1] - h * uy - h * 0.5 * ux);
  ctx.lineTo(b[0] - h * ux - h * 0.5 * uy, b[1] - h * uy + h * 0.5 * ux);
  ctx.closePath();
  ctx.fill();
}

/** buildLandscape turns a "landscape" message into what panels draw. */
export function buildLandscape(msg, scale, levelsOf) {
  const { nx, ny, values } = msg;
  const image = document.createElement('canvas');
  image.width = nx; image.height = ny;
  const ictx = image.getContext('2d');
  const img = ictx.createImageData(nx, ny);
  paint(img.data, values, nx, ny, scale, TABLE);
  ictx.putImageData(img, 0, 0);
  const contours = levelsOf(scale).map((lv) => trace(values, nx, ny, lv));
  return { x: msg.x, y: msg.y, nx, ny, min: msg.min, max: msg.max, values, scale, image, contours };
}

// box returns the square of half-side r around (x, y).
const box = (x, y, r) => ({ x: x - r, y: y - r, w: 2 * r, h: 2 * r });

const overlap = (a, b) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
const DIRS = [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1]];

/**
 * placeLabels returns a box {x, y, w, h} for each label {x, y, w, h, dir?}
 * (anchor, size, the way it points): of 16 offsets around the anchor (8
 * directions, near then far, those along dir first) the first inside
 * bounds meeting no obstacle and no label placed before; else the least
 * overlapping.
 */
export function placeLabels(labels, obstacles, bounds, gap = 4) {
  const placed = [];
  for (const l of labels) {
    const cands = [];
    for (const d of [gap, gap + 14]) {
      for (const [ux, uy] of DIRS) {
        cands.push({
          x: l.x + ux * d - (ux < 0 ? l.w : ux ? 0 : l.w / 2), y: l.y + uy * d - (uy < 0 ? l.h : uy ? 0 : l.h / 2), w: l.w, h: l.h,
          pref: (l.dir ? ux * l.dir[0] + uy * l.dir[1] : 0) / Math.hypot(ux, uy) - (d > gap ? 2 : 0),
        });
      }
    }
    let best = null, cost = Infinity;
    for (const c of cands.sort((a, b) => b.pref - a.pref)) {
      let k = c.w * c.h - overlap(c, bounds);
      for (const o of obstacles.concat(placed)) k += overlap(c, o);
      if (k < cost) { best = c; cost = k; }
      if (!k) break;
    }
    placed.push({ x: best.x, y: best.y, w: best.w, h: best.h });
  }
  return placed;
}
