// The side plots' data, reduced as it arrives. Pure functions and one
// small class (curves.test.mjs): no DOM here.
//
// A curve of 10 000 steps is drawn in a plot about 300 px wide, so each
// pixel column keeps only the first, lowest, highest and last value of the
// steps that fall in it. Points are folded in once, when they arrive; the
// x axis ends on a rounded step count (axisEnd) and the y axis on rounded
// values (snapRange), so the columns and the drawing already made stay
// valid until the data leaves the axes, which happens a few times per
// decade of steps, not every frame.

// Scales: "lin", "log" (positive values), "symlog" (signed, log of 1 + |v|).
export const fwd = {
  lin: (v) => v,
  log: (v) => (v > 0 ? Math.log10(v) : NaN),
  symlog: (v) => Math.sign(v) * Math.log10(1 + Math.abs(v)),
};
export const inv = {
  lin: (v) => v,
  log: (v) => Math.pow(10, v),
  symlog: (v) => Math.sign(v) * (Math.pow(10, Math.abs(v)) - 1),
};

/** lossScale: "lin" with the log box off, else "log" while every loss is positive, "symlog" once one is not. */
export function lossScale(logWanted, tracks) {
  if (!logWanted) return 'lin';
  return tracks.every((t) => !t.n || t.minLoss > 0) ? 'log' : 'symlog';
}

const MANTISSAS = [1, 1.2, 1.5, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10];

/**
 * axisEnd returns the step count the x axis ends on: k itself up to 10
 * (at least 1), beyond that the smallest of 1, 1.2, 1.5, 1.8, 2, 2.5, 3,
 * 3.5, 4, 5, 6, 7, 8 × 10^e that is ≥ k. Neighbours differ by at most 25%,
 * so the data fills at least 80% of the axis, and the axis changes 13
 * times per decade of steps.
 */
export function axisEnd(k) {
  // A few steps: the axis ends on the last one (redrawing them is cheap).
  if (!(k > 10)) return k > 1 ? Math.ceil(k) : 1;
  const e = Math.floor(Math.log10(k));
  const mag = Math.pow(10, e);
  for (const m of MANTISSAS) {
    const v = m * mag;
    // Rounding guards 3 × 10^e computed as 2.9999….
    if (Math.round(v) >= k) return Math.round(v);
  }
  return 10 * mag;
}

/** niceStep returns a 1, 2 or 5 × 10^e step near raw (raw > 0). */
function niceStep(raw) {
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const r = raw / mag;
  return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

// LOG_DECADES is the most decades a "log" axis spans below its top: a run
// that converges to 1e-36 (Newton on a quadratic) would otherwise squash
// every other curve into a sliver. Lower values are drawn clipped at the
// bottom edge.
export const LOG_DECADES = 16;

/**
 * snapRange returns the y range [a, b] drawn for data in [lo, hi] (values
 * already through the scale): whole decades for "log" and "symlog", multiples
 * of a round step for "lin", with 3% room each side. A "log" range spans at
 * most LOG_DECADES decades below its top, whatever lo. It depends only on lo
 * and hi and changes only when the data crosses one of its edges (lo only
 * while above the floor). null when there is no finite data.
 */
export function snapRange(lo, hi, kind) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return null;
  let a, b;
  if (kind === 'lin') {
    const span = hi - lo || Math.max(Math.abs(lo), 1e-300);
    const step = niceStep(span / 4);
    a = Math.floor(lo / step) * step;
    b = Math.ceil(hi / step) * step;
    if (!(b > a)) b = a + step;
  } else {
    a = Math.floor(lo);
    b = Math.ceil(hi);
    if (kind === 'log') a = Math.max(a, b - LOG_DECADES);
    const stride = Math.max(1, Math.ceil((b - a) / 8));
    a = Math.floor(a / stride) * stride;
    b = Math.ceil(b / stride) * stride;
    // The stride (1 or 2 here) divides LOG_DECADES: a stays on a stride.
    if (kind === 'log') a = Math.max(a, b - LOG_DECADES);
    if (!(b > a)) b = a + 1;
  }
  const pad = (b - a) * 0.03;
  return [a - pad, b + pad];
}

/**
 * Buckets folds one series (a field of a Track) into buckets of W steps
 * (bucket b holds steps [bW, (b+1)W)) as (first, min, max, last) of the
 * scaled values; NaN where none is finite. W starts at 1 and doubles,
 * merging neighbours exactly, whenever the steps would need more than max
 * buckets. The buckets do not depend on the axes: when the step axis grows
 * or the plot is resized, the pixel columns are rebuilt from them
 * (Columns.from) instead of from every point.
 */
