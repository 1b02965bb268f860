// A small x–y plot for the model panels (spectrum, interpolation,
// fidelity): lines, stems and markers on linear, log or symlog axes. The
// scales and ranges are pure functions (xyplot.test.mjs); XYPlot draws.

import { niceTicks, logTicks, fmt } from './ticks.mjs';
import { ui } from './ui.mjs';
import { haloColour, backgroundLuminance } from './contrast.mjs';

/** symlog maps v to sign(v)·log10(1 + |v|/c): linear near 0, logarithmic far out. */
export const symlog = (v, c = 1) => Math.sign(v) * Math.log10(1 + Math.abs(v) / c);
/** symexp inverts symlog. */
export const symexp = (u, c = 1) => Math.sign(u) * c * (Math.pow(10, Math.abs(u)) - 1);

/**
 * axisMap returns {f, inv} for a scale: "lin", "log" (positive values only;
 * others map to NaN) or "symlog" with linear width c.
 */
export function axisMap(kind, c = 1) {
  if (kind === 'log') return { f: (v) => (v > 0 ? Math.log10(v) : NaN), inv: (u) => Math.pow(10, u) };
  if (kind === 'symlog') return { f: (v) => symlog(v, c), inv: (u) => symexp(u, c) };
  return { f: (v) => v, inv: (u) => u };
}

/**
 * extent returns [lo, hi] of the finite values of arrays under the scale's
 * map (positive values only on a log scale), padded by pad of the span; a
 * single value gets a unit span around it; null when nothing is finite.
 */
