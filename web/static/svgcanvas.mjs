// A 2-D context that writes SVG (issue 11's exports): the theory views
// (maps.mjs, sharpness.mjs, decay.mjs) draw their SVG with the very code
// that draws their canvas, handed this instead of a canvas's context, so
// the vector file says what the picture says. It covers the part of
// CanvasRenderingContext2D those views use: paths (moveTo, lineTo, arc,
// rect, closePath), fill and stroke, fillRect and strokeRect, fillText with
// font, textAlign and textBaseline, dashes, transforms, save and restore,
// and a rectangular clip. A heat map's cells are not an image here: a view
// calls cells() to write them as rects (runs of one colour in a row
// merged). Nothing is rasterised.

/** escapeXML makes text safe inside SVG text and attribute values (export.mjs uses it too). */
export const escapeXML = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const r2 = (v) => Math.round(v * 100) / 100;
const ALIGN = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
const BASELINE = { top: 'hanging', hanging: 'hanging', middle: 'central', bottom: 'text-after-edge', ideographic: 'text-after-edge' };

let measurer = null;

export class SVGContext {
  /** width × height CSS px; dpr: what the drawing code scales by in setTransform (its canvas's devicePixelRatio), taken out. */
  constructor(width, height, dpr = 1) {
    this.dpr = dpr;
    this.width = width;
    this.height = height;
    this.out = [];
    this.defs = [];
    this.clips = 0;
    this.fillStyle = '#000';
    this.strokeStyle = '#000';
    this.lineWidth = 1;
    this.font = '10px sans-serif';
    this.textAlign = 'start';
    this.textBaseline = 'alphabetic';
    this.globalAlpha = 1;
    this.imageSmoothingEnabled = false;
    this.dash = [];
    this.m = [1, 0, 0, 1, 0, 0];
    this.stack = [];
    this.open = 0; // <g> elements opened by clip() since the last save()
    this.d = '';
    this.canvas = { width, height };
    this.svg = true; // for the views: write cells with cells(), not an image
  }

  // ----- state -----
  save() {
    this.stack.push({ fillStyle: this.fillStyle, strokeStyle: this.strokeStyle, lineWidth: this.lineWidth, font: this.font, textAlign: this.textAlign,
      textBaseline: this.textBaseline, globalAlpha: this.globalAlpha, dash: this.dash, m: [...this.m], open: this.open });
    this.open = 0;
  }
  restore() {
    const s = this.stack.pop();
    if (!s) return;
    for (; this.open > 0; this.open--) this.out.push('</g>');
    Object.assign(this, s);
  }
  setLineDash(d) { this.dash = [...d]; }
  getLineDash() { return [...this.dash]; }
  setTransform(a, b, c, d, e, f) { const k = this.dpr; this.m = [a / k, b / k, c / k, d / k, e / k, f / k]; }
  resetTransform() { this.m = [1, 0, 0, 1, 0, 0]; }
  transform(a, b, c, d, e, f) {
    const [A, B, C, D, E, F] = this.m;
    this.m = [A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F];
  }
  translate(x, y) { this.transform(1, 0, 0, 1, x, y); }
  scale(x, y) { this.transform(x, 0, 0, y, 0, 0); }
  rotate(a) { const c = Math.cos(a), s = Math.sin(a); this.transform(c, s, -s, c, 0, 0); }
  pt(x, y) { const [a, b, c, d, e, f] = this.m; return [r2(a * x + c * y + e), r2(b * x + d * y + f)]; }
  get unit() { const [a, b, c, d] = this.m; return Math.sqrt(Math.abs(a * d - b * c)) || 1; }

  // ----- paths -----
  beginPath() { this.d = ''; }
  moveTo(x, y) { const [X, Y] = this.pt(x, y); this.d += `M${X} ${Y}`; }
  lineTo(x, y) { const [X, Y] = this.pt(x, y); this.d += (this.d ? 'L' : 'M') + `${X} ${Y}`; }
  closePath() { if (this.d) this.d += 'Z'; }
  rect(x, y, w, h) { this.moveTo(x, y); this.lineTo(x + w, y); this.lineTo(x + w, y + h); this.lineTo(x, y + h); this.closePath(); }
  arc(x, y, r, a0, a1, ccw = false) {
    let sweep = ccw ? a0 - a1 : a1 - a0;
    if (sweep < 0) sweep += 2 * Math.PI * Math.ceil(-sweep / (2 * Math.PI));
    const full = sweep >= 2 * Math.PI - 1e-9;
    const at = (a) => this.pt(x + r * Math.cos(a), y + r * Math.sin(a));
    const R = r2(r * this.unit), s = ccw ? 0 : 1;
    const [sx, sy] = at(a0);
    this.d += (this.d ? 'L' : 'M') + `${sx} ${sy}`;
    if (full) { // two half circles: one arc command cannot close on itself
      const [mx, my] = at(a0 + (ccw ? -Math.PI : Math.PI));
      this.d += `A${R} ${R} 0 1 ${s} ${mx} ${my}A${R} ${R} 0 1 ${s} ${sx} ${sy}`;
      return;
    }
    const [ex, ey] = at(ccw ? a0 - sweep : a0 + sweep);
    this.d += `A${R} ${R} 0 ${sweep > Math.PI ? 1 : 0} ${s} ${ex} ${ey}`;
  }

