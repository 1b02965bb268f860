// The lessons' overlay toggles and which of them a lesson switches on: all
// the page needs of the overlays before one is drawn (the drawing is
// overlays.mjs, imported with the first).

/** OVERLAYS are the page's overlay toggles, in the order the group shows them. */
export const OVERLAYS = [
  { id: 'velocity', label: 'velocity v', title: 'momentum’s velocity at the current point: the arrow θ → θ + v' },
  { id: 'lookahead', label: 'look-ahead', title: 'Nesterov’s look-ahead point θ + αv (or SAM’s ascent point θ + ρg/‖g‖), where it took the gradient (hollow circle), linked to where the step landed' },
  { id: 'eff_lr', label: 'effective rates εᵢ', title: 'the per-coordinate effective learning rates of the adaptive methods: ellipse half-axes ∝ ε₁ (along θ₁) and ε₂ (along θ₂)' },
  { id: 'inv_hessian', label: 'H⁻¹ estimate', title: 'BFGS’s inverse-Hessian estimate M as the ellipse xᵀM⁻¹x = r² (solid) against the true H⁻¹ (dashed)' },
  { id: 'ls_points', label: 'line-search points', title: 'the trial points of the last line search, as ticks across the search direction' },
  { id: 'basins', label: 'basins', title: 'several starts (the lesson’s variants) and the minimum each descends to' },
];
const IDS = new Set(OVERLAYS.map((o) => o.id));

// Optimizers that search along a line (their state has ls_points).
const LINE_SEARCH = new Set(['cg', 'bfgs', 'lbfgs', 'steepest']);

/**
 * lessonOverlays returns the overlay toggles a lesson switches on: those of
 * its overlays the landscape draws, and the line-search points when one of
 * its runs searches along lines.
 */
export function lessonOverlays(lesson) {
  const on = (lesson.overlays || []).filter((o) => IDS.has(o));
  if ((lesson.scene?.runs || []).some((r) => LINE_SEARCH.has(r.optimizer))) on.push('ls_points');
  return [...new Set(on)];
}