export class Buckets {
  constructor(kind, max = 4096) {
    this.f = fwd[kind];
    this.max = max;
    this.w = 1;
    this.v = new Float64Array(4 * max).fill(NaN);
    this.n = 0; // buckets in use
    this.next = 0; // index of the next point of the track to fold in
    this.lo = Infinity;
    this.hi = -Infinity;
  }

  /** feed folds in the points the track gained since the last call, and into cols when given. */
  feed(track, field, cols) {
    const a = track[field], ks = track.k, n = track.n, f = this.f, v = this.v;
    let i = this.next;
    for (; i < n; i++) {
      const x = f(a[i]);
      if (!Number.isFinite(x)) continue;
      const k = ks[i];
      let b = Math.floor(k / this.w);
      while (b >= this.max) { this.halve(); b = Math.floor(k / this.w); }
      put(v, 4 * b, x, x, x, x);
      if (b >= this.n) this.n = b + 1;
      if (x < this.lo) this.lo = x;
      if (x > this.hi) this.hi = x;
      if (cols) cols.add(k, x);
    }
    this.next = i;
  }

  // halve doubles the bucket width, merging bucket pairs.
  halve() {
    const v = this.v, m = this.max >> 1;
    for (let b = 0; b < m; b++) {
      const o = 8 * b, p = 4 * b;
      const f = v[o], l = v[o + 3], f2 = v[o + 4], l2 = v[o + 7];
      const lo = Math.min(v[o + 1], v[o + 5]), hi = Math.max(v[o + 2], v[o + 6]);
      // Math.min of a number and NaN is NaN: pick by hand.
      if (Number.isNaN(f)) { v[p] = f2; v[p + 1] = v[o + 5]; v[p + 2] = v[o + 6]; v[p + 3] = l2; }
      else if (Number.isNaN(f2)) { v[p] = f; v[p + 1] = v[o + 1]; v[p + 2] = v[o + 2]; v[p + 3] = l; }
      else { v[p] = f; v[p + 1] = lo; v[p + 2] = hi; v[p + 3] = l2; }
    }
    v.fill(NaN, 4 * m);
    this.w *= 2;
    this.n = Math.ceil(this.n / 2);
  }
}

// put folds (first, min, max, last) of a later run of steps into the
// (first, min, max, last) at v[o].
function put(v, o, first, mn, mx, last) {
  if (Number.isNaN(v[o])) {
    v[o] = first; v[o + 1] = mn; v[o + 2] = mx; v[o + 3] = last;
    return;
  }
  if (mn < v[o + 1]) v[o + 1] = mn;
  if (mx > v[o + 2]) v[o + 2] = mx;
  v[o + 3] = last;
}

/**
 * Columns holds one series in cols + 1 pixel columns over steps
 * [0, kEnd]: column c holds the steps whose k·cols/kEnd rounds to c, as
 * (first, min, max, last) of the scaled values; NaN where none is finite.
 */
export class Columns {
  constructor(cols, kEnd) {
    this.cols = cols;
    this.kEnd = kEnd;
    this.v = new Float64Array(4 * (cols + 1)).fill(NaN);
    this.top = -1; // the last column with a value
    this.changed = Infinity; // the first column changed since take()
  }

  /** from returns the columns of buckets (each at its middle step). */
  static from(buckets, cols, kEnd) {
    const c = new Columns(cols, kEnd), v = buckets.v, w = buckets.w;
    for (let b = 0; b < buckets.n; b++) {
      const o = 4 * b;
      if (!Number.isNaN(v[o])) c.addRun(b * w + (w - 1) / 2, v[o], v[o + 1], v[o + 2], v[o + 3]);
    }
    return c;
  }

  /** add folds in the scaled value x of step k. */
  add(k, x) { this.addRun(k, x, x, x, x); }

  addRun(k, first, mn, mx, last) {
    const c = Math.min(this.cols, Math.max(0, Math.round((k * this.cols) / this.kEnd)));
    put(this.v, 4 * c, first, mn, mx, last);
    if (c < this.changed) this.changed = c;
    if (c > this.top) this.top = c;
  }

  /** take returns the first column changed since the last take, or Infinity. */
  take() {
    const c = this.changed;
    this.changed = Infinity;
    return c;
  }

  /** before returns the last column before c holding a value, or -1. */
  before(c) {
    for (let j = Math.min(c, this.cols + 1) - 1; j >= 0; j--) if (!Number.isNaN(this.v[4 * j])) return j;
    return -1;
  }
}
