// Axis ticks and number formatting. Pure functions (ticks.test.mjs).

/**
 * niceTicks returns about n "nice" tick values (1, 2 or 5 × 10^k steps)
 * covering [lo, hi], all inside it.
 */
export function niceTicks(lo, hi, n = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(n, 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const r = raw / mag;
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  const out = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) {
    const v = k * step;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  }
  return out;
}

/** logTicks returns the powers of ten inside [lo, hi] (lo > 0). */
export function logTicks(lo, hi) {
  if (!(lo > 0) || !(hi > 0)) return [];
  const out = [];
  let e0 = Math.ceil(Math.log10(lo) - 1e-9), e1 = Math.floor(Math.log10(hi) + 1e-9);
  const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / 6));
  for (let e = e0; e <= e1; e += stride) out.push(Math.pow(10, e));
  return out;
}

/** fmt prints a number compactly: 4 significant digits, exponent when huge or tiny. */
export function fmt(v, digits = 4) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 1e5 || a < 1e-3) {
    s = v.toExponential(digits - 2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  } else {
    s = String(+v.toPrecision(digits));
  }
  return s.replace('-', '−');
}

/** tickLabels prints ticks with the fewest digits (≥ minDigits) that tell neighbours apart and read back as the values; 0 is "0". */
export function tickLabels(values, minDigits = 2) {
  let gap = Infinity;
  for (let i = 1; i < values.length; i++) gap = Math.min(gap, Math.abs(values[i] - values[i - 1]));
  const tol = 1e-9 * (Number.isFinite(gap) && gap > 0 ? gap : Math.max(...values.map(Math.abs), 1e-300));
  const back = (s) => Number(s.replace(/−/g, '-'));
  let out = [];
  for (let d = Math.max(2, minDigits); d <= 17; d++) {
    out = values.map((v) => fmt(v, d));
    const distinct = out.every((s, i) => i === 0 || s !== out[i - 1]);
    if (distinct && out.every((s, i) => !Number.isFinite(values[i]) || Math.abs(back(s) - values[i]) <= tol)) return out;
  }
  return out;
}
