// The honest saddle (issue 11 §5): the selected run's current point of a
// projected objective on a random plane (d₁, d₂) and on the plane of the
// Hessian's extreme eigenvectors (q_max, q_min), side by side, with the
// curvature a random direction is expected to see, tr(H)/n (Böttcher &
// Wheeler 2022), beside λmin and λmax. The server computes everything (the
// "honest" message); this module draws it. honestText and honestCSV are
// pure; installHonest adds the view under the landscape.

import { viridis, lut, valueScale, paint } from './colormap.mjs';
import { fmt } from './ticks.mjs';
import { SVGContext } from './svgcanvas.mjs';
import { download, downloadURL } from './download.mjs';

const CSS = `.honest-view { margin-top: 0.5rem; }
.honest-bar { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; font-size: 0.85rem; }
.honest-bar h2 { font-size: 0.95rem; margin: 0 auto 0 0; }
.honest-panels { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.honest-panels figure { flex: 1 1 9rem; margin: 0; min-width: 0; }
.honest-panels canvas { width: 100%; aspect-ratio: 1 / 1; display: block; }
.honest-panels figcaption { font-size: 0.8rem; }
.honest-figures { font-size: 0.85rem; margin: 0.3rem 0; }
@media (max-width: 700px) { .honest-view { order: 3; } }`;

/** honestText is the line of figures of an honest message. */
export function honestText(m) {
  const tr = m.trace_method === 'exact' ? 'exact trace' : `Hutchinson, ${m.probes} probes, ± ${fmt(m.trace_err / m.dim, 2)}`;
  return `random plane: expected curvature tr(H)/n = ${fmt(m.expected_curvature)} (${tr}); ` +
    `Hessian plane: λmin = ${fmt(m.lambda_min)}, λmax = ${fmt(m.lambda_max)}`;
}

/** planeCaption names a plane's axes and the curvature along each. */
export function planeCaption(p) {
  const [a, b] = p.axes, [ca, cb] = p.curvature;
  const what = p.kind === 'random' ? 'random plane' : 'Hessian plane';
  return `${what}: curvature along ${a} = ${fmt(ca)}, along ${b} = ${fmt(cb)}; loss from ${fmt(p.min)} (dark) to ${fmt(p.max)} (yellow), its own scale`;
}

/** honestCSV is both planes as rows plane,a,b,loss after the figures as comments. */
export function honestCSV(m) {
  const rows = [`# run ${m.run}, step ${m.k}, n = ${m.dim}, loss ${m.loss}`,
    `# trace ${m.trace} (${m.trace_method}), tr(H)/n ${m.expected_curvature}, lambda_min ${m.lambda_min}, lambda_max ${m.lambda_max}`,
    'plane,axis1,axis2,a,b,loss'];
  for (const p of [m.random, m.hessian]) {
    for (let j = 0; j < p.ny; j++) {
      const b = p.y[0] + ((p.y[1] - p.y[0]) * j) / Math.max(1, p.ny - 1);
      for (let i = 0; i < p.nx; i++) {
        const a = p.x[0] + ((p.x[1] - p.x[0]) * i) / Math.max(1, p.nx - 1);
        rows.push([p.kind, p.axes[0], p.axes[1], a, b, p.values[j * p.nx + i]].join(','));
      }
    }
  }
  return rows.join('\n') + '\n';
}

const TABLE = lut(viridis);

