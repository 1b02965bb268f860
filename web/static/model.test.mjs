// Node tests of the projected objectives' page: model.mjs, spectrum.mjs,
// interp.mjs, regions.mjs, xyplot.mjs and the URL state of a model.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkNumber, planeMsg, planeNote, progressText, progressFraction } from './model.mjs';
import { planeTitle } from './plane.mjs';
import { spectrumSpec, spectrumText, negativeMass, densityY, finiteSpectrum, LOG_FLOOR } from './spectrum.mjs';
import { interpSummary, interpSpec, interpText, valueAt, lossScale, fidelitySummary, fidelityText } from './interp.mjs';
import { paintRegions, tint, classColour, accuracyText, CLASS_COLOURS } from './regions.mjs';
import { extent, ticksFor, symlog, symexp, axisMap, layoutLegend } from './xyplot.mjs';
import { encodeState, decodeState, DEFAULTS } from './urlstate.mjs';

test('checkNumber', async (t) => {
  const cases = [
    { name: 'in range', text: '16', opts: { min: 1, max: 256, int: true }, ok: true, value: 16 },
    { name: 'spaces are fine', text: ' 0.5 ', opts: { min: 0, max: 1 }, ok: true, value: 0.5 },
    { name: 'a fraction where a whole number is needed', text: '2.5', opts: { min: 1, max: 4, int: true }, ok: false, why: /whole/ },
    { name: 'above the range', text: '300', opts: { min: 1, max: 256 }, ok: false, why: /between 1 and 256/ },
    { name: 'below the range', text: '-1', opts: { min: 0, max: 1 }, ok: false, why: /between/ },
    { name: 'empty', text: '', opts: {}, ok: false, why: /number/ },
    { name: 'not a number', text: '1e', opts: {}, ok: false, why: /number/ },
    { name: 'infinite', text: 'Infinity', opts: {}, ok: false, why: /number/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = checkNumber(c.text, c.opts);
      assert.equal(r.ok, c.ok);
      if (c.ok) assert.equal(r.value, c.value);
      else assert.match(r.why, c.why);
    });
  }
});

test('planeMsg is a kind alone or {kind, seed}', () => {
  assert.equal(planeMsg('', null), 'random');
  assert.equal(planeMsg('pca', null), 'pca');
  assert.deepEqual(planeMsg('', 7), { kind: 'random', seed: 7 });
  assert.deepEqual(planeMsg('hessian', 0), { kind: 'hessian', seed: 0 }, 'seed 0 is a seed');
});

test('planeTitle and planeNote name the plane', () => {
  assert.equal(planeTitle(null), '');
  const t = planeTitle({ kind: 'pca', seed: 3, dim: 4610 });
  assert.match(t, /α/);
  assert.match(t, /β/);
  assert.match(t, /PCA/);
  assert.match(t, /seed 3/);
  assert.match(t, /4,610 parameters/);
  assert.match(planeNote({ kind: 'pca', explained: [0.8, 0.15] }), /80% \+ 15%/);
  assert.match(planeNote({ kind: 'hessian', eigenvalues: [12, 3] }), /λ₁ = 12, λ₂ = 3/);
});

test('progress', () => {
  assert.equal(progressFraction({ done: 3, total: 12 }), 0.25);
  assert.equal(progressFraction({ done: 30, total: 12 }), 1, 'clamped');
  assert.equal(progressFraction({ done: 0, total: 0 }), null, 'unknown total');
  assert.equal(progressText({ task: 'landscape', done: 3, total: 9, note: 'pass 2 of 3' }), 'pass 2 of 3: 3/9');
  assert.equal(progressText({ task: 'spectrum', done: 0, total: 0 }), 'Lanczos…');
});

test('URL state round-trips a model, its plane and the spectrum option', () => {
  const s = {
    ...structuredClone(DEFAULTS),
    objective: { id: 'mlp', params: { width: 16, points: 200, scale: 0.25 }, options: { data: 'moons', activation: 'relu', init: 'orthogonal' } },
    runs: [{ optimizer: 'adam', hyper: { lr: 0.01 }, clip: {}, schedule: {}, label: '' }],
    seed: 9, plane: 'hessian', planeSeed: 0, specLog: true,
  };
  const q = encodeState(s);
  assert.match(q, /o=activation:relu,data:moons,init:orthogonal/, 'options are legible in the link');
  assert.deepEqual(decodeState('?' + q), s);
  // The defaults leave no trace.
  const plain = encodeState({ ...structuredClone(DEFAULTS), objective: { id: 'mlp' } });
  assert.doesNotMatch(plain, /plane=|pseed=|slog=|o=/);
});

