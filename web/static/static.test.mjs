// Tests of the page's pure functions: node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { viridis, valueScale, paint, lut, lowGap } from './colormap.mjs';
import { trace, levels } from './contour.mjs';
import { niceTicks, logTicks, fmt } from './ticks.mjs';
import { encodeState, decodeState, DEFAULTS } from './urlstate.mjs';
import { eigSym2, phiTransform, apply2, inv2, quadModel } from './linalg.mjs';

test('viridis runs dark purple to yellow and brightens monotonically', () => {
  const lum = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const lo = viridis(0), hi = viridis(1);
  assert.ok(lo[2] > lo[1] && lo[0] > lo[1], `start ${lo} should be purple`);
  assert.ok(hi[0] > 200 && hi[1] > 200 && hi[2] < 80, `end ${hi} should be yellow`);
  let prev = -1;
  for (let i = 0; i <= 100; i++) {
    const l = lum(viridis(i / 100));
    assert.ok(l >= prev - 1e-9, `luminance falls at ${i / 100}`);
    prev = l;
  }
  assert.deepEqual(viridis(-3), lo, 'clamped below');
  assert.deepEqual(viridis(NaN), lo, 'NaN is not a colour');
  assert.deepEqual(viridis(7), hi, 'clamped above');
});

test('valueScale', async (t) => {
  // Grids: values spread evenly (a bowl's), and most near the floor (a valley's).
  const even = Array.from({ length: 101 }, (_, i) => i / 10);
  const valley = Array.from({ length: 1001 }, (_, i) => 2500 * (i / 1000) ** 4);
  const cases = [
    { name: 'values spread over the range: linear', min: 0, max: 10, values: even, kind: 'lin' },
    { name: 'most values near the floor: log', min: 0, max: 2500, values: valley, kind: 'log' },
    { name: 'no grid known: linear', min: 0, max: 2500, kind: 'lin' },
    { name: 'forced log', min: 100, max: 120, values: even, force: 'log', kind: 'log' },
    { name: 'forced linear', min: 0, max: 2500, values: valley, force: 'lin', kind: 'lin' },
    { name: 'empty range', min: 3, max: 3, kind: 'lin' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = valueScale(c.min, c.max, { values: c.values, kind: c.force });
      assert.equal(s.kind, c.kind);
      if (c.max > c.min) {
        assert.ok(Math.abs(s.forward(c.min)) < 1e-12, 'min maps to 0');
        assert.ok(Math.abs(s.forward(c.max) - 1) < 1e-12, 'max maps to 1');
        const mid = c.min + (c.max - c.min) / 3;
        assert.ok(Math.abs(s.inverse(s.forward(mid)) - mid) < 1e-9 * c.max, 'inverse undoes forward');
      }
    });
  }
  const log = valueScale(0, 1000, { kind: 'log' });
  assert.ok(log.forward(1) > 0.3, 'log scale gives the floor room: J=1 of 1000 is well above 0');
});

test('paint flips rows so the lowest y is at the bottom, and greys non-finite cells', () => {
  const vals = [0, 0, 1, null];
  const rgba = new Uint8ClampedArray(16);
  paint(rgba, vals, 2, 2, valueScale(0, 1, { kind: 'lin' }), lut());
  // Row j=1 (y high) is image row 0: pixel 0 is value 1 (yellow), pixel 1 non-finite.
  assert.deepEqual([...rgba.slice(0, 3)], viridis(1));
  assert.deepEqual([...rgba.slice(4, 7)], [200, 200, 200]);
  assert.deepEqual([...rgba.slice(8, 11)], viridis(0));
});

test('trace: a circle level set lies on the circle', () => {
  const n = 41, vals = [];
  const x = (i) => -2 + (4 * i) / (n - 1);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals.push(x(i) ** 2 + x(j) ** 2);
  const seg = trace(vals, n, n, 1);
  assert.ok(seg.length >= 4 * 20, `too few segments: ${seg.length / 4}`);
  for (let s = 0; s < seg.length; s += 2) {
    const r = Math.hypot(x(seg[s]), x(seg[s + 1]));
    assert.ok(Math.abs(r - 1) < 0.02, `point at radius ${r}`);
  }
});

test('trace', async (t) => {
  const cases = [
    { name: 'flat grid has no contour', vals: [1, 1, 1, 1], level: 0.5, segments: 0 },
    { name: 'one corner above gives one segment', vals: [0, 0, 0, 1], level: 0.5, segments: 1 },
    { name: 'saddle cell gives two segments', vals: [1, 0, 0, 1], level: 0.5, segments: 2 },
    { name: 'non-finite corner is skipped', vals: [0, NaN, 1, 1], level: 0.5, segments: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      // vals are (i,j)=(0,0),(1,0),(0,1),(1,1) in row-major y-outermost order.
      assert.equal(trace(c.vals, 2, 2, c.level).length / 4, c.segments);
    });
  }
  await t.test('crossing is interpolated', () => {
    const seg = trace([0, 4, 0, 4], 2, 2, 1);
    assert.equal(seg.length, 4);
    assert.ok(Math.abs(seg[0] - 0.25) < 1e-12 && Math.abs(seg[2] - 0.25) < 1e-12, `segment ${seg}`);
  });
});

test('levels are strictly inside the range and increasing', () => {
  const lv = levels(valueScale(0, 1000, { kind: 'log' }), 10);
  assert.equal(lv.length, 10);
  for (let i = 0; i < lv.length; i++) {
    assert.ok(lv[i] > 0 && lv[i] < 1000);
    if (i) assert.ok(lv[i] > lv[i - 1]);
  }
});

