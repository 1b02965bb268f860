// The figure's player: replays the recorded runs over the landscape with
// the page's own Panel (web/static/panel.mjs). Everything was computed by
// the server and is in #figure-data; this draws and keeps time, nothing else.
import { Panel, buildLandscape } from 'saddle/panel.mjs';
import { valueScale } from 'saddle/colormap.mjs';
import { levels } from 'saddle/contour.mjs';
import { Track, runColour } from 'saddle/track.mjs';
import { fmt } from 'saddle/ticks.mjs';
import { CurvePlot } from 'saddle/plots.mjs';
import { lossScale } from 'saddle/curves.mjs';

const D = JSON.parse(document.getElementById('figure-data').textContent);
const $ = (id) => document.getElementById(id);

// Little-endian float32 (and int32) in base64, as figure.go writes them.
function bytes(b64) {
  const s = atob(b64), u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u.buffer;
}
const f32 = (b64) => new Float32Array(bytes(b64));
const i32 = (b64) => new Int32Array(bytes(b64));

const values = f32(D.land.values);
const land = { ...D.land, values };

// Each run's whole path in a Track; n is cut to the step shown.
const runs = D.runs.map((r) => {
  const t = new Track(Math.max(1, r.n));
  const x = f32(r.x), y = f32(r.y), loss = f32(r.loss), gn = f32(r.gn);
  for (let i = 0; i < r.n; i++) t.push({ k: i, xy: [x[i], y[i]], loss: loss[i], grad_norm: gn[i], clipped: false });
  const ck = i32(r.clip_k), ca = f32(r.clip_arrows), clips = new Map();
  ck.forEach((k, j) => clips.set(k, { update: [ca[5 * j], ca[5 * j + 1]], raw_grad: [ca[5 * j + 2], ca[5 * j + 3]], lr: ca[5 * j + 4] }));
  return { ...r, track: t, x, y, loss, clips };
});

const app = {
  state: { view: D.view, sel: -1, quad: false, eigen: false },
  tracks: runs.map((r) => r.track),
  full: runs.map(() => null),
  status: runs.map(() => null),
  start: D.start,
  geometry: null,
  startGeometry: null,
  hoverK: null,
  minima: () => D.minima,
  model: { axisNames: () => D.axes },
};
const scale = valueScale(land.min, land.max, { values });
app.land = buildLandscape(land, scale, (sc) => levels(sc, 14));
// The page's modes: every run on one panel, or two runs side by side.
const panels = D.mode === 'side'
  ? D.pair.map((r) => new Panel(app, $('stage'), { runs: [r], title: runs[r].label }))
  : [new Panel(app, $('stage'))];
$('stage').classList.toggle('side', D.mode === 'side');
for (const p of panels) p.resize(); // the stage's width is known once both are in

// The loss against the step, as the page's plot; hovering it rings each
// run's point at that step on the landscape.
const plot = new CurvePlot($('plot-loss'), {
  series: () => app.tracks.map((t, r) => ({ track: t, field: 'loss', colour: runColour(r) })),
  scale: () => lossScale(true, app.tracks),
  onHover: (h) => { if (h !== app.hoverK) { app.hoverK = h; redraw(); } },
});
function redraw() {
  for (const p of panels) p.draw();
  plot.draw(app.hoverK);
}

// The legend: each run's colour, label and its loss at the step shown.
const rows = runs.map((r, i) => {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.style.background = runColour(i);
  const name = document.createElement('span');
  name.textContent = r.label;
  const val = document.createElement('span');
  val.className = 'val';
  li.append(sw, name, val);
  $('legend').append(li);
  return val;
});

const cues = D.lesson?.cues || [];
const cueItems = [...document.querySelectorAll('.script li')];
let k = -1, shown = -1, playing = false, last = 0, acc = 0;

// show draws step k: every run's path to k (a run that ended earlier, to its end).
function show(next) {
  next = Math.max(0, Math.min(D.steps, Math.round(next)));
  if (next < shown) { // trails and curves are drawn forwards only
    for (const p of panels) p.trailsDirty = true;
    plot.reset();
  }
  k = next;
  runs.forEach((r, i) => {
    const n = Math.min(r.n, k + 1);
    r.track.n = n;
    const c = r.clips.get(n - 1);
    app.full[i] = c ? { xy: [r.x[n - 1], r.y[n - 1]], clipped: true, update: c.update, raw_grad: c.raw_grad, lr: c.lr } : null;
    const ended = n === r.n && r.status !== 'max_steps';
    app.status[i] = ended ? { status: r.status } : null;
    let text = `J = ${fmt(r.loss[n - 1], 4)}`;
    if (ended) text += ` — ${r.status}${r.reason ? ': ' + r.reason : ''}`;
    rows[i].textContent = text;
  });
  $('k').textContent = `k = ${k}`;
  $('scrub').value = String(k);
  let cue = null;
  for (const c of cues) if (c.at <= k) cue = c;
  $('cue').textContent = cue ? cue.text : '';
  cueItems.forEach((li) => li.classList.toggle('now', cue != null && Number(li.dataset.at) === cue.at));
  redraw();
  shown = k;
  window.figure.k = k;
}

function setPlaying(on) {
  playing = on;
  window.figure.playing = on;
  $('play').textContent = on ? '❚❚ pause' : '▶ play';
  $('play').setAttribute('aria-pressed', String(on));
  if (on) { last = performance.now(); acc = 0; requestAnimationFrame(tick); }
}

function tick(now) {
  if (!playing) return;
  acc += ((now - last) / 1000) * D.speed;
  last = now;
  if (acc >= 1) {
    const n = Math.floor(acc);
    acc -= n;
    show(k + n);
    if (k >= D.steps) { setPlaying(false); return; }
  }
  requestAnimationFrame(tick);
}

window.figure = { k: 0, playing: false, steps: D.steps, show, play: () => setPlaying(true), pause: () => setPlaying(false) };
$('play').onclick = () => {
  if (!playing && k >= D.steps) show(0);
  setPlaying(!playing);
};
$('step').onclick = () => { setPlaying(false); show(k + 1); };
$('reset').onclick = () => { setPlaying(false); show(0); };
$('scrub').oninput = (e) => { setPlaying(false); show(Number(e.target.value)); };
document.addEventListener('keydown', (e) => {
  if (e.target.closest?.('input, button') && e.key !== ' ') return;
  if (e.key === ' ') { e.preventDefault(); $('play').click(); }
  if (e.key === 'ArrowRight') show(k + 1);
  if (e.key === 'ArrowLeft') show(k - 1);
});
addEventListener('resize', () => { for (const p of panels) p.resize(); plot.resize(); redraw(); });
show(D.k);
