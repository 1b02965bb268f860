// Tests of the export builders: node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  runHeader, fullHyper, trajectoriesCSV, parseTrajectoriesCSV, trajectoriesJSON, gaps,
  sceneJSON, parseScene, SceneError, figureSVG, segmentsPath, polylinePath, escapeXML, legendLayout, filename, colourStops,
} from './export.mjs';
import { DEFAULTS } from './urlstate.mjs';

const OPTIMIZERS = [
  { id: 'adam', hyper: [{ name: 'lr', default: 0.001 }, { name: 'beta1', default: 0.9 }, { name: 'beta2', default: 0.999 }, { name: 'eps', default: 1e-8 }] },
  { id: 'cg', hyper: [{ name: 'variant', choices: ['polak_ribiere', 'fletcher_reeves'], default_choice: 'polak_ribiere' }, { name: 'restart', default: 0 }] },
  { id: 'newton', hyper: [{ name: 'damping', default: 0 }] },
];

// Numbers that print badly if a writer rounds: every one must come back bit for bit.
const AWKWARD = [0.1 + 0.2, 1e-300, -2.5e10, Math.PI, -0, 5e-324, 1.7976931348623157e308, 123456789.12345678];

function set() {
  const pts = (n, f) => ({
    k: Array.from({ length: n }, (_, i) => i), x: Array.from({ length: n }, (_, i) => f(i)), y: Array.from({ length: n }, (_, i) => -f(i) / 3),
    loss: Array.from({ length: n }, (_, i) => Math.abs(f(i)) / 3), gn: Array.from({ length: n }, (_, i) => Math.abs(f(i)) + 1), clipped: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  });
  return {
    meta: { objective: { id: 'rosenbrock' }, start: [-1.2, 1], seed: 7 },
    runs: [
      { optimizer: 'adam', hyper: { lr: 0.05 }, clip: { norm: 1 }, schedule: {}, label: '', status: 'max_steps', points: pts(AWKWARD.length, (i) => AWKWARD[i] / 2 || AWKWARD[i]) },
      { optimizer: 'cg', hyper: {}, clip: {}, schedule: { kind: 'step', gamma: 0.5, every: 100 }, label: 'CG, "fast"', status: 'converged', points: pts(3, (i) => i * 0.7) },
    ],
  };
}

test('runHeader names the optimizer and every hyperparameter, defaults filled in', async (t) => {
  const cases = [
    { name: 'set and default values', run: { optimizer: 'adam', hyper: { lr: 0.05 }, clip: {} }, want: 'adam lr=0.05 beta1=0.9 beta2=0.999 eps=1e-8' },
    { name: 'clipping by norm', run: { optimizer: 'adam', hyper: { lr: 0.05 }, clip: { norm: 1 } }, want: 'adam lr=0.05 beta1=0.9 beta2=0.999 eps=1e-8 clip.norm=1' },
    { name: 'a choice and a schedule', run: { optimizer: 'cg', hyper: {}, schedule: { kind: 'step', every: 10 } }, want: 'cg variant=polak_ribiere restart=0 schedule.every=10 schedule.kind=step' },
    { name: 'unknown optimizer keeps what it has', run: { optimizer: 'mine', hyper: { b: 2, a: 1 } }, want: 'mine a=1 b=2' },
    { name: 'label quoted', run: { optimizer: 'newton', label: 'N 1' }, want: 'newton damping=0 label="N 1"' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(runHeader(c.run, OPTIMIZERS.find((o) => o.id === c.run.optimizer)), c.want));
  }
  assert.deepEqual(Object.keys(fullHyper({ optimizer: 'adam', hyper: { zeta: 1 } }, OPTIMIZERS[0])), ['lr', 'beta1', 'beta2', 'eps', 'zeta']);
});

