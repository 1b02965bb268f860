// The eigen-component decay (issue 11 §2), loaded on first use: the
// selected run's error θₖ − θ* split along the Hessian's eigenvectors qᵢ,
// |⟨θₖ − θ*, qᵢ⟩| over k on a log scale, one solid curve per direction,
// and each direction's closed-form rate |cᵢ(0)|·rateᵏ dashed (Goh 2017).
// The server replays the run and does all of it (the decay message); this
// module only asks, when the run, its step or its settings change, and
// draws. decaySpec and decayCSV are pure (decay.test.mjs).

import { XYPlot, extent } from './xyplot.mjs';
import { fmt } from './ticks.mjs';
import { plotSVG } from './svgcanvas.mjs';
import { download, downloadURL } from './download.mjs';

/**
 * COLOURS are the directions' measured curves (q₁ the flatter, q₂ the
 * steeper; not the runs' colours), THEORY their rate lines: a darker shade
 * drawn dashed on top, so a line the measurement follows exactly (gradient
 * descent's) still shows.
 */
export const COLOURS = ['#1f77b4', '#e6550d'];
export const THEORY = ['#0b3c6b', '#7a2a00'];
const SUB = ['₁', '₂'];
const DASH = [6, 4];
// Below this fraction of the largest component a curve is rounding, not decay.
const FLOOR = 1e-16;

/** theoryLabel is a direction's dashed line in the legend: "|1 − ελ₁|ᵏ = 0.922ᵏ". */
export function theoryLabel(d, i) {
  const rule = (d.rule || '').replace(/ \(.*\)$/, '');
  const sym = rule.startsWith('ρ(') ? `ρ${SUB[i]}` : rule.replaceAll('λ', `λ${SUB[i]}`);
  return `${sym}ᵏ = ${fmt(d.rate, 4)}ᵏ`;
}

/** decaySpec lays out a decay answer for XYPlot: measured solid, theory dashed, log y. */
export function decaySpec(dec) {
  const series = [], lines = [], legend = [], ys = [];
  if (!dec) return { x: { range: null, kind: 'lin', label: 'step k' }, y: { range: null, kind: 'log' }, series, legend };
  let top = 0;
  dec.directions.forEach((d) => { for (const c of d.c) top = Math.max(top, Math.abs(c)); });
  const floor = top * FLOOR;
  dec.directions.forEach((d, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const y = d.c.map((c) => (Math.abs(c) > floor ? Math.abs(c) : NaN)); // rounding and exact zeros: a gap
    series.push({ x: dec.k, y, colour, width: 2.6 });
    legend.push({ text: `|⟨θₖ−θ*, q${SUB[i]}⟩|, λ${SUB[i]} = ${fmt(d.lambda, 4)}`, colour });
    ys.push(y);
    if (d.ok && d.line?.length) {
      const line = d.line.map((v) => (v > floor ? v : NaN));
      const dark = THEORY[i % THEORY.length];
      lines.push({ x: dec.k.slice(0, line.length), y: line, colour: dark, width: 1.3, dash: DASH });
      legend.push({ text: theoryLabel(d, i), colour: dark, dash: DASH });
      ys.push(line);
    }
  });
  const yr = extent(ys, 'log', 0.04);
  const xr = extent([dec.k], 'lin', 0.01);
  return {
    x: { range: xr, kind: 'lin', label: 'step k' },
    y: { range: yr, kind: 'log', label: '|⟨θₖ − θ*, qᵢ⟩|' },
    series: series.concat(lines), legend,
  };
}

/** decayText says what each direction's rate is, measured and in theory (why none, once), and what θ* is. */
export function decayText(dec) {
  if (!dec) return '';
  const cap = (t) => t[0].toUpperCase() + t.slice(1);
  const parts = dec.directions.map((d, i) => {
    const m = d.measured > 0 ? `measured ${fmt(d.measured, 4)} a step` : 'measured: too few steps';
    return `q${SUB[i]} (λ${SUB[i]} = ${fmt(d.lambda, 4)}): ${m}` + (d.ok ? `; theory ${d.rule} = ${fmt(d.rate, 4)}` : '');
  });
  const whys = [...new Set(dec.directions.filter((d) => !d.ok).map((d) => d.why))];
  const no = whys.map((w) => ` No closed-form line: ${w}.`).join('');
  return `${parts.join(' · ')}.${no} ${cap(dec.note)}.`;
}

/** decayCSV is the answer as rows k,c1,c2,line1,line2 (lines empty past their end or without a rate). */
export function decayCSV(dec) {
  const rows = ['k,c1,c2,theory1,theory2'];
  if (!dec) return rows.join('\n') + '\n';
  const [a, b] = dec.directions;
  dec.k.forEach((k, p) => rows.push([k, a.c[p], b.c[p], a.line?.[p] ?? '', b.line?.[p] ?? ''].join(',')));
  return rows.join('\n') + '\n';
}