test('URL state refuses bad planes and option values', () => {
  const s = decodeState('?obj=mlp&o=data:spirals,activation:<script>,init:&plane=cube&pseed=-1');
  assert.deepEqual(s.objective.options, { data: 'spirals' });
  assert.equal(s.plane, '');
  assert.equal(s.planeSeed, null);
});

test('extent, ticks and scales', async (t) => {
  await t.test('lin pads the span', () => assert.deepEqual(extent([[0, 10]], 'lin', 0.1), [-1, 11]));
  await t.test('log ignores non-positive values', () => {
    const [lo, hi] = extent([[-1, 0, 0.01, 100]], 'log', 0);
    assert.equal(lo, -2);
    assert.equal(hi, 2);
  });
  await t.test('nothing finite', () => assert.equal(extent([[NaN, Infinity]]), null));
  await t.test('one value gets a unit span', () => assert.deepEqual(extent([[3, 3]], 'lin'), [2.5, 3.5]));
  await t.test('symlog inverts', () => {
    for (const v of [-1000, -1, -0.01, 0, 0.3, 42]) assert.ok(Math.abs(symexp(symlog(v, 0.5), 0.5) - v) < 1e-9 * (1 + Math.abs(v)));
  });
  await t.test('symlog ticks are 0 and ±powers of ten inside the range', () => {
    const ticks = ticksFor('symlog', symlog(-50), symlog(2000), 4);
    assert.ok(ticks.includes(0));
    for (const v of ticks) {
      assert.ok(v === 0 || Math.abs(Math.log10(Math.abs(v)) % 1) < 1e-12, `${v} is not a power of ten`);
      assert.ok(symlog(v) >= symlog(-50) && symlog(v) <= symlog(2000));
    }
    assert.deepEqual(ticksFor('log', -3, 1), [0.001, 0.01, 0.1, 1, 10]);
  });
  await t.test('axisMap', () => {
    assert.ok(Number.isNaN(axisMap('log').f(-1)));
    assert.equal(axisMap('lin').inv(3), 3);
  });
  await t.test('the legend wraps', () => {
    const items = layoutLegend([{ text: 'aaaa' }, { text: 'bbbb' }, { text: 'cc' }], (s) => 10 * s.length, 90);
    assert.deepEqual(items.map((i) => [i.x, i.row]), [[0, 0], [48, 0], [0, 1]]);
  });
});

// A spectrum whose density is two bumps: a bulk at 0 and an outlier at 10,
// with a small negative tail at −2.
function spectrum(at, k) {
  const x = [], y = [];
  for (let i = 0; i <= 240; i++) {
    const l = -4 + (16 * i) / 240;
    x.push(l);
    y.push(Math.exp(-(l * l) / 0.02) + 0.1 * Math.exp(-((l - 10) ** 2) / 0.02) + 0.05 * Math.exp(-((l + 2) ** 2) / 0.02));
  }
  return { type: 'spectrum', at, run: 0, k, eigenvalues: [10, 1, 0.5], density: { x, y }, min: -2, max: 10 };
}

test('negativeMass is the area of the tail', async (t) => {
  const box = { x: [-2, -1, 0, 1, 2], y: [1, 1, 1, 1, 1] };
  await t.test('a flat density: half below 0', () => assert.ok(Math.abs(negativeMass(box) - 0.5) < 1e-12));
  await t.test('below −1 only', () => assert.ok(Math.abs(negativeMass(box, 1) - 0.25) < 1e-12));
  await t.test('a cut inside an interval', () => assert.ok(Math.abs(negativeMass(box, 0.5) - 0.375) < 1e-12));
  await t.test('the tail of the test spectrum', () => {
    // Bump areas ∝ height × width: 1 (bulk), 0.1 (outlier), 0.05 (tail).
    const m = negativeMass(spectrum('start', 0).density, 0.5);
    assert.ok(Math.abs(m - 0.05 / 1.15) < 1e-3, `mass ${m}`);
  });
});