test('CSV: hyperparameters in comment lines, every point back bit for bit', () => {
  const s = set();
  const text = trajectoriesCSV(s, OPTIMIZERS);
  const lines = text.split('\n');
  assert.ok(lines.includes('# run 0: adam lr=0.05 beta1=0.9 beta2=0.999 eps=1e-8 clip.norm=1 (status: max_steps)'), text.slice(0, 400));
  assert.ok(lines.includes('# seed: 7') && lines.includes('# start: -1.2,1'));
  assert.ok(lines.includes('run,k,x,y,loss,grad_norm,clipped'));
  assert.equal(lines.filter((l) => /^\d/.test(l)).length, AWKWARD.length + 3, 'one row per point');
  const back = parseTrajectoriesCSV(text);
  assert.equal(back.runs.length, 2);
  assert.match(back.runs[1].header, /^cg variant=polak_ribiere .*label="CG, \\"fast\\""/);
  for (let r = 0; r < 2; r++) {
    const want = s.runs[r].points, got = back.runs[r].points;
    for (const f of ['k', 'x', 'y', 'loss', 'gn']) {
      assert.equal(got[f].length, want[f].length);
      // -0 prints as "0"; compare as numbers, which treats them alike, and every other value exactly.
      want[f].forEach((v, i) => assert.ok(got[f][i] === v, `run ${r} ${f}[${i}] = ${got[f][i]}, want ${v}`));
    }
    assert.deepEqual(got.clipped, want.clipped.map(Boolean));
  }
});

