import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offered } from './offered.mjs';

const objectives = { rosenbrock: { id: 'rosenbrock' }, matrix_factorization: { id: 'matrix_factorization', projected: true, matrices: true }, hd_quadratic: { id: 'hd_quadratic', projected: true } };
const info = (id) => objectives[id];
const muon = { id: 'muon', needs: 'matrices' }, adam = { id: 'adam' }, newton = { id: 'newton', needs: 'hessian' };

test('matrix methods are offered only on objectives whose parameters are matrices', () => {
  assert.equal(offered(muon, { id: 'matrix_factorization' }, info), true);
  assert.equal(offered(muon, { id: 'rosenbrock' }, info), false);
  assert.equal(offered(muon, { id: 'hd_quadratic' }, info), false);
  assert.equal(offered(muon, { expr: 'x^2 + y^2' }, info), false);
  assert.equal(offered(muon, { id: 'matrix_factorization', expr: 'x' }, info), false, 'an expression replaces the id');
  assert.equal(offered(muon, { id: 'nope' }, info), false);
});

test('every other method is offered everywhere, and the current choice stays listed', () => {
  for (const o of [{ id: 'rosenbrock' }, { id: 'matrix_factorization' }, { expr: 'x' }]) {
    assert.equal(offered(adam, o, info), true);
    assert.equal(offered(newton, o, info), true);
  }
  assert.equal(offered(muon, { id: 'rosenbrock' }, info, 'muon'), true);
});

test("SAM's ascent point is drawn as Nesterov's look-ahead: a circle linked to the point", async () => {
  const { runShapes } = await import('./overlays.mjs');
  const ID = [1, 0, 0, 1, 0, 0];
  const plot = { x: 0, y: 0, w: 400, h: 400 };
  const shapes = runShapes({ xy: [1, 1], state: { velocity: [0, 0], ascent: [1.3, 0.6] }, colour: '#f00' }, new Set(['lookahead']), ID, plot);
  assert.deepEqual(shapes.find((s) => s.cls === 'lookahead').c, [1.3, 0.6]);
  assert.deepEqual(shapes.find((s) => s.cls === 'lookahead-link').pts, [1.3, 0.6, 1, 1]);
});