export function extent(arrays, kind = 'lin', pad = 0.05, c = 1) {
  const { f } = axisMap(kind, c);
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) {
    if (!a) continue;
    for (const v of a) {
      const u = f(v);
      if (!Number.isFinite(u)) continue;
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
  }
  if (!(hi >= lo)) return null;
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/**
 * ticksFor returns tick values (in data units) for the mapped range
 * [lo, hi] of a scale: nice numbers, powers of ten, or for symlog 0 and
 * ±powers of ten (at most about n of each).
 */
export function ticksFor(kind, lo, hi, n = 4, c = 1) {
  const { inv } = axisMap(kind, c);
  if (kind === 'log') {
    const t = logTicks(inv(lo), inv(hi));
    return t.length ? t : niceTicks(inv(lo), inv(hi), n);
  }
  if (kind !== 'symlog') return niceTicks(lo, hi, n);
  const out = [];
  const { f } = axisMap(kind, c);
  if (lo <= 0 && hi >= 0) out.push(0);
  const emax = Math.ceil(Math.log10(Math.max(Math.abs(inv(lo)), Math.abs(inv(hi)), c)));
  const emin = Math.floor(Math.log10(c));
  const stride = Math.max(1, Math.ceil((emax - emin + 1) / n));
  for (let e = emin; e <= emax; e += stride) {
    const v = Math.pow(10, e);
    if (f(v) <= hi && f(v) >= lo) out.push(v);
    if (f(-v) >= lo && f(-v) <= hi) out.push(-v);
  }
  return out.sort((a, b) => a - b);
}

const M = { get left() { return 46 * ui.font; }, right: 10, top: 8, get bottom() { return 30 * ui.font; } };

export class XYPlot {
  /** canvas is the element drawn into; height its CSS height before ui.font. */
  constructor(canvas, height = 130) {
    this.canvas = canvas;
    this.height = height;
    this.ctx = canvas.getContext('2d');
    this.last = null;
    // A new theme: the ink (axes, labels, halos) is the page's colour anew.
    // Only a canvas on the page listens (plotSVG's drawings are thrown away).
    if (typeof HTMLCanvasElement !== 'undefined' && canvas instanceof HTMLCanvasElement) {
      const repaint = () => requestAnimationFrame(() => { this.ink = null; this.bgLum = null; if (this.last) this.draw(this.last); });
      window.addEventListener('saddle-theme', repaint);
      window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', repaint);
    }
  }

  // halo is the outline under a line of colour too close to the background's.
  halo(colour) {
    this.bgLum ??= this.canvas.nodeType === 1 ? backgroundLuminance(this.canvas) : 1;
    return haloColour(colour, this.bgLum, this.ink);
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(160, Math.round(this.canvas.parentElement.clientWidth || 300));
    const h = Math.round(this.height * ui.font);
    if (w === this.w && h === this.h && dpr === this.dpr) return;
    this.w = w; this.h = h; this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = w + 'px';
    this.canvas.style.height = h + 'px';
  }

  /**
   * draw lays out spec: {x: {range, kind, c, label, ticks?}, y: {...},
   * series: [{x, y, colour, dash, width, kind: "line" | "stems" | "dots",
   * base (stems: where they start, in data units)}], marks: [{x, label}]
   * (vertical guides), legend: [{text, colour, dash}]}.
   */
  draw(spec) {
    this.resize();
    this.last = spec;
    const ctx = this.ctx, dpr = this.dpr, w = this.w, h = this.h;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const ink = this.ink || (this.ink = getComputedStyle(document.body).color || '#222');
    // The legend sits above the plot, never over the curves.
    ctx.font = `${Math.round(10 * ui.font)}px system-ui, sans-serif`;
    const lh = 13 * ui.font;
    const items = layoutLegend(spec.legend || [], (t) => ctx.measureText(t).width + 30, w - M.left - M.right);
    const rows = items.length ? items[items.length - 1].row + 1 : 0;
    const top = M.top + rows * lh;
    const pw = w - M.left - M.right, ph = h - top - M.bottom;
    for (const it of items) {
      const px = M.left + it.x, py = 6 + it.row * lh;
      ctx.setLineDash(it.dash || []);
      const halo = this.halo(it.colour);
      for (const [c, lw] of halo ? [[halo, 3.6], [it.colour, 2]] : [[it.colour, 2]]) {
        ctx.strokeStyle = c;
        ctx.lineWidth = lw * ui.line;
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(px + 18, py);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = ink;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(it.text, px + 22, py);
    }
    ctx.strokeStyle = '#888';
    ctx.lineWidth = 1;
    ctx.strokeRect(M.left + 0.5, top + 0.5, pw - 1, ph - 1);
    const { x, y } = spec;
    if (!x.range || !y.range) return;
    const mx = axisMap(x.kind, x.c), my = axisMap(y.kind, y.c);
    const [x0, x1] = x.range, [y0, y1] = y.range;
    const X = (v) => M.left + ((mx.f(v) - x0) / (x1 - x0)) * pw;
    const Y = (v) => top + ph - ((my.f(v) - y0) / (y1 - y0)) * ph;
    this.X = X; this.Y = Y;
    ctx.fillStyle = ink;
    ctx.font = `${Math.round(10 * ui.font)}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of y.ticks || ticksFor(y.kind, y0, y1, 3, y.c)) {
      const py = Y(t);
      if (!(py >= top - 0.5 && py <= top + ph + 0.5)) continue;
      ctx.fillRect(M.left - 3, py, 3, 1);
      ctx.fillText(fmt(t, 2), M.left - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of x.ticks || ticksFor(x.kind, x0, x1, 4, x.c)) {
      const v = typeof t === 'object' ? t.v : t;
      const px = X(v);
      if (!(px >= M.left - 0.5 && px <= M.left + pw + 0.5)) continue;
      ctx.fillRect(px, top + ph, 1, 3);
      ctx.fillText(typeof t === 'object' ? t.label : fmt(v, 3), px, top + ph + 4);
    }
    ctx.font = `italic ${Math.round(11 * ui.font)}px system-ui, sans-serif`;
    ctx.textBaseline = 'bottom';
    if (x.label) ctx.fillText(x.label, M.left + pw / 2, h - 1);
    if (y.label) {
      ctx.save();
      ctx.translate(9 * ui.font, top + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = 'middle';
      ctx.fillText(y.label, 0, 0);
      ctx.restore();
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, top, pw, ph);
    ctx.clip();
    for (const mk of spec.marks || []) {
      const px = Math.round(X(mk.x)) + 0.5;
      ctx.strokeStyle = 'rgba(128,128,128,0.7)';
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + ph);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const s of spec.series) {
      ctx.strokeStyle = s.colour;
      ctx.fillStyle = s.colour;
      ctx.lineWidth = (s.width || 1.5) * ui.line;
      ctx.setLineDash(s.dash || []);
      const n = Math.min(s.x.length, s.y.length);
      if (s.kind === 'stems') {
        const base = Y(s.base ?? my.inv(y0));
        for (let i = 0; i < n; i++) {
          const px = X(s.x[i]), py = Y(s.y[i]);
          if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
          ctx.beginPath();
          ctx.moveTo(px, Number.isFinite(base) ? base : top + ph);
          ctx.lineTo(px, py);
          ctx.stroke();
          ctx.beginPath();
          ctx.arc(px, py, 3.2 * ui.line, 0, 2 * Math.PI);
          if (s.hollow) ctx.stroke(); else ctx.fill();
        }
        continue;
      }
      if (s.kind === 'dots') {
        for (let i = 0; i < n; i++) {
          const px = X(s.x[i]), py = Y(s.y[i]);
          if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
          ctx.beginPath();
          ctx.arc(px, py, 3 * ui.line, 0, 2 * Math.PI);
          ctx.fill();
        }
        continue;
      }
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i++) {
        const px = X(s.x[i]), py = Y(s.y[i]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
        if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        pen = true;
      }
      const halo = this.halo(s.colour);
      if (halo) { // the same path, wider, under the line
        ctx.strokeStyle = halo;
        ctx.lineWidth = ((s.width || 1.5) + 1.6) * ui.line;
        ctx.stroke();
        ctx.strokeStyle = s.colour;
        ctx.lineWidth = (s.width || 1.5) * ui.line;
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.restore();
  }
}

/**
 * layoutLegend places legend entries left to right, wrapping into rows of
 * at most width px; widthOf(text) is an entry's width. Returns the entries
 * with x and row.
 */
export function layoutLegend(legend, widthOf, width) {
  const out = [];
  let x = 0, row = 0;
  for (const l of legend) {
    const w = widthOf(l.text);
    if (x > 0 && x + w > width) { x = 0; row++; }
    out.push({ ...l, x, row });
    x += w + 8;
  }
  return out;
}
