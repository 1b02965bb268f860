// Accessibility and the lecture hall: presentation mode (large type, thick
// lines, full screen), reduced motion, and labels for icon buttons and
// canvases with a text summary of the scene. The summary is pure
// (a11y.test.mjs); the colour-vision check of the run palette is in
// colourvision.mjs, which only the tests load.

import { endLabel } from './runstatus.mjs';
import { ui } from './ui.mjs';
import { fmt } from './ticks.mjs';

// ----- the scene in words -----

const pt = (x, y) => `(${fmt(x)}, ${fmt(y)})`;

/**
 * sceneSummary describes the scene for a screen reader: the objective and
 * view, the step, and where each run is. info: {objective, view, k, minima,
 * runs: [{name, x, y, loss, status}]}.
 */
export function sceneSummary(info) {
  const [x0, x1, y0, y1] = info.view;
  const parts = [`Loss landscape of ${info.objective}, θ₁ from ${fmt(x0)} to ${fmt(x1)}, θ₂ from ${fmt(y0)} to ${fmt(y1)}.`];
  const mins = info.minima || [];
  if (mins.length === 1) parts.push(`Its minimum is at ${pt(...mins[0])}.`);
  else if (mins.length > 1) parts.push(`Its minima are at ${mins.map((m) => pt(...m)).join(', ')}.`);
  parts.push(`Step ${info.k}; ${info.runs.length} run${info.runs.length === 1 ? '' : 's'}.`);
  for (const r of info.runs) {
    if (r.x === undefined) { parts.push(`${r.name}: not started.`); continue; }
    const st = r.status === 'diverged' ? 'diverged, last at' : r.status === 'converged' ? `${endLabel(r)} at` : 'at';
    parts.push(`${r.name}: ${st} ${pt(r.x, r.y)}, loss ${fmt(r.loss)}.`);
  }
  return parts.join(' ');
}

// Names for controls whose text is a symbol.
export const LABELS = {
  'zoom-in': 'zoom in', 'zoom-out': 'zoom out', 'zoom-fit': "fit the objective's domain", 'pan-mode': 'pan mode',
  play: 'play or pause (space)', step: 'one step (right arrow)', reset: 'reset (r)', expr: 'objective as an expression f(x, y)',
};

// ----- the page side -----

const isTyping = (el) => el && ((el.tagName === 'INPUT' && !['checkbox', 'radio', 'range', 'button', 'file'].includes(el.type)) || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

/** PRESENT are the drawing scales of presentation mode. */
export const PRESENT = { line: 2, font: 1.5 };

/**
 * installA11y wires presentation mode, reduced motion and the labels to
 * app (the explorer) and keeps the text summary current.
 */
export function installA11y(app, data) {
  const $ = (id) => document.getElementById(id);
  for (const [id, label] of Object.entries(LABELS)) {
    const el = $(id);
    if (el && !el.hasAttribute('aria-label')) el.setAttribute('aria-label', label);
  }
  const objName = () => {
    const o = app.state.objective;
    if (o.expr !== undefined) return `f(x, y) = ${o.expr}`;
    return data.objectives?.find((x) => x.id === o.id)?.name || o.id;
  };
  app.summary = () => sceneSummary({
    objective: objName(), view: app.state.view, k: app.currentK(), minima: app.minima(),
    runs: app.state.runs.map((_, r) => {
      const t = app.tracks[r], out = { name: app.runName(r), status: app.status[r]?.status, stationary: app.status[r]?.stationary };
      if (t && t.n) Object.assign(out, { x: t.x[t.n - 1], y: t.y[t.n - 1], loss: t.loss[t.n - 1] });
      return out;
    }),
  });
  const PLOTS = { 'plot-loss': 'loss of every run per step', 'plot-grad': 'gradient norm of every run per step', 'plot-gthg': 'gᵀg and gᵀHg of the selected run per step' };
  let last = '';
  const label = () => {
    const text = app.summary();
    if (text !== last) { last = text; $('scene-summary').textContent = text; }
    for (const p of app.panels) {
      const c = p.canvas;
      if (c.getAttribute('role') !== 'img') {
        c.setAttribute('role', 'img');
        c.setAttribute('aria-describedby', 'scene-summary');
      }
      const name = `loss landscape${p.opts.title ? ', ' + p.opts.title : ''}: ${text}`;
      if (c.getAttribute('aria-label') !== name) c.setAttribute('aria-label', name);
    }
    for (const [id, name] of Object.entries(PLOTS)) {
      const c = $(id);
      if (c && c.getAttribute('aria-label') !== name) { c.setAttribute('role', 'img'); c.setAttribute('aria-label', name); }
    }
  };
  label();
  // Once a second is often enough for words; the canvas keeps the motion.
  setInterval(label, 1000);

  // Presentation mode.
  const btn = $('present');
  let fullscreenByUs = false;
  const present = (on) => {
    document.documentElement.classList.toggle('presenting', on);
    Object.assign(ui, on ? PRESENT : { line: 1, font: 1 });
    btn?.setAttribute('aria-pressed', String(on));
    app.presenting = on;
    const root = document.documentElement;
    if (on && !document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen().then(() => { fullscreenByUs = true; }, () => { /* refused (no user gesture, or an iframe without allowfullscreen): large type still helps */ });
    } else if (!on && document.fullscreenElement && fullscreenByUs) {
      fullscreenByUs = false;
      document.exitFullscreen().catch(() => {});
    }
    app.resize();
  };
  app.togglePresentation = () => present(!app.presenting);
  if (btn) btn.onclick = () => app.togglePresentation();
  document.addEventListener('fullscreenchange', () => {
    // Esc leaves full screen; leave presentation mode with it.
    if (!document.fullscreenElement && fullscreenByUs) { fullscreenByUs = false; if (app.presenting) present(false); }
    // The window's size changed under the figure: lay it out afresh.
    requestAnimationFrame(() => app.resize());
  });
  window.addEventListener('keydown', (e) => {
    if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'p' || e.key === 'P') { e.preventDefault(); app.togglePresentation(); }
  });

  // Reduced motion: from the system setting unless the reader chooses.
  const media = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  const box = $('reduce-motion');
  const setMotion = (reduce) => {
    app.reducedMotion = reduce;
    document.documentElement.classList.toggle('reduce-motion', reduce);
    if (box) box.checked = reduce;
  };
  let chosen = false;
  setMotion(!!media?.matches);
  media?.addEventListener?.('change', (e) => { if (!chosen) setMotion(e.matches); });
  if (box) box.onchange = () => { chosen = true; setMotion(box.checked); };
}