/** installDecay adds the panel to the side column of app and opens it. */
export function installDecay(app) {
  const box = document.createElement('section');
  box.id = 'decay-box';
  box.dataset.testid = 'decay-box';
  box.innerHTML = '<h2>Eigen-component decay <small data-testid="decay-mode"></small></h2>' +
    '<canvas id="plot-decay" class="plot" data-testid="plot-decay" role="img" aria-label="the selected run’s error along each Hessian eigenvector over the steps, on a log scale, with its closed-form rate dashed"></canvas>' +
    '<div class="buttons"><button type="button" data-testid="decay-csv">CSV</button><button type="button" data-testid="decay-png">PNG</button><button type="button" data-testid="decay-svg">SVG</button>' +
    '<button type="button" data-testid="decay-close" aria-label="close the decay panel">×</button></div>' +
    '<p class="desc" data-testid="decay-text"></p>';
  // Under its toggle at the foot of the side column (app.mjs wireDecay).
  const toggle = document.getElementById('decay-open');
  if (toggle) toggle.after(box);
  else (document.querySelector('[data-testid="side"]') || document.body).append(box);
  const canvas = box.querySelector('canvas');
  const plot = new XYPlot(canvas, 190);
  const text = box.querySelector('p'), mode = box.querySelector('small');
  const ui = {
    msg: null, // the last decay message drawn
    asked: '', // what the request in flight (or the last) was for
    inflight: false, timer: 0,
    /** key is what the picture depends on: a new one asks again. */
    key() {
      const s = app.state, r = s.runs[s.sel];
      return JSON.stringify([app.sceneGen, s.sel, app.tracks[s.sel]?.lastK ?? 0, r?.optimizer, r?.hyper, r?.clip, r?.schedule]);
    },
    poll() {
      // A room's follower asks nothing: it draws the driver's decay messages.
      if (ui.inflight && performance.now() - ui.sentAt > 2000) ui.inflight = false; // lost with a closed connection
      if (box.hidden || ui.inflight || app.room?.following || app.ws?.readyState !== WebSocket.OPEN) return;
      if (ui.failedGen === app.sceneGen) return; // refused for this scene: not again until a new one
      const k = ui.key();
      if (k === ui.asked) return;
      ui.asked = k;
      ui.inflight = true;
      ui.sentAt = performance.now();
      app.send({ type: 'decay', run: app.state.sel });
    },
    onMessage(m) {
      if (m.type === 'decay') {
        ui.inflight = false;
        if (m.run !== app.state.sel) return;
        ui.msg = m;
        ui.error = '';
        requestAnimationFrame(() => ui.draw());
      } else if (m.type === 'error' && ui.inflight) {
        ui.inflight = false; // the server refused this scene (a projected objective, no Hessian)
        ui.failedGen = app.sceneGen;
        ui.msg = null;
        ui.error = m.error;
        requestAnimationFrame(() => ui.draw());
      }
    },
    spec() { return decaySpec(ui.msg?.decay); },
    draw() {
      const d = ui.msg?.decay;
      const spec = ui.spec();
      plot.draw(spec);
      box.dataset.mode = d?.mode || '';
      box.dataset.points = d ? String(d.k.length) : '0';
      box.dataset.k = d ? String(d.k[d.k.length - 1]) : '';
      box.dataset.run = ui.msg ? String(ui.msg.run) : '';
      box.dataset.curves = String(spec.series.filter((s) => s.y.filter(Number.isFinite).length >= 2).length);
      mode.textContent = !d ? '' : d.mode === 'quadratic' ? '(exact: a quadratic, θ* = 0)' : `(local: the Hessian at k = ${d.at})`;
      text.textContent = ui.error ? `No decay for this scene: ${ui.error}` : decayText(d);
    },
    csv() { return decayCSV(ui.msg?.decay); },
    /** svg is the panel as drawn, as an SVG document (svgcanvas.mjs): measured curves solid, the closed-form rates dashed. */
    svg() {
      return plotSVG(XYPlot, ui.spec(), plot.w || 320, plot.height, { title: 'Saddle: eigen-component decay', desc: text.textContent });
    },
    plot,
    /** fitHeight sets the plot's height to fit px CSS pixels (an embed's room). */
    fitHeight(px) { const h = Math.max(90, Math.min(190, px)); if (plot.height !== h) { plot.height = h; ui.draw(); } },
    open() {
      box.hidden = false;
      toggle?.setAttribute('aria-pressed', 'true');
      app.state.decay = true;
      app.saveURL();
      ui.asked = '';
      ui.poll();
      clearInterval(ui.timer);
      ui.timer = setInterval(() => ui.poll(), 250); // the step, run or settings moved: ask again
    },
    close() {
      box.hidden = true;
      toggle?.setAttribute('aria-pressed', 'false');
      clearInterval(ui.timer);
      app.state.decay = false;
      app.saveURL();
    },
    toggle() { return box.hidden ? ui.open() : ui.close(); },
  };
  box.querySelector('[data-testid="decay-csv"]').onclick = () => { ui.lastExport = download('saddle-decay.csv', ui.csv(), 'text/csv'); };
  box.querySelector('[data-testid="decay-svg"]').onclick = () => { ui.lastExport = download('saddle-decay.svg', ui.svg(), 'image/svg+xml'); };
  box.querySelector('[data-testid="decay-png"]').onclick = () => { ui.lastExport = downloadURL('saddle-decay.png', canvas.toDataURL('image/png')); };
  box.querySelector('[data-testid="decay-close"]').onclick = () => ui.close();
  new ResizeObserver(() => { if (!box.hidden) ui.draw(); }).observe(box);
  ui.open();
  return ui;
}
