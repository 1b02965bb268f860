// The name of the plane a projected objective's landscape is drawn on, for
// the panel's title (model.mjs) and the exported figure's (export.mjs): a
// module of its own so an export does not pull in the projected page.

const PLANE_WORDS = {
  random: 'random plane, filter-normalised',
  pca: 'PCA plane of a training trajectory',
  hessian: 'plane of the top-2 Hessian eigenvectors',
  three_points: 'plane through θ₀, the current point and the solution',
};

/** planeTitle names the plane a landscape is drawn on, for the panel's title. */
export function planeTitle(plane) {
  if (!plane) return '';
  const words = PLANE_WORDS[plane.kind] || `${plane.kind} plane`;
  const dim = plane.dim ? ` · ${plane.dim.toLocaleString('en')} parameters` : '';
  return `θ₀ + α·d₁ + β·d₂: ${words} (seed ${plane.seed ?? '–'})${dim}`;
}
