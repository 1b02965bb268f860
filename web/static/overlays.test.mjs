// Tests of the overlays' geometry and the lesson tools' pure parts: node --test web/static/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ellipseOf, curvatureEllipse, ellipsePoints, commonRadius, longestAxisPx, runShapes, effLRShapes,
  lineSearchTicks, basinShapes, nearestMinimum, stageShapes, arrowHead, shapesSVG, geometryShapes, clipShapes,
} from './overlays.mjs';
import { lessonOverlays } from './overlaylist.mjs';
import { variantState, sigmaStops, nearestStop, basinStarts } from './lessonextras.mjs';
import { blurGrid } from './lessontools.mjs';
import { decodeState, encodeState, encodeRun, decodeRun } from './urlstate.mjs';
import { chosenTheme, nextTheme } from './theme.mjs';

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
const ID = [1, 0, 0, 1, 0, 0]; // θ → px as the identity

// Quadratic form xᵀAx for a row-major 2×2 A.
const form = (A, x, y) => A[0] * x * x + (A[1] + A[2]) * x * y + A[3] * y * y;
const inv = (M) => { const d = M[0] * M[3] - M[1] * M[2]; return [M[3] / d, -M[1] / d, -M[2] / d, M[0] / d]; };

test('ellipseOf: every point of the ellipse of M satisfies xᵀM⁻¹x = r²', () => {
  for (const [name, M] of [['diagonal', [4, 0, 0, 1]], ['rotated', [2, 0.9, 0.9, 1]], ['ill-conditioned', [1e-3, 2e-4, 2e-4, 5]]]) {
    const E = ellipseOf(M);
    assert.ok(E.spd, name);
    const r = 0.7, pts = ellipsePoints([1, -2], E, r, 32), Mi = inv(M);
    for (let i = 0; i < pts.length; i += 2) close(form(Mi, pts[i] - 1, pts[i + 1] + 2), r * r, 1e-9);
  }
  // The half-axes are √ of M's eigenvalues: 2 and 1 for diag(4, 1).
  const E = ellipseOf([4, 0, 0, 1]);
  assert.deepEqual(E.axes.map((a) => +a.toFixed(12)).sort(), [1, 2]);
  assert.equal(ellipseOf([1, 0, 0, -1]).spd, false);
});

test('curvatureEllipse is the ellipse of H⁻¹: xᵀHx = r² on it, long along the flat direction', () => {
  const H = [1001.6, -400, -400, 200]; // Rosenbrock's Hessian at its minimum
  const E = curvatureEllipse(H);
  const pts = ellipsePoints([0, 0], E, 1, 24);
  for (let i = 0; i < pts.length; i += 2) close(form(H, pts[i], pts[i + 1]), 1, 1e-9);
  const F = ellipseOf(inv(H));
  close(Math.max(...E.axes), Math.max(...F.axes), 1e-9);
  close(Math.min(...E.axes), Math.min(...F.axes), 1e-9);
  assert.equal(curvatureEllipse([0, 0, 0, 0]), null);
  // A singular Hessian still gives a finite ellipse.
  assert.ok(curvatureEllipse([1, 0, 0, 0]).axes.every(Number.isFinite));
});

test('commonRadius: the larger ellipse gets the target size, both keep their ratio', () => {
  const big = ellipseOf([9, 0, 0, 1]), small = ellipseOf([1, 0, 0, 1]);
  const m = [50, 0, 0, -50, 300, 200]; // 50 px per unit, y up
  const r = commonRadius(m, [big, small], 120);
  close(r * longestAxisPx(m, big), 120);
  close(r * longestAxisPx(m, small), 40);
  assert.equal(commonRadius(m, [null], 100), null);
});

