// Tests of the colour-vision check and the scene summary: node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { sceneSummary } from './a11y.mjs';
import { CVD, linearRGB, simulate, lab, deltaE, closestPair } from './colourvision.mjs';
import { RUN_COLOURS } from './track.mjs';

// Two runs' colours must differ at a glance, not merely be distinguishable
// side by side: ΔE76 of 15 is about six just-noticeable differences.
const MIN_DELTA_E = 15;

test('CIELAB: white, black and grey', () => {
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 0.05);
  assert.ok(near(lab([1, 1, 1]), [100, 0, 0]), `white ${lab([1, 1, 1])}`);
  assert.ok(near(lab([0, 0, 0]), [0, 0, 0]));
  const g = lab(linearRGB('#777777'));
  assert.ok(Math.abs(g[1]) < 0.05 && Math.abs(g[2]) < 0.05, 'grey has no hue');
  assert.throws(() => linearRGB('red'));
});

test('the simulations keep greys grey (each matrix row sums to one)', () => {
  for (const [name, m] of Object.entries(CVD)) {
    const grey = simulate([0.4, 0.4, 0.4], m);
    assert.ok(grey.every((v) => Math.abs(v - 0.4) < 1e-3), `${name}: ${grey}`);
  }
});

test('the check can fail: red and green collapse for a deuteranope', () => {
  const red = '#d62728', green = '#2ca02c';
  assert.ok(closestPair([red, green]).dE > 50, 'distinct in normal vision');
  assert.ok(closestPair([red, green], CVD.deuteranopia).dE < MIN_DELTA_E, 'but not under deuteranopia');
});

test('the run palette survives colour-vision deficiencies', async (t) => {
  const cases = [['normal vision', null], ['deuteranopia', CVD.deuteranopia], ['protanopia', CVD.protanopia], ['tritanopia', CVD.tritanopia]];
  for (const [name, m] of cases) {
    await t.test(name, () => {
      const p = closestPair(RUN_COLOURS, m);
      assert.ok(p.dE > MIN_DELTA_E, `${p.a} and ${p.b} are ΔE ${p.dE.toFixed(1)} apart, want > ${MIN_DELTA_E}`);
    });
  }
  assert.equal(new Set(RUN_COLOURS.map((c) => c.toLowerCase())).size, RUN_COLOURS.length, 'no colour twice');
  assert.ok(deltaE([50, 0, 0], [50, 3, 4]) === 5);
});

test('sceneSummary says what the figure shows', async (t) => {
  const base = { objective: 'Rosenbrock', view: [-2, 2, -1, 3], k: 40, minima: [[1, 1]] };
  const cases = [
    {
      name: 'two runs, one diverged',
      info: { ...base, runs: [{ name: 'Gradient descent ε=0.001', x: -0.9977, y: 1.003, loss: 3.997 }, { name: 'Adam', x: 1e6, y: -2, loss: 4e20, status: 'diverged' }] },
      want: ['Loss landscape of Rosenbrock', 'θ₁ from −2 to 2', 'θ₂ from −1 to 3', 'minimum is at (1, 1)', 'Step 40; 2 runs.',
        'Gradient descent ε=0.001: at (−0.9977, 1.003), loss 3.997.', 'Adam: diverged, last at (1e6, −2), loss 4e20.'],
    },
    {
      name: 'not started, several minima',
      info: { ...base, objective: 'Himmelblau', minima: [[3, 2], [-2.805, 3.131]], k: 0, runs: [{ name: 'GD' }] },
      want: ['minima are at (3, 2), (−2.805, 3.131)', 'Step 0; 1 run.', 'GD: not started.'],
    },
    { name: 'converged', info: { ...base, minima: [], runs: [{ name: 'Newton', x: 1, y: 1, loss: 0, status: 'converged' }] }, want: ['Newton: converged at (1, 1), loss 0.'] },
    { name: 'stopped at a saddle', info: { ...base, minima: [], runs: [{ name: 'Newton', x: 0, y: 0, loss: 0, status: 'converged', stationary: { kind: 'saddle', lambda_min: -2, lambda_max: 2 } }] }, want: ['Newton: stopped at a saddle (λmin = −2) at (0, 0), loss 0.'] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = sceneSummary(c.info);
      for (const w of c.want) assert.ok(s.includes(w), `${JSON.stringify(s)} lacks ${JSON.stringify(w)}`);
    });
  }
});