test('niceTicks', async (t) => {
  const cases = [
    { name: 'unit range', lo: 0, hi: 1, want: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    { name: 'symmetric', lo: -3, hi: 3, want: [-3, -2, -1, 0, 1, 2, 3] },
    { name: 'odd range', lo: -1.3, hi: 2.7, want: [-1, 0, 1, 2] },
    { name: 'reversed', lo: 10, hi: 0, want: [0, 2, 4, 6, 8, 10] },
    { name: 'degenerate', lo: 2, hi: 2, want: [2] },
    { name: 'not finite', lo: 0, hi: Infinity, want: [] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(niceTicks(c.lo, c.hi, 5), c.want));
  await t.test('ticks stay inside and are evenly spaced', () => {
    const tk = niceTicks(0.0123, 0.0789, 6);
    assert.ok(tk[0] >= 0.0123 && tk.at(-1) <= 0.0789);
    const d = tk[1] - tk[0];
    for (let i = 2; i < tk.length; i++) assert.ok(Math.abs(tk[i] - tk[i - 1] - d) < 1e-12);
  });
});

test('logTicks and fmt', () => {
  assert.deepEqual(logTicks(0.05, 2000), [0.1, 1, 10, 100, 1000]);
  assert.deepEqual(logTicks(0, 10), []);
  assert.equal(fmt(1234.5678), '1235');
  assert.equal(fmt(-0.5), '−0.5');
  assert.equal(fmt(3.2e16), '3.2e16');
  assert.equal(fmt(NaN), '–');
  assert.equal(fmt(Infinity), '∞');
});

test('URL state round-trips every choice', () => {
  const s = {
    ...structuredClone(DEFAULTS), scene: 'cliffs',
    objective: { id: 'quadratic', params: { a: 1, b: 25, angle: 30.5 } },
    start: [-2.5, 0.1 + 0.2],
    runs: [
      { optimizer: 'gd', hyper: { lr: 0.07 }, clip: {}, schedule: {}, label: '' },
      { optimizer: 'sgd', hyper: { lr: 1e-3, batch: 8 }, clip: { norm: 1 },
        schedule: { kind: 'step', gamma: 0.5, every: 100 }, label: 'SGD | clipped, 50%' },
      { optimizer: 'cg', hyper: { variant: 'fletcher_reeves' }, clip: { value: 0.25 }, schedule: {}, label: '' },
    ],
    seed: 42, view: [-3, 3, -1.5, 2.25], k: 1234, mode: 'side', pair: [0, 2], sel: 1,
    speed: 250, eigen: true, quad: true, logLoss: false, grid: 512,
  };
  const back = decodeState('?' + encodeState(s));
  assert.deepEqual(back, s);
});

test('URL state: expressions and bad input', async (t) => {
  await t.test('expression survives special characters', () => {
    const s = { ...structuredClone(DEFAULTS), objective: { expr: 'x^2 + 25*y^2 - sin(x)/2 & ?' } };
    assert.deepEqual(decodeState(encodeState(s)).objective, s.objective);
  });
  await t.test('garbage falls back to defaults', () => {
    const s = decodeState('?start=1,abc&k=-5&mode=weird&view=1,0,0,1&speed=1e9&run=|lr=1');
    assert.equal(s.start, null);
    assert.equal(s.k, 0);
    assert.equal(s.mode, 'single');
    assert.equal(s.view, null);
    assert.equal(s.speed, DEFAULTS.speed);
    assert.deepEqual(s.runs, []);
  });
});

test('eigSym2 diagonalises', () => {
  const cases = [[2, 0, 5], [1, 3, -2], [4, 1e-9, 4], [-1, 2, -1]];
  for (const [a, b, c] of cases) {
    const { values, vectors } = eigSym2(a, b, c);
    assert.ok(values[0] <= values[1]);
    for (let i = 0; i < 2; i++) {
      const [vx, vy] = vectors[i];
      assert.ok(Math.abs(Math.hypot(vx, vy) - 1) < 1e-12, 'unit');
      const hv = [a * vx + b * vy, b * vx + c * vy];
      assert.ok(Math.abs(hv[0] - values[i] * vx) < 1e-9 && Math.abs(hv[1] - values[i] * vy) < 1e-9, `Hv = λv for ${[a, b, c]}`);
    }
  }
});

test('phi transform makes a Newton step a plain gradient step', () => {
  // J = ½θᵀHθ; Newton from θ goes to 0. In φ = Aθ, J = ½‖φ‖², so a
  // gradient step of size 1 from φ also lands on 0, and Aᵀ A = H.
  const H = [[3, 1], [1, 2]];
  const { values, vectors } = eigSym2(3, 1, 2);
  const A = phiTransform(values, vectors);
  const AtA = [A[0] * A[0] + A[2] * A[2], A[0] * A[1] + A[2] * A[3], A[1] * A[1] + A[3] * A[3]];
  assert.ok(Math.abs(AtA[0] - H[0][0]) < 1e-12 && Math.abs(AtA[1] - H[0][1]) < 1e-12 && Math.abs(AtA[2] - H[1][1]) < 1e-12);
  const [p0, p1] = apply2(A, 1.5, -0.7);
  const J = quadModel([0, 0], 0, [0, 0], H);
  assert.ok(Math.abs(J(1.5, -0.7) - 0.5 * (p0 * p0 + p1 * p1)) < 1e-12);
  const Ai = inv2(A);
  const [x, y] = apply2(Ai, p0, p1);
  assert.ok(Math.abs(x - 1.5) < 1e-12 && Math.abs(y + 0.7) < 1e-12);
  assert.equal(inv2([1, 2, 2, 4]), null);
});

test('lowGap of a grid', () => {
  assert.equal(lowGap([5, 1, NaN, 3, 2, 4], 1, 0.5), 2);
  assert.ok(Number.isNaN(lowGap([NaN], 0)));
});
