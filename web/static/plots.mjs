// Per-step curves beside the landscape: loss and ‖g‖ for every run, gᵀg and
// gᵀHg for the selected run.
//
// 8 runs × 10 000 steps used to cost 10–30 ms a frame here: all 80 000
// points reduced again as data arrived, and min/max polylines that turn
// back in every pixel column stroked in full on every hover. Now each point
// is folded into its bucket and pixel column once, when it arrives
// (curves.mjs); the axes and curves live in an offscreen layer in which,
// while the axes hold (they end on rounded values), only the strip of newly
// arrived columns is redrawn; columns are bars (rectangles, cheap to fill),
// and a hover draws its cursor over a copy of the layer.

import { niceTicks, logTicks, fmt } from './ticks.mjs';
import { runColour } from './track.mjs';
import { ui } from './ui.mjs';
import { haloColour, backgroundLuminance } from './contrast.mjs';
import { fwd, inv, axisEnd, snapRange, Buckets, Columns } from './curves.mjs';

// Margins hold tick labels, so they grow with ui.font (presentation mode).
const M = { get left() { return 46 * ui.font; }, right: 10, top: 6, get bottom() { return 20 * ui.font; } };

export class CurvePlot {
  /**
   * series() returns [{track, field, colour, dash}] to draw; scale() returns
   * "lin", "log" or "symlog"; onHover(k | null) reports the hovered step.
   */
  constructor(canvas, { series, scale, onHover }) {
    this.canvas = canvas;
    this.series = series;
    this.scale = scale;
    this.ctx = canvas.getContext('2d');
    this.layer = document.createElement('canvas');
    this.lctx = this.layer.getContext('2d');
    this.st = null; // the reduced columns and what the layer shows
    this.kEnd = 0; // the x axis's last step
    this.kData = 0; // the last step with data
    this.hovered = null; // the step drawn as hovered (tests read it)
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      const px = e.clientX - r.left;
      if (px < M.left || px > this.w - M.right || !this.kData) return onHover(null);
      const k = Math.round(((px - M.left) / (this.w - M.left - M.right)) * this.kEnd);
      onHover(Math.min(k, this.kData));
    });
    canvas.addEventListener('mouseleave', () => onHover(null));
    this.resize();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(160, Math.round(this.canvas.parentElement.clientWidth || 300));
    const h = Math.round(120 * ui.font);
    this.w = w; this.h = h; this.dpr = dpr;
    for (const c of [this.canvas, this.layer]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    this.canvas.style.width = w + 'px';
    this.canvas.style.height = h + 'px';
    // Setting a canvas's size clears it: the next draw rebuilds the columns
    // and the layer (from the buckets, which still hold).
    this.regrid();
  }

  /** xOf returns the canvas x (CSS px) of step k, for the hover and the tests. */
  xOf(k) { return M.left + (k / (this.kEnd || 1)) * (this.w - M.left - M.right); }

  /** reset drops the reduced data: the next draw folds in every point again (new runs, another scale). */
  reset() { this.st = null; }

  /** regrid drops the pixel columns and the layer: the next draw rebuilds them from the buckets (the step axis grew). */
  regrid() { if (this.st) this.st.view = ''; }

  // update folds in the points that arrived and brings the layer up to
  // date: all of it when the axes changed, else only the changed columns.
  update() {
    const series = this.series(), kind = this.scale();
    const pw = this.w - M.left - M.right;
    const cols = Math.max(1, Math.floor(pw));
    let kData = 0;
    for (const s of series) if (s.track.n) kData = Math.max(kData, s.track.k[s.track.n - 1]);
    const kEnd = axisEnd(kData);
    this.kData = kData;
    this.kEnd = kEnd;
    let st = this.st;
    // New runs, another field or scale: fold every point in again.
    if (!st || st.kind !== kind || !sameSeries(st.series, series)) {
      st = this.st = { kind, series: series.map((s) => ({ ...s })), buckets: series.map(() => new Buckets(kind)), view: '' };
    }
    // Another step axis or size: rebuild the columns from the buckets.
    const view = `${cols}|${kEnd}|${this.w}|${this.h}|${this.dpr}|${ui.font}|${ui.line}`;
    if (st.view !== view) {
      st.view = view; st.cols = cols; st.kEnd = kEnd;
      st.columns = st.buckets.map((b) => Columns.from(b, cols, kEnd));
      st.range = null; st.drawn = false;
    }
    // No ink yet, or cleared for a new colour theme: draw the axes afresh
    // in the page's text colour.
    if (!this.ink) {
      this.ink = getComputedStyle(document.body).color || '#222';
      this.halos = null;
      st.drawn = false;
    }
    let lo = Infinity, hi = -Infinity;
    st.buckets.forEach((b, i) => {
      b.feed(series[i].track, series[i].field, st.columns[i]);
      if (b.lo < lo) lo = b.lo;
      if (b.hi > hi) hi = b.hi;
    });
    const range = snapRange(lo, hi, kind);
    const ctx = this.lctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    // Values below a log axis's floor (snapRange) are cut off: the axis
    // says so, drawn afresh once when the first one falls below.
    const cut = !!range && lo < range[0];
    if (!st.drawn || !sameRange(range, st.range) || cut !== st.cut) {
      st.range = range;
      st.cut = cut;
      st.drawn = true;
      ctx.clearRect(0, 0, this.w, this.h);
      this.drawAxes(ctx, st);
      for (const c of st.columns) c.take();
      if (range) this.strokeAll(ctx, st, st.columns.map(() => 0));
    } else if (range) {
      // From the first changed column, or the column before it with data:
      // with fewer steps than pixels a line bridges the two, new as well.
      let c0 = Infinity;
      for (const c of st.columns) {
        const first = c.take();
        if (Number.isFinite(first)) c0 = Math.min(c0, c.before(first) >= 0 ? c.before(first) : first);
      }
      if (Number.isFinite(c0)) this.redrawFrom(ctx, st, c0);
    }
    return st;
  }

  // redrawFrom redraws the plot area right of column c0's neighbours:
  // cleared, then the frame and every series in the order of a whole
  // drawing. Drawing only the changed columns over the old ones would
  // darken their anti-aliased edges and change which run is on top.
  redrawFrom(ctx, st, c0) {
    const pw = this.w - M.left - M.right, ph = this.h - M.top - M.bottom;
    const xs = pw / st.cols, lw = 1.3 * ui.line;
    // From a whole device pixel left of the bars that reach column c0.
    const x0 = Math.max(M.left, Math.floor((M.left + c0 * xs - lw) * this.dpr - 1) / this.dpr);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, M.top, M.left + pw - x0, ph);
    ctx.clip();
    ctx.clearRect(x0, M.top, M.left + pw - x0, ph);
    ctx.strokeStyle = '#888';
    ctx.lineWidth = 1;
    ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw - 1, ph - 1);
    const from = Math.max(0, c0 - Math.ceil((2 * lw + 2) / xs));
    this.strokeAll(ctx, st, st.columns.map(() => from));
    ctx.restore();
  }

  Y(v, st = this.st) {
    const [y0, ys] = this.mapY(st);
    return y0 - v * ys;
  }

  drawAxes(ctx, st) {
    const w = this.w, h = this.h, pw = w - M.left - M.right, ph = h - M.top - M.bottom;
    ctx.strokeStyle = '#888';
    ctx.lineWidth = 1;
    ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw - 1, ph - 1);
    ctx.fillStyle = this.ink;
    const size = Math.round(10 * ui.font);
    ctx.font = `${size}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(0, st.kEnd, 4).filter(Number.isInteger)) {
      const px = M.left + (t / st.kEnd) * pw, label = fmt(t, 4);
      // The last label would be cut by the canvas's edge: end it there.
      const half = ctx.measureText(label).width / 2;
      ctx.textAlign = px + half > w - 1 ? 'right' : 'center';
      ctx.fillRect(px, M.top + ph, 1, 3);
      ctx.fillText(label, ctx.textAlign === 'right' ? w - 1 : px, M.top + ph + 4);
    }
    if (!st.range) return;
    const [a, b] = st.range, kind = st.kind, f = fwd[kind];
    const raw = kind === 'log' ? logTicks(inv.log(a), inv.log(b)) : kind === 'symlog' ? symTicks(a, b) : niceTicks(a, b, 3);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    // Labels closer than a line of text would overlap (1 and −1 beside 0 on
    // a symlog axis): keep the ones nearest zero first.
    const kept = [];
    for (const t of [...raw].sort((x, y) => Math.abs(x) - Math.abs(y))) {
      const py = this.Y(f(t), st);
      if (py < M.top - 1 || py > M.top + ph + 1) continue;
      if (kept.some((q) => Math.abs(q - py) < size * 1.1)) continue;
      kept.push(py);
      ctx.fillRect(M.left - 3, py, 3, 1);
      ctx.fillText(fmt(t, 2), M.left - 4, py);
    }
    // Lower values are clipped at the bottom edge: an arrow below the
    // axis's last label, in the margin (the incremental redraws clear the
    // plot area only).
    if (st.cut) {
      ctx.textBaseline = 'top';
      ctx.fillText('↓', M.left - 4, M.top + ph + 4);
    }
  }

  // strokeAll draws each series from its column from[i] on (Infinity: none).
  strokeAll(ctx, st, from) {
    const pw = this.w - M.left - M.right, ph = this.h - M.top - M.bottom;
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, M.top, pw, ph);
    ctx.clip();
    const lw = 1.3 * ui.line;
    ctx.lineWidth = lw;
    ctx.lineJoin = 'round';
    st.series.forEach((s, i) => {
      if (!Number.isFinite(from[i])) return;
      if (s.dash) this.strokeDashed(ctx, st, s, st.columns[i]);
      else this.fillBars(ctx, st, s, st.columns[i], from[i], lw);
    });
    ctx.restore();
  }

  // mapY returns the affine map of scaled values to CSS px as [y0, ys]: y = y0 − v·ys.
  mapY(st) {
    const ph = this.h - M.top - M.bottom, [a, b] = st.range, ys = ph / (b - a);
    return [M.top + ph + a * ys, ys];
  }

  // fillBars draws one series' columns from c0 on as a bar per column, lw
  // wide, from its lowest to its highest value and to the last value of
  // the column before, so neighbours join; a line bridges columns with no
  // steps between them (fewer steps than pixels). Bars are rectangles:
  // they cost a fraction of stroking a path that turns back on itself in
  // every column, as min/max polylines of noisy curves do.
  fillBars(ctx, st, s, col, c0, lw) {
    const v = col.v, xs = (this.w - M.left - M.right) / st.cols, [y0, ys] = this.mapY(st);
    let p = col.before(c0), py = p >= 0 ? y0 - v[4 * p + 3] * ys : NaN;
    const rects = [], gaps = [];
    for (let c = Math.max(c0, 0); c <= col.top; c++) {
      const o = 4 * c;
      if (Number.isNaN(v[o])) continue;
      const x = M.left + c * xs;
      let top = y0 - v[o + 2] * ys, bottom = y0 - v[o + 1] * ys;
      if (p === c - 1) {
        if (py < top) top = py;
        if (py > bottom) bottom = py;
      } else if (p >= 0) {
        gaps.push(M.left + p * xs, py, x, y0 - v[o] * ys);
      }
      rects.push(x - lw / 2, top - lw / 2, lw, bottom - top + lw);
      p = c; py = y0 - v[o + 3] * ys;
    }
    // A colour close to the plot's background (the white run on a light
    // page) gets a thin halo of the page's ink around it.
    const halo = this.halo(s.colour);
    if (halo) paintBars(ctx, rects, gaps, halo, lw, 0.8);
    paintBars(ctx, rects, gaps, s.colour, lw, 0);
  }

  // halo returns the outline colour for a series drawn in colour, or ''
  // when the colour stands out from the background well enough.
  halo(colour) {
    if (!this.halos) {
      this.halos = new Map();
      this.bgLum = backgroundLuminance(this.canvas);
    }
    if (!this.halos.has(colour)) this.halos.set(colour, haloColour(colour, this.bgLum, this.ink));
    return this.halos.get(colour);
  }

  // strokeDashed draws one series as a dashed polyline through each
  // column's first and last value. Always all of it (a short path: one
  // series of one plot): a dash pattern picked up midway would not fall
  // exactly where a whole drawing puts it.
  strokeDashed(ctx, st, s, col) {
    const v = col.v, xs = (this.w - M.left - M.right) / st.cols, [y0, ys] = this.mapY(st);
    ctx.strokeStyle = s.colour;
    ctx.setLineDash(s.dash);
    ctx.beginPath();
    let started = false;
    for (let c = 0; c <= col.top; c++) {
      const o = 4 * c;
      if (Number.isNaN(v[o])) continue;
      const x = M.left + c * xs, y1 = y0 - v[o] * ys, y2 = y0 - v[o + 3] * ys;
      if (started) ctx.lineTo(x, y1); else { ctx.moveTo(x, y1); started = true; }
      if (Math.abs(y2 - y1) > 0.25) ctx.lineTo(x, y2);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  /** draw brings the curves up to date and draws them with the hovered step. */
  draw(hoverK) {
    const st = this.update();
    const ctx = this.ctx, dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.layer, 0, 0);
    this.hovered = null;
    if (hoverK == null || !st.range || hoverK > this.kData) return;
    this.hovered = hoverK;
    const pw = this.w - M.left - M.right, ph = this.h - M.top - M.bottom;
    const X = (k) => M.left + (k / st.kEnd) * pw;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, M.top, pw, ph);
    ctx.clip();
    ctx.strokeStyle = 'rgba(128,128,128,0.9)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(X(hoverK)) + 0.5, M.top);
    ctx.lineTo(Math.round(X(hoverK)) + 0.5, M.top + ph);
    ctx.stroke();
    const f = fwd[st.kind];
    for (const s of st.series) {
      const i = s.track.indexOf(hoverK);
      if (i < 0) continue;
      const v = f(s.track[s.field][i]);
      if (!Number.isFinite(v)) continue;
      ctx.fillStyle = s.colour;
      ctx.strokeStyle = '#000';
      ctx.beginPath();
      ctx.arc(X(s.track.k[i]), this.Y(v, st), 3.5 * ui.line, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
  }
}

// paintBars fills the rectangles [x, y, w, h, ...] grown by e on each side
// as one path, and strokes the bridging lines [x0, y0, x1, y1, ...].
function paintBars(ctx, rects, gaps, colour, lw, e) {
  ctx.fillStyle = colour;
  ctx.beginPath();
  for (let i = 0; i < rects.length; i += 4) ctx.rect(rects[i] - e, rects[i + 1] - e, rects[i + 2] + 2 * e, rects[i + 3] + 2 * e);
  ctx.fill();
  if (!gaps.length) return;
  ctx.strokeStyle = colour;
  ctx.lineWidth = lw + 2 * e;
  ctx.beginPath();
  for (let i = 0; i < gaps.length; i += 4) { ctx.moveTo(gaps[i], gaps[i + 1]); ctx.lineTo(gaps[i + 2], gaps[i + 3]); }
  ctx.stroke();
  ctx.lineWidth = lw;
}

function sameSeries(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.track !== y.track || x.field !== y.field || x.colour !== y.colour || String(x.dash || '') !== String(y.dash || '')) return false;
  }
  return true;
}

const sameRange = (a, b) => (a === null || b === null ? a === b : a[0] === b[0] && a[1] === b[1]);

function symTicks(lo, hi) {
  const out = [0];
  for (let e = 0; e <= 15; e += 2) {
    const v = Math.pow(10, e);
    if (fwd.symlog(v) <= hi) out.push(v);
    if (fwd.symlog(-v) >= lo) out.push(-v);
  }
  return out.filter((v) => fwd.symlog(v) >= lo && fwd.symlog(v) <= hi);
}

export { runColour };
