// Per-step curves beside the landscape: loss and ‖g‖ for every run, gᵀg and
// gᵀHg for the selected run. Each run is reduced to one min/max pair per
// pixel column, so 10 000 steps cost no more to draw than 300.

import { niceTicks, logTicks, fmt } from './ticks.mjs';
import { runColour } from './track.mjs';
import { ui } from './ui.mjs';

// Margins hold tick labels, so they grow with ui.font (presentation mode).
const M = { get left() { return 46 * ui.font; }, right: 8, top: 6, get bottom() { return 20 * ui.font; } };

// Scales: "lin", "log" (positive values), "symlog" (signed, log of 1 + |v|).
const fwd = {
  lin: (v) => v,
  log: (v) => (v > 0 ? Math.log10(v) : NaN),
  symlog: (v) => Math.sign(v) * Math.log10(1 + Math.abs(v)),
};
const inv = {
  lin: (v) => v,
  log: (v) => Math.pow(10, v),
  symlog: (v) => Math.sign(v) * (Math.pow(10, Math.abs(v)) - 1),
};

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
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      const px = e.clientX - r.left;
      if (px < M.left || px > this.w - M.right || !this.kmax) return onHover(null);
      onHover(Math.round(((px - M.left) / (this.w - M.left - M.right)) * this.kmax));
    });
    canvas.addEventListener('mouseleave', () => onHover(null));
    this.resize();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(160, Math.round(this.canvas.parentElement.clientWidth || 300));
    const h = Math.round(120 * ui.font);
    this.w = w; this.h = h; this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = w + 'px';
    this.canvas.style.height = h + 'px';
  }

  // reduce scans the series once per change of data, size or scale and
  // keeps, per series, one (first, min, max, last) per pixel column.
  reduce(series, kind, pw) {
    const shape = kind + pw + series.map((s) => s.field + s.colour).join();
    const key = shape + series.map((s) => s.track.n).join();
    const now = performance.now();
    if (this.cache && this.cache.key === key) return this.cache;
    // While frames stream in, re-reduce at most 10 times a second; between
    // times the curves lag by a few steps, never the landscape.
    if (this.cache && this.cache.shape === shape && now - this.cache.time < 100) return this.cache;
    const f = fwd[kind];
    let kmax = 1, lo = Infinity, hi = -Infinity;
    for (const s of series) if (s.track.n) kmax = Math.max(kmax, s.track.k[s.track.n - 1]);
    const cols = Math.max(1, Math.floor(pw));
    const reduced = series.map((s) => {
      const t = s.track, a = t[s.field];
      const out = new Float64Array(4 * (cols + 1)).fill(NaN);
      let i = 0;
      for (let c = 0; c <= cols && i < t.n; c++) {
        const kEnd = ((c + 1) / cols) * kmax;
        let mn = Infinity, mx = -Infinity, first = NaN, last = NaN;
        for (; i < t.n && t.k[i] <= kEnd; i++) {
          const v = f(a[i]);
          if (!Number.isFinite(v)) continue;
          if (Number.isNaN(first)) first = v;
          last = v;
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (Number.isNaN(first)) continue;
        out[4 * c] = first; out[4 * c + 1] = mn; out[4 * c + 2] = mx; out[4 * c + 3] = last;
        if (mn < lo) lo = mn;
        if (mx > hi) hi = mx;
      }
      return out;
    });
    this.cache = { key, shape, time: now, kmax, lo, hi, cols, reduced };
    return this.cache;
  }

  draw(hoverK) {
    const ctx = this.ctx, dpr = this.dpr, w = this.w, h = this.h;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pw = w - M.left - M.right, ph = h - M.top - M.bottom;
    const series = this.series();
    const kind = this.scale();
    const f = fwd[kind];
    const { kmax, cols, reduced } = this.reduce(series, kind, pw);
    let { lo, hi } = this.cache;
    this.kmax = kmax;
    ctx.strokeStyle = '#888';
    ctx.lineWidth = 1;
    ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw - 1, ph - 1);
    if (!(hi >= lo)) return;
    if (hi === lo) { hi += 0.5; lo -= 0.5; }
    const pad = (hi - lo) * 0.05;
    lo -= pad; hi += pad;
    const X = (k) => M.left + (k / kmax) * pw;
    const Y = (v) => M.top + ph - ((v - lo) / (hi - lo)) * ph;
    // Axes.
    ctx.fillStyle = this.ink || (this.ink = getComputedStyle(document.body).color || '#222');
    ctx.font = `${Math.round(10 * ui.font)}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const yt = kind === 'log' ? logTicks(inv.log(lo), inv.log(hi)) : kind === 'symlog' ? symTicks(lo, hi) : niceTicks(lo, hi, 3);
    for (const t of yt) {
      const py = Y(f(t));
      ctx.fillRect(M.left - 3, py, 3, 1);
      ctx.fillText(fmt(t, 2), M.left - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(0, kmax, 4)) {
      ctx.fillRect(X(t), M.top + ph, 1, 3);
      ctx.fillText(fmt(t, 4), X(t), M.top + ph + 4);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, M.top, pw, ph);
    ctx.clip();
    series.forEach((s, si) => {
      const col = reduced[si];
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 1.3 * ui.line;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      let started = false;
      for (let c = 0; c <= cols; c++) {
        const first = col[4 * c];
        if (Number.isNaN(first)) continue;
        const px = M.left + c + 0.5;
        if (!started) { ctx.moveTo(px, Y(first)); started = true; } else ctx.lineTo(px, Y(first));
        if (col[4 * c + 2] > col[4 * c + 1]) { ctx.lineTo(px, Y(col[4 * c + 1])); ctx.lineTo(px, Y(col[4 * c + 2])); }
        ctx.lineTo(px, Y(col[4 * c + 3]));
      }
      ctx.stroke();
    });
    ctx.setLineDash([]);
    if (hoverK != null && hoverK <= kmax) {
      ctx.strokeStyle = 'rgba(128,128,128,0.9)';
      ctx.beginPath();
      ctx.moveTo(X(hoverK) + 0.5, M.top);
      ctx.lineTo(X(hoverK) + 0.5, M.top + ph);
      ctx.stroke();
      for (const s of series) {
        const i = s.track.indexOf(hoverK);
        if (i < 0) continue;
        const v = f(s.track[s.field][i]);
        if (!Number.isFinite(v)) continue;
        ctx.fillStyle = s.colour;
        ctx.beginPath();
        ctx.arc(X(s.track.k[i]), Y(v), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.restore();
  }
}

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
