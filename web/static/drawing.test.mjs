// Tests of the landscape's drawing helpers: the colour scale's choice and
// ticks (colormap.mjs), tick labels (ticks.mjs), label placement
// (panel.mjs), the loss plot's scale (curves.mjs), cscale in the URL.
// node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { valueScale, scaleTicks, colourBarTicks, LOG_DECADES } from './colormap.mjs';
import { niceTicks, tickLabels } from './ticks.mjs';
import { placeLabels } from './panel.mjs';
import { lossScale } from './curves.mjs';
import { encodeState, decodeState, DEFAULTS } from './urlstate.mjs';

// grid evaluates f on an n × n grid over [x0, x1] × [y0, y1] (row-major, y outermost).
function grid(f, [x0, x1, y0, y1], n = 120) {
  const v = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v.push(f(x0 + ((x1 - x0) * i) / (n - 1), y0 + ((y1 - y0) * j) / (n - 1)));
  let min = Infinity, max = -Infinity;
  for (const x of v) { min = Math.min(min, x); max = Math.max(max, x); }
  return { v, min, max };
}

const rosenbrock = grid((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-2, 2, -1, 3]);
const bowl = grid((x, y) => 0.5 * (x * x + 25 * y * y), [-3, 3, -3, 3]);
const saddle = grid((x, y) => x * x - y * y, [-2, 2, -2, 2]);

test('auto colour scale: log on a narrow valley, linear on bowls and saddles', () => {
  const auto = (g) => valueScale(g.min, g.max, { values: g.v });
  assert.equal(auto(rosenbrock).kind, 'log', 'Rosenbrock spans decades');
  assert.equal(auto(bowl).kind, 'lin', 'a quadratic of condition number 25');
  assert.equal(auto(saddle).kind, 'lin', 'x² − y²');
  assert.ok(auto(rosenbrock).auto && !valueScale(0, 1, { kind: 'log' }).auto);
  assert.equal(LOG_DECADES, 3);
  // Forced either way, whatever the grid.
  assert.equal(valueScale(rosenbrock.min, rosenbrock.max, { values: rosenbrock.v, kind: 'lin' }).kind, 'lin');
  assert.equal(valueScale(bowl.min, bowl.max, { values: bowl.v, kind: 'log' }).kind, 'log');
  // An unknown kind is auto.
  assert.equal(valueScale(rosenbrock.min, rosenbrock.max, { values: rosenbrock.v, kind: 'bogus' }).kind, 'log');
});

test('the log scale spreads the valley: most of the grid off the darkest eighth', () => {
  const share = (s) => rosenbrock.v.filter((v) => s.forward(v) < 1 / 8).length / rosenbrock.v.length;
  const log = valueScale(rosenbrock.min, rosenbrock.max, { values: rosenbrock.v });
  const lin = valueScale(rosenbrock.min, rosenbrock.max, { kind: 'lin' });
  assert.ok(share(lin) > 0.5, `linear: ${share(lin)}`);
  assert.ok(share(log) < 0.1, `log: ${share(log)}`);
});

test('a log scale of negative losses: finite, monotone, inverse undoes forward', () => {
  const s = valueScale(saddle.min, saddle.max, { values: saddle.v, kind: 'log' });
  assert.ok(saddle.min < 0);
  assert.equal(s.forward(saddle.min), 0);
  assert.ok(Math.abs(s.forward(saddle.max) - 1) < 1e-12);
  let prev = -1;
  for (let v = saddle.min; v <= saddle.max; v += 0.25) {
    const t = s.forward(v);
    assert.ok(Number.isFinite(t) && t > prev, `forward(${v}) = ${t}`);
    assert.ok(Math.abs(s.inverse(t) - v) < 1e-9, `inverse at ${v}`);
    prev = t;
  }
});

test('colour-bar ticks: round, inside the bar, 0 where 0 is, labels distinct', () => {
  const cases = [
    { name: 'linear from −4.1e-5 (0 meant)', s: valueScale(-4.1e-5, 211, { kind: 'lin' }), zero: true },
    { name: 'linear, narrow range', s: valueScale(0.49912, 0.49987, { kind: 'lin' }), zero: false },
    { name: 'log, Rosenbrock', s: valueScale(rosenbrock.min, rosenbrock.max, { values: rosenbrock.v }), zero: true },
    { name: 'log, a saddle', s: valueScale(saddle.min, saddle.max, { values: saddle.v, kind: 'log' }), zero: true },
    { name: 'linear, a saddle', s: valueScale(saddle.min, saddle.max, { values: saddle.v }), zero: true },
  ];
  for (const c of cases) {
    const p = { y: 10, h: 500 };
    const ticks = colourBarTicks(c.s, p);
    const labels = ticks.map((t) => t.label);
    assert.ok(ticks.length >= 3, `${c.name}: ${labels}`);
    assert.equal(new Set(labels).size, labels.length, `${c.name}: repeated labels ${labels}`);
    assert.equal(labels.includes('0'), c.zero, `${c.name}: 0 ${c.zero ? 'missing' : 'not in range'}: ${labels}`);
    for (let i = 0; i < ticks.length; i++) {
      const t = ticks[i];
      assert.ok(t.at >= p.y - 1e-9 && t.at <= p.y + p.h, `${c.name}: ${t.label} at ${t.at} outside the bar`);
      if (i) assert.ok(ticks[i - 1].at - t.at >= 16 - 1e-9, `${c.name}: ${labels} crowd`);
      // Round: at most 4 significant digits.
      assert.ok(t.label.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length <= 4, `${c.name}: ${t.label} is not round`);
    }
  }
});