test('runShapes: velocity arrow θ → θ+v, look-ahead circle with a link, H⁻¹ ellipses', () => {
  const plot = { x: 0, y: 0, w: 400, h: 400 };
  const state = { velocity: [0.5, -0.25], lookahead: [2, 3] };
  const shapes = runShapes({ xy: [1, 1], state, colour: '#f00' }, new Set(['velocity', 'lookahead']), ID, plot);
  const v = shapes.find((s) => s.cls === 'velocity');
  assert.deepEqual([v.a, v.b], [[1, 1], [1.5, 0.75]]);
  const la = shapes.find((s) => s.cls === 'lookahead');
  assert.deepEqual(la.c, [2, 3]);
  assert.deepEqual(shapes.find((s) => s.cls === 'lookahead-link').pts, [2, 3, 1, 1]);
  // Off: nothing; NaN: nothing.
  assert.equal(runShapes({ xy: [1, 1], state, colour: '#f00' }, new Set(), ID, plot).length, 0);
  assert.equal(runShapes({ xy: [1, 1], state: { velocity: [NaN, 1] }, colour: '#f00' }, new Set(['velocity']), ID, plot).length, 0);
  // BFGS: the estimate (solid) and the truth (dashed), drawn with one r.
  const bfgs = runShapes({ xy: [0, 0], state: { inv_hessian: [1, 0, 0, 1] }, colour: '#f00' }, new Set(['inv_hessian']), ID, plot,
    { hessian: [[4, 0], [0, 1]] });
  const est = bfgs.find((s) => s.cls === 'inv-hessian'), tru = bfgs.find((s) => s.cls === 'true-inv-hessian');
  assert.ok(est && tru && tru.dash);
  const radius = (pts) => Math.max(...pts.filter((_, i) => i % 2 === 0).map(Math.abs));
  // H = diag(4, 1): the true ellipse's x half-axis is 1/2 of M = I's.
  close(radius(tru.pts) / radius(est.pts), 0.5, 1e-9);
  close(Math.max(radius(est.pts), radius(tru.pts)), 0.2 * 400, 1e-9);
});

test('effLRShapes: half-axes ∝ the rates, the larger 26 px', () => {
  const [ell, bars] = effLRShapes([100, 100], [0.01, 0.04], '#0f0');
  const xs = ell.pts.filter((_, i) => i % 2 === 0), ys = ell.pts.filter((_, i) => i % 2 === 1);
  close(Math.max(...xs) - 100, 6.5, 1e-9);
  close(Math.max(...ys) - 100, 26, 1e-9);
  assert.deepEqual(bars.segs, [93.5, 100, 106.5, 100, 100, 74, 100, 126]);
  assert.deepEqual(effLRShapes([0, 0], [0, 0], '#0f0'), []);
});

test('lineSearchTicks: one 8 px tick per trial point, across the direction', () => {
  const t = lineSearchTicks(ID, [0, 0, 3, 0, 5, 0], [1, 0], '#fff');
  assert.equal(t.segs.length, 12);
  assert.deepEqual(t.segs.slice(4, 8).map((v) => +v.toFixed(9) + 0), [3, -4, 3, 4]);
  assert.equal(lineSearchTicks(ID, [1, 1], null, '#fff').segs.length, 8); // a cross without a direction
});

test('basins and stages: ends coloured by their minimum, stages labelled with σ', () => {
  const minima = [[0, 0], [10, 0]];
  assert.equal(nearestMinimum([9, 1], minima), 1);
  assert.equal(nearestMinimum([9, 1], []), -1);
  const shapes = basinShapes(ID, [{ start: [1, 1], xy: [1, 1, 0.1, 0] }, { start: [8, 1], xy: [8, 1, 9.9, 0] }], minima);
  const ends = shapes.filter((s) => s.cls === 'basin-end');
  assert.equal(ends.length, 2);
  assert.notEqual(ends[0].fill, ends[1].fill);
  const st = stageShapes(ID, [{ sigma: 2, xy: [1, 1] }, { sigma: 0.5, xy: [2, 2] }], [3, 3]);
  assert.deepEqual(st[0].pts, [1, 1, 2, 2, 3, 3]);
  assert.deepEqual(st.filter((s) => s.t === 'text').map((s) => s.text), ['σ = 2', 'σ = 0.5']);
  assert.deepEqual(stageShapes(ID, [], [0, 0]), []);
});

