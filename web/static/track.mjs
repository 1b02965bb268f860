// Growing per-run trajectories in typed arrays: the page keeps every step
// (10 000 steps × 8 runs) without allocating per point.

export class Track {
  constructor(cap = 1024) {
    this.n = 0;
    this.alloc(cap);
    this.clips = 0;
    this.minLoss = Infinity; this.maxLoss = -Infinity;
    this.minGn = Infinity; this.maxGn = -Infinity;
  }

  alloc(cap) {
    const grow = (old, T) => { const a = new T(cap); if (old) a.set(old.subarray(0, this.n)); return a; };
    this.k = grow(this.k, Int32Array);
    this.x = grow(this.x, Float64Array);
    this.y = grow(this.y, Float64Array);
    this.loss = grow(this.loss, Float64Array);
    this.gn = grow(this.gn, Float64Array);
    this.gthg = grow(this.gthg, Float64Array);
    this.clipped = grow(this.clipped, Uint8Array);
    this.cap = cap;
  }

  /** push appends a frame point; a repeated or older k replaces nothing. */
  push(p) {
    if (this.n > 0 && p.k <= this.k[this.n - 1]) return false;
    if (this.n === this.cap) this.alloc(this.cap * 2);
    const i = this.n++;
    this.k[i] = p.k; this.x[i] = p.xy[0]; this.y[i] = p.xy[1];
    this.loss[i] = p.loss; this.gn[i] = p.grad_norm;
    this.gthg[i] = p.gthg ?? NaN;
    this.clipped[i] = p.clipped ? 1 : 0;
    if (p.clipped) this.clips++;
    if (p.loss < this.minLoss) this.minLoss = p.loss;
    if (p.loss > this.maxLoss) this.maxLoss = p.loss;
    if (p.grad_norm < this.minGn) this.minGn = p.grad_norm;
    if (p.grad_norm > this.maxGn) this.maxGn = p.grad_norm;
    return true;
  }

  /** indexOf returns the index of step k (or the last step before it), -1 if none. */
  indexOf(k) {
    let lo = 0, hi = this.n - 1;
    if (hi < 0 || k < this.k[0]) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.k[mid] <= k) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  get lastK() { return this.n ? this.k[this.n - 1] : -1; }
}

// Okabe–Ito colours: distinct for the common colour-vision deficiencies.
export const RUN_COLOURS = ['#E69F00', '#56B4E9', '#F0F0F0', '#D55E00', '#009E73', '#CC79A7', '#0072B2', '#F0E442'];
export const runColour = (i) => RUN_COLOURS[i % RUN_COLOURS.length];