test('CSV parse refuses what it did not write', async (t) => {
  const cases = [
    { name: 'wrong columns', text: 'a,b\n1,2\n' },
    { name: 'short row', text: 'run,k,x,y,loss,grad_norm,clipped\n0,1,2\n' },
    { name: 'not a number', text: 'run,k,x,y,loss,grad_norm,clipped\n0,1,2,x,4,5,0\n' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(() => parseTrajectoriesCSV(c.text)));
});

test('JSON: same points as the API shapes them, hyperparameters complete', () => {
  const s = set();
  const o = JSON.parse(trajectoriesJSON(s, OPTIMIZERS));
  assert.equal(o.saddle, 'trajectories');
  assert.deepEqual(o.objective, { id: 'rosenbrock' });
  assert.deepEqual(o.runs[0].hyper, { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  assert.deepEqual(o.runs[0].clip, { norm: 1 });
  assert.equal(o.runs[1].label, 'CG, "fast"');
  o.runs.forEach((r, i) => {
    const p = s.runs[i].points;
    assert.equal(r.points.length, p.k.length);
    r.points.forEach((q, j) => {
      assert.deepEqual(Object.keys(q), ['k', 'xy', 'loss', 'grad_norm', 'clipped']);
      assert.ok(q.k === p.k[j] && q.xy[0] === p.x[j] && q.xy[1] === p.y[j] && q.loss === p.loss[j] && q.grad_norm === p.gn[j]);
      assert.equal(q.clipped, !!p.clipped[j]);
    });
  });
});

test('gaps counts steps missing between points', () => {
  assert.equal(gaps({ k: [0, 1, 2, 3] }), 0);
  assert.equal(gaps({ k: [0, 2, 3, 7] }), 4);
  assert.equal(gaps({ k: [] }), 0);
});

const STATE = {
  ...structuredClone(DEFAULTS), scene: 'cliffs', objective: { id: 'quadratic', params: { a: 1, b: 25, angle: 30 } }, start: [-2.5, 1.5],
  runs: [
    { optimizer: 'gd', hyper: { lr: 0.07 }, clip: {}, schedule: {}, label: '' },
    { optimizer: 'adam', hyper: { lr: 0.05 }, clip: { value: 2 }, schedule: { kind: 'step', gamma: 0.5, every: 100 }, label: 'Adam' },
  ],
  seed: 3, view: [-3, 3, -2, 2], k: 120, mode: 'side', pair: [1, 0], sel: 1, speed: 240, eigen: true, quad: false, logLoss: false,
};

test('a saved scene parses back to the same state', () => {
  const back = parseScene(sceneJSON(STATE), { objectives: ['quadratic'], optimizers: ['gd', 'adam'] });
  for (const k of ['objective', 'start', 'runs', 'seed', 'view', 'k', 'mode', 'pair', 'sel', 'speed', 'eigen', 'quad', 'logLoss']) {
    assert.deepEqual(back[k], STATE[k], k);
  }
  assert.equal(back.scene, '', 'a loaded scene is custom');
  assert.deepEqual(back.overlays, [], 'no overlays');
  assert.equal(back.variant, -1);
  const expr = parseScene(sceneJSON({ ...STATE, objective: { expr: 'x^2 + 3*y^2' } }));
  assert.deepEqual(expr.objective, { expr: 'x^2 + 3*y^2' });
});

test('a lesson\'s scene keeps its overlays, lesson, variant, model choices and plane', () => {
  const lesson = {
    ...STATE, scene: 'lesson:real-network', overlays: ['velocity', 'clip_arrows'], variant: 1,
    objective: { id: 'mlp', params: { width: 16 }, options: { data: 'circles' }, blur: 0.5 }, start: null,
    plane: 'three_points', planeSeed: 4, planeRun: 1, planeK: 30,
  };
  const text = sceneJSON(lesson);
  const o = JSON.parse(text);
  assert.equal(o.lesson, 'real-network');
  assert.deepEqual(o.overlays, ['velocity', 'clip_arrows']);
  const back = parseScene(text, { objectives: ['mlp'], optimizers: ['gd', 'adam'] });
  for (const k of ['scene', 'overlays', 'variant', 'objective', 'start', 'plane', 'planeSeed', 'planeRun', 'planeK']) {
    assert.deepEqual(back[k], lesson[k], k);
  }
  // The PCA plane without a seed, and the random plane as the picker writes it ('').
  const pca = parseScene(sceneJSON({ ...lesson, plane: 'pca', planeSeed: null }));
  assert.deepEqual([pca.plane, pca.planeSeed, pca.planeRun, pca.planeK], ['pca', null, null, 0]);
  assert.equal(parseScene(sceneJSON({ ...lesson, plane: '' })).plane, '');
  const bad = (f) => { const x = JSON.parse(text); f(x); return JSON.stringify(x); };
  for (const [f, field] of [
    [(x) => { x.overlays = 'velocity'; }, 'overlays'],
    [(x) => { x.overlays = ['Velocity!']; }, 'overlays'],
    [(x) => { x.lesson = '../etc'; }, 'lesson'],
    [(x) => { x.variant = -2; }, 'variant'],
    [(x) => { x.plane = 'diagonal'; }, 'plane'],
    [(x) => { x.plane_run = 9; }, 'plane_run'],
    [(x) => { x.objective.options = { data: 'a b' }; }, 'objective.options.data'],
    [(x) => { x.objective.blur = 3; }, 'objective.blur'],
  ]) {
    assert.throws(() => parseScene(bad(f)), (e) => e instanceof SceneError && e.field === field, field);
  }
});

test('parseScene names the field at fault', async (t) => {
  const good = JSON.parse(sceneJSON(STATE));
  const edit = (f) => { const o = structuredClone(good); f(o); return JSON.stringify(o); };
  const cases = [
    { name: 'not JSON', text: '{"saddle": ', field: '' },
    { name: 'an array', text: '[]', field: '' },
    { name: 'not a scene', text: edit((o) => { o.saddle = 'trajectories'; }), field: 'saddle' },
    { name: 'future version', text: edit((o) => { o.version = 2; }), field: 'version' },
    { name: 'no objective', text: edit((o) => { delete o.objective; }), field: 'objective' },
    { name: 'unknown objective', text: edit((o) => { o.objective = { id: 'nope' }; }), field: 'objective.id' },
    { name: 'param not a number', text: edit((o) => { o.objective.params.a = 'x'; }), field: 'objective.params.a' },
    { name: 'empty expression', text: edit((o) => { o.objective = { expr: '  ' }; }), field: 'objective.expr' },
    { name: 'start of 3', text: edit((o) => { o.start = [1, 2, 3]; }), field: 'start' },
    { name: 'start not finite', text: edit((o) => { o.start = [1, null]; }), field: 'start' },
    { name: 'no runs', text: edit((o) => { o.runs = []; }), field: 'runs' },
    { name: 'too many runs', text: edit((o) => { o.runs = Array(9).fill({ optimizer: 'gd' }); }), field: 'runs' },
    { name: 'unknown optimizer', text: edit((o) => { o.runs[1].optimizer = 'sgdd'; }), field: 'runs[1].optimizer' },
    { name: 'hyper not a number', text: edit((o) => { o.runs[0].hyper.lr = [1]; }), field: 'runs[0].hyper.lr' },
    { name: 'negative clip', text: edit((o) => { o.runs[1].clip = { value: -1 }; }), field: 'runs[1].clip.value' },
    { name: 'two clips', text: edit((o) => { o.runs[1].clip = { value: 1, norm: 1 }; }), field: 'runs[1].clip' },
    { name: 'schedule field', text: edit((o) => { o.runs[1].schedule.gamma = 'half'; }), field: 'runs[1].schedule.gamma' },
    { name: 'empty view', text: edit((o) => { o.view = [1, 1, 0, 2]; }), field: 'view' },
    { name: 'k too big', text: edit((o) => { o.k = 1e6; }), field: 'k' },
    { name: 'k fractional', text: edit((o) => { o.k = 1.5; }), field: 'k' },
    { name: 'mode', text: edit((o) => { o.mode = 'triple'; }), field: 'mode' },
    { name: 'pair beyond the runs', text: edit((o) => { o.pair = [0, 2]; }), field: 'pair[1]' },
    { name: 'sel beyond the runs', text: edit((o) => { o.sel = 5; }), field: 'sel' },
    { name: 'eigen not boolean', text: edit((o) => { o.eigen = 1; }), field: 'eigen' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(() => parseScene(c.text, { objectives: ['quadratic'], optimizers: ['gd', 'adam'] }), (e) => {
        assert.ok(e instanceof SceneError, e);
        assert.equal(e.field, c.field, e.message);
        return true;
      });
    });
  }
});

// wellFormed checks that tags nest and close (enough XML for the SVG we write).
function wellFormed(xml) {
  const stack = [];
  const body = xml.replace(/<\?xml[^>]*\?>/, '');
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
  for (const m of body.matchAll(tag)) {
    const [, close, name, attrs, self] = m;
    if (/[<&](?!amp;|lt;|gt;|quot;|#39;)/.test(attrs)) throw new Error(`unescaped character in <${name}${attrs}>`);
    if (self) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  for (const t of body.split(tag)) if (/[<>]|&(?!amp;|lt;|gt;|quot;|#39;)/.test(t)) throw new Error(`unescaped text ${t}`);
  return true;
}

function figure() {
  const plot = { x: 48, y: 10, w: 400, h: 300 };
  return {
    width: 518, height: 346, title: 'Saddle: <test> & co', description: 'two runs',
    panels: [{
      dx: 0, w: 518, h: 346, plot, title: 'θ-space', ink: '#222',
      image: { width: 4, height: 3, href: 'data:image/png;base64,AAAA', matrix: [100, 0, 0, 100, 48, 10] },
      contours: segmentsPath([50, 50, 60, 60, 60, 60, 70, 50, 100, 100, 110, 110]),
      minima: [[300, 200]],
      trails: [{ run: 0, colour: '#E69F00', width: 2.2, d: polylinePath([60, 60, 80, 90, 100, 120]) }, { run: 1, colour: '#56B4E9', width: 1.6, d: polylinePath([60, 60, 70, 70]) }],
      start: [60, 60], points: [{ x: 100, y: 120, colour: '#E69F00', r: 7, diverged: true }],
      xTicks: [{ at: 48, label: '−2' }, { at: 248, label: '0' }], yTicks: [{ at: 310, label: '−1' }],
      axisLabels: ['θ₁', 'θ₂'],
      colourBar: { x: 458, y: 10, w: 12, h: 300, stops: colourStops(5), ticks: [{ at: 310, label: '0' }], label: 'J (log)' },
      legend: legendLayout([{ colour: '#E69F00', label: 'Adam ε=0.05 <clip>' }, { colour: '#56B4E9', label: 'GD & co' }], plot, (s) => s.length * 6.6),
    }],
  };
}

test('figureSVG writes well-formed SVG with the figure as vectors', () => {
  const svg = figureSVG(figure());
  assert.ok(wellFormed(svg));
  assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* width="518" height="346"/);
  assert.equal((svg.match(/<path class="trail"/g) || []).length, 2, 'one path per run');
  assert.match(svg, /<path class="trail" data-run="0" d="M60 60L80 90L100 120"/);
  assert.match(svg, /<path class="contours" d="M50 50L60 60L70 50M100 100L110 110"/, 'touching segments joined');
  assert.match(svg, /<image class="heat" width="4" height="3" [^>]*transform="matrix\(100 0 0 100 48 10\)"/);
  assert.ok(svg.includes('Adam ε=0.05 &lt;clip&gt;') && svg.includes('GD &amp; co'), 'labels escaped');
  assert.equal((svg.match(/<stop /g) || []).length, 5);
  assert.throws(() => wellFormed('<svg><g></svg>'), 'the checker can fail');
  assert.throws(() => wellFormed('<svg><text>a < b</text></svg>'), 'the checker sees bad text');
});

test('path builders skip non-finite points and round to 0.01 px', () => {
  assert.equal(polylinePath([0.123, 1.456, NaN, 2, 3, 4]), 'M0.12 1.46L3 4');
  assert.equal(segmentsPath([0, 0, 1, 1, Infinity, 0, 2, 2, 1, 1, 2, 2]), 'M0 0L1 1L2 2');
  assert.equal(escapeXML(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('legendLayout stacks one row per run inside the plot', () => {
  const L = legendLayout([{ colour: 'red', label: 'abc' }, { colour: 'blue', label: 'abcdef' }], { x: 10, y: 20, w: 300, h: 200 }, (s) => 10 * s.length);
  assert.equal(L.rows.length, 2);
  assert.ok(L.x >= 10 && L.y >= 20 && L.x + L.w <= 310 && L.y + L.h <= 220, 'inside the plot');
  assert.ok(L.rows[1].ty > L.rows[0].ty);
  assert.ok(L.w >= 60, 'wide enough for the longest label');
});

test('legendLayout moves out of the way of the paths', async (t) => {
  const plot = { x: 0, y: 0, w: 400, h: 300 }, measure = (s) => 10 * s.length, e = [{ colour: 'red', label: 'abcdef' }];
  const corner = (L) => `${L.x < 200 ? 'left' : 'right'} ${L.y < 150 ? 'top' : 'bottom'}`;
  const cases = [
    { name: 'nothing to avoid: top left', avoid: [], want: 'left top' },
    { name: 'a start at the top left: bottom left', avoid: [20, 20], want: 'left bottom' },
    { name: 'paths down the left side: bottom right', avoid: [20, 20, 20, 150, 20, 280], want: 'right bottom' },
    { name: 'everywhere but the top right', avoid: [20, 20, 20, 280, 380, 280], want: 'right top' },
    { name: 'everywhere: the fewest hidden', avoid: [20, 20, 25, 25, 20, 280, 380, 280, 385, 285, 380, 20], want: 'left bottom' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(corner(legendLayout(e, plot, measure, 12, c.avoid)), c.want));
});

test('filename names the objective and the step', () => {
  assert.equal(filename({ objective: { id: 'rosenbrock' }, k: 12 }, 'png'), 'saddle-rosenbrock-k12.png');
  assert.equal(filename({ objective: { expr: 'x^2' }, k: 0 }, 'svg'), 'saddle-expr-k0.svg');
});

test('axis labels and title: α and β with the plane for a projected objective', async () => {
  const { axisLabels, exportTitle } = await import('./export.mjs');
  assert.deepEqual(axisLabels(false, null), ['θ₁', 'θ₂']);
  assert.deepEqual(axisLabels(true, { kind: 'pca' }), ['φ₁', 'φ₂'], 'φ-space wins');
  for (const [kind, words] of [['pca', 'PCA plane'], ['hessian', 'Hessian plane'], ['random', 'random plane'], ['three_points', 'θ₀–current–solution plane']]) {
    const [a, b] = axisLabels(false, { kind });
    assert.ok(a.startsWith('α') && a.includes('d₁') && a.includes(words), a);
    assert.ok(b.startsWith('β') && b.includes('d₂') && b.includes(words), b);
  }
  assert.equal(exportTitle('', null), '');
  assert.equal(exportTitle('mine', { kind: 'pca' }), 'mine', 'a panel\'s own title stays');
  assert.match(exportTitle('', { kind: 'hessian', seed: 2, dim: 354 }), /top-2 Hessian eigenvectors \(seed 2\) · 354 parameters/);
});