test('geometry and clip shapes for the SVG export', () => {
  const g = { xy: [0, 0], loss: 0, grad: [0, 0], hessian: [[1, 0], [0, -4]], eigenvalues: [-4, 1], eigenvectors: [[0, 1], [1, 0]] };
  const sh = geometryShapes(ID, { x: 0, y: 0, w: 100, h: 100 }, g, { eigen: true, quad: true, view: [-1, 1, -1, 1] });
  const arrows = sh.filter((s) => s.cls === 'eigen');
  assert.equal(arrows.length, 4);
  // Negative curvature red, positive cyan; lengths ∝ |λ| (18 px for the largest).
  assert.equal(arrows[0].stroke, '#ff5252');
  close(Math.hypot(arrows[0].b[0] - arrows[0].a[0], arrows[0].b[1] - arrows[0].a[1]), 18);
  close(Math.hypot(arrows[2].b[0] - arrows[2].a[0], arrows[2].b[1] - arrows[2].a[1]), 18 / 4);
  assert.ok(sh.find((s) => s.cls === 'quad-model').segs.length > 0);
  const clip = clipShapes(ID, { clipped: true, xy: [1, 0], update: [1, 0], raw_grad: [-100, 0], lr: 0.1 }, '#fff');
  assert.deepEqual(clip.map((s) => s.b), [[10, 0], [1, 0]]);
  assert.deepEqual(clipShapes(ID, { clipped: false }, '#fff'), []);
});

test('shapesSVG writes valid elements and skips what cannot be drawn', () => {
  assert.deepEqual(arrowHead([0, 0], [0.5, 0]), null);
  const svg = shapesSVG([
    { t: 'arrow', cls: 'velocity', a: [0, 0], b: [20, 0], stroke: '#f00', width: 2, halo: true },
    { t: 'line', cls: 'inv-hessian', pts: [0, 0, 1, 1, 2, 0], close: true, stroke: '#fff', width: 1, dash: [6, 4] },
    { t: 'circle', cls: 'lookahead', c: [5, 5], r: 4, stroke: '#0f0', width: 2 },
    { t: 'text', cls: 'stage-label', at: [1, 2], text: 'σ < 2 & "x"', fill: '#fff', size: 11 },
    { t: 'arrow', cls: 'nan', a: [NaN, 0], b: [20, 0], stroke: '#f00', width: 2 },
  ]);
  assert.match(svg, /<g class="velocity">.*<polygon points="20 0 10 -5 10 5"/);
  assert.match(svg, /class="inv-hessian" d="M0 0L1 1L2 0Z"/);
  assert.match(svg, /stroke-dasharray="6 4"/);
  assert.match(svg, /σ &lt; 2 &amp; &quot;x&quot;/);
  assert.doesNotMatch(svg, /nan|NaN/);
});

const momentum = {
  id: 'momentum', title: 'Momentum', overlays: ['velocity', 'lookahead', 'loss_curve'], steps: 200,
  scene: { objective: { id: 'quadratic', params: { b: 25 } }, start: [-2.5, 1.5], runs: [{ optimizer: 'gd', hyper: { lr: 0.03 } }] },
};

test('lessonOverlays: the landscape overlays a lesson names, and line searches when it has them', () => {
  assert.deepEqual(lessonOverlays(momentum), ['velocity', 'lookahead']);
  assert.deepEqual(lessonOverlays({ overlays: ['inv_hessian'], scene: { runs: [{ optimizer: 'bfgs' }] } }), ['inv_hessian', 'ls_points']);
  assert.deepEqual(lessonOverlays({ overlays: ['eigen', 'side_by_side'], scene: { runs: [] } }), []);
});

test('variantState: a variant replaces only what it gives; −1 is the lesson itself', () => {
  const lesson = {
    ...momentum,
    variants: [{ label: 'start left', start: [-2, 0] }, { label: 'rosenbrock', objective: { id: 'rosenbrock' }, runs: [{ optimizer: 'newton' }] }],
  };
  const s = decodeState('');
  variantState(s, lesson, 0);
  assert.deepEqual(s.start, [-2, 0]);
  assert.deepEqual(s.objective, { id: 'quadratic', params: { b: 25 } });
  assert.equal(s.variant, 0);
  variantState(s, lesson, 1);
  assert.deepEqual(s.objective, { id: 'rosenbrock' });
  assert.deepEqual(s.start, [-2.5, 1.5]);
  assert.equal(s.runs[0].optimizer, 'newton');
  variantState(s, lesson, -1);
  assert.equal(s.runs[0].optimizer, 'gd');
  assert.equal(s.variant, -1);
  // The variant survives the URL.
  variantState(s, lesson, 1);
  assert.equal(decodeState(encodeState(s)).variant, 1);
});

