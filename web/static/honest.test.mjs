import { test } from 'node:test';
import assert from 'node:assert/strict';
import { honestText, honestCSV, planeCaption } from './honest.mjs';

const plane = (kind, axes, curvature) => ({ kind, axes, curvature, x: [-1, 1], y: [-2, 2], nx: 2, ny: 2, values: [1, 2, 3, 4], min: 1, max: 4 });
const msg = {
  run: 1, k: 3, dim: 123, loss: 1 / 3, trace: 3.021, trace_method: 'exact', trace_err: 0, expected_curvature: 0.024562,
  lambda_min: -0.0611882, lambda_max: 1.0133, random: plane('random', ['d₁', 'd₂'], [0.0126, 0.0043]), hessian: plane('hessian', ['q_max', 'q_min'], [1.0133, -0.0611882]),
};

test('honestText: tr(H)/n beside λmin and λmax, to 4 digits, with the trace method', () => {
  assert.equal(honestText(msg), 'random plane: expected curvature tr(H)/n = 0.02456 (exact trace); Hessian plane: λmin = −0.06119, λmax = 1.013');
  const h = honestText({ ...msg, trace_method: 'hutchinson', probes: 64, trace_err: 1.23 });
  assert.match(h, /Hutchinson, 64 probes, ± 0\.01/);
});

test('planeCaption: the curvature along each axis and the colour range', () => {
  assert.equal(planeCaption(msg.hessian), 'Hessian plane: curvature along q_max = 1.013, along q_min = −0.06119; loss from 1 (dark) to 4 (yellow), its own scale');
});

test('honestCSV: three comment/header lines, then a row per point of each plane with its coordinates', () => {
  const rows = honestCSV(msg).trim().split('\n');
  assert.equal(rows.length, 3 + 8);
  assert.equal(rows[2], 'plane,axis1,axis2,a,b,loss');
  assert.equal(rows[3], 'random,d₁,d₂,-1,-2,1');
  assert.equal(rows[10], 'hessian,q_max,q_min,1,2,4');
});
