import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decaySpec, decayText, decayCSV, theoryLabel } from './decay.mjs';

// A decay answer as the server sends it (internal/maps Decay): gd on a valley.
const dec = {
  optimizer: 'gd', mode: 'quadratic', at: 2, steps: 2, every: 1, star: [0, 0], k: [0, 1, 2],
  note: 'a quadratic: exact',
  directions: [
    { lambda: 1, rate: 0.9, ok: true, rule: '|1 − ελ|', q: [1, 0], c: [-2, -1.8, -1.62], line: [2, 1.8, 1.62], measured: 0.9 },
    { lambda: 25, rate: 0, ok: false, why: 'no closed form', q: [0, 1], c: [1, 0, 0], measured: 0 },
  ],
};

test('decaySpec: measured solid, theory dashed, a log axis, the chapter’s symbols', () => {
  const s = decaySpec(dec);
  assert.equal(s.series.length, 3); // two curves, one theory line (the second direction has no rate)
  assert.deepEqual(s.series[0].y, [2, 1.8, 1.62]);
  assert.ok(s.series[2].dash && !s.series[0].dash && !s.series[1].dash); // the theory drawn last, on top
  assert.ok(Number.isNaN(s.series[1].y[1])); // an exact zero is a gap on the log axis
  assert.equal(s.y.kind, 'log');
  assert.equal(s.y.label, '|⟨θₖ − θ*, qᵢ⟩|');
  assert.deepEqual(s.legend.map((l) => l.text), ['|⟨θₖ−θ*, q₁⟩|, λ₁ = 1', '|1 − ελ₁|ᵏ = 0.9ᵏ', '|⟨θₖ−θ*, q₂⟩|, λ₂ = 25']);
});

test('theoryLabel: a spectral radius is ρᵢ', () => {
  assert.equal(theoryLabel({ rule: 'ρ([[1+α−ελ, −α], [1, 0]])', rate: 0.894427 }, 1), 'ρ₂ᵏ = 0.8944ᵏ');
  assert.equal(theoryLabel({ rule: '|1 − ελ| (the mean; noise adds a floor)', rate: 0.5 }, 0), '|1 − ελ₁|ᵏ = 0.5ᵏ');
});

test('decayText and CSV', () => {
  assert.equal(decayText(dec), 'q₁ (λ₁ = 1): measured 0.9 a step; theory |1 − ελ| = 0.9 · q₂ (λ₂ = 25): measured: too few steps. No closed-form line: no closed form. A quadratic: exact.');
  const adam = { ...dec, directions: dec.directions.map((d) => ({ ...d, ok: false, why: 'Adam adapts' })) };
  assert.equal(decayText(adam).match(/Adam adapts/g).length, 1); // the reason once, not per direction
  assert.equal(decayCSV(dec).split('\n')[2], '1,-1.8,0,1.8,');
});