test('scaleTicks puts a log scale\'s ticks near its decades', () => {
  const s = valueScale(0, 2500, { kind: 'log', values: rosenbrock.v });
  const vs = scaleTicks(s, 8, 0.04);
  for (const d of [0, 0.1, 1, 10, 100, 1000]) assert.ok(vs.includes(d), `${d} missing from ${vs}`);
});

test('tickLabels: just enough digits, 0 as 0', () => {
  assert.deepEqual(tickLabels(niceTicks(0.4991, 0.4999, 4)), ['0.4992', '0.4994', '0.4996', '0.4998']);
  assert.deepEqual(tickLabels([0, 50, 100, 150, 200]), ['0', '50', '100', '150', '200']);
  assert.deepEqual(tickLabels([-1, -0.5, 0, 0.5, 1]), ['−1', '−0.5', '0', '0.5', '1']);
  assert.deepEqual(tickLabels([1e-6, 2e-6, 3e-6]), ['1e−6', '2e−6', '3e−6']);
  assert.deepEqual(tickLabels([0.499, 0.4995, 0.5]), ['0.499', '0.4995', '0.5']);
  assert.deepEqual(tickLabels([100000, 150000]), ['1e5', '1.5e5']);
});

test('placeLabels keeps labels off markers and each other', async (t) => {
  const meet = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const bounds = { x: 0, y: 0, w: 400, h: 300 };
  await t.test('a label whose natural place is on a marker moves', () => {
    // The marker sits just right of the anchor, where the label would go.
    const star = { x: 104, y: 94, w: 16, h: 16 };
    const [b] = placeLabels([{ x: 100, y: 100, w: 40, h: 14, dir: [1, 0] }], [star], bounds);
    assert.ok(!meet(b, star), `label ${JSON.stringify(b)} on the star`);
    assert.ok(Math.hypot(b.x + b.w / 2 - 100, b.y + b.h / 2 - 100) < 60, 'still beside its anchor');
  });
  await t.test('a free label goes where it points', () => {
    const [b] = placeLabels([{ x: 100, y: 100, w: 40, h: 14, dir: [-1, 0] }], [], bounds);
    assert.ok(b.x + b.w <= 100 && Math.abs(b.y + b.h / 2 - 100) < 1e-9, JSON.stringify(b));
  });
  await t.test('two labels at one anchor do not overlap', () => {
    const [a, b] = placeLabels([{ x: 100, y: 100, w: 40, h: 14 }, { x: 100, y: 100, w: 40, h: 14 }], [], bounds);
    assert.ok(!meet(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`);
  });
  await t.test('labels stay inside the bounds', () => {
    const [b] = placeLabels([{ x: 395, y: 5, w: 40, h: 14, dir: [1, -1] }], [], bounds);
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= 400 && b.y + b.h <= 300, JSON.stringify(b));
  });
  await t.test('crowded: the least overlap', () => {
    const wall = [{ x: 0, y: 0, w: 400, h: 300 }];
    const [b] = placeLabels([{ x: 100, y: 100, w: 40, h: 14 }], wall, bounds);
    assert.ok(Number.isFinite(b.x) && Number.isFinite(b.y));
  });
});

test('lossScale: the log box draws symlog for negative losses, never a silent linear', () => {
  const pos = { n: 3, minLoss: 0.01 }, neg = { n: 3, minLoss: -4 }, empty = { n: 0, minLoss: Infinity };
  assert.equal(lossScale(true, [pos, empty]), 'log');
  assert.equal(lossScale(true, [pos, neg]), 'symlog');
  assert.equal(lossScale(true, [{ n: 2, minLoss: 0 }]), 'symlog');
  assert.equal(lossScale(false, [pos, neg]), 'lin');
});

test('cscale in the URL: auto by default and for bad values; log and lin kept', () => {
  assert.equal(DEFAULTS.cscale, 'auto');
  assert.equal(decodeState('obj=rosenbrock').cscale, 'auto');
  for (const v of ['log', 'lin']) {
    const s = decodeState(`obj=rosenbrock&cscale=${v}`);
    assert.equal(s.cscale, v);
    assert.match(encodeState(s), new RegExp(`(^|&)cscale=${v}(&|$)`));
  }
  for (const bad of ['LOG', 'linear', '', 'log,lin']) assert.equal(decodeState(`cscale=${encodeURIComponent(bad)}`).cscale, 'auto', bad);
  assert.doesNotMatch(encodeState(decodeState('obj=rosenbrock&cscale=auto')), /cscale/);
});
