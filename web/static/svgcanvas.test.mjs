// svgcanvas.mjs: the 2-D context that writes SVG. Run with `node --test web/static/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SVGContext, escapeXML } from './svgcanvas.mjs';

test('paths, dashes and transforms land where a canvas would draw them', () => {
  const c = new SVGContext(100, 50, 2);
  c.setTransform(2, 0, 0, 2, 0, 0); // the drawing code's devicePixelRatio, taken out
  c.translate(10, 5);
  c.setLineDash([6, 4]);
  c.lineWidth = 2;
  c.strokeStyle = '#f00';
  c.beginPath(); c.moveTo(0, 0); c.lineTo(10, 0); c.stroke();
  const doc = c.document();
  assert.match(doc, /<path d="M10 5L20 5" fill="none" stroke="#f00" stroke-width="2" stroke-dasharray="6 4"\/>/);
  assert.match(doc, /width="100" height="50" viewBox="0 0 100 50"/);
});

test('a full arc is a closed circle of two half arcs; text is escaped and anchored', () => {
  const c = new SVGContext(20, 20);
  c.beginPath(); c.arc(10, 10, 5, 0, 2 * Math.PI); c.fill();
  c.textAlign = 'center'; c.textBaseline = 'middle';
  c.fillText('a < b & "c"', 10, 10);
  const doc = c.document();
  assert.match(doc, /d="M15 10A5 5 0 1 1 5 10A5 5 0 1 1 15 10"/);
  assert.match(doc, /text-anchor="middle" dominant-baseline="central">a &lt; b &amp; &quot;c&quot;<\/text>/);
  assert.equal(escapeXML("'"), '&#39;');
});

test('clip groups close on restore, and cells merge equal neighbours in a row', () => {
  const c = new SVGContext(40, 20);
  c.save();
  c.beginPath(); c.rect(0, 0, 40, 20); c.clip();
  c.cells(0, 0, 40, 20, 4, 2, (k) => (k < 3 ? [1, 2, 3] : [9, 9, 9]));
  c.restore();
  const doc = c.document();
  assert.equal((doc.match(/<g clip-path/g) || []).length, (doc.match(/<\/g>/g) || []).length - 1, 'each clip group closed (and the cells group)');
  assert.match(doc, /<clipPath id="clip1"><path d="M0 0L40 0L40 20L0 20Z"\/><\/clipPath>/);
  // Row j = 0 (the bottom, y 10..20): cells 0-2 one colour, cell 3 another; row 1 all the other colour.
  const rects = [...doc.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="rgb\(([\d,]+)\)"/g)].map((m) => m.slice(1).join(' '));
  assert.deepEqual(rects, ['0 10 30 10 1,2,3', '30 10 10 10 9,9,9', '0 0 40 10 9,9,9']);
});
