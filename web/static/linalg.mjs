// 2×2 linear algebra for the geometry overlay and the φ-space view (Fig 8.7).
// Pure functions (linalg.test.mjs).

/** eigSym2 returns {values: [λ1 ≤ λ2], vectors: [v1, v2]} of [[a, b], [b, c]]. */
export function eigSym2(a, b, c) {
  const m = (a + c) / 2, d = Math.hypot((a - c) / 2, b);
  const l1 = m - d, l2 = m + d;
  let v2;
  if (Math.abs(b) > 1e-300) v2 = [l2 - c, b];
  else v2 = a >= c ? [1, 0] : [0, 1];
  const n = Math.hypot(v2[0], v2[1]);
  v2 = [v2[0] / n, v2[1] / n];
  return { values: [l1, l2], vectors: [[-v2[1], v2[0]], v2] };
}

/**
 * phiTransform returns the 2×2 matrix A = |Λ|^½ Qᵀ (row-major [a, b, c, d])
 * that maps θ to φ = A θ, where H = Q Λ Qᵀ: in φ the quadratic model is
 * isotropic and a Newton step is a plain gradient step. eigenvectors[i]
 * belongs to eigenvalues[i]. Eigenvalues are floored at 1e-12·max|λ| so a
 * singular Hessian still gives an invertible map.
 */
export function phiTransform(eigenvalues, eigenvectors) {
  const big = Math.max(Math.abs(eigenvalues[0]), Math.abs(eigenvalues[1]), 1e-300);
  const s = eigenvalues.map((l) => Math.sqrt(Math.max(Math.abs(l), 1e-12 * big)));
  const [q1, q2] = eigenvectors;
  return [s[0] * q1[0], s[0] * q1[1], s[1] * q2[0], s[1] * q2[1]];
}

/** apply2 returns M·v for a row-major 2×2 M. */
export function apply2(m, x, y) {
  return [m[0] * x + m[1] * y, m[2] * x + m[3] * y];
}

/** inv2 returns the inverse of a row-major 2×2 matrix (null when singular). */
export function inv2(m) {
  const det = m[0] * m[3] - m[1] * m[2];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) return null;
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
}

/**
 * quadModel returns the second-order model of eq. 8.13 at θ0:
 * J(θ) ≈ J0 + (θ−θ0)ᵀg + ½(θ−θ0)ᵀH(θ−θ0), as a function of (x, y).
 */
export function quadModel(theta0, loss, grad, hess) {
  const [x0, y0] = theta0, [g0, g1] = grad;
  const [[h00, h01], [, h11]] = hess;
  return (x, y) => {
    const dx = x - x0, dy = y - y0;
    return loss + dx * g0 + dy * g1 + 0.5 * (h00 * dx * dx + 2 * h01 * dx * dy + h11 * dy * dy);
  };
}
