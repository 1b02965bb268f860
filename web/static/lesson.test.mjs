// Tests of the lesson, share and page-parameter helpers: node --test web/static/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessonState, planeState, viewOf, finished, cueAt } from './lesson.mjs';
import { variantState } from './lessonextras.mjs';
import { embedURL, iframeSnippet } from './share.mjs';
import { decodeState, encodeState, withPageParams } from './urlstate.mjs';

const cliffs = {
  id: 'cliffs', steps: 150, speed: 15, overlays: ['side_by_side', 'clip_arrows', 'loss_curve'],
  view: { x: [-2.5, 1.5], y: [-2, 2] },
  scene: {
    objective: { id: 'cliff' }, start: [-2, 1.5], seed: 1,
    runs: [
      { optimizer: 'gd', label: 'gradient descent', hyper: { lr: 0.05 } },
      { optimizer: 'gd', label: 'clipped', hyper: { lr: 0.05 }, clip: { norm: 1 } },
    ],
  },
  script: [{ at: 0, text: 'a' }, { at: 90, text: 'b' }, { at: 150, text: 'c' }],
};

test('lessonState: the lesson becomes the page state, and survives the URL', () => {
  const s = lessonState(decodeState(''), cliffs);
  assert.deepEqual(s.objective, { id: 'cliff' });
  assert.deepEqual(s.start, [-2, 1.5]);
  assert.deepEqual(s.view, [-2.5, 1.5, -2, 2]);
  assert.equal(s.mode, 'side');
  assert.deepEqual(s.pair, [0, 1]);
  assert.equal(s.speed, 15);
  assert.equal(s.runs.length, 2);
  assert.deepEqual(s.runs[1].clip, { norm: 1 });
  assert.equal(s.runs[1].label, 'clipped');
  // A permalink made on the lesson page restores the same scene.
  const back = decodeState(encodeState(s));
  assert.deepEqual(back.runs, s.runs);
  assert.deepEqual(back.start, s.start);
  assert.deepEqual(back.view, s.view);
  assert.equal(back.mode, 'side');
  assert.equal(back.seed, 1);
  // The lesson's data is not shared with the state.
  s.runs[0].hyper.lr = 9;
  assert.equal(cliffs.scene.runs[0].hyper.lr, 0.05);
});

test('lessonState: overlays choose the panels; one run is never side by side', () => {
  const one = { ...cliffs, overlays: ['side_by_side', 'eigen', 'quadratic_model'], view: { x: [0, 0], y: [0, 0] },
    scene: { objective: { id: 'saddle' }, runs: [{ optimizer: 'newton' }] } };
  const s = lessonState(decodeState(''), one);
  assert.equal(s.mode, 'single');
  assert.equal(s.eigen, true);
  assert.equal(s.quad, true);
  assert.equal(s.view, null, 'an empty view falls back to the objective domain');
  assert.equal(s.start, null);
  assert.equal(s.seed, 0, 'Go leaves a zero seed out of the JSON');
});

test('lessonState: surface_3d opens the lesson on the 3-D surface', () => {
  const s = lessonState(decodeState(''), { ...cliffs, overlays: ['surface_3d', 'side_by_side', 'eigen'] });
  assert.equal(s.mode, '3d');
  assert.equal(lessonState(decodeState(''), cliffs).mode, 'side');
});

// As lessons.go's real-network is served (GET /lessons/real-network's
// saddle-data): a projected lesson on the PCA plane, with variants that
// change the plane and the view.
const network = {
  id: 'real-network', steps: 200, speed: 20, overlays: ['loss_curve', 'interpolation', 'spectrum'],
  view: { x: [-11, 2], y: [-1.2, 2] },
  scene: {
    objective: { id: 'mlp', params: { width: 16, depth: 2 }, options: { data: 'circles' } }, seed: 1,
    plane: { kind: 'pca' },
    runs: [{ optimizer: 'adam', hyper: { lr: 0.01 } }, { optimizer: 'gd', hyper: { lr: 0.3 } }],
  },
  variants: [
    { label: 'random plane', plane: { kind: 'random' }, view: { x: [-1, 1], y: [-1, 1] } },
    { label: 'Hessian plane, seed 3', plane: { kind: 'hessian', seed: 3 } },
  ],
};