test('spectrumSpec overlays both spectra', () => {
  assert.equal(finiteSpectrum({ eigenvalues: [1], density: { x: [0], y: [1] } }), false, 'one point is no curve');
  const spectra = { start: spectrum('start', 0), current: spectrum('current', 200) };
  const lin = spectrumSpec(spectra);
  assert.equal(lin.series.length, 4, 'a density and stems each');
  assert.deepEqual(lin.series.map((s) => s.kind || 'line'), ['line', 'stems', 'line', 'stems']);
  // The x range covers the negative tail and the outlier of both.
  assert.ok(lin.x.range[0] < -2 && lin.x.range[1] > 10);
  assert.equal(lin.y.range[0], 0, 'a linear density starts at 0');
  assert.deepEqual(lin.marks, [{ x: 0 }], 'λ = 0 is marked');
  // Stems reach 90% of the plot's height.
  const top = lin.series[1].y[0];
  assert.ok(Math.abs((top - lin.y.range[0]) / (lin.y.range[1] - lin.y.range[0]) - 0.9) < 1e-12);
  const log = spectrumSpec(spectra, { logY: true });
  assert.equal(log.y.kind, 'log');
  assert.ok(log.y.range[0] >= Math.log10(LOG_FLOOR) - 1, 'the log axis stops near the floor');
  assert.ok(log.series[0].y.some(Number.isNaN), 'values under the floor break the curve');
  // Only one spectrum: only its series.
  assert.equal(spectrumSpec({ current: spectrum('current', 5) }).series.length, 2);
  const text = spectrumText(spectra);
  assert.match(text, /At θ₀: top λ = 10, 1, 0.5/);
  assert.match(text, /At θ_k \(k = 200\)/);
  assert.deepEqual(densityY([1, 1e-9], 'log', 1), [1, NaN]);
});

test('interpolation: summary, layout and words', async (t) => {
  const ts = [-0.25, 0, 0.25, 0.5, 0.75, 1, 1.25];
  await t.test('valueAt', () => {
    assert.equal(valueAt([0, 1], [2, 4], 0.25), 2.5);
    assert.ok(Number.isNaN(valueAt([0, 1], [2, 4], 2)));
  });
  await t.test('a monotone fall has no barrier', () => {
    const s = interpSummary(ts, [1.2, 1, 0.8, 0.5, 0.3, 0.1, 0.12]);
    assert.equal(s.monotone, true);
    assert.equal(s.j0, 1);
    assert.equal(s.j1, 0.1);
    assert.equal(s.barrier, 0);
  });
  await t.test('a bump is a barrier', () => {
    const s = interpSummary(ts, [1.2, 1, 1.5, 0.5, 0.3, 0.1, 0.12]);
    assert.equal(s.monotone, false);
    assert.equal(s.peakT, 0.25);
    assert.ok(Math.abs(s.barrier - 0.5) < 1e-12);
    assert.match(interpText({ t: ts, loss: [1.2, 1, 1.5, 0.5, 0.3, 0.1, 0.12], k: 9 }), /barrier of 0.5/);
  });
  await t.test('the eigen-line is centred on θ_k', () => {
    const m = { run: 0, k: 9, t: ts, loss: [1, 1, 1, 1, 1, 1, 1], eig: { t: [-0.5, 0, 0.5], loss: [3, 1, 3], lambda: 4 } };
    const spec = interpSpec(m, '#000');
    assert.deepEqual(spec.series[1].x, [0.5, 1, 1.5]);
    assert.ok(spec.x.range[1] >= 1.5);
    assert.ok(spec.x.ticks.some((tk) => tk.v === 0 && /θ₀/.test(tk.label)) && spec.x.ticks.some((tk) => tk.v === 1 && /θ_k/.test(tk.label)));
  });
  await t.test('one curve per eigenvector, told apart by dash, with λ in the legend', () => {
    const line = (lambda) => ({ t: [-0.5, 0, 0.5], loss: [1 + lambda, 1, 1 + lambda], lambda });
    const m = { run: 0, k: 9, t: ts, loss: [1, 1, 1, 1, 1, 1, 1], eig: line(4), eigs: [line(4), line(2.5), line(-0.3)] };
    const spec = interpSpec(m, '#000');
    const dashed = spec.series.filter((s) => s.dash);
    assert.equal(dashed.length, 3);
    assert.equal(new Set(dashed.map((s) => s.dash.join())).size, 3, 'each line has its own dash');
    for (const s of dashed) assert.deepEqual(s.x, [0.5, 1, 1.5]);
    assert.deepEqual(spec.legend.slice(1).map((l) => l.text), ['v₁: λ₁ = 4', 'v₂: λ₂ = 2.5', 'v₃: λ₃ = −0.3']);
    assert.match(interpText(m), /top 3 Hessian eigenvectors: λ = 4, 2\.5, .0\.3; 1 of them curve down/);
    // An older server's single "eig" is still drawn; a broken line is dropped.
    assert.equal(interpSpec({ ...m, eigs: undefined }, '#000').series.filter((s) => s.dash).length, 1);
    assert.equal(interpSpec({ ...m, eigs: [line(1), { lambda: NaN, t: [0], loss: [1] }] }, '#000').series.filter((s) => s.dash).length, 1);
    assert.doesNotMatch(interpText({ ...m, eig: undefined, eigs: [] }), /eigenvector/);
  });
  await t.test('lossScale', () => {
    assert.equal(lossScale([1, 0.001]), 'log');
    assert.equal(lossScale([1, 0.5]), 'lin');
    assert.equal(lossScale([1, 0, 0.001]), 'lin');
  });
});

