// Accessibility and the lecture hall: presentation mode (large type, thick
// lines, full screen), reduced motion, labels for icon buttons and canvases
// with a text summary of the scene, and the colour-vision check of the run
// palette. The colour science and the summary are pure (a11y.test.mjs).

import { ui } from './ui.mjs';
import { fmt } from './ticks.mjs';

// ----- colour vision -----

/**
 * Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
 * simulation of color vision deficiency", severity 1.0: matrices on linear
 * RGB.
 */
export const CVD = {
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};

const toLinear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** linearRGB parses "#rrggbb" into linear-light [r, g, b] in [0, 1]. */
export function linearRGB(hex) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [m[1], m[2], m[3]].map((h) => toLinear(parseInt(h, 16) / 255));
}

/** simulate applies a deficiency matrix to a linear colour, clamped to the gamut. */
export function simulate(lin, matrix) {
  return matrix.map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
}

/** lab converts linear sRGB to CIELAB (D65). */
export function lab([r, g, b]) {
  const X = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  const Y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  const Z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f(X / 0.95047), fy = f(Y), fz = f(Z / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** deltaE is the CIE76 colour difference (about 2.3 is just noticeable). */
export const deltaE = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** closestPair returns the least ΔE between any two colours as seen through matrix (null: normal vision). */
export function closestPair(colours, matrix = null) {
  const seen = colours.map((c) => lab(matrix ? simulate(linearRGB(c), matrix) : linearRGB(c)));
  let best = { dE: Infinity, a: null, b: null };
  for (let i = 0; i < colours.length; i++) {
    for (let j = i + 1; j < colours.length; j++) {
      const dE = deltaE(seen[i], seen[j]);
      if (dE < best.dE) best = { dE, a: colours[i], b: colours[j] };
    }
  }
  return best;
}

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
    const st = r.status === 'diverged' ? 'diverged, last at' : r.status === 'converged' ? 'converged at' : 'at';
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
      const t = app.tracks[r], out = { name: app.runName(r), status: app.status[r]?.status };
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
