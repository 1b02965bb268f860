// contrast.mjs and the halo XYPlot draws with it. Run with `node --test web/static/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haloColour, luminance, parseRGB } from './contrast.mjs';
import { RUN_COLOURS } from './track.mjs';

const WHITE = luminance([255, 255, 255]), DARK = luminance([30, 30, 30]);

test('only the run colour too close to the background gets a halo, in the ink', () => {
  const light = RUN_COLOURS.filter((c) => haloColour(c, WHITE, '#222'));
  // The third run's near white (picked for the dark heat map) and Okabe–Ito's yellow.
  assert.deepEqual(light, ['#F0F0F0', '#F0E442']);
  assert.equal(haloColour('#F0F0F0', WHITE, 'rgb(34, 34, 34)'), 'rgba(34,34,34,0.55)');
  assert.equal(haloColour('#F0F0F0', DARK, '#eee'), '', 'near white stands out on a dark page');
  assert.equal(haloColour('#0072B2', DARK, '#eee'), 'rgba(238,238,238,0.55)', 'dark blue on a dark page');
  assert.equal(haloColour('not a colour', WHITE, '#222'), '');
});

test('parseRGB reads the forms getComputedStyle and the code use', () => {
  assert.deepEqual(parseRGB('#0072B2'), [0, 114, 178, 1]);
  assert.deepEqual(parseRGB('#fff'), [255, 255, 255, 1]);
  assert.deepEqual(parseRGB('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 0.5]);
  assert.equal(parseRGB('transparent'), null);
});

test('XYPlot outlines a near-white series and its legend entry on a light plot, and no other', async () => {
  globalThis.window ??= { devicePixelRatio: 1 };
  // Text measured as 6 px a character: the legend's layout is not what is tested.
  globalThis.document ??= { body: {}, createElement: () => ({ getContext: () => ({ measureText: (t) => ({ width: 6 * t.length }) }) }) };
  globalThis.getComputedStyle ??= () => ({ color: 'rgb(34, 34, 34)' });
  const { XYPlot } = await import('./xyplot.mjs');
  const { plotSVG } = await import('./svgcanvas.mjs');
  const spec = {
    x: { range: [0, 10], kind: 'lin', label: 'k' }, y: { range: [0, 1], kind: 'lin', label: 'y' },
    series: [{ x: [0, 5, 10], y: [0.1, 0.5, 0.9], colour: '#F0F0F0' }, { x: [0, 10], y: [0.9, 0.1], colour: '#E69F00' }],
    legend: [{ text: 'run 2', colour: '#F0F0F0' }, { text: 'run 0', colour: '#E69F00' }],
  };
  const svg = plotSVG(XYPlot, spec, 320, 150, { title: 't', desc: 'd' });
  const strokes = [...svg.matchAll(/stroke="([^"]+)"/g)].map((m) => m[1]);
  const halos = strokes.filter((s) => s === 'rgba(34,34,34,0.55)').length;
  assert.equal(halos, 2, 'one halo under the near-white line, one under its legend swatch');
  // Each halo comes just before the near-white stroke it outlines.
  strokes.forEach((s, i) => { if (s === 'rgba(34,34,34,0.55)') assert.equal(strokes[i + 1], '#F0F0F0'); });
});