test('fidelity: the gaps and the in-plane fraction', () => {
  const m = { run: 0, k: [0, 10, 20], true_loss: [1, 0.5, 0.2], plane_loss: [1, 0.6, 0.5], in_plane: 0.25 };
  const s = fidelitySummary(m);
  assert.ok(Math.abs(s.maxGap - 0.3) < 1e-12);
  assert.ok(Math.abs(s.medianRel - 0.2) < 1e-12);
  assert.equal(s.inPlanePct, 25);
  assert.match(fidelityText(m), /In plane: 25% of the path's displacement/);
  assert.match(fidelityText(m), /read the path with care/);
});

test('regions: tints, image rows and accuracy', async (t) => {
  await t.test('tint runs from white to the colour', () => {
    assert.deepEqual(tint('#0072b2', 0), [255, 255, 255]);
    assert.deepEqual(tint('#0072b2', 1), [0, 0x72, 0xb2]);
  });
  await t.test('classes cycle', () => assert.equal(classColour(CLASS_COLOURS.length + 1), CLASS_COLOURS[1]));
  await t.test('the lowest y row is painted at the bottom of the image', () => {
    // 2×2: row j = 0 (low y) is class 0, row 1 is class 1.
    const img = paintRegions(new Uint8ClampedArray(16), [0, 0, 1, 1], 2, 2, 1);
    const px = (row, col) => [...img.slice(4 * (row * 2 + col), 4 * (row * 2 + col) + 3)];
    assert.deepEqual(px(1, 0), tint(CLASS_COLOURS[0], 1), 'bottom row: class 0');
    assert.deepEqual(px(0, 1), tint(CLASS_COLOURS[1], 1), 'top row: class 1');
    assert.equal(img[3], 255);
  });
  await t.test('an unknown class is grey', () => {
    const img = paintRegions(new Uint8ClampedArray(4), [-1], 1, 1);
    assert.deepEqual([...img], [200, 200, 200, 255]);
  });
  await t.test('accuracy against chance', () => {
    assert.equal(accuracyText(0.875, 2, 120), 'training accuracy 87.5% at k = 120 (chance 50%)');
    assert.equal(accuracyText(NaN, 2, 1), '');
  });
});

test('the three-point plane: its message, note and URL', async (t) => {
  await t.test('planeMsg carries the run and step only with one', () => {
    assert.deepEqual(planeMsg('three_points', null, 1, 40), { kind: 'three_points', run: 1, k: 40 });
    assert.deepEqual(planeMsg('three_points', 5, 0, 12), { kind: 'three_points', seed: 5, run: 0, k: 12 });
    assert.equal(planeMsg('three_points', null, null, 0), 'three_points', 'no run: the pilot\'s halfway point');
    assert.equal(planeMsg('three_points', null, 0, 0), 'three_points', 'step 0 is θ₀ itself');
    assert.equal(planeMsg('pca', null, 1, 40), 'pca', 'other planes take no run');
  });
  await t.test('planeTitle and planeNote say which points', () => {
    assert.match(planeTitle({ kind: 'three_points', seed: 1, dim: 300 }), /θ₀, the current point and the solution/);
    const n = planeNote({ kind: 'three_points', run: 1, k: 40, current: [1.5, 0], solution: [2, 0.5], pilot_steps: 200 });
    assert.match(n, /run 2's step 40 at \(1\.5, 0\)/);
    assert.match(n, /solution: 200 Adam steps from θ₀, at \(2, 0\.5\)/);
    assert.match(planeNote({ kind: 'three_points', k: 100, current: [1, 0] }), /the pilot's step 100/);
  });
  await t.test('the URL keeps run and step', () => {
    const s = { ...structuredClone(DEFAULTS), objective: { id: 'mlp' }, plane: 'three_points', planeRun: 1, planeK: 40 };
    const q = encodeState(s);
    assert.match(q, /plane=three_points&prun=1&pk=40/);
    assert.deepEqual(decodeState('?' + q), s);
    const other = decodeState('?obj=mlp&plane=pca&prun=1&pk=40');
    assert.equal(other.planeRun, null, 'a run means nothing on the PCA plane');
    assert.equal(other.planeK, 0);
    assert.equal(decodeState('?obj=mlp&plane=three_points&prun=x&pk=3').planeRun, null);
  });
});
