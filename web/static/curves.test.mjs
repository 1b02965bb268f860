// Tests of the side plots' reduction (curves.mjs): node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { fwd, axisEnd, snapRange, LOG_DECADES, Buckets, Columns } from './curves.mjs';

// track makes a Track-like object of steps ks and one field.
const track = (ks, vals) => ({ k: Int32Array.from(ks), n: ks.length, loss: Float64Array.from(vals) });

// noisy is a deterministic, noisy, falling curve with zeros and negatives
// (which the log scale must skip).
const noisy = (k) => (k % 97 === 13 ? -1 : k % 101 === 7 ? 0 : (1 + 0.5 * Math.sin(1.7 * k)) / (1 + k));

test('axisEnd', async (t) => {
  for (const c of [
    { name: 'no steps yet', k: 0, want: 1 },
    { name: 'a few steps: the last one', k: 7, want: 7 },
    { name: 'ten steps', k: 10, want: 10 },
    { name: 'just past 10', k: 11, want: 12 },
    { name: 'on a mantissa', k: 5000, want: 5000 },
    { name: 'past a mantissa', k: 5001, want: 6000 },
    { name: 'the benchmark', k: 10000, want: 10000 },
    { name: 'next decade', k: 10001, want: 12000 },
    { name: '3 × 10^e (rounding)', k: 30000, want: 30000 },
    { name: '1.8 between 1.5 and 2', k: 1600, want: 1800 },
  ]) {
    await t.test(c.name, () => assert.equal(axisEnd(c.k), c.want));
  }
  await t.test('the data fills at least 80% of the axis', () => {
    for (let k = 1; k < 3e6; k = Math.ceil(k * 1.013)) {
      const e = axisEnd(k);
      assert.ok(e >= k && k / e >= 0.8 - 1e-12, `k=${k} → ${e}`);
    }
  });
});

test('snapRange', async (t) => {
  const cases = [
    { name: 'lin: a loss falling towards 0', lo: 0.02, hi: 37, kind: 'lin' },
    { name: 'lin: negative values', lo: -3.3, hi: -1.1, kind: 'lin' },
    { name: 'lin: one value', lo: 2.5, hi: 2.5, kind: 'lin' },
    { name: 'lin: zero only', lo: 0, hi: 0, kind: 'lin' },
    { name: 'log: decades', lo: -4.3, hi: 1.2, kind: 'log' },
    { name: 'log: one value', lo: -2, hi: -2, kind: 'log' },
    { name: 'log: many decades, under the floor', lo: -12, hi: 3.4, kind: 'log' },
    { name: 'symlog: both signs', lo: -1.5, hi: 7.9, kind: 'symlog' },
    { name: 'symlog: many decades (no floor)', lo: -30, hi: 12, kind: 'symlog' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = snapRange(c.lo, c.hi, c.kind);
      assert.ok(r[0] < c.lo && r[1] > c.hi, `${r} does not hold [${c.lo}, ${c.hi}] inside`);
      // The data does not shrink to a sliver of the plot.
      assert.ok((c.hi - c.lo) / (r[1] - r[0]) > (c.kind === 'lin' ? 0.25 : 0.5) || c.hi - c.lo < 1, `${r} too wide for [${c.lo}, ${c.hi}]`);
      if (c.kind !== 'lin') {
        const pad = (r[1] - r[0]) / 1.06 * 0.03;
        assert.ok(Number.isInteger(Math.round((r[0] + pad) * 1e9) / 1e9), `log range ${r} does not start on a decade`);
      }
      // Moving the data inside the range does not move the range: the
      // layer drawn so far stays valid.
      const inner = snapRange(c.lo + (c.hi - c.lo) * 0.1, c.hi - (c.hi - c.lo) * 0.1, c.kind);
      if (c.hi > c.lo && c.kind !== 'lin') assert.deepEqual(snapRange(c.lo, c.hi - (c.hi - c.lo) * 0.01, c.kind), r);
      assert.ok(inner[0] >= r[0] && inner[1] <= r[1]);
    });
  }
  // A log range used to hold every value: a run converging to 1e-36
  // (Newton on a quadratic) stretched the loss axis over 40 decades and
  // squashed the other runs into a sliver. Now it spans at most
  // LOG_DECADES below its top and the lowest values are clipped.
  await t.test('log: a run converging to 1e-36 is cut off at the floor', () => {
    for (const c of [
      { name: 'Newton beside GD', lo: -36, hi: 1.3 },
      { name: 'a huge loss falling to 1e-30', lo: -30, hi: 12 },
      { name: 'underflow', lo: -320, hi: 0 },
      { name: 'odd stride', lo: -20, hi: 1 },
    ]) {
      const r = snapRange(c.lo, c.hi, 'log');
      const pad = (r[1] - r[0]) / 1.06 * 0.03, a = r[0] + pad, b = r[1] - pad;
      assert.ok(r[1] > c.hi, `${c.name}: ${r} cuts off the top ${c.hi}`);
      assert.ok(r[0] > c.lo, `${c.name}: ${r} still reaches down to ${c.lo}`);
      assert.ok(b - a <= LOG_DECADES + 1e-9, `${c.name}: ${r} spans ${b - a} decades`);
      // The other curves get most of the plot: the top decade is not
      // squashed (more than 1/20 of the height each).
      assert.ok(1 / (r[1] - r[0]) > 1 / 20, `${c.name}: ${r}`);
      assert.ok(Number.isInteger(Math.round(a * 1e9) / 1e9) && Number.isInteger(Math.round(b * 1e9) / 1e9), `${c.name}: ${r} does not end on decades`);
      // Falling further below the floor does not move the range: the
      // layer drawn so far stays valid.
      assert.deepEqual(snapRange(c.lo - 50, c.hi, 'log'), r, `${c.name}: the floor moved`);
    }
  });
  await t.test('a loss falling from 37 to 0.5 changes the range in few of its frames', () => {
    // Each change redraws the whole plot; the others draw only new columns.
    let frames = 0, changes = 0, prev = '';
    for (let lo = 37; lo > 0.5; lo *= 0.99, frames++) {
      const r = String(snapRange(lo, 37, 'lin'));
      if (r !== prev) changes++;
      prev = r;
    }
    assert.ok(changes <= frames / 10, `${changes} changes in ${frames} frames`);
  });
  await t.test('no finite data', () => {
    assert.equal(snapRange(Infinity, -Infinity, 'lin'), null);
    assert.equal(snapRange(NaN, 1, 'log'), null);
  });
});

