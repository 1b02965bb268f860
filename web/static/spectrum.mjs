// The Hessian spectrum of a projected objective (issue 5): the top-k
// eigenvalues by Lanczos as stems and the eigenvalue density by stochastic
// Lanczos quadrature (Ghorbani et al. 2019) as a curve, at θ₀ and at the
// selected run's current point, overlaid so the outliers and the negative
// tail can be compared. The layout is pure (spectrum.test.mjs).

import { extent, axisMap } from './xyplot.mjs';
import { fmt } from './ticks.mjs';

export const SPECTRUM_COLOURS = { start: '#0072b2', current: '#d55e00' };

// Below this fraction of the largest density a log scale stops: SLQ's
// Gaussian tails go to zero and would stretch the axis for nothing.
export const LOG_FLOOR = 1e-5;

/** finiteSpectrum reports whether a "spectrum" message has something to draw. */
export function finiteSpectrum(m) {
  return !!m && Array.isArray(m.eigenvalues) && m.density && Array.isArray(m.density.x) && Array.isArray(m.density.y) &&
    m.density.x.length === m.density.y.length && m.density.x.length > 1;
}

/**
 * densityY returns the density for a scale: as is on "lin"; on "log"
 * values below LOG_FLOOR × the spectra's largest density become NaN (the
 * curve breaks there instead of diving to −∞).
 */
export function densityY(y, kind, peak) {
  if (kind !== 'log') return y;
  const floor = peak * LOG_FLOOR;
  return y.map((v) => (v > floor ? v : NaN));
}

/**
 * negativeMass is the fraction of the density's area at λ < −tau, by the
 * trapezoid rule (cutting the interval that straddles −tau there). SLQ
 * smooths every eigenvalue into a bump, so a bulk at 0 spills half its
 * mass below 0: tau (a small fraction of the spectrum's scale) keeps that
 * spill out of the negative tail.
 */
export function negativeMass(density, tau = 0) {
  const { x, y } = density;
  let neg = 0, all = 0;
  for (let i = 1; i < x.length; i++) {
    const a = x[i - 1], b = x[i], fa = Math.max(0, y[i - 1]), fb = Math.max(0, y[i]);
    if (!(b > a) || !Number.isFinite(fa + fb)) continue;
    const area = ((fa + fb) / 2) * (b - a);
    all += area;
    const c = -tau;
    if (b <= c) neg += area;
    else if (a < c) {
      const fc = fa + ((fb - fa) * (c - a)) / (b - a);
      neg += ((fa + fc) / 2) * (c - a);
    }
  }
  return all > 0 ? neg / all : 0;
}

/**
 * spectrumSpec lays out the spectra {start, current} (either may be
 * missing) for XYPlot: densities as curves, eigenvalues as stems up to
 * 90% of the plot's height, λ = 0 marked; logY puts the density on a log
 * scale. names labels each spectrum in the legend.
 */
export function spectrumSpec(spectra, { logY = false, names = {} } = {}) {
  const list = ['start', 'current'].filter((k) => finiteSpectrum(spectra[k]));
  const kind = logY ? 'log' : 'lin';
  let peak = 0;
  for (const k of list) for (const v of spectra[k].density.y) if (v > peak) peak = v;
  const xs = [], ys = [];
  for (const k of list) {
    const s = spectra[k];
    xs.push(s.density.x, s.eigenvalues, [s.min, s.max].filter(Number.isFinite));
    ys.push(densityY(s.density.y, kind, peak));
  }
  const xr = extent(xs, 'lin', 0.04);
  let yr = extent(ys, kind, 0.04);
  if (yr && !logY) yr = [0, yr[1]]; // a density is never negative
  const series = [], legend = [];
  const stemTop = yr ? axisMap(kind).inv(yr[0] + 0.9 * (yr[1] - yr[0])) : 1;
  for (const k of list) {
    const s = spectra[k], colour = SPECTRUM_COLOURS[k];
    series.push({ x: s.density.x, y: densityY(s.density.y, kind, peak), colour, width: 1.6, dash: k === 'start' ? [5, 3] : [] });
    series.push({ x: s.eigenvalues, y: s.eigenvalues.map(() => stemTop), colour, kind: 'stems', width: 1.2, hollow: k === 'start', dash: k === 'start' ? [2, 2] : [] });
    legend.push({ text: names[k] || (k === 'start' ? 'at θ₀' : `at θ_k, k = ${s.k}`), colour, dash: k === 'start' ? [5, 3] : [] });
  }
  return {
    x: { range: xr, kind: 'lin', label: 'eigenvalue λ' },
    y: { range: yr, kind, label: logY ? 'density (log)' : 'density' },
    series, legend,
    marks: xr && xr[0] < 0 && xr[1] > 0 ? [{ x: 0 }] : [],
  };
}

/** spectrumText says in words what each spectrum shows. */
export function spectrumText(spectra, names = {}) {
  const out = [];
  for (const k of ['start', 'current']) {
    const s = spectra[k];
    if (!finiteSpectrum(s)) continue;
    const top = s.eigenvalues.slice(0, 5).map((v) => fmt(v, 3)).join(', ');
    // Below −1% of the largest |λ|: the negative tail, not the bulk's spill.
    const tau = 0.01 * Math.max(Math.abs(s.min), Math.abs(s.max), ...s.eigenvalues.map(Math.abs));
    const neg = negativeMass(s.density, tau);
    const cond = s.eigenvalues.length > 1 && s.eigenvalues[s.eigenvalues.length - 1] > 0 ? ` · λ₁/λ${sub(s.eigenvalues.length)} = ${fmt(s.eigenvalues[0] / s.eigenvalues[s.eigenvalues.length - 1], 3)}` : '';
    out.push(`${names[k] || (k === 'start' ? 'At θ₀' : `At θ_k (k = ${s.k})`)}: top λ = ${top}${cond} · λmin ≈ ${fmt(s.min, 3)} · ${fmt(100 * neg, 2)}% of the density below −${fmt(tau, 2)}${s.converged === false ? ' (Lanczos stopped at its cap: the top values are estimates)' : ''}.`);
  }
  return out.join(' ');
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n) => String(n).replace(/\d/g, (d) => SUB[+d]);