/** drawPlane paints plane p into canvas with labelled axes and θ marked at the centre. */
function drawPlane(canvas, p, title) {
  const dpr = window.devicePixelRatio || 1, w = Math.max(120, canvas.clientWidth || 240);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(w * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const [cx, cy] = drawPlaneOn(ctx, w, p, title);
  canvas.dataset.drawn = '1';
  canvas.dataset.marker = `${Math.round(cx)},${Math.round(cy)}`;
}

/**
 * drawPlaneOn draws plane p, w × w CSS px, on ctx: a canvas's context, or
 * svgcanvas.mjs's SVGContext for the SVG export, where the heat map's
 * cells are written as rects. It returns θₖ's place.
 */
function drawPlaneOn(ctx, w, p, title) {
  const h = w, small = w < 240;
  const dark = matchMedia?.('(prefers-color-scheme: dark)').matches && !document.documentElement.dataset.theme || document.documentElement.dataset.theme === 'dark';
  const ink = dark ? '#ddd' : '#222';
  ctx.fillStyle = dark ? '#111' : '#fff';
  ctx.fillRect(0, 0, w, h);
  const box = { x: small ? 34 : 44, y: small ? 20 : 22, w: w - (small ? 46 : 60), h: h - (small ? 52 : 62) };
  const scale = valueScale(p.min, p.max, { kind: 'lin' });
  if (ctx.svg) {
    ctx.cells(box.x, box.y, box.x + box.w, box.y + box.h, p.nx, p.ny, (c) => {
      const v = p.values[c];
      if (v == null || !Number.isFinite(v)) return [200, 200, 200];
      const k = 3 * Math.round(Math.min(1, Math.max(0, scale.forward(v))) * 255);
      return [TABLE[k], TABLE[k + 1], TABLE[k + 2]];
    });
  } else {
    const img = new ImageData(p.nx, p.ny);
    paint(img.data, p.values, p.nx, p.ny, scale, TABLE);
    const off = document.createElement('canvas');
    off.width = p.nx; off.height = p.ny;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, box.x, box.y, box.w, box.h);
  }
  ctx.strokeStyle = ink;
  ctx.strokeRect(box.x, box.y, box.w, box.h);
  ctx.fillStyle = ink;
  ctx.font = `${small ? 10 : 12}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText(title, w / 2, small ? 13 : 15, w - 4);
  // Ticks at the ends and θ (0) on each axis.
  for (const [t, v, al] of [[0, p.x[0], 'left'], [0.5, 0, 'center'], [1, p.x[1], 'right']]) {
    ctx.textAlign = al;
    ctx.fillText(fmt(v, 2), box.x + t * box.w, box.y + box.h + 14);
  }
  ctx.textAlign = 'center';
  ctx.fillText(p.axes[0], box.x + box.w / 2, box.y + box.h + (small ? 28 : 30));
  ctx.textAlign = 'right';
  for (const [t, v] of [[0, p.y[0]], [0.5, 0], [1, p.y[1]]]) ctx.fillText(fmt(v, 2), box.x - 4, box.y + box.h - t * box.h + 4);
  ctx.save();
  ctx.translate(small ? 9 : 12, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(p.axes[1], 0, 0);
  ctx.restore();
  // θₖ itself, at (0, 0).
  const cx = box.x + (-p.x[0] / (p.x[1] - p.x[0])) * box.w, cy = box.y + box.h - (-p.y[0] / (p.y[1] - p.y[0])) * box.h;
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#fff';
  ctx.beginPath(); ctx.arc(cx, cy, 6, 0, 2 * Math.PI); ctx.stroke();
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1;
  ctx.beginPath(); ctx.arc(cx, cy, 7.5, 0, 2 * Math.PI); ctx.stroke();
  return [cx, cy];
}

class HonestView {
  constructor(app) {
    this.app = app;
    this.msg = null;
    this.pending = false;
    this.asked = '';
    if (!document.getElementById('honest-css')) {
      const st = Object.assign(document.createElement('style'), { id: 'honest-css', textContent: CSS });
      document.head.append(st);
    }
    const box = this.box = document.createElement('section');
    box.className = 'honest-view';
    box.id = 'honest-view';
    box.dataset.testid = 'honest-view';
    box.hidden = true;
    box.innerHTML = `<div class="honest-bar"><h2>Honest saddle: a random plane against the Hessian's <small>(axes: distance in parameter space)</small></h2>
      <span data-testid="honest-progress"></span>
      <button type="button" data-testid="honest-csv">CSV</button><button type="button" data-testid="honest-png">PNG</button><button type="button" data-testid="honest-svg">SVG</button>
      <button type="button" aria-label="close the honest saddle" data-testid="honest-close">×</button></div>
      <div class="honest-panels">
        <figure><canvas data-testid="honest-random" role="img" aria-label="the loss on a random plane through the current point"></canvas><figcaption data-testid="honest-random-caption"></figcaption></figure>
        <figure><canvas data-testid="honest-hessian" role="img" aria-label="the loss on the plane of the Hessian's top and bottom eigenvectors"></canvas><figcaption data-testid="honest-hessian-caption"></figcaption></figure>
      </div>
      <p class="honest-figures" data-testid="honest-figures"></p>`;
    (document.querySelector('.stage') || document.body).append(box);
    const q = (id) => box.querySelector(`[data-testid="${id}"]`);
    this.el = { random: q('honest-random'), hessian: q('honest-hessian'), rcap: q('honest-random-caption'), hcap: q('honest-hessian-caption'),
      figures: q('honest-figures'), progress: q('honest-progress') };
    q('honest-close').onclick = () => this.close();
    q('honest-csv').onclick = () => { if (this.msg) this.lastExport = download('saddle-honest.csv', honestCSV(this.msg), 'text/csv'); };
    q('honest-png').onclick = () => { if (this.msg) this.lastExport = downloadURL('saddle-honest.png', this.png()); };
    q('honest-svg').onclick = () => { if (this.msg) this.lastExport = download('saddle-honest.svg', this.svg(), 'image/svg+xml'); };
    new ResizeObserver(() => this.draw()).observe(box);
  }

  toggle() { return this.box.hidden ? this.open() : this.close(); }

  open() {
    this.app.state.honest = 1;
    this.app.saveURL();
    this.box.hidden = false;
    this.asked = '';
    clearInterval(this.timer);
    this.timer = setInterval(() => this.poll(), 400);
    this.poll();
  }

  close() {
    if (this.pending) this.app.send({ type: 'cancel', task: 'honest' });
    this.pending = false;
    clearInterval(this.timer);
    this.app.state.honest = 0;
    this.app.saveURL();
    this.box.hidden = true;
  }

  /** poll asks for the selected run's current point when it moved since the last picture. */
  poll() {
    const app = this.app, sel = app.state.sel || 0, track = app.tracks?.[sel];
    if (this.box.hidden || this.pending || !track || !app.model?.projected?.()) return;
    const sig = `${app.sceneGen}:${sel}:${track.lastK}`;
    if (track.lastK < 0 || sig === this.asked) return;
    this.asked = sig;
    this.pending = true;
    app.send({ type: 'honest', run: sel });
  }

  onMessage(m) {
    if (m.type === 'honest') {
      this.pending = false;
      this.msg = m;
      this.el.progress.textContent = '';
      this.draw();
    } else if (m.type === 'progress' && m.task === 'honest') {
      this.el.progress.textContent = m.note === 'cancelled' ? '' : `${Math.round((100 * m.done) / Math.max(1, m.total))}%`;
    } else if (m.type === 'error' && this.pending) {
      this.pending = false;
    } else if (m.type === 'scene') {
      this.asked = '';
      // A 2-D objective has no plane to be honest about: the view goes.
      if (!this.box.hidden && !this.app.model?.projected?.()) this.close();
    }
  }

  draw() {
    const m = this.msg;
    if (!m || this.box.hidden) return;
    drawPlane(this.el.random, m.random, `random (d₁, d₂), step ${m.k}`);
    drawPlane(this.el.hessian, m.hessian, `Hessian (q_max, q_min), step ${m.k}`);
    this.el.rcap.textContent = planeCaption(m.random);
    this.el.hcap.textContent = planeCaption(m.hessian);
    this.el.figures.textContent = honestText(m);
    const d = this.box.dataset;
    d.run = m.run; d.k = m.k; d.expected = m.expected_curvature; d.lambdaMin = m.lambda_min; d.lambdaMax = m.lambda_max;
  }

  csv() { return honestCSV(this.msg); }

  /** svg is both planes and the figures as one SVG document, drawn by the code that draws the canvases. */
  svg() {
    const m = this.msg, w = Math.max(120, this.el.random.clientWidth || 240);
    const ctx = new SVGContext(2 * w, w + 24);
    drawPlaneOn(ctx, w, m.random, `random (d₁, d₂), step ${m.k}`);
    ctx.save();
    ctx.translate(w, 0);
    drawPlaneOn(ctx, w, m.hessian, `Hessian (q_max, q_min), step ${m.k}`);
    ctx.restore();
    ctx.fillStyle = '#222';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(honestText(m), 6, w + 16);
    return ctx.document({ title: 'Saddle: the honest saddle', desc: honestText(m) });
  }

  /** png is both panels and the figures as one picture. */
  png() {
    const a = this.el.random, b = this.el.hessian, dpr = window.devicePixelRatio || 1;
    const c = document.createElement('canvas');
    c.width = a.width + b.width;
    c.height = Math.max(a.height, b.height) + Math.round(24 * dpr);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(a, 0, 0);
    ctx.drawImage(b, a.width, 0);
    ctx.fillStyle = '#222';
    ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
    ctx.fillText(honestText(this.msg), 6 * dpr, c.height - 8 * dpr, c.width - 12 * dpr);
    return c.toDataURL('image/png');
  }
}

/** installHonest adds the honest-saddle view to app, open when the URL or the lesson asks. */
export function installHonest(app) {
  return new HonestView(app);
}
