// The lesson tools above the landscape: the Overlays toggles (in the URL)
// and the legend saying what each overlay shows, and the canvases' ink
// following the theme. What only a lesson or a drawn overlay needs (the
// variant picker, continuation's σ slider and stages, the basins' extra
// starts, the lesson in the scene picker, the legend's lines, and the
// overlays' drawing) is in lessonextras.mjs, imported on a lesson page or
// with the first overlay switched on. blurGrid is pure (overlays.test.mjs).

import { OVERLAYS } from './overlaylist.mjs';

/**
 * blurGrid returns the landscape grid [nx, ny] for an objective blurred at
 * sigma: each value is a Gauss–Hermite sum over k² points (k = 20..64 nodes,
 * landscape.blurNodes), so the grid shrinks as k grows to keep the server's
 * answer near a second; never finer than the usual grid [nx, ny].
 */
export function blurGrid(sigma, [nx, ny]) {
  if (!(sigma > 0)) return [nx, ny];
  const k = Math.min(64, Math.max(20, Math.ceil(40 * sigma)));
  const side = Math.max(32, Math.floor(3500 / k));
  return [Math.min(nx, side), Math.min(ny, side)];
}

/** installLessonTools builds the tools and wires them to app. */
export function installLessonTools(app, data) {
  const s = app.state;
  if (!Array.isArray(s.overlays)) s.overlays = [];
  app.stages = [];
  let extras = null;
  const tools = {};
  // The rest of the tools, once: their installer returns {refresh, syncBoxes, basins}.
  const loadExtras = () => extras ||= import('./lessonextras.mjs').then((m) => m.installLessonExtras(app, data, tools));
  app.loadLessonExtras = loadExtras;

  const bar = document.createElement('div');
  bar.className = 'overlay-bar';
  bar.dataset.testid = 'overlay-bar';
  const group = document.createElement('div');
  group.className = 'overlay-group';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'overlays');
  group.dataset.testid = 'overlays';
  const head = document.createElement('span');
  head.className = 'overlay-head';
  head.textContent = 'Overlays';
  group.append(head);
  const boxes = new Map();
  for (const o of OVERLAYS) {
    const l = document.createElement('label');
    l.title = o.title;
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.dataset.overlay = o.id;
    cb.dataset.testid = 'overlay-' + o.id;
    cb.checked = s.overlays.includes(o.id);
    cb.onchange = () => {
      const on = new Set(s.overlays);
      if (cb.checked) on.add(o.id); else on.delete(o.id);
      s.overlays = OVERLAYS.map((x) => x.id).filter((id) => on.has(id));
      app.lastGeomK = -1;
      app.dirty = true;
      app.saveURL();
      loadExtras().then((x) => x.refresh(true));
    };
    boxes.set(o.id, cb);
    l.append(cb, ' ' + o.label);
    group.append(l);
  }
  bar.append(group);

  const stage = document.querySelector('.stage-bar');
  if (stage) stage.after(bar);
  const legend = document.createElement('div');
  legend.className = 'overlay-legend';
  legend.dataset.testid = 'overlay-legend';
  legend.setAttribute('aria-live', 'off');
  legend.hidden = true; // until an overlay has something to say
  document.getElementById('legend')?.after(legend);
  Object.assign(tools, { bar, boxes, legend });

  // A new theme: the canvases' ink (axes, labels) follows the page's colour.
  const repaint = () => {
    for (const p of app.panels) { p.ink = null; p.heatDirty = true; }
    for (const pl of app.plots || []) { pl.ink = null; pl.cache = null; }
    app.dirty = app.plotsDirty = true;
  };
  window.addEventListener('saddle-theme', repaint);
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', repaint);

  if (data.lesson || s.overlays.length || s.objective.blur > 0) loadExtras();
}
