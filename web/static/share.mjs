// The "share / embed" dialog: the permalink of the scene as it stands, and
// a ready <iframe> snippet for /embed with the options the author picks.
// embedURL and iframeSnippet are pure (static.test.mjs).

import { encodeState } from './urlstate.mjs';
import { openViews } from './embedviews.mjs';

/**
 * embedURL is the /embed address of a scene: origin and base path, the
 * scene's query (encodeState), the lesson it came from, and the options:
 * controls 'play' | 'sliders' | 'none' | 'pick' (then pick lists the chosen
 * controls: 'play', 'speed', 'runN.<hyper>', 'p.<param>'), autoplay, theme,
 * caption and cues; omit lists the scene's parameters to leave out (a
 * theory view the author does not want in the embed: embedviews.mjs).
 */
export function embedURL(origin, base, query, { lesson = '', controls = 'play', pick = [], autoplay = false, theme = 'light', caption = false, cues = false, omit = [] } = {}) {
  const q = new URLSearchParams(query);
  for (const name of omit) q.delete(name);
  if (lesson) q.set('lesson', lesson);
  // Chosen controls: none chosen is none; play alone is the classic play bar.
  if (controls === 'pick') controls = pick.length ? pick.join(',') : 'none';
  if (controls !== 'play') q.set('controls', controls);
  if (autoplay) { q.set('autoplay', '1'); q.delete('k'); } // an autoplaying figure starts from the start
  if (theme !== 'light') q.set('theme', theme);
  if (caption) q.set('caption', '1');
  if (cues) q.set('cues', '1');
  const s = q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%7C/g, '|').replace(/%3D/g, '=');
  return `${origin}${base}/embed?${s}`;
}

/**
 * pickable lists the controls an embed may keep for the scene: [value,
 * label] pairs, as /embed's controls= names them.
 */
export function pickable(state, data) {
  const out = [['play', 'play / step / reset and the step counter'], ['speed', 'speed']];
  const obj = state.objective.id && data.objectives?.find((o) => o.id === state.objective.id);
  if (obj && !obj.projected && state.objective.expr === undefined) for (const p of obj.params || []) out.push([`p.${p.name}`, `objective: ${p.name}`]);
  state.runs.forEach((r, i) => {
    const o = data.optimizers?.find((x) => x.id === r.optimizer);
    for (const h of o?.hyper || []) out.push([`run${i}.${h.name}`, `run ${i} (${r.label || o.name}): ${h.symbol || h.name}`]);
  });
  return out;
}

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** iframeSnippet is the HTML an author pastes: the embed at w × h CSS pixels. */
export function iframeSnippet(url, w, h, title) {
  return `<iframe src="${attr(url)}" width="${Math.round(w)}" height="${Math.round(h)}" ` +
    `title="${attr(title || 'Saddle: loss landscape')}" style="border:0; max-width:100%" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin"></iframe>`;
}

/**
 * figureRequest is GET /api/figure's scene for the page as it stands:
 * start is the live session's last start message (objective, start, runs,
 * seed, view, plane, speed), k the step shown (the figure's last and the
 * one it opens on; at step 0, the lesson's steps or 200), lesson the
 * lesson's id or '', link the page's own address (the figure's live link).
 */
export const FIGURE_MAX_STEPS = 20000;
export function figureRequest(start, k, { lesson = '', steps = 0, link = '', mode = '', pair = null, title = '', caption = '' } = {}) {
  const { type, max_steps: _m, paused: _p, steps_per_second, ...scene } = start;
  const n = Math.min(FIGURE_MAX_STEPS, k > 0 ? k : steps || 200);
  const req = { ...scene, steps: n, steps_per_second };
  // The figure draws one panel or two side by side (not the φ-space view).
  req.mode = mode === 'side' && scene.runs.length > 1 ? 'side' : 'single';
  if (req.mode === 'side' && pair) req.pair = [...pair];
  if (lesson) req.lesson = lesson;
  if (link) req.link = link;
  if (title) req.title = title;
  if (caption) req.caption = caption;
  return req;
}

