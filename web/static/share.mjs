// The "share / embed" dialog: the permalink of the scene as it stands, and
// a ready <iframe> snippet for /embed with the options the author picks.
// embedURL and iframeSnippet are pure (static.test.mjs).

import { encodeState } from './urlstate.mjs';

/**
 * embedURL is the /embed address of a scene: origin and base path, the
 * scene's query (encodeState), the lesson it came from, and the options.
 */
export function embedURL(origin, base, query, { lesson = '', controls = 'play', autoplay = false, theme = 'light' } = {}) {
  const q = new URLSearchParams(query);
  if (lesson) q.set('lesson', lesson);
  if (controls !== 'play') q.set('controls', controls);
  if (autoplay) { q.set('autoplay', '1'); q.delete('k'); } // an autoplaying figure starts from the start
  if (theme !== 'light') q.set('theme', theme);
  const s = q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%7C/g, '|').replace(/%3D/g, '=');
  return `${origin}${base}/embed?${s}`;
}

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** iframeSnippet is the HTML an author pastes: the embed at w × h CSS pixels. */
export function iframeSnippet(url, w, h, title) {
  return `<iframe src="${attr(url)}" width="${Math.round(w)}" height="${Math.round(h)}" ` +
    `title="${attr(title || 'Saddle: loss landscape')}" style="border:0; max-width:100%" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin"></iframe>`;
}

/** initShare wires the dialog to the page (app: the explorer). */
export function initShare(app, data) {
  const $ = (id) => document.getElementById(id);
  const dialog = $('share-dialog'), button = $('share');
  if (!dialog || !button) return;
  const fill = () => {
    const query = encodeState(app.state);
    $('share-link').value = `${location.origin}${location.pathname}?${query}`;
    const url = embedURL(location.origin, data.base, query, {
      lesson: data.lesson?.id || '', controls: $('share-controls').value,
      autoplay: $('share-autoplay').checked, theme: $('share-theme').value,
    });
    $('share-snippet').value = iframeSnippet(url, +$('share-width').value || 720, +$('share-height').value || 480,
      data.lesson ? `Saddle: ${data.lesson.title}` : 'Saddle: loss landscape');
  };
  button.onclick = () => { fill(); dialog.showModal(); $('share-link').select(); };
  for (const id of ['share-controls', 'share-autoplay', 'share-theme', 'share-width', 'share-height']) {
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
