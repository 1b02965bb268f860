// contrast.mjs: whether a colour stands out from what it is drawn on. A run
// colour picked to show on the dark heat map (the third, near white) would
// vanish on a light plot; the plots then draw it with a halo of the page's
// ink, keeping the run's colour (its identity) as it is.

/** parseRGB reads "#rrggbb", "#rgb" or "rgb(a)(…)" as [r, g, b, a], or null. */
export function parseRGB(s) {
  if (!s) return null;
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) { const n = parseInt(m[1], 16); return [n >> 16, (n >> 8) & 255, n & 255, 1]; }
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((h) => parseInt(h + h, 16)).concat(1);
  m = /^rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[,/ ]+([\d.]+))?\)$/.exec(s);
  return m ? [+m[1], +m[2], +m[3], m[4] == null ? 1 : +m[4]] : null;
}

/** luminance is the relative luminance (WCAG) of [r, g, b] in 0..255. */
export function luminance([r, g, b]) {
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** backgroundLuminance is the luminance of the first opaque background at or above el (white if none). */
export function backgroundLuminance(el) {
  let bg = null;
  while (el && !bg && typeof getComputedStyle === 'function' && el.nodeType === 1) {
    const c = parseRGB(getComputedStyle(el).backgroundColor);
    if (c && c[3] > 0) bg = c;
    el = el.parentElement;
  }
  return luminance(bg || [255, 255, 255]);
}

/**
 * haloColour is the outline to draw under a line of colour on a background
 * of luminance bgLum: the ink, half transparent, when the two are too close
 * to tell apart (luminances within 0.3), else ''.
 */
export function haloColour(colour, bgLum, ink) {
  const c = parseRGB(colour);
  if (!c || Math.abs(luminance(c) - bgLum) >= 0.3) return '';
  const k = parseRGB(ink) || [0, 0, 0];
  return `rgba(${k[0]},${k[1]},${k[2]},0.55)`;
}
