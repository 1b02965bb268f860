// Colour maps and value scales for the heat map. Pure functions, tested
// with node's test runner (static.test.mjs, drawing.test.mjs).

import { niceTicks, tickLabels } from './ticks.mjs';

// Viridis-like anchors (perceptually uniform, colour-blind safe), sampled
// every 1/8 of the range; values between are interpolated linearly.
const ANCHORS = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142],
  [33, 145, 140], [34, 168, 132], [68, 191, 112], [122, 209, 81],
  [189, 223, 38], [253, 231, 37],
];

/** viridis maps t in [0, 1] (clamped; NaN gives 0) to [r, g, b] bytes. */
export function viridis(t) {
  if (!(t > 0)) t = 0;
  if (t > 1) t = 1;
  const x = t * (ANCHORS.length - 1);
  const i = Math.min(Math.floor(x), ANCHORS.length - 2);
  const f = x - i;
  const a = ANCHORS[i], b = ANCHORS[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** lut returns a 256-entry Uint8Array(256*3) of the colour map, for speed. */
export function lut(map = viridis) {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) out.set(map(i / 255), 3 * i);
  return out;
}

// Auto takes the log scale when max − min ≥ 10^LOG_DECADES × the 1st
// percentile of v − min (lowGap): Rosenbrock's ratio is ~5000, a bowl's
// ~400 at condition number 25 (linear unless very ill-conditioned).
export const LOG_DECADES = 3;

/** lowGap returns the q-quantile of v − min over (a sample of) the finite values, NaN if none. */
export function lowGap(values, min, q = 0.01) {
  const stride = Math.max(1, Math.floor(values.length / 4096)), xs = [];
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i])) xs.push(values[i] - min);
  if (!xs.length) return NaN;
  xs.sort((a, b) => a - b);
  return Math.max(0, xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]);
}

/**
 * valueScale maps losses to [0, 1]: opts.kind "log" or "lin" forces the
 * scale, else (auto) the rule above on opts.values decides. Log maps
 * log10(v − min + floor), floor = p1/10 clamped to [1e-6, 1e-2] of the
 * range: finite at the minimum and for negative losses. It returns
 * {kind, auto, min, max, floor, forward(v) → t, inverse(t) → v}.
 */
export function valueScale(min, max, opts = {}) {
  const auto = opts.kind !== 'log' && opts.kind !== 'lin';
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    const m = Number.isFinite(min) ? min : 0;
    return { kind: 'lin', auto, min: m, max: m + 1, floor: 0, forward: () => 0.5, inverse: () => m };
  }
  const span = max - min, p1 = opts.values ? lowGap(opts.values, min) : NaN;
  if (!(opts.kind === 'log' || (auto && p1 >= 0 && span >= 10 ** LOG_DECADES * p1))) {
    return { kind: 'lin', auto, min, max, floor: 0, forward: (v) => (v - min) / span, inverse: (t) => min + t * span };
  }
  const floor = Math.min(Math.max(p1 / 10 || 0, span * 1e-6), span * 1e-2);
  const l0 = Math.log10(floor), l1 = Math.log10(span + floor);
  return {
    kind: 'log', auto, min, max, floor,
    forward: (v) => (Math.log10(Math.max(v - min, 0) + floor) - l0) / (l1 - l0),
    inverse: (t) => min + 10 ** (l0 + t * (l1 - l0)) - floor,
  };
}

/**
 * scaleTicks returns a colour bar's tick values, increasing, minGap apart
 * in t, within 0.5% of the range of [min, max] (so 0 labels a minimum of
 * 2.7e-4 of 2500): linear, about n 1-2-5 steps; log, min + 10^e rounded
 * to a multiple of 10^e for the decades, 0, the roundest value at the
 * bottom and round steps in the top decade.
 */
export function scaleTicks(s, n = 5, minGap = 0.06) {
  const span = s.max - s.min, lo = s.min - 0.005 * span, hi = s.max + 0.005 * span;
  const at = (v) => Math.min(1, Math.max(0, s.forward(v)));
  let vs = s.kind === 'log' ? [0] : niceTicks(lo, hi, n);
  if (s.kind === 'log') {
    const clean = (v) => (Math.abs(v) < 1e-12 * span ? 0 : +v.toPrecision(12));
    const e0 = Math.ceil(Math.log10(s.floor)), e1 = Math.floor(Math.log10(span + s.floor));
    const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / Math.max(n, 1)));
    for (let e = e1; e >= e0; e -= stride) vs.push(clean(Math.round(s.min / 10 ** e + 1) * 10 ** e));
    for (let e = e1; e >= e0; e--) {
      const v = clean(Math.round(s.min / 10 ** e) * 10 ** e);
      if (v >= lo && at(v) < minGap / 2) { vs.push(v); break; }
    }
    vs.push(...niceTicks(lo, hi, 3).filter((v) => v >= s.min + 10 ** e1));
    vs = [...new Set(vs)].filter((v) => v >= lo && v <= hi);
  }
  // Thin crowded ticks: 0 first, then from the top down.
  const kept = [];
  for (const v of vs.sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : b - a))) {
    if (kept.every((k) => Math.abs(at(k) - at(v)) >= minGap)) kept.push(v);
  }
  return kept.sort((a, b) => a - b);
}

/** colourBarTicks returns [{at: CSS px, label, value}] for a bar beside the plot box p, labels 16 px × font apart. */
export function colourBarTicks(scale, p, font = 1) {
  const vs = scaleTicks(scale, Math.max(2, Math.round(p.h / 60)), (16 * font) / Math.max(p.h, 1)), labels = tickLabels(vs);
  return vs.map((v, i) => ({ at: p.y + p.h - 1 - Math.min(1, Math.max(0, scale.forward(v))) * (p.h - 1), label: labels[i], value: v }));
}

/**
 * paint writes an nx×ny grid (row-major, y outermost, row 0 at the lowest
 * y) into rgba (Uint8ClampedArray of nx*ny*4) with row 0 at the TOP (as an
 * image is drawn), through scale and the lookup table.
 */
export function paint(rgba, values, nx, ny, scale, table) {
  for (let j = 0; j < ny; j++) {
    const src = j * nx, dst = (ny - 1 - j) * nx;
    for (let i = 0; i < nx; i++) {
      const v = values[src + i];
      let o = 4 * (dst + i);
      if (v == null || !Number.isFinite(v)) {
        rgba[o] = 200; rgba[o + 1] = 200; rgba[o + 2] = 200; rgba[o + 3] = 255;
        continue;
      }
      let t = scale.forward(v);
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const c = 3 * Math.round(t * 255);
      rgba[o] = table[c]; rgba[o + 1] = table[c + 1]; rgba[o + 2] = table[c + 2]; rgba[o + 3] = 255;
    }
  }
}
