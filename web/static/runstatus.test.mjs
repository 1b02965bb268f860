// node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { endLabel, statusText, divergenceText, curvatureWords } from './runstatus.mjs';

test('a converged run is labelled by the stationary point it stopped at', () => {
  const conv = (stationary) => ({ status: 'converged', reason: 'r', stationary });
  assert.equal(endLabel(conv({ kind: 'saddle', lambda_min: -2, lambda_max: 2 })), 'stopped at a saddle (λmin = −2)');
  assert.equal(endLabel(conv({ kind: 'minimum', lambda_min: 1, lambda_max: 10 })), 'converged to a minimum');
  assert.equal(endLabel(conv({ kind: 'maximum', lambda_min: -3, lambda_max: -0.5 })), 'stopped at a maximum (λmax = −0.5)');
  assert.match(endLabel(conv({ kind: 'degenerate', lambda_min: 0, lambda_max: 0 })), /degenerate/);
  assert.match(endLabel(conv({ kind: 'unknown' })), /unknown/);
  assert.equal(endLabel({ status: 'converged' }), 'converged', 'an older server without the field');
  assert.equal(endLabel({ status: 'max_steps' }), 'max steps');
  assert.equal(endLabel({ status: 'running' }), '');
  const reason = 'stopped at a saddle point: ‖g‖ = 0 < 1e-08, λmin = -2 < 0 < λmax = 2';
  assert.equal(statusText({ status: 'converged', reason, stationary: { kind: 'saddle', lambda_min: -2 } }), reason, 'said once');
  assert.equal(statusText({ status: 'diverged', reason: 'the loss reached 2e+16 at step 3' }), 'diverged: the loss reached 2e+16 at step 3');
});

test('the divergence message says what happened once', () => {
  const reason = 'the loss reached 1.58e+16 at step 12';
  const text = divergenceText('GD', { status: 'diverged', reason }, 12, 1.58e16);
  assert.equal(text, `GD diverged: ${reason}.`);
  assert.equal(text.split('reached').length - 1, 1, text);
  assert.equal(text.split('step').length - 1, 1, text);
  const own = divergenceText('GD', { status: 'diverged' }, 12, 1.58e16);
  assert.match(own, /^GD diverged at step 12: the loss reached 1\.58e16\.$/);
});

test('the geometry read-out names the curvature, never a kind of point it cannot know', () => {
  assert.equal(curvatureWords(-2, 3), ' — saddle-shaped here: curvature of both signs');
  assert.equal(curvatureWords(-3, -1), ' — curving down both ways here (concave)');
  assert.equal(curvatureWords(1, 25), '');
  for (const w of [curvatureWords(-2, 3), curvatureWords(-3, -1)]) assert.doesNotMatch(w, /a (saddle|maximum)\b/);
});
