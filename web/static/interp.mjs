// The 1-D views of a projected objective (issue 5): the loss along the
// segment θ(t) = (1−t)·θ₀ + t·θ_k (Goodfellow et al. 2015), and how
// faithful the plane's picture of a run is: the true loss along the path
// against the loss read off the plane at the projected point. Pure layout
// and summaries (interp.test.mjs).

import { extent } from './xyplot.mjs';
import { fmt } from './ticks.mjs';

/** lossScale is "log" when every value is positive and they span over 30×, else "lin". */
export function lossScale(...arrays) {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) {
    for (const v of a || []) {
      if (!Number.isFinite(v)) continue;
      if (v <= 0) return 'lin';
      lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
  }
  return hi / lo > 30 ? 'log' : 'lin';
}

/** valueAt interpolates ys linearly at x on the increasing grid xs (NaN outside). */
export function valueAt(xs, ys, x) {
  const n = Math.min(xs.length, ys.length);
  for (let i = 1; i < n; i++) {
    if (x >= xs[i - 1] && x <= xs[i]) {
      const w = xs[i] === xs[i - 1] ? 0 : (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
      return ys[i - 1] + w * (ys[i] - ys[i - 1]);
    }
  }
  return NaN;
}

/**
 * interpSummary reads the curve between t = 0 and 1: J at both ends, the
 * highest point inside and whether the loss falls monotonically (within a
 * tolerance of 1e-9 of the range), i.e. whether there is a barrier.
 */
export function interpSummary(t, loss) {
  const j0 = valueAt(t, loss, 0), j1 = valueAt(t, loss, 1);
  let peak = -Infinity, peakT = NaN, monotone = true, prev = j0;
  const tol = 1e-9 * (Math.abs(j0) + Math.abs(j1) + 1);
  for (let i = 0; i < t.length; i++) {
    if (!(t[i] > 0 && t[i] < 1) || !Number.isFinite(loss[i])) continue;
    if (loss[i] > peak) { peak = loss[i]; peakT = t[i]; }
    if (loss[i] > prev + tol) monotone = false;
    prev = loss[i];
  }
  if (j1 > prev + tol) monotone = false;
  return { j0, j1, peak, peakT, monotone, barrier: Number.isFinite(peak) ? Math.max(0, peak - Math.max(j0, j1)) : 0 };
}

// The t axis: the two ends of the segment are named.
export const T_TICKS = [
  { v: -0.25, label: '−0.25' }, { v: 0, label: '0: θ₀' }, { v: 0.25, label: '0.25' }, { v: 0.5, label: '0.5' },
  { v: 0.75, label: '0.75' }, { v: 1, label: '1: θ_k' }, { v: 1.25, label: '1.25' },
];

// The eigen-lines are told apart by their dashes (and a shade of grey),
// not by hue: the run's colour is the segment's.
export const EIG_STYLES = [
  { colour: '#444', dash: [4, 3] }, { colour: '#777', dash: [1.5, 2.5] }, { colour: '#222', dash: [9, 3, 2, 3] },
  { colour: '#888', dash: [6, 6] }, { colour: '#555', dash: [2, 2, 2, 6] },
];

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (i) => String(i).split('').map((d) => SUB[+d]).join('');

/**
 * eigenLines are the message's lines along the top eigenvectors at θ_k
 * ("eigs", or the older "eig" alone), each a {lambda, t, loss} with
 * finite λ and matching lengths.
 */
export function eigenLines(m) {
  const all = Array.isArray(m.eigs) && m.eigs.length ? m.eigs : (m.eig ? [m.eig] : []);
  return all.filter((e) => e && Number.isFinite(e.lambda) && Array.isArray(e.t) && Array.isArray(e.loss) && e.t.length === e.loss.length);
}

/** interpSpec lays out an "interpolation" message for XYPlot in the run's colour. */
export function interpSpec(m, colour) {
  // An eigen-line θ_k + s·‖θ_k − θ₀‖·vᵢ is centred on θ_k (t = 1) in the
  // segment's own units, so it is drawn at t = 1 + s.
  const eigs = eigenLines(m).map((e) => ({ ...e, t: e.t.map((s) => 1 + s) }));
  const kind = lossScale(m.loss);
  // The segment sets the y range; a steep eigen-line may leave it.
  const y = extent([m.loss], kind, 0.06);
  const series = [{ x: m.t, y: m.loss, colour, width: 2 }];
  const legend = [{ text: `θ₀ → θ_k (k = ${m.k})`, colour }];
  eigs.forEach((e, i) => {
    const st = EIG_STYLES[i % EIG_STYLES.length];
    series.push({ x: e.t, y: e.loss, colour: st.colour, dash: st.dash });
    legend.push({ text: `v${sub(i + 1)}: λ${sub(i + 1)} = ${fmt(e.lambda, 3)}`, colour: st.colour, dash: st.dash });
  });
  // The ends of the segment as dots.
  const ends = [0, 1].map((x) => valueAt(m.t, m.loss, x));
  series.push({ x: [0, 1], y: ends, colour, kind: 'dots' });
  return {
    x: { range: extent([m.t, ...eigs.map((e) => e.t)], 'lin', 0.02), kind: 'lin', label: 't', ticks: T_TICKS },
    y: { range: y, kind, label: kind === 'log' ? 'J (log)' : 'J' },
    series, legend, marks: [{ x: 0 }, { x: 1 }],
  };
}

/** interpText says in words what the segment and the eigen-lines show. */
export function interpText(m) {
  const s = interpSummary(m.t, m.loss);
  const base = `J(θ₀) = ${fmt(s.j0)} → J(θ_k) = ${fmt(s.j1)} at k = ${m.k}.`;
  const seg = s.monotone
    ? `${base} The loss falls monotonically along the segment: no barrier between the start and this point (Goodfellow et al. 2015).`
    : `${base} Highest inside the segment: J = ${fmt(s.peak)} at t = ${fmt(s.peakT, 2)}${s.barrier > 0 ? `, a barrier of ${fmt(s.barrier)} above the ends` : ''}.`;
  const eigs = eigenLines(m);
  if (!eigs.length) return seg;
  const neg = eigs.filter((e) => e.lambda < 0).length;
  const along = `Across θ_k (dashed, centred on t = 1) along the top ${eigs.length === 1 ? 'Hessian eigenvector' : `${eigs.length} Hessian eigenvectors`}: λ = ${eigs.map((e) => fmt(e.lambda, 3)).join(', ')}`;
  return `${seg} ${along}${neg ? `; ${neg} of them curve down, so θ_k is near a saddle.` : '.'}`;
}

/**
 * fidelitySummary compares the true loss along the path with the plane's:
 * the largest absolute gap, the median relative gap |Δ|/max(|true|, tiny),
 * and the in-plane fraction in percent.
 */
export function fidelitySummary(m) {
  const n = Math.min(m.true_loss.length, m.plane_loss.length);
  let maxGap = 0;
  const rel = [];
  for (let i = 0; i < n; i++) {
    const a = m.true_loss[i], b = m.plane_loss[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const d = Math.abs(a - b);
    maxGap = Math.max(maxGap, d);
    rel.push(d / Math.max(Math.abs(a), 1e-12));
  }
  rel.sort((x, y) => x - y);
  const median = rel.length ? rel[rel.length >> 1] : NaN;
  return { maxGap, medianRel: median, inPlanePct: 100 * m.in_plane };
}

/** fidelitySpec lays out a "fidelity" message for XYPlot. */
export function fidelitySpec(m, colour) {
  const kind = lossScale(m.true_loss, m.plane_loss);
  return {
    x: { range: extent([m.k], 'lin', 0.02), kind: 'lin', label: 'step k' },
    y: { range: extent([m.true_loss, m.plane_loss], kind, 0.06), kind, label: kind === 'log' ? 'J (log)' : 'J' },
    series: [
      { x: m.k, y: m.true_loss, colour, width: 2 },
      { x: m.k, y: m.plane_loss, colour: '#444', dash: [5, 3], width: 1.5 },
    ],
    legend: [{ text: 'true J(θ_k)', colour }, { text: 'J on the plane at (α_k, β_k)', colour: '#444', dash: [5, 3] }],
  };
}

/** fidelityText prints the in-plane fraction and the gaps. */
export function fidelityText(m) {
  const s = fidelitySummary(m);
  return `In plane: ${fmt(s.inPlanePct, 3)}% of the path's displacement lies in the plane. ` +
    `The plane's loss differs from the true loss by up to ${fmt(s.maxGap, 3)} (median ${fmt(100 * s.medianRel, 2)}%): ` +
    (s.inPlanePct < 50 ? 'most of the motion is out of the picture, read the path with care.' : 'the picture is a fair account of the path.');
}
