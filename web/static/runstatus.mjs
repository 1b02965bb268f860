// How a run's end is put into words for the legend, the read-out and the
// divergence box. The server decides what happened (status, reason, and for
// a converged run the kind of stationary point, from the Hessian there:
// internal/scene.Stationary); this module only phrases it.

import { fmt } from './ticks.mjs';

const minus = (s) => s.replace(/^-/, '−');
const num = (v) => minus(fmt(v, 3));

/**
 * endLabel is the short word the legend puts after a run's name: "stopped
 * at a saddle (λmin = −2)", "converged to a minimum", "diverged", "max
 * steps"; '' while it runs. st is the run's last status message.
 */
export function endLabel(st) {
  if (!st || st.status === 'running' || st.status === 'paused') return '';
  const s = st.stationary;
  if (st.status === 'converged' && s) {
    switch (s.kind) {
      case 'minimum': return 'converged to a minimum';
      case 'saddle': return `stopped at a saddle (λmin = ${num(s.lambda_min)})`;
      case 'maximum': return `stopped at a maximum (λmax = ${num(s.lambda_max)})`;
      case 'degenerate': return 'stopped at a flat (degenerate) point';
      default: return 'converged (kind unknown)';
    }
  }
  return st.status.replace('_', ' ');
}

/**
 * statusText is the read-out's status line: the server's reason where it
 * already names the stationary point ("stopped at a saddle point: ‖g‖ = …,
 * λmin = -2 …"), else the label and the reason.
 */
export function statusText(st) {
  const label = endLabel(st);
  if (!label) return '';
  if (st.stationary && st.reason) return st.reason;
  return st.reason ? `${label}: ${st.reason}` : label;
}

/**
 * divergenceText says once why a run diverged: the server's reason names
 * the step ("the loss reached 1.58e+16 at step 12"); without one the page
 * says what it saw (the step and the last loss drawn).
 */
export function divergenceText(name, st, k, loss) {
  if (st.reason) return `${name} diverged: ${st.reason}.`;
  return `${name} diverged at step ${k}: the loss reached ${fmt(loss)}.`;
}

/**
 * curvatureWords says what the Hessian's eigenvalues λ₁ ≤ λ₂ show about the
 * surface here: its shape, not what kind of point this is. A point is a
 * saddle or a maximum only where the gradient vanishes too, which the
 * server decides for a run's end (endLabel); the read-out shows the Hessian
 * at any point, so it names the curvature only.
 */
export function curvatureWords(l1, l2) {
  if (l1 < 0 && l2 > 0) return ' — saddle-shaped here: curvature of both signs';
  if (l2 < 0) return ' — curving down both ways here (concave)';
  return '';
}