/** b64url is the unpadded base64url of s's UTF-8 (RFC 4648 §5), as ?scene= takes it. */
export function b64url(s) {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** initShare wires the dialog to the page (app: the explorer). */
export function initShare(app, data) {
  const $ = (id) => document.getElementById(id);
  const dialog = $('share-dialog'), button = $('share');
  if (!dialog || !button) return;
  // The caption and cues exist for a lesson (cues: with a script) or a ready scene (caption).
  const avail = () => {
    $('share-caption').disabled = !data.lesson && !data.scenes?.some((x) => x.id === app.state.scene);
    $('share-cues').disabled = !data.lesson?.script?.length;
  };
  const pickBox = $('share-pick');
  // The theory views open now (maps, sharpness, decay): the embed shows them too, unless unticked.
  const views = document.createElement('fieldset');
  views.id = 'share-views';
  views.className = 'share-opts';
  views.dataset.testid = 'share-views';
  views.innerHTML = '<legend>Views in the embed, beside or below the landscape</legend>';
  pickBox.before(views);
  const buildViews = () => {
    const off = new Set([...views.querySelectorAll('input:not(:checked)')].map((c) => c.value));
    for (const l of views.querySelectorAll('label')) l.remove();
    const open = openViews();
    views.hidden = !open.length;
    for (const v of open) {
      const l = document.createElement('label'), c = document.createElement('input');
      c.type = 'checkbox';
      c.value = v.id;
      c.checked = !off.has(v.id);
      c.dataset.testid = 'share-view';
      c.dataset.params = v.params.join(',');
      l.append(c, ' ' + v.label);
      views.append(l);
    }
  };
  views.addEventListener('change', () => fill());
  const fill = () => {
    const query = encodeState(app.state);
    $('share-link').value = `${location.origin}${location.pathname}?${query}`;
    const controls = $('share-controls').value;
    pickBox.hidden = controls !== 'pick';
    const url = embedURL(location.origin, data.base, query, {
      lesson: data.lesson?.id || '', controls, autoplay: $('share-autoplay').checked, theme: $('share-theme').value,
      pick: [...pickBox.querySelectorAll('input:checked')].map((c) => c.value),
      caption: $('share-caption').checked && !$('share-caption').disabled, cues: $('share-cues').checked && !$('share-cues').disabled,
      omit: [...views.querySelectorAll('input:not(:checked)')].flatMap((c) => c.dataset.params.split(',')),
    });
    $('share-snippet').value = iframeSnippet(url, +$('share-width').value || 720, +$('share-height').value || 480,
      data.lesson ? `Saddle: ${data.lesson.title}` : 'Saddle: loss landscape');
    const fig = $('share-figure');
    const ready = data.scenes?.find((x) => x.id === app.state.scene);
    if (fig && app.lastStart) {
      const req = figureRequest(app.lastStart, app.currentK(), {
        lesson: data.lesson?.id, steps: data.lesson?.steps, link: $('share-link').value, mode: app.state.mode, pair: app.state.pair,
        // A ready scene (not a lesson) brings its title and caption.
        ...(!data.lesson && ready ? { title: ready.title, caption: ready.caption } : {}),
      });
      fig.href = `${data.base}/api/figure?scene=${b64url(JSON.stringify(req))}`;
    }
  };
  // The chosen controls' boxes follow the scene as it is when the dialog opens.
  const buildPick = () => {
    const was = new Set([...pickBox.querySelectorAll('input:checked')].map((c) => c.value));
    for (const l of pickBox.querySelectorAll('label')) l.remove();
    for (const [value, text] of pickable(app.state, data)) {
      const l = document.createElement('label'), c = document.createElement('input');
      c.type = 'checkbox';
      c.value = value;
      c.checked = was.size ? was.has(value) : value === 'play';
      l.append(c, ' ' + text);
      pickBox.append(l);
    }
  };
  pickBox.addEventListener('change', fill);
  button.onclick = () => { avail(); buildPick(); buildViews(); fill(); dialog.showModal(); $('share-link').select(); };
  for (const id of ['share-controls', 'share-autoplay', 'share-theme', 'share-width', 'share-height', 'share-caption', 'share-cues']) {
    $(id).addEventListener('input', fill);
    $(id).addEventListener('change', fill);
  }
  for (const b of dialog.querySelectorAll('button[data-copy]')) {
    b.onclick = async () => {
      const field = $(b.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        b.textContent = 'copied';
      } catch {
        b.textContent = 'press Ctrl+C'; // no clipboard permission (http, or an iframe)
      }
      setTimeout(() => { b.textContent = b.dataset.copy === 'share-link' ? 'copy link' : 'copy HTML'; }, 1500);
    };
  }
}