// brute returns (first, min, max, last) of the scaled finite values of the
// steps for which inBin(k) holds, or null.
function brute(ks, vals, kind, inBin) {
  let out = null;
  ks.forEach((k, i) => {
    const x = fwd[kind](vals[i]);
    if (!inBin(k) || !Number.isFinite(x)) return;
    if (!out) out = [x, x, x, x];
    else { out[1] = Math.min(out[1], x); out[2] = Math.max(out[2], x); out[3] = x; }
  });
  return out;
}

test('Buckets hold each bucket\'s first, min, max and last, through halvings', async (t) => {
  const cases = [
    { name: 'every step, lin', ks: Array.from({ length: 300 }, (_, i) => i), kind: 'lin', max: 8 },
    { name: 'every step, log skips zeros and negatives', ks: Array.from({ length: 300 }, (_, i) => i), kind: 'log', max: 16 },
    { name: 'thinned steps (frames decimated)', ks: Array.from({ length: 200 }, (_, i) => 7 * i + (i % 3)), kind: 'symlog', max: 8 },
    { name: 'fewer steps than buckets', ks: [0, 1, 2, 5], kind: 'lin', max: 64 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const vals = c.ks.map(noisy);
      const tr = track(c.ks, vals);
      // Fed in uneven chunks, as frames arrive.
      const b = new Buckets(c.kind, c.max);
      for (let n = 0; n <= tr.n; n += 1 + (n % 23)) { b.feed({ ...tr, n: Math.min(n, tr.n) }, 'loss'); }
      b.feed(tr, 'loss');
      assert.ok(b.n <= c.max, `${b.n} buckets`);
      const last = c.ks.at(-1);
      assert.ok(last < b.w * c.max, 'the last step fits');
      for (let j = 0; j * b.w <= last; j++) {
        const want = brute(c.ks, vals, c.kind, (k) => Math.floor(k / b.w) === j);
        const got = Array.from(b.v.subarray(4 * j, 4 * j + 4));
        if (!want) assert.ok(got.every(Number.isNaN), `bucket ${j}: ${got}, want empty`);
        else assert.deepEqual(got, want, `bucket ${j} of width ${b.w}`);
      }
      const all = brute(c.ks, vals, c.kind, () => true);
      assert.equal(b.lo, all[1]);
      assert.equal(b.hi, all[2]);
    });
  }
});

test('Columns', async (t) => {
  const ks = Array.from({ length: 5000 }, (_, i) => i), vals = ks.map(noisy);
  const tr = track(ks, vals);
  const cols = 280, kEnd = axisEnd(4999);
  await t.test('points land in the column their step rounds to', () => {
    const c = new Columns(cols, kEnd);
    ks.forEach((k, i) => { const x = fwd.log(vals[i]); if (Number.isFinite(x)) c.add(k, x); });
    for (const j of [0, 1, 100, 279]) {
      const want = brute(ks, vals, 'log', (k) => Math.round((k * cols) / kEnd) === j);
      assert.deepEqual(Array.from(c.v.subarray(4 * j, 4 * j + 4)), want, `column ${j}`);
    }
    assert.equal(c.top, Math.round((4999 * cols) / kEnd));
  });
  await t.test('take reports the first column changed since the last take', () => {
    const c = new Columns(cols, kEnd);
    c.add(100, 1); c.add(2000, 1);
    assert.equal(c.take(), Math.round((100 * cols) / kEnd));
    assert.equal(c.take(), Infinity);
    c.add(3000, 2); c.add(2500, 2);
    assert.equal(c.take(), Math.round((2500 * cols) / kEnd));
    assert.equal(c.before(Math.round((2500 * cols) / kEnd)), Math.round((2000 * cols) / kEnd));
    assert.equal(c.before(0), -1);
  });
  await t.test('rebuilt from buckets: the same envelope, within a column', () => {
    const b = new Buckets('log', 512);
    b.feed(tr, 'loss');
    assert.ok(b.w > 1, 'the test needs merged buckets');
    const direct = new Columns(cols, kEnd), rebuilt = Columns.from(b, cols, kEnd);
    ks.forEach((k, i) => { const x = fwd.log(vals[i]); if (Number.isFinite(x)) direct.add(k, x); });
    assert.equal(rebuilt.top, direct.top);
    for (let j = 1; j < cols; j++) {
      // A bucket straddling two columns lands in one of them: compare
      // each column with its neighbours' union.
      const near = (v, o) => [v[4 * (j - 1) + o], v[4 * j + o], v[4 * (j + 1) + o]].filter((x) => !Number.isNaN(x));
      assert.ok(rebuilt.v[4 * j + 1] >= Math.min(...near(direct.v, 1)) - 1e-12, `column ${j} min`);
      assert.ok(rebuilt.v[4 * j + 2] <= Math.max(...near(direct.v, 2)) + 1e-12, `column ${j} max`);
    }
  });
});