  paint() { return this.globalAlpha < 1 ? ` opacity="${r2(this.globalAlpha)}"` : ''; }
  strokeAttrs() {
    const dash = this.dash.length ? ` stroke-dasharray="${this.dash.map((v) => r2(v * this.unit)).join(' ')}"` : '';
    return `fill="none" stroke="${escapeXML(this.strokeStyle)}" stroke-width="${r2(this.lineWidth * this.unit)}"${dash}${this.paint()}`;
  }
  stroke() { if (this.d) this.out.push(`<path d="${this.d}" ${this.strokeAttrs()}/>`); }
  fill() { if (this.d) this.out.push(`<path d="${this.d}" fill="${escapeXML(this.fillStyle)}"${this.paint()}/>`); }
  clip() {
    if (!this.d) return;
    const id = `clip${++this.clips}`;
    this.defs.push(`<clipPath id="${id}"><path d="${this.d}"/></clipPath>`);
    this.out.push(`<g clip-path="url(#${id})">`);
    this.open++;
  }
  fillRect(x, y, w, h) { const d = this.d; this.beginPath(); this.rect(x, y, w, h); this.fill(); this.d = d; }
  strokeRect(x, y, w, h) { const d = this.d; this.beginPath(); this.rect(x, y, w, h); this.stroke(); this.d = d; }
  clearRect() {} // an SVG starts empty

  // ----- text -----
  measureText(t) {
    measurer ||= document.createElement('canvas').getContext('2d');
    measurer.font = this.font;
    return measurer.measureText(t);
  }
  fillText(t, x, y) {
    const anchor = ALIGN[this.textAlign] || 'start', base = BASELINE[this.textBaseline];
    const [a, b, c, d, e, f] = this.m.map(r2);
    const at = a === 1 && b === 0 && c === 0 && d === 1 ? `x="${r2(x + e)}" y="${r2(y + f)}"` : `x="${r2(x)}" y="${r2(y)}" transform="matrix(${a} ${b} ${c} ${d} ${e} ${f})"`;
    this.out.push(`<text ${at} style="font: ${escapeXML(this.font)}" fill="${escapeXML(this.fillStyle)}"` +
      (anchor !== 'start' ? ` text-anchor="${anchor}"` : '') + (base ? ` dominant-baseline="${base}"` : '') + `${this.paint()}>${escapeXML(t)}</text>`);
  }

  /**
   * cells writes an nx × ny grid of cells over the rectangle (x0, y0)–(x1,
   * y1), row j = 0 at the bottom, colour(c) an [r, g, b] for cell c = j·nx
   * + i, as one <g class="cells"> of rects, equal neighbours in a row merged.
   */
  cells(x0, y0, x1, y1, nx, ny, colour) {
    const cw = (x1 - x0) / nx, ch = (y1 - y0) / ny;
    this.out.push(`<g class="cells" data-nx="${nx}" data-ny="${ny}" shape-rendering="crispEdges">`);
    for (let j = 0; j < ny; j++) {
      const y = y1 - (j + 1) * ch;
      for (let i = 0; i < nx;) {
        const c = String(colour(j * nx + i));
        let e = i + 1;
        while (e < nx && String(colour(j * nx + e)) === c) e++;
        const [X, Y] = this.pt(x0 + i * cw, y);
        this.out.push(`<rect x="${X}" y="${Y}" width="${r2((e - i) * cw * this.unit)}" height="${r2(ch * this.unit)}" fill="rgb(${c})"/>`);
        i = e;
      }
    }
    this.out.push('</g>');
  }

  /** document is the SVG file: title and desc (what it shows, in words), the drawing, a white ground. */
  document({ title = '', desc = '', background = '#fff' } = {}) {
    while (this.stack.length) this.restore();
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${r2(this.width)}" height="${r2(this.height)}" viewBox="0 0 ${r2(this.width)} ${r2(this.height)}">\n` +
      (title ? `<title>${escapeXML(title)}</title>\n` : '') + (desc ? `<desc>${escapeXML(desc)}</desc>\n` : '') +
      (this.defs.length ? `<defs>${this.defs.join('')}</defs>\n` : '') +
      (background ? `<rect width="100%" height="100%" fill="${escapeXML(background)}"/>\n` : '') +
      this.out.join('\n') + '\n</svg>\n';
  }
}

/**
 * plotSVG draws spec with a Plot (xyplot.mjs's XYPlot, passed in) w CSS
 * px wide and height tall into an SVG document: the same layout, legend,
 * ticks and curves as the panel's canvas. meta: {title, desc}.
 */
export function plotSVG(Plot, spec, w, height, meta) {
  const ctx = new SVGContext(w, 0, window.devicePixelRatio || 1);
  const p = new Plot({ getContext: () => ctx, parentElement: { clientWidth: w }, style: {} }, height);
  p.draw(spec);
  ctx.width = p.w;
  ctx.height = p.h;
  return ctx.document(meta);
}