test('lessonState: a projected lesson opens on its own plane and view, and a permalink keeps them', () => {
  const s = lessonState(decodeState(''), network);
  assert.equal(s.plane, 'pca', 'the lesson declares the PCA plane');
  assert.equal(s.planeSeed, null, 'no plane seed: the scene\'s');
  assert.deepEqual(s.view, [-11, 2, -1.2, 2]);
  const back = decodeState(encodeState(s));
  assert.equal(back.plane, 'pca');
  assert.deepEqual(back.view, s.view);
  // A lesson opened after another scene on another plane drops that plane.
  const other = decodeState('?obj=mlp&plane=three_points&pseed=4&prun=0&pk=30');
  lessonState(other, network);
  assert.equal(other.plane, 'pca');
  assert.equal(other.planeSeed, null);
  assert.equal(other.planeRun, null);
  assert.equal(other.planeK, 0);
  // A 2-D lesson has no plane.
  assert.equal(lessonState(decodeState('?plane=pca'), cliffs).plane, '');
});

test('planeState reads either form of a plane', () => {
  const s = decodeState('');
  assert.deepEqual(pick(planeState(s, 'hessian')), ['hessian', null, null, 0]);
  assert.deepEqual(pick(planeState(s, { kind: 'random', seed: 7 })), ['', 7, null, 0]);
  assert.deepEqual(pick(planeState(s, { kind: 'three_points', run: 1, k: 40 })), ['three_points', null, 1, 40]);
  assert.deepEqual(pick(planeState(s, null)), ['', null, null, 0]);
  assert.deepEqual(pick(planeState(s, { kind: 'nonsense' })), ['', null, null, 0]);
  assert.equal(viewOf({ x: [0, 0], y: [0, 1] }), null);
  assert.equal(viewOf(undefined), null);
});
const pick = (s) => [s.plane, s.planeSeed, s.planeRun, s.planeK];

test('variantState: a variant with its own plane and view draws them; back to the lesson restores its own', () => {
  const s = lessonState(decodeState(''), network);
  variantState(s, network, 0);
  assert.equal(s.plane, '', 'the random plane');
  assert.deepEqual(s.view, [-1, 1, -1, 1]);
  assert.equal(s.variant, 0);
  variantState(s, network, 1);
  assert.deepEqual(pick(s), ['hessian', 3, null, 0]);
  assert.deepEqual(s.view, [-11, 2, -1.2, 2], 'a variant without a view keeps the lesson\'s (lessons.Lesson.ViewOf)');
  variantState(s, network, -1);
  assert.deepEqual(pick(s), ['pca', null, null, 0]);
  assert.deepEqual(s.view, [-11, 2, -1.2, 2]);
  assert.equal(s.variant, -1);
});

test('finished: every run must have ended', () => {
  assert.equal(finished([], 2), false);
  assert.equal(finished([{ status: 'converged' }, { status: 'running' }], 2), false);
  assert.equal(finished([{ status: 'converged' }, { status: 'max_steps' }], 2), true);
  assert.equal(finished([{ status: 'diverged' }], 2), false, 'the second run has no status yet');
  assert.equal(finished([{ status: 'paused' }], 1), false);
  assert.equal(finished([], 0), false);
});

test('cueAt: the last cue reached, or the last of all when the runs ended', () => {
  const s = cliffs.script;
  const cases = [[0, false, 0], [89, false, 0], [90, false, 1], [149, false, 1], [150, false, 2], [5000, false, 2], [12, true, 2]];
  for (const [k, done, want] of cases) assert.equal(cueAt(s, k, done), want, `k=${k} done=${done}`);
  assert.equal(cueAt([{ at: 3, text: 'x' }], 1, false), -1, 'before the first cue');
  assert.equal(cueAt([], 10, true), -1);
  assert.equal(cueAt(undefined, 10, false), -1);
});

