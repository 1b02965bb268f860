// The edge of stability (issue 11): each run's sharpness λmax(H(θₖ)) every
// few steps, measured by the server beside the runs (the "sharpness"
// subscription), against its method's stability threshold (2/ε for
// gradient descent) drawn dashed in the run's colour. The page computes
// nothing: it draws the traces the server sends. sharpnessSpec is pure
// (sharpness.test.mjs); installSharpness adds the panel to the side column.

import { XYPlot, extent } from './xyplot.mjs';
import { runColour } from './track.mjs';
import { fmt } from './ticks.mjs';
import { plotSVG } from './svgcanvas.mjs';
import { download, downloadURL } from './download.mjs';

export const DEFAULT_EVERY = 5;

/** sharpnessSpec lays out traces (by run) for XYPlot; names(r) labels run r. */
export function sharpnessSpec(traces, names = (r) => `run ${r}`) {
  const series = [], legend = [], xs = [], ys = [];
  let pre = false;
  traces.forEach((t, r) => {
    if (!t || !t.k?.length) return;
    pre ||= t.preconditioned;
    const colour = runColour(r);
    series.push({ x: t.k, y: t.lambda, colour, width: 1.8 });
    // The run's name first: a narrow legend cuts the end of an entry, and
    // the name (its ε) is what tells two runs apart; the axis names λmax.
    legend.push({ text: t.preconditioned ? `${names(r)}: λmax(PH)` : names(r), colour });
    xs.push(t.k);
    ys.push(t.lambda);
    if (t.rule && t.threshold.some((v) => v > 0)) {
      series.push({ x: t.k, y: t.threshold, colour, width: 1.2, dash: [6, 4] });
      legend.push({ text: t.rule, colour, dash: [6, 4] });
      ys.push(t.threshold);
    }
  });
  const yr = extent(ys, 'lin', 0.06);
  return {
    x: { range: extent(xs, 'lin', 0.02), kind: 'lin', label: 'step k' },
    y: { range: yr ? [Math.min(0, yr[0]), yr[1]] : null, kind: 'lin', label: pre ? 'sharpness (preconditioned)' : 'sharpness λmax(H)' },
    series, legend,
  };
}

/** sharpnessText says the latest sharpness of each run against its threshold. */
export function sharpnessText(traces, names = (r) => `run ${r}`) {
  const out = [];
  traces.forEach((t, r) => {
    const n = t?.k?.length;
    if (!n) return;
    const l = t.lambda[n - 1], th = t.threshold[n - 1];
    out.push(`${names(r)}: λmax = ${fmt(l, 3)} at k = ${t.k[n - 1]}` + (th > 0 ? ` (${fmt(l / th, 2)} of ${t.rule} = ${fmt(th, 3)})` : ''));
  });
  return out.join(' · ');
}

/** sharpnessCSV is the traces as rows run,k,lambda,threshold,loss. */
export function sharpnessCSV(traces) {
  const rows = ['run,k,lambda,threshold,loss'];
  traces.forEach((t, r) => {
    for (let i = 0; i < (t?.k?.length || 0); i++) rows.push([r, t.k[i], t.lambda[i], t.threshold[i], t.loss[i]].join(','));
  });
  return rows.join('\n') + '\n';
}

/** installSharpness adds the sharpness panel to the side column of app. */
export function installSharpness(app) {
  const box = document.createElement('section');
  box.id = 'sharpness-box';
  box.dataset.testid = 'sharpness-box';
  box.innerHTML = '<h2>Sharpness λmax(H) against 2/ε <small>(edge of stability)</small></h2>' +
    '<canvas id="plot-sharpness" class="plot" data-testid="plot-sharpness" role="img" aria-label="each run’s sharpness over the steps against its stability threshold"></canvas>' +
    '<div class="buttons"><button type="button" data-testid="sharpness-csv">CSV</button><button type="button" data-testid="sharpness-png">PNG</button><button type="button" data-testid="sharpness-svg">SVG</button></div>' +
    '<p class="desc" data-testid="sharpness-text"></p>';
  const side = document.querySelector('[data-testid="side"]') || document.body;
  side.append(box);
  const plot = new XYPlot(box.querySelector('canvas'), 170);
  const text = box.querySelector('p');
  const names = (r) => app.runName?.(r) || `run ${r}`;
  const ui = {
    box, traces: (app.sharpTraces ||= []), dirty: true,
    onMessage(m) {
      if (m.type === 'scene') {
        ui.traces.length = app.state.runs.length;
      } else if (m.type === 'sharpness') {
        ui.dirty = true;
        requestAnimationFrame(() => ui.draw());
      }
    },
    spec() { return sharpnessSpec(ui.traces, names); },
    draw() {
      if (!ui.dirty) return;
      ui.dirty = false;
      plot.draw(ui.spec());
      text.textContent = sharpnessText(ui.traces, names);
    },
    csv() { return sharpnessCSV(ui.traces); },
    /** svg is the panel as drawn, as an SVG document (svgcanvas.mjs): curves as paths, thresholds dashed. */
    svg() {
      return plotSVG(XYPlot, ui.spec(), plot.w || 320, plot.height, { title: 'Saddle: sharpness λmax(H) against the stability threshold', desc: sharpnessText(ui.traces, names) });
    },
    plot,
    /** fitHeight sets the plot's height to fit px CSS pixels (an embed's room). */
    fitHeight(px) { const h = Math.max(90, Math.min(170, px)); if (plot.height !== h) { plot.height = h; ui.dirty = true; ui.draw(); } },
  };
  box.querySelector('[data-testid="sharpness-csv"]').onclick = () => { ui.lastExport = download('saddle-sharpness.csv', ui.csv(), 'text/csv'); };
  box.querySelector('[data-testid="sharpness-svg"]').onclick = () => { ui.lastExport = download('saddle-sharpness.svg', ui.svg(), 'image/svg+xml'); };
  box.querySelector('[data-testid="sharpness-png"]').onclick = () => { ui.lastExport = downloadURL('saddle-sharpness.png', plot.canvas.toDataURL('image/png')); };
  ui.draw();
  return ui;
}