test('σ stops, the grid of a blurred objective, basin starts', () => {
  assert.deepEqual(sigmaStops({ sigmas: [0, 2, 0.5] }), [2, 0.5, 0]);
  const def = sigmaStops(null);
  assert.equal(def[0], 2);
  assert.equal(def.at(-1), 0);
  assert.equal(nearestStop([2, 1, 0.6, 0], 0.55), 2);
  assert.deepEqual(blurGrid(0, [300, 200]), [300, 200]);
  // More nodes per point (larger σ), fewer points.
  const [a] = blurGrid(2, [300, 300]), [b] = blurGrid(0.3, [300, 300]);
  assert.ok(a < b && a >= 32, `${a} ${b}`);
  assert.deepEqual(blurGrid(0.3, [40, 30]), [40, 30]);
  const lesson = { scene: { objective: { id: 'six_hump_camel' }, start: [0, 0] }, variants: [{ start: [1, 1] }, { start: [0, 0] }, { start: [2, 1] }] };
  assert.deepEqual(basinStarts(lesson, { id: 'six_hump_camel' }, [0, 0], [-2, 2, -1, 1]), [[0, 0], [1, 1], [2, 1]]);
  // Another objective: a grid over the view, and the page's start.
  const grid = basinStarts(lesson, { id: 'rosenbrock' }, [1, 1], [0, 10, 0, 10]);
  assert.equal(grid.length, 10);
  assert.deepEqual(grid[0], [2, 2]);
});

test('URL: overlays, σ and readable labels (no double encoding)', () => {
  const s = decodeState('');
  s.objective = { id: 'rastrigin', blur: 0.6 };
  s.overlays = ['velocity', 'eff_lr'];
  s.runs = [{ optimizer: 'gd', hyper: { lr: 0.03 }, clip: {}, schedule: {}, label: 'gradient descent, α = 0.8 | 100% sure' }];
  const q = encodeState(s);
  assert.match(q, /blur=0.6/);
  assert.match(q, /ov=velocity,eff_lr/);
  assert.doesNotMatch(q, /%25(20|2C|CE)/);
  assert.match(q, /label=gradient\+descent/);
  const back = decodeState(q);
  assert.deepEqual(back.overlays, ['velocity', 'eff_lr']);
  assert.equal(back.objective.blur, 0.6);
  assert.equal(back.runs[0].label, 'gradient descent, α = 0.8 | 100% sure');
  // Older links, fully encoded inside the run, still read.
  assert.equal(decodeRun('gd|lr=0.1|label=gradient%20descent').label, 'gradient descent');
  assert.equal(decodeRun(encodeRun({ optimizer: 'gd', hyper: { 'a=b': 1 }, label: '50%' })).hyper['a=b'], 1);
  // Bad values are dropped.
  assert.deepEqual(decodeState('?ov=velocity,<script>&blur=9').overlays, ['velocity']);
  assert.equal(decodeState('?obj=rastrigin&blur=9').objective.blur, undefined);
});

test('theme: the query wins, then the stored choice; the button cycles', () => {
  assert.equal(chosenTheme('?theme=dark', 'light'), 'dark');
  assert.equal(chosenTheme('?theme=neon', 'light'), 'light');
  assert.equal(chosenTheme('', ''), '');
  assert.deepEqual(['', 'dark', 'light'].map(nextTheme), ['dark', 'light', '']);
});

test('planeShapes marks a three-point plane\'s current point and solution', async (t) => {
  const { planeShapes } = await import('./overlays.mjs');
  const m = [10, 0, 0, -10, 100, 100]; // θ → px: 10 px per unit, y up
  await t.test('a three-point plane', () => {
    const out = planeShapes(m, { kind: 'three_points', current: [2, 0], solution: [1, 3], k: 40 });
    const cur = out.find((s) => s.cls === 'plane-current'), sol = out.find((s) => s.cls === 'plane-solution');
    assert.deepEqual(cur.c, [120, 100]);
    // The diamond is centred on the solution.
    const xs = sol.pts.filter((_, i) => i % 2 === 0), ys = sol.pts.filter((_, i) => i % 2 === 1);
    close((Math.min(...xs) + Math.max(...xs)) / 2, 110);
    close((Math.min(...ys) + Math.max(...ys)) / 2, 70);
    assert.deepEqual(out.filter((s) => s.t === 'text').map((s) => s.text), ['current (k = 40)', 'solution']);
  });
  await t.test('other planes and bad points draw nothing', () => {
    assert.deepEqual(planeShapes(m, { kind: 'pca', current: [1, 1] }), []);
    assert.deepEqual(planeShapes(m, null), []);
    assert.deepEqual(planeShapes(m, { kind: 'three_points', current: [NaN, 1], solution: [1] }), []);
  });
});
