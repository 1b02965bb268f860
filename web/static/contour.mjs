// Contour lines by marching squares. Pure functions (contour.test.mjs).

/**
 * levels returns n contour levels evenly spaced in the scale's [0, 1]
 * space (so a log scale gives geometric levels), strictly inside the range.
 */
export function levels(scale, n) {
  const out = [];
  for (let i = 1; i <= n; i++) out.push(scale.inverse(i / (n + 1)));
  return out;
}

// For each of the 16 corner cases, the pairs of edges a segment joins.
// Corners: bit0 = (i,j), bit1 = (i+1,j), bit2 = (i+1,j+1), bit3 = (i,j+1);
// edges: 0 bottom (j), 1 right (i+1), 2 top (j+1), 3 left (i).
const CASES = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], null, [[0, 2]], [[3, 2]],
  [[2, 3]], [[0, 2]], null, [[1, 2]], [[1, 3]], [[0, 1]], [[3, 0]], [],
];

/**
 * trace returns the segments of the level set {v = level} of an nx×ny grid
 * (row-major, y outermost) as a flat array [x0, y0, x1, y1, ...] in grid
 * coordinates (i along x, j along y; fractional where the line crosses an
 * edge). Saddle cells (cases 5 and 10) are resolved by the cell's mean.
 * Cells with a non-finite corner are skipped.
 */
export function trace(values, nx, ny, level, out = []) {
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = values[j * nx + i], b = values[j * nx + i + 1];
      const c = values[(j + 1) * nx + i + 1], d = values[(j + 1) * nx + i];
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) continue;
      const idx = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      let pairs = CASES[idx];
      if (pairs === null) {
        const centreAbove = (a + b + c + d) / 4 > level;
        if (idx === 5) pairs = centreAbove ? [[3, 2], [0, 1]] : [[3, 0], [1, 2]];
        else pairs = centreAbove ? [[3, 0], [1, 2]] : [[0, 1], [2, 3]];
      }
      for (const [e0, e1] of pairs) {
        edgePoint(out, i, j, e0, a, b, c, d, level);
        edgePoint(out, i, j, e1, a, b, c, d, level);
      }
    }
  }
  return out;
}

function frac(v0, v1, level) {
  const d = v1 - v0;
  return d === 0 ? 0.5 : (level - v0) / d;
}

function edgePoint(out, i, j, e, a, b, c, d, level) {
  switch (e) {
    case 0: out.push(i + frac(a, b, level), j); break;
    case 1: out.push(i + 1, j + frac(b, c, level)); break;
    case 2: out.push(i + frac(d, c, level), j + 1); break;
    default: out.push(i, j + frac(a, d, level)); break;
  }
}
