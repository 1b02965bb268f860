// The theory views in an embed (issue 11): an /embed whose URL opens one
// (map=, sharp=, decay=1) shows it beside the landscape in a wide iframe,
// below it in a tall one, the landscape keeping most of the room
// (embed.css). Each view's own module still loads it from the URL as on
// the explorer (app.mjs); this module only gives its box a place in the
// embed, which hides the side column, and caps its height to the room
// there (the view's fitHeight). A new view joins THEORY_VIEWS with one
// line. share.mjs reads the same list to say which views an embed link
// carries.

/**
 * THEORY_VIEWS: id, label (the share dialog's words), box (its element's
 * selector), params (the URL parameters that open it; share.mjs drops them
 * when the author leaves the view out), view(app) (its object, with
 * fitHeight(px)), open(app) (optional: load it when the URL asks and
 * app.mjs did not).
 */
export const THEORY_VIEWS = [
  { id: 'maps', label: 'the maps view (rate map or basins)', box: '#maps-view', params: ['map', 'mmeas'], view: (app) => app.maps, open: (app) => app.state.map && app.loadMaps?.() },
  { id: 'sharpness', label: 'the sharpness panel', box: '#sharpness-box', params: ['sharp'], view: (app) => app.sharpness },
  { id: 'decay', label: 'the eigen-component decay panel', box: '#decay-box', params: ['decay'], view: (app) => app.decay },
  // honest.mjs (honest=1), built on another branch: nothing matches its box until it is merged.
  { id: 'honest', label: 'the honest saddle', box: '#honest-view', params: ['honest'], view: (app) => app.honest },
];

/** openViews are the views shown on the page now (share.mjs: what an embed link of it carries). */
export function openViews(doc = document) {
  return THEORY_VIEWS.filter((v) => { const el = doc.querySelector(v.box); return el && !el.hidden; });
}

/** installEmbedViews makes the embed's place for the views and moves each there as it arrives. */
export function installEmbedViews(app) {
  const stage = document.querySelector('.stage');
  if (!stage) return null;
  const place = document.createElement('div');
  place.id = 'embed-views';
  place.className = 'embed-views';
  place.dataset.testid = 'embed-views';
  (document.getElementById('divergence') || stage.lastElementChild).after(place);
  const selector = THEORY_VIEWS.map((v) => v.box).join(',');
  const adopt = () => {
    for (const el of document.querySelectorAll(selector)) if (el.parentElement !== place) place.append(el);
    fit();
  };
  // Each view's height: its share of the room, less its title and text.
  let last = '';
  const fit = () => {
    const shown = THEORY_VIEWS.map((v) => [v, document.querySelector(v.box)]).filter(([, el]) => el && !el.hidden && el.parentElement === place);
    place.dataset.views = shown.map(([v]) => v.id).join(' ');
    if (!shown.length) return;
    const beside = getComputedStyle(stage).display === 'grid';
    const mh = getComputedStyle(place).maxHeight; // '42%' of the stage below the landscape, 'none' beside it
    const cap = mh.endsWith('%') ? parseFloat(mh) / 100 * stage.clientHeight : parseFloat(mh);
    const room = beside || !Number.isFinite(cap) ? place.clientHeight : cap;
    place.dataset.layout = beside ? 'beside' : 'below';
    const share = room / shown.length;
    const want = shown.map(([v, el]) => {
      const cs = [...el.querySelectorAll('canvas')];
      const rows = new Set(cs.map((c) => c.offsetTop)).size || 1;
      const ch = cs.length ? Math.max(...cs.map((c) => c.offsetHeight)) : 0;
      return [v, Math.floor((share - (el.offsetHeight - rows * ch) - 4) / rows)];
    });
    const key = JSON.stringify(want.map(([v, h]) => [v.id, h])) + place.clientWidth;
    if (key === last) return;
    last = key;
    for (const [v, h] of want) v.view(app)?.fitHeight?.(h);
  };
  for (const v of THEORY_VIEWS) v.open?.(app);
  // At most once a frame: the page changes text many times a frame while playing.
  const later = (f) => {
    let pending = false;
    return () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; f(); });
    };
  };
  new MutationObserver(later(adopt)).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  new ResizeObserver(later(fit)).observe(stage);
  adopt();
  return { place, fit, adopt };
}
