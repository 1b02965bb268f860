// Colour maps and value scales for the heat map. Pure functions, tested
// with node's test runner (colormap.test.mjs).

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

/**
 * valueScale chooses how loss values map to [0, 1]: linear when the values
 * spread over the range, logarithmic (of loss − min + offset) when most of
 * the grid sits near the floor, as in narrow valleys and beside cliffs
 * (median − min below 5% of the span). opts.kind forces "linear" or "log".
 * It returns {kind, min, max, forward(v) → [0, 1], inverse(t) → v}.
 */
export function valueScale(min, max, opts = {}) {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    const m = Number.isFinite(min) ? min : 0;
    return { kind: 'linear', min: m, max: m + 1, forward: () => 0.5, inverse: () => m };
  }
  const span = max - min;
  const skewed = Number.isFinite(opts.median) && opts.median - min < 0.05 * span;
  const useLog = opts.kind === 'log' || (opts.kind !== 'linear' && skewed);
  if (!useLog) {
    return {
      kind: 'linear', min, max,
      forward: (v) => (v - min) / span,
      inverse: (t) => min + t * span,
    };
  }
  // The offset keeps the log finite at the minimum and sets how many
  // decades the floor gets.
  const off = span * 1e-5;
  const l0 = Math.log10(off), l1 = Math.log10(span + off);
  return {
    kind: 'log', min, max,
    forward: (v) => (Math.log10(Math.max(v - min, 0) + off) - l0) / (l1 - l0),
    inverse: (t) => min + Math.pow(10, l0 + t * (l1 - l0)) - off,
  };
}

/** median returns the median of the finite values (a sample of at most ~4096). */
export function median(values) {
  const stride = Math.max(1, Math.floor(values.length / 4096));
  const xs = [];
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i])) xs.push(values[i]);
  if (!xs.length) return NaN;
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
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