test('withPageParams keeps the lesson and the embed options, nothing else', () => {
  assert.equal(withPageParams('obj=rosenbrock&k=3', '?obj=quadratic&lesson=cliffs&controls=none&autoplay=1&theme=dark&k=9'),
    'obj=rosenbrock&k=3&lesson=cliffs&controls=none&autoplay=1&theme=dark');
  assert.equal(withPageParams('obj=rosenbrock', '?obj=quadratic&k=9'), 'obj=rosenbrock');
  assert.equal(withPageParams('', '?theme=dark'), 'theme=dark');
});

test('embedURL carries the scene, the lesson and only options that differ from the defaults', () => {
  const q = 'obj=cliff&start=-2,1.5&run=gd|lr=0.05';
  const u = new URL(embedURL('https://saddle.example', '/saddle', q, { lesson: 'cliffs', controls: 'none', autoplay: true, theme: 'dark' }));
  assert.equal(u.origin + u.pathname, 'https://saddle.example/saddle/embed');
  assert.equal(u.searchParams.get('lesson'), 'cliffs');
  assert.equal(u.searchParams.get('controls'), 'none');
  assert.equal(u.searchParams.get('autoplay'), '1');
  assert.equal(u.searchParams.get('theme'), 'dark');
  assert.deepEqual(u.searchParams.getAll('run'), ['gd|lr=0.05']);
  // Decoded, it is the same scene.
  assert.deepEqual(decodeState(u.search).runs, decodeState(q).runs);
  assert.equal(new URL(embedURL('http://h', '', q + '&k=80', { autoplay: true })).searchParams.has('k'), false, 'autoplay starts at step 0');
  assert.equal(new URL(embedURL('http://h', '', q + '&k=80')).searchParams.get('k'), '80', 'a still figure keeps its step');
  const plain = new URL(embedURL('http://localhost:8080', '', q));
  assert.equal(plain.pathname, '/embed');
  for (const k of ['lesson', 'controls', 'autoplay', 'theme']) assert.equal(plain.searchParams.has(k), false, k);
});

test('iframeSnippet is one iframe with the URL escaped for an attribute', () => {
  const s = iframeSnippet('https://x.example/embed?a=1&b="2"', 720.4, 480, 'Saddle: <Cliffs>');
  assert.match(s, /^<iframe src="https:\/\/x\.example\/embed\?a=1&amp;b=&quot;2&quot;" width="720" height="480" /);
  assert.match(s, /title="Saddle: &lt;Cliffs&gt;"/);
  assert.equal((s.match(/<iframe/g) || []).length, 1);
  assert.ok(s.endsWith('></iframe>'));
});

test('lessonState: a lesson\'s map opens the maps view on its run, and survives the URL', () => {
  const s = lessonState(decodeState(''), { ...cliffs, map: { kind: 'hypermap', run: 1, hyper: { measure: 'loss' } } });
  assert.equal(s.map, 'hypermap');
  assert.equal(s.mapMeasure, 'loss');
  assert.equal(s.sel, 1, 'the map is of the selected run');
  const back = decodeState(encodeState(s));
  assert.equal(back.map, 'hypermap');
  assert.equal(back.mapMeasure, 'loss');
  assert.equal(back.sel, 1);
  const none = lessonState(decodeState(''), cliffs);
  assert.equal(none.map, '');
  assert.equal(none.sel, 0);
  const bad = lessonState(decodeState(''), { ...cliffs, map: { kind: 'fractal', run: 5 } });
  assert.equal(bad.map, '');
  assert.equal(bad.sel, 0, 'a map the page does not know selects nothing');
  assert.equal(lessonState(decodeState(''), { ...cliffs, map: { kind: 'basins', run: 7 } }).sel, 0, 'a run the lesson lacks');
});
