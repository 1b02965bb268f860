// The data-set panel of a network on a 2-D data set (issue 5): the training
// points coloured by class over the selected run's decision regions, which
// follow the run as it trains, and its training accuracy. Colours and
// the region image are pure functions (regions.test.mjs).

import { niceTicks, fmt } from './ticks.mjs';
import { ui } from './ui.mjs';

// Okabe–Ito: distinguishable under the common colour-vision deficiencies.
export const CLASS_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

/** classColour is class c's colour as "#rrggbb" (cycling past 8). */
export const classColour = (c) => CLASS_COLOURS[((c % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length];

/** tint mixes hex with white: a = 1 is the colour, 0 white; returns [r, g, b]. */
export function tint(hex, a) {
  const v = parseInt(hex.slice(1), 16);
  const rgb = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  return rgb.map((c) => Math.round(255 + (c - 255) * a));
}

/**
 * paintRegions writes the class grid (nx × ny, row-major, y outermost with
 * the lowest y first) into dst, RGBA image rows top (highest y) first, in
 * pale tints of the class colours; an unknown class is grey.
 */
export function paintRegions(dst, classes, nx, ny, strength = 0.35) {
  const tints = CLASS_COLOURS.map((c) => tint(c, strength));
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j; // image row of grid row j
    for (let i = 0; i < nx; i++) {
      const c = classes[j * nx + i];
      const t = Number.isInteger(c) && c >= 0 ? tints[c % tints.length] : [200, 200, 200];
      const o = 4 * (row * nx + i);
      dst[o] = t[0]; dst[o + 1] = t[1]; dst[o + 2] = t[2]; dst[o + 3] = 255;
    }
  }
  return dst;
}

/** accuracyText prints the training accuracy against chance (1/classes). */
export function accuracyText(acc, classes, k) {
  if (!Number.isFinite(acc)) return '';
  const chance = classes > 0 ? 100 / classes : NaN;
  return `training accuracy ${fmt(100 * acc, 3)}% at k = ${k}` + (Number.isFinite(chance) ? ` (chance ${fmt(chance, 3)}%)` : '');
}

const PAD = { get left() { return 34 * ui.font; }, right: 8, top: 8, get bottom() { return 22 * ui.font; } };

export class DataPanel {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.data = null;
    this.regions = null;
    this.image = document.createElement('canvas');
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(160, Math.round(this.canvas.parentElement.clientWidth || 300));
    if (w === this.w && dpr === this.dpr) return;
    this.w = w; this.h = w; this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(w * dpr);
    this.canvas.style.width = w + 'px';
    this.canvas.style.height = w + 'px';
  }

  setData(m) { this.data = m; this.regions = null; }

  setRegions(m) {
    const { nx, ny, classes } = m;
    if (!(nx > 0 && ny > 0) || !Array.isArray(classes) || classes.length !== nx * ny) return false;
    this.image.width = nx; this.image.height = ny;
    const ictx = this.image.getContext('2d');
    const img = ictx.createImageData(nx, ny);
    paintRegions(img.data, classes, nx, ny);
    ictx.putImageData(img, 0, 0);
    this.regions = m;
    return true;
  }

  draw() {
    this.resize();
    const ctx = this.ctx, dpr = this.dpr, w = this.w, h = this.h, d = this.data;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!d) return;
    const pw = w - PAD.left - PAD.right, ph = h - PAD.top - PAD.bottom;
    const [x0, x1] = d.x, [y0, y1] = d.y;
    const X = (v) => PAD.left + ((v - x0) / (x1 - x0)) * pw;
    const Y = (v) => PAD.top + ph - ((v - y0) / (y1 - y0)) * ph;
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, pw, ph);
    ctx.clip();
    ctx.fillStyle = '#fff';
    ctx.fillRect(PAD.left, PAD.top, pw, ph);
    const r = this.regions;
    if (r) {
      // Grid point i sits at the centre of image pixel i.
      const dx = (r.x[1] - r.x[0]) / Math.max(1, r.nx - 1), dy = (r.y[1] - r.y[0]) / Math.max(1, r.ny - 1);
      const left = X(r.x[0] - dx / 2), right = X(r.x[1] + dx / 2), top = Y(r.y[1] + dy / 2), bottom = Y(r.y[0] - dy / 2);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.image, left, top, right - left, bottom - top);
    }
    const rad = 2.6 * ui.line;
    ctx.lineWidth = 0.8;
    ctx.strokeStyle = 'rgba(0,0,0,0.75)';
    for (const p of d.points) {
      ctx.fillStyle = classColour(p[2]);
      ctx.beginPath();
      ctx.arc(X(p[0]), Y(p[1]), rad, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
    ctx.strokeStyle = '#888';
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, pw - 1, ph - 1);
    ctx.fillStyle = getComputedStyle(document.body).color || '#222';
    ctx.font = `${Math.round(10 * ui.font)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(x0, x1, 4)) { ctx.fillRect(X(t), PAD.top + ph, 1, 3); ctx.fillText(fmt(t, 2), X(t), PAD.top + ph + 4); }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(y0, y1, 4)) { ctx.fillRect(PAD.left - 3, Y(t), 3, 1); ctx.fillText(fmt(t, 2), PAD.left - 4, Y(t)); }
  }
}
