import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharpnessSpec, sharpnessText, sharpnessCSV } from './sharpness.mjs';

const gd = { k: [0, 5, 10], lambda: [4, 8, 10], threshold: [10, 10, 10], loss: [1, 0.5, 0.4], rule: '2/ε', preconditioned: false };

test('sharpnessSpec: a line per run and its threshold dashed, labelled', () => {
  const s = sharpnessSpec([gd, undefined], (r) => `run ${r}`);
  assert.equal(s.series.length, 2);
  assert.deepEqual(s.series[1].y, [10, 10, 10]);
  assert.ok(s.series[1].dash.length > 0 && !s.series[0].dash);
  assert.deepEqual(s.legend.map((l) => l.text), ['run 0', '2/ε']);
  assert.ok(s.y.range[0] <= 0 && s.y.range[1] >= 10);
  assert.equal(s.x.label, 'step k');
});

test('sharpnessSpec: a method without a threshold draws no line for it', () => {
  const s = sharpnessSpec([{ ...gd, rule: '', threshold: [0, 0, 0] }]);
  assert.equal(s.series.length, 1);
});

test('sharpnessText and CSV', () => {
  assert.match(sharpnessText([gd]), /λmax = 10 at k = 10 \(1 of 2\/ε = 10\)/);
  assert.equal(sharpnessCSV([gd]).split('\n')[2], '0,5,8,10,0.5');
});

test('sharpnessSpec: each legend entry starts with its run, so a cut entry still tells runs apart', () => {
  const s = sharpnessSpec([gd, { ...gd, preconditioned: true }], (r) => `GD, ε = ${r ? 0.05 : 0.2}`);
  assert.deepEqual(s.legend.map((l) => l.text), ['GD, ε = 0.2', '2/ε', 'GD, ε = 0.05: λmax(PH)', '2/ε']);
});
