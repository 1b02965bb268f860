// The share dialog's embed options: chosen controls, caption and cues
// (issue 10, defect 7). Run with `node --test web/static/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedURL, pickable, figureRequest, b64url, FIGURE_MAX_STEPS } from './share.mjs';
import { decodeState } from './urlstate.mjs';

const q = 'obj=cliff&start=-2,1.5&run=gd|lr=0.05&run=gd|lr=0.05|clip.norm=1';

test('embedURL writes chosen controls as one comma list, caption and cues as 1', () => {
  const u = embedURL('http://h', '', q, { lesson: 'cliffs', controls: 'pick', pick: ['play', 'run1.lr'], caption: true, cues: true });
  assert.match(u, /[?&]controls=play,run1\.lr(&|$)/, 'commas stay readable');
  const p = new URL(u).searchParams;
  assert.equal(p.get('controls'), 'play,run1.lr');
  assert.equal(p.get('caption'), '1');
  assert.equal(p.get('cues'), '1');
  assert.deepEqual(decodeState(new URL(u).search).runs, decodeState(q).runs, 'the scene is unchanged');
  // Nothing chosen is no controls; play alone is the classic play bar (the default, left out).
  assert.equal(new URL(embedURL('http://h', '', q, { controls: 'pick', pick: [] })).searchParams.get('controls'), 'none');
  assert.equal(new URL(embedURL('http://h', '', q, { controls: 'pick', pick: ['play'] })).searchParams.has('controls'), false);
  // Off by default.
  const plain = new URL(embedURL('http://h', '', q)).searchParams;
  for (const k of ['caption', 'cues', 'controls']) assert.equal(plain.has(k), false, k);
});

test('pickable lists play, speed, the objective\'s sliders and each run\'s hyperparameters as /embed names them', () => {
  const data = {
    objectives: [{ id: 'quadratic', params: [{ name: 'a' }, { name: 'b' }] }, { id: 'mlp', projected: true, params: [{ name: 'width' }] }],
    optimizers: [{ id: 'gd', name: 'Gradient descent', hyper: [{ name: 'lr', symbol: 'ε' }] }, { id: 'momentum', name: 'Momentum', hyper: [{ name: 'lr', symbol: 'ε' }, { name: 'momentum', symbol: 'α' }] }],
  };
  const state = decodeState('obj=quadratic&run=gd|lr=0.1&run=momentum|lr=0.01|momentum=0.9|label=heavy ball');
  const values = pickable(state, data).map(([v]) => v);
  assert.deepEqual(values, ['play', 'speed', 'p.a', 'p.b', 'run0.lr', 'run1.lr', 'run1.momentum']);
  assert.match(pickable(state, data).at(-1)[1], /run 1 \(heavy ball\): α/);
  // A projected model's sliders are its model form, not p.<name>.
  assert.deepEqual(pickable(decodeState('obj=mlp&run=gd'), data).map(([v]) => v), ['play', 'speed', 'run0.lr']);
});

test('figureRequest is the live start message as GET /api/figure takes it', () => {
  const start = {
    type: 'start', objective: { id: 'cliff' }, start: [-2, 1.5], runs: [{ optimizer: 'gd', label: 'clipped ‖g‖ ≤ 1' }], seed: 1,
    view: { x: [-2.5, 1.5], y: [-2, 2], nx: 256, ny: 256 }, steps_per_second: 10, max_steps: 10000, paused: true,
  };
  const req = figureRequest(start, 120, { lesson: 'cliffs', link: 'http://h/lessons/cliffs?k=120', mode: 'side', pair: [0, 0] });
  assert.deepEqual(req, {
    objective: { id: 'cliff' }, start: [-2, 1.5], runs: [{ optimizer: 'gd', label: 'clipped ‖g‖ ≤ 1' }], seed: 1,
    view: { x: [-2.5, 1.5], y: [-2, 2], nx: 256, ny: 256 }, steps: 120, steps_per_second: 10, mode: 'single', lesson: 'cliffs', link: 'http://h/lessons/cliffs?k=120',
  }, 'one run cannot be side by side');
  const two = { ...start, runs: [{ optimizer: 'gd' }, { optimizer: 'adam' }] };
  assert.deepEqual(figureRequest(two, 5, { mode: 'side', pair: [1, 0] }).pair, [1, 0]);
  assert.equal(figureRequest(two, 5, { mode: 'phi' }).mode, 'single');
  // At step 0 the figure goes as far as the lesson plays (or 200), never past the cap.
  assert.equal(figureRequest(start, 0, { steps: 80 }).steps, 80);
  assert.equal(figureRequest(start, 0).steps, 200);
  assert.equal(figureRequest(start, 1e6).steps, FIGURE_MAX_STEPS);
  assert.equal('lesson' in figureRequest(start, 5), false);
});

test('b64url is unpadded base64url of UTF-8', () => {
  const s = JSON.stringify({ label: 'clipped ‖g‖ ≤ 1 ~~~?' });
  const enc = b64url(s);
  assert.match(enc, /^[A-Za-z0-9_-]+$/);
  assert.equal(Buffer.from(enc, 'base64url').toString('utf8'), s);
});

test('embedURL keeps the theory views the scene opens and leaves out those omitted', () => {
  const query = 'obj=quadratic&run=momentum&map=hypermap&mmeas=loss&decay=1&sharp=5';
  const keep = new URL(embedURL('http://h', '', query));
  assert.equal(keep.searchParams.get('map'), 'hypermap');
  assert.equal(keep.searchParams.get('decay'), '1');
  assert.equal(keep.searchParams.get('sharp'), '5');
  const some = new URL(embedURL('http://h', '', query, { omit: ['map', 'mmeas', 'sharp'] }));
  assert.equal(some.searchParams.has('map') || some.searchParams.has('mmeas') || some.searchParams.has('sharp'), false);
  assert.equal(some.searchParams.get('decay'), '1');
});
