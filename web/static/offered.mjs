// Which optimizers the run's picker offers on the scene's objective. Muon
// and Shampoo act on a weight matrix at a time ("needs": "matrices" in GET
// /api/optimizers) and the server refuses them where the parameters are one
// vector (a 2-D function, an expression, hd_quadratic): GET /api/objectives
// says "matrices": true where they apply. A run already set to one stays
// listed, so the server's refusal (which says why) is what the user sees.

/** offered tells whether the picker lists optimizer opt for objective (the page's state.objective). */
export function offered(opt, objective, objInfo, current = '') {
  if (opt.needs !== 'matrices' || opt.id === current) return true;
  return !!(objective && objective.expr === undefined && objective.id && objInfo(objective.id)?.matrices);
}
