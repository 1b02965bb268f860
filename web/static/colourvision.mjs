// The colour science behind the check that the run palette stays apart
// under colour-vision deficiencies (a11y.test.mjs). The page never loads
// this module: the check is made once, by the tests, on track.mjs's colours.

/**
 * Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
 * simulation of color vision deficiency", severity 1.0: matrices on linear
 * RGB.
 */
export const CVD = {
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};

const toLinear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** linearRGB parses "#rrggbb" into linear-light [r, g, b] in [0, 1]. */
export function linearRGB(hex) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [m[1], m[2], m[3]].map((h) => toLinear(parseInt(h, 16) / 255));
}

/** simulate applies a deficiency matrix to a linear colour, clamped to the gamut. */
export function simulate(lin, matrix) {
  return matrix.map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
}

/** lab converts linear sRGB to CIELAB (D65). */
export function lab([r, g, b]) {
  const X = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  const Y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  const Z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f(X / 0.95047), fy = f(Y), fz = f(Z / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** deltaE is the CIE76 colour difference (about 2.3 is just noticeable). */
export const deltaE = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** closestPair returns the least ΔE between any two colours as seen through matrix (null: normal vision). */
export function closestPair(colours, matrix = null) {
  const seen = colours.map((c) => lab(matrix ? simulate(linearRGB(c), matrix) : linearRGB(c)));
  let best = { dE: Infinity, a: null, b: null };
  for (let i = 0; i < colours.length; i++) {
    for (let j = i + 1; j < colours.length; j++) {
      const dE = deltaE(seen[i], seen[j]);
      if (dE < best.dE) best = { dE, a: colours[i], b: colours[j] };
    }
  }
  return best;
}
