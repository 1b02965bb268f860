// node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { rateHint, suggestBody } from './suggest.mjs';

test('rateHint shows the suggestion beside the default and marks the one in use', () => {
  const sug = { hyper: { lr: 0.04 }, rule: 'ε = w/100' };
  const h = rateHint(sug, 0.001, 0.001);
  assert.equal(h.suggestedText, 'suggested ε = 0.04');
  assert.equal(h.defaultText, 'chapter default 0.001');
  assert.ok(h.atDefault && !h.atSuggested);
  assert.ok(rateHint(sug, 0.001, 0.04).atSuggested);
  assert.equal(rateHint(undefined, 0.001, 0.001), null, 'no suggestion for this optimizer');
  assert.equal(rateHint({ hyper: {} }, 0.001, 0.001), null);
});

test('suggestBody asks at the scene start, and at θ₀ on a three-point plane', () => {
  assert.deepEqual(suggestBody({ objective: { id: 'saddle' }, start: [-1.5, 0.05], seed: 0 }), { objective: { id: 'saddle' }, start: [-1.5, 0.05] });
  assert.deepEqual(suggestBody({ objective: { id: 'mlp' }, seed: 7, plane: 'pca', start: [0.1, 0.2] }), { objective: { id: 'mlp' }, seed: 7, plane: 'pca', start: [0.1, 0.2] });
  assert.deepEqual(suggestBody({ objective: { id: 'mlp' }, seed: 7, plane: { kind: 'three_points', run: 0, k: 5 }, start: [0.1, 0.2] }), { objective: { id: 'mlp' }, seed: 7 });
});
