// Tests of the landscape's hover look-up (panel.mjs): node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { Panel, PathIndex } from './panel.mjs';
import { Track } from './track.mjs';

// rng is a small deterministic generator (mulberry32).
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// brute is the scan nearest did before the index: every point of every
// shown run, the first strictly nearer one within 10 px kept.
function brute(tracks, shows, m, px, py) {
  let best = null, bd = 100;
  tracks.forEach((t, r) => {
    if (!shows(r)) return;
    for (let i = 0; i < t.n; i++) {
      const qx = m[0] * t.x[i] + m[2] * t.y[i] + m[4], qy = m[1] * t.x[i] + m[3] * t.y[i] + m[5];
      const d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < bd) { bd = d; best = { run: r, k: t.k[i] }; }
    }
  });
  return best;
}

// walk pushes n steps of a random walk to t: drifting, converging onto
// one point (repeated pixels: ties), with a NaN and a jump far away.
function walk(t, n, rand, kind) {
  let x = rand() * 4 - 2, y = rand() * 4 - 2;
  for (let s = 0; s < n; s++) {
    if (kind === 'converge') { x *= 0.9; y *= 0.9; }
    else { x += (rand() - 0.5) * 0.2; y += (rand() - 0.5) * 0.2; }
    let xy = [x, y];
    if (s % 97 === 50) xy = [NaN, y];
    if (s % 131 === 70) xy = [1e6 * x, -1e300];
    if (kind === 'grid') xy = [Math.round(x * 10) / 10, Math.round(y * 10) / 10]; // many exact ties
    t.push({ k: t.lastK + 1 + (s % 3 === 0 ? 2 : 0), xy, loss: 1, grad_norm: 1 });
  }
}

// panelOf makes a Panel without the DOM: its view, plot and size only.
function panelOf(tracks, view, runs = null) {
  const p = Object.create(Panel.prototype);
  p.app = { tracks, state: { view } };
  p.opts = { runs };
  p.T = null;
  p.w = 600; p.h = 480;
  p.plot = { x: 48, y: 10, w: 482, h: 434 };
  return p;
}

test('nearest through the index picks the point the scan of every point picks', async (t) => {
  for (const c of [
    { name: 'drifting walks', kinds: ['walk', 'walk', 'walk'], runs: null },
    { name: 'converging runs: one pixel holds thousands of points', kinds: ['converge', 'converge', 'walk'], runs: null },
    { name: 'points on a lattice: exact ties across runs', kinds: ['grid', 'grid', 'grid', 'grid'], runs: null },
    { name: 'a panel showing some runs', kinds: ['walk', 'grid', 'walk'], runs: [0, 2] },
  ]) {
    await t.test(c.name, () => {
      const rand = rng(7 + c.name.length);
      const tracks = c.kinds.map(() => new Track(16));
      const p = panelOf(tracks, [-3, 3, -2.5, 2.5], c.runs);
      const shows = (r) => p.shows(r);
      let hits = 0;
      // The tracks grow between hovers (the index catches up in place) and
      // the view moves (the index is rebuilt).
      for (let round = 0; round < 6; round++) {
        tracks.forEach((tr, r) => walk(tr, 300 + 50 * r, rand, c.kinds[r]));
        if (round === 3) p.app.state.view = [-1, 2, -1.5, 1];
        const m = p.matrix();
        for (let q = 0; q < 400; q++) {
          // Half near a path point (hits), half anywhere on the canvas or past it.
          let px, py;
          if (q % 2) {
            const tr = tracks[q % tracks.length], i = Math.floor(rand() * tr.n);
            [px, py] = p.toPx(tr.x[i], tr.y[i], m);
            px += (rand() - 0.5) * 16; py += (rand() - 0.5) * 16;
            if (q % 7 === 1) { px = Math.round(px); py = Math.round(py); }
          } else {
            px = rand() * 700 - 50; py = rand() * 580 - 50;
          }
          const want = brute(tracks, shows, m, px, py);
          assert.deepEqual(p.nearest(px, py), want, `round ${round}, hover (${px}, ${py})`);
          if (want) hits++;
        }
      }
      assert.ok(hits > 600, `only ${hits} hovers hit a point: the test would not notice a missed one`);
    });
  }
});

test('PathIndex leaves out points that cannot be hovered and finds the earliest of equal ones', () => {
  const t = new Track(4);
  for (const [k, xy] of [[0, [50, 50]], [1, [NaN, 3]], [2, [Infinity, 0]], [3, [50, 50]], [4, [-1e9, 50]], [5, [55, 50]]]) {
    t.push({ k, xy, loss: 1, grad_norm: 1 });
  }
  const ix = new PathIndex(t, [1, 0, 0, 1, 0, 0], 100, 100);
  assert.equal(ix.nearest(50, 50, 100), 0, 'two points on (50, 50): the earlier');
  assert.equal(ix.d, 0);
  assert.equal(ix.nearest(54, 50, 100), 5);
  assert.equal(ix.nearest(50, 50, 0), -1, 'none strictly nearer than a nearer run');
  assert.equal(ix.nearest(80, 80, 100), -1, 'none within 10 px');
  // Out of the canvas: every point is looked at, far ones too.
  assert.equal(ix.nearest(-1e9 + 3, 50, 100), 4);
});
