// The 3-D view (issue 13): the landscape as a lit surface in the heat map's
// colours (height = the colour scale's value, so log loss when the scale is
// log), its contour lines on it and on the floor, every run's path lifted
// to its loss, the current points, the Hessian's eigen-directions on the
// tangent plane and the local quadratic model (eq. 8.13) as a translucent
// surface. WebGL 1, written for this page; app.mjs imports it when the
// 3-D layout is chosen. Everything drawn comes from the server's messages
// (landscape, frame, geometry), as in the 2-D panels.
//
// Scene coordinates: the view's x and y map to [-1, 1] along its longer
// side (equal scales), height t ∈ [0, 1] (the colour scale's value) to
// z = t·ZH, the floor under it at z = FLOOR.

import { perspective, lookAt, multiply, project } from './mat4.mjs';
import { lut, scaleTicks } from './colormap.mjs';
import { trace, levels } from './contour.mjs';
import { niceTicks, fmt, tickLabels } from './ticks.mjs';
import { quadModel, inv2, apply2 } from './linalg.mjs';
import { runColour } from './track.mjs';
import { ui } from './ui.mjs';
import { Panel } from './panel.mjs';

/** DEFAULT_CAMERA is [yaw°, pitch°, zoom]: from the front left, 30° above the floor. */
export const DEFAULT_CAMERA = Object.freeze([-35, 30, 1]);
const ZH = 1, FLOOR = -0.3, FOVY = (32 * Math.PI) / 180, DIST = 5.2;
const LEVELS = 15; // contour levels at t = i/15, as the heat map's levels(scale, 14)
const MOVING_MS = 250; // the camera moved this recently: draw the coarser mesh
const TABLE = lut();

/** clampCamera returns cam (or the default) with yaw in (-180, 180], pitch in [2, 89], zoom in [0.25, 6], rounded for the URL. */
export function clampCamera(cam) {
  const [y0, p0, z0] = Array.isArray(cam) && cam.length === 3 && cam.every(Number.isFinite) ? cam : DEFAULT_CAMERA;
  let yaw = ((((y0 + 180) % 360) + 360) % 360) - 180;
  if (yaw === -180) yaw = 180;
  const pitch = Math.min(89, Math.max(2, p0)), zoom = Math.min(6, Math.max(0.25, z0));
  return [Math.round(yaw * 10) / 10, Math.round(pitch * 10) / 10, Math.round(zoom * 1000) / 1000];
}

/** sceneMap returns the map of the view [x0, x1, y0, y1] to scene x, y: {sx, sy, cx, cy, ex, ey} (x_s = (x − cx)·sx, |x_s| ≤ ex). */
export function sceneMap(view) {
  const [x0, x1, y0, y1] = view, wx = x1 - x0, wy = y1 - y0, big = Math.max(wx, wy);
  return { sx: 2 / big, sy: 2 / big, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, ex: wx / big, ey: wy / big };
}

/** cameraEye returns the eye of a camera [yaw°, pitch°, zoom] looking at target. */
export function cameraEye(cam, target) {
  const [yaw, pitch, zoom] = cam, a = (yaw * Math.PI) / 180, e = (pitch * Math.PI) / 180, d = DIST / zoom;
  return [target[0] + d * Math.cos(e) * Math.sin(a), target[1] - d * Math.cos(e) * Math.cos(a), target[2] + d * Math.sin(e)];
}

/**
 * heightField turns a landscape grid (row-major, y outermost) into scene
 * vertices: positions (x, y, z), normals and the colour value t (−1 where
 * the loss is not finite), through the colour scale's forward map.
 */
export function heightField(L, map, clamp = true) {
  const { nx, ny } = L, n = nx * ny, pos = new Float32Array(3 * n), nor = new Float32Array(3 * n), tv = new Float32Array(n);
  const dx = (L.x[1] - L.x[0]) / (nx - 1), dy = (L.y[1] - L.y[0]) / (ny - 1);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, v = L.values[k];
      let t = v == null || !Number.isFinite(v) ? -1 : L.scale.forward(v);
      if (clamp && t !== -1) t = t < 0 ? 0 : t > 1 ? 1 : t;
      tv[k] = t;
      pos[3 * k] = (L.x[0] + i * dx - map.cx) * map.sx;
      pos[3 * k + 1] = (L.y[0] + j * dy - map.cy) * map.sy;
      pos[3 * k + 2] = clamp && t < 0 ? 0 : t * ZH;
    }
  }
  const z = (i, j) => pos[3 * (j * nx + i) + 2];
  const hx = 2 * dx * map.sx, hy = 2 * dy * map.sy;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      // Neighbours off the grid or in a hole give way to the point itself.
      const ok = (a, b) => tv[b * nx + a] !== -1;
      let i0 = Math.max(i - 1, 0), i1 = Math.min(i + 1, nx - 1), j0 = Math.max(j - 1, 0), j1 = Math.min(j + 1, ny - 1);
      if (!ok(i0, j)) i0 = i;
      if (!ok(i1, j)) i1 = i;
      if (!ok(i, j0)) j0 = j;
      if (!ok(i, j1)) j1 = j;
      const gx = i1 > i0 ? (z(i1, j) - z(i0, j)) / ((hx * (i1 - i0)) / 2) : 0, gy = j1 > j0 ? (z(i, j1) - z(i, j0)) / ((hy * (j1 - j0)) / 2) : 0;
      const m = Math.hypot(gx, gy, 1), k = 3 * (j * nx + i);
      nor[k] = -gx / m; nor[k + 1] = -gy / m; nor[k + 2] = 1 / m;
    }
  }
  return { pos, nor, t: tv };
}

/**
 * gridIndices returns the triangles (two per cell) of an nx × ny grid, or
 * of its sub-grid of every s-th row and column (the last ones always in).
 */
export function gridIndices(nx, ny, s = 1) {
  const pick = (n) => { const out = []; for (let i = 0; i < n - 1; i += s) out.push(i); out.push(n - 1); return out; };
  const cols = pick(nx), rows = pick(ny), out = new Uint32Array(6 * (cols.length - 1) * (rows.length - 1));
  let o = 0;
  for (let j = 0; j + 1 < rows.length; j++) {
    for (let i = 0; i + 1 < cols.length; i++) {
      const a = rows[j] * nx + cols[i], b = rows[j] * nx + cols[i + 1], c = rows[j + 1] * nx + cols[i], d = rows[j + 1] * nx + cols[i + 1];
      out[o++] = a; out[o++] = b; out[o++] = d; out[o++] = a; out[o++] = d; out[o++] = c;
    }
  }
  return out;
}

/**
 * meshSide returns the side N = 2^k + 1 of the square grid the surface is
 * meshed on (rtinErrors needs it): the smallest not under the landscape's
 * longer side, at most max (257; 129 where indices are 16-bit).
 */
export function meshSide(nx, ny, max = 257) {
  let n = 3;
  while (n < Math.max(nx, ny) && n < max) n = 2 * n - 1;
  return n;
}

/** resample returns the landscape L bilinearly resampled on an N × N grid over the same rectangle (a hole, null or not finite, stays one). */
export function resample(L, N) {
  if (L.nx === N && L.ny === N) return L;
  const values = new Float64Array(N * N), v = (i, j) => { const a = L.values[j * L.nx + i]; return a == null ? NaN : a; };
  for (let J = 0; J < N; J++) {
    const fy = (J * (L.ny - 1)) / (N - 1), j = Math.min(Math.floor(fy), L.ny - 2), w = fy - j;
    for (let I = 0; I < N; I++) {
      const fx = (I * (L.nx - 1)) / (N - 1), i = Math.min(Math.floor(fx), L.nx - 2), u = fx - i;
      values[J * N + I] = (1 - u) * (1 - w) * v(i, j) + u * (1 - w) * v(i + 1, j) + (1 - u) * w * v(i, j + 1) + u * w * v(i + 1, j + 1);
    }
  }
  return { nx: N, ny: N, x: L.x, y: L.y, values, scale: L.scale };
}

/**
 * rtinErrors returns, for each point of an N × N height grid t (N = 2^k + 1,
 * row-major; t < 0 a hole), the error of a right-triangulated irregular
 * network that does not split a triangle there: the gap between the
 * height at a hypotenuse's midpoint and the hypotenuse's mean, the largest
 * over the point and every point its split would bring in (so a split
 * forces its ancestors', and the two triangles sharing a hypotenuse split
 * together: no cracks). Infinite around holes, which stay at full detail.
 */
export function rtinErrors(t, N) {
  const err = new Float32Array(N * N);
  // The triangles level by level from the two halves of the square: a, b the hypotenuse, c the right angle.
  const levels = [Int32Array.of(0, N * N - 1, N - 1, N * N - 1, 0, (N - 1) * N)];
  const leaf = (a, b) => Math.abs((a % N) - (b % N)) === 1; // a cell's diagonal: no grid point between
  while (!leaf(levels.at(-1)[0], levels.at(-1)[1])) {
    const cur = levels.at(-1), next = new Int32Array(2 * cur.length);
    for (let i = 0, o = 0; i < cur.length; i += 3) {
      const a = cur[i], b = cur[i + 1], c = cur[i + 2], m = (a + b) >> 1;
      next[o++] = a; next[o++] = c; next[o++] = m;
      next[o++] = c; next[o++] = b; next[o++] = m;
    }
    levels.push(next);
  }
  // The smallest first, so that a midpoint's children are final when it is reached.
  for (let l = levels.length - 2; l >= 0; l--) {
    const cur = levels[l], inner = l + 1 < levels.length - 1;
    for (let i = 0; i < cur.length; i += 3) {
      const a = cur[i], b = cur[i + 1], c = cur[i + 2], m = (a + b) >> 1;
      let e = t[a] < 0 || t[b] < 0 || t[m] < 0 ? Infinity : Math.abs(t[m] - (t[a] + t[b]) / 2);
      if (inner) e = Math.max(e, err[(a + c) >> 1], err[(c + b) >> 1]);
      if (e > err[m]) err[m] = e;
    }
  }
  return err;
}

/**
 * rtinIndices returns the triangles of the network of rtinErrors' err that
 * keeps every hypotenuse's midpoint within tol (and so the other grid
 * points within about tol: each is measured against its own hypotenuse).
 */
export function rtinIndices(err, N, tol, T = Uint32Array) {
  const out = [];
  const visit = (a, b, c) => {
    const m = (a + b) >> 1;
    if (Math.abs((a % N) - (b % N)) !== 1 && err[m] > tol) { visit(a, c, m); visit(c, b, m); return; }
    out.push(a, b, c);
  };
  visit(0, N * N - 1, N - 1);
  visit(N * N - 1, 0, (N - 1) * N);
  return T.from(out);
}

/** interleave packs a height field's vertices as 32 bytes each: position, normal, t (floats), colour (4 bytes). */
export function interleave(f) {
  const n = f.t.length, ab = new ArrayBuffer(32 * n), fv = new Float32Array(ab), bv = new Uint8Array(ab), col = vertexColours(f.t);
  for (let k = 0; k < n; k++) {
    fv[8 * k] = f.pos[3 * k]; fv[8 * k + 1] = f.pos[3 * k + 1]; fv[8 * k + 2] = f.pos[3 * k + 2];
    fv[8 * k + 3] = f.nor[3 * k]; fv[8 * k + 4] = f.nor[3 * k + 1]; fv[8 * k + 5] = f.nor[3 * k + 2];
    fv[8 * k + 6] = f.t[k];
    bv[32 * k + 28] = col[4 * k]; bv[32 * k + 29] = col[4 * k + 1]; bv[32 * k + 30] = col[4 * k + 2]; bv[32 * k + 31] = 255;
  }
  return ab;
}

/**
 * meshTolerance is the height error (in t) the surface's mesh may make:
 * half a device pixel on screen where the loss axis is drawn, three
 * times that while the camera moves.
 */
export function meshTolerance(mvp, w, h, dpr, moving) {
  const a = project(mvp, 0, 0, 0, w, h), b = project(mvp, 0, 0, ZH, w, h);
  const px = a && b ? Math.max(Math.hypot(a[0] - b[0], a[1] - b[1]) * dpr, 20) : 200;
  return (moving ? 1.5 : 0.5) / px;
}

/**
 * ribbon appends the segments of a polyline (flat [x, y, z, ...] in scene
 * coordinates) to out as screen-space quads: 4 vertices of 7 floats each
 * (position, the other end, side), drawn by the line program through
 * quadIndices' two triangles a quad.
 */
export function ribbon(pts, out = []) {
  for (let i = 0; i + 5 < pts.length; i += 3) {
    const p = [pts[i], pts[i + 1], pts[i + 2]], q = [pts[i + 3], pts[i + 4], pts[i + 5]];
    const v = (a, b, s) => out.push(a[0], a[1], a[2], b[0], b[1], b[2], s);
    // Seen from p the sides are +1, −1; from q (its other end p) the same sides are −1, +1.
    v(p, q, 1); v(p, q, -1); v(q, p, -1); v(q, p, 1);
  }
  return out;
}

/**
 * Chords thins a polyline as its points arrive: a point is left out while
 * the chord from the last kept point to the newest passes within eps of
 * it and of every point left out since (at most 64 to a chord). kept holds
 * the kept points (flat x, y, z); tail() the chord on to the newest point.
 */
export class Chords {
  constructor(eps) { this.eps2 = eps * eps; this.kept = []; this.pend = []; }

  push(x, y, z) {
    const k = this.kept, p = this.pend, n = p.length;
    if (!k.length) { k.push(x, y, z); return; }
    if (n && (n >= 3 * 64 || !this.near(x, y, z))) { k.push(p[n - 3], p[n - 2], p[n - 1]); p.length = 0; }
    p.push(x, y, z);
  }

  // near tells whether every point left out lies within eps of the chord from the last kept point to (x, y, z).
  near(x, y, z) {
    const k = this.kept, p = this.pend, ax = k.at(-3), ay = k.at(-2), az = k.at(-1);
    const dx = x - ax, dy = y - ay, dz = z - az, dd = dx * dx + dy * dy + dz * dz;
    for (let i = 0; i < p.length; i += 3) {
      const px = p[i] - ax, py = p[i + 1] - ay, pz = p[i + 2] - az;
      const s = dd > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy + pz * dz) / dd)) : 0;
      const ex = px - s * dx, ey = py - s * dy, ez = pz - s * dz;
      if (ex * ex + ey * ey + ez * ez > this.eps2) return false;
    }
    return true;
  }

  tail() {
    const p = this.pend, k = this.kept;
    return p.length ? [k.at(-3), k.at(-2), k.at(-1), p.at(-3), p.at(-2), p.at(-1)] : null;
  }
}

/** quadIndices returns the triangles of n ribbon quads: (0, 1, 2) and (1, 3, 2) of each four vertices. */
export function quadIndices(n, T = Uint32Array) {
  const out = new T(6 * n);
  for (let k = 0, b = 0; k < 6 * n; k += 6, b += 4) {
    out[k] = b; out[k + 1] = b + 1; out[k + 2] = b + 2; out[k + 3] = b + 1; out[k + 4] = b + 3; out[k + 5] = b + 2;
  }
  return out;
}

/**
 * webglProbe returns {why: '' when WebGL can draw here, else why not;
 * software: whether it draws on the CPU (SwiftShader, llvmpipe), where
 * multisampling triples a frame's time and is left off}.
 */
export function webglProbe() {
  if (typeof WebGLRenderingContext === 'undefined') return { why: 'the 3-D view needs WebGL, which this browser does not have' };
  const c = document.createElement('canvas'), gl = c.getContext('webgl');
  if (!gl) return { why: 'the 3-D view needs WebGL, which this browser has switched off (or its graphics driver is blocked)' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const software = /swiftshader|llvmpipe|software/i.test(String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { why: '', software };
}

/**
 * install3D is app.mjs's hook: it returns the view's factory
 * {create(app, host)}, or, without WebGL, disables the 3-D choice with a
 * line saying why, puts the page back on one panel and returns null.
 */
export function install3D(app) {
  const { why, software } = webglProbe();
  addStyles();
  if (why) { disable3D(app, why); return null; }
  return {
    create(a, host) {
      try {
        return new Surface3D(a, host, { antialias: !software });
      } catch (e) { // a context refused or a shader this driver cannot compile
        host.textContent = '';
        disable3D(a, `the 3-D view could not start here (${e.message})`);
        return new Panel(a, host, {});
      }
    },
  };
}

/** disable3D greys out the 3-D layout with the reason beside it. */
export function disable3D(app, why) {
  const radio = document.querySelector('input[name=mode][value="3d"]'), label = radio?.closest('label');
  if (radio) { radio.disabled = true; label.title = why; }
  let note = document.getElementById('mode-3d-why');
  if (!note && label) {
    note = document.createElement('span');
    note.id = 'mode-3d-why';
    note.className = 'mode-why';
    note.dataset.testid = 'mode-3d-why';
    label.after(note);
  }
  if (note) note.textContent = why;
  if (app.state.mode === '3d') {
    app.state.mode = 'single';
    const one = document.querySelector('input[name=mode][value="single"]');
    if (one) one.checked = true;
  }
}

// ----- shaders -----

// The colour map is looked up and the light applied per vertex (aCol,
// from the heat map's table): a texture fetch per fragment cost software
// rendering a fifth of a frame, the lighting per fragment (and its three
// more varyings) another quarter. Where the mesh has big triangles the
// surface is nearly flat, so its light varies little across them.
const SURFACE_VS = `
attribute vec3 aPos; attribute vec3 aNor; attribute float aT; attribute vec4 aCol;
uniform mat4 uMVP; uniform vec3 uLight; uniform mediump vec4 uTint; // mediump as in the fragment shader, which shares it
varying float vT; varying vec3 vC;
void main() {
  vT = aT;
  vec3 c = uTint.a > 0.0 ? uTint.rgb : aCol.rgb;
  float d = abs(dot(aNor, uLight)), sp = d * d;
  sp *= sp; sp *= sp; sp *= sp; // d¹⁶: a soft highlight
  vC = c * (0.42 + 0.58 * d) + vec3(0.18) * sp;
  gl_Position = uMVP * vec4(aPos, 1.0);
}`;

const SURFACE_FS = `
#ifdef GL_OES_standard_derivatives
#extension GL_OES_standard_derivatives : enable
#endif
precision mediump float;
uniform float uLevels; uniform vec4 uTint; uniform float uClip;
varying float vT; varying vec3 vC;
void main() {
  if (vT < 0.0 || (uClip > 0.5 && vT > 1.0)) discard;
  float line = 0.0;
#ifdef GL_OES_standard_derivatives
  float f = vT * uLevels, w = fwidth(f);
  line = 1.0 - clamp(abs(fract(f - 0.5) - 0.5) / max(w * 1.2, 1e-4), 0.0, 1.0);
  if (vT < 0.5 / uLevels || vT > 1.0 - 0.5 / uLevels) line = 0.0;
#endif
  gl_FragColor = vec4(mix(vC, vec3(1.0), 0.42 * line), uTint.a > 0.0 ? uTint.a : 1.0);
}`;

const LINE_VS = `
attribute vec3 aPos; attribute vec3 aOther; attribute float aSide;
uniform mat4 uMVP; uniform vec2 uView; uniform float uWidth; uniform float uLift;
varying vec2 vP;
void main() {
  vP = aPos.xy;
  vec4 a = uMVP * vec4(aPos, 1.0), b = uMVP * vec4(aOther, 1.0);
  vec2 d = (b.xy / b.w - a.xy / a.w) * uView;
  float n = length(d);
  d = n > 1e-6 ? d / n : vec2(1.0, 0.0);
  vec2 off = vec2(-d.y, d.x) * aSide * uWidth / uView;
  gl_Position = a + vec4(off * a.w, -uLift * a.w, 0.0);
}`;

const FLAT_FS = `
precision mediump float;
uniform vec4 uColour;
void main() { gl_FragColor = uColour; }`;

// The paths' fragment shader: a path leaving the view is cut at the box's walls, as the 2-D panel clips it.
const PATH_FS = `
precision mediump float;
uniform vec4 uColour; uniform vec2 uBox;
varying vec2 vP;
void main() {
  if (abs(vP.x) > uBox.x || abs(vP.y) > uBox.y) discard;
  gl_FragColor = uColour;
}`;

const POINT_VS = `
attribute vec3 aPos;
uniform mat4 uMVP; uniform float uSize;
void main() {
  gl_Position = uMVP * vec4(aPos, 1.0);
  gl_Position.z -= 0.004 * gl_Position.w;
  gl_PointSize = uSize;
}`;

const POINT_FS = `
precision mediump float;
uniform vec4 uColour; uniform vec4 uRing; uniform float uStar;
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float r = length(c), edge = 1.0;
  if (uStar > 0.5) { // a five-pointed star, as the 2-D panels mark minima
    float a = atan(c.x, -c.y) * 5.0 / 6.2831853;
    edge = mix(0.45, 1.0, abs(fract(a + 0.5) - 0.5) < 0.25 ? 1.0 - 4.0 * abs(fract(a + 0.5) - 0.5) : 0.0);
  }
  if (r > edge) discard;
  gl_FragColor = r > edge - (uStar > 0.5 ? 0.16 : 0.22) ? uRing : uColour;
}`;

function compile(gl, vs, fs) {
  const prog = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error('surface3d: ' + gl.getShaderInfoLog(s));
    gl.attachShader(prog, s);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error('surface3d: ' + gl.getProgramInfoLog(prog));
  const u = {}, a = {};
  for (let i = 0; i < gl.getProgramParameter(prog, gl.ACTIVE_UNIFORMS); i++) { const n = gl.getActiveUniform(prog, i).name; u[n] = gl.getUniformLocation(prog, n); }
  for (let i = 0; i < gl.getProgramParameter(prog, gl.ACTIVE_ATTRIBUTES); i++) { const n = gl.getActiveAttrib(prog, i).name; a[n] = gl.getAttribLocation(prog, n); }
  return { prog, u, a };
}

// rgba parses a #rrggbb colour once per alpha (the draw asks for the runs' colours every frame).
const RGBA = new Map();
const rgba = (hex, alpha = 1) => {
  const k = hex + alpha;
  let c = RGBA.get(k);
  if (!c) {
    const v = parseInt(hex.slice(1), 16);
    RGBA.set(k, (c = Object.freeze([((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255, alpha])));
  }
  return c;
};

const NO_TINT = [0, 0, 0, 0];
const EIGEN_POS = '#4dd0e1', EIGEN_NEG = '#ff5252', MODEL = [1, 0.25, 0.5, 0.5];

// ----- the view -----

// The view's styles arrive with it (the page's style sheet is weighed at start).
const CSS = `canvas.landscape-3d { cursor: grab; }
canvas.landscape-3d:active { cursor: grabbing; }
.labels-3d { position: absolute; left: 0; top: 0; pointer-events: none; }
.bar-3d { position: absolute; left: 6px; bottom: 4px; display: flex; gap: 0.4rem; align-items: center; font-size: 0.75rem; color: var(--muted); }
.bar-3d button { font-size: 0.75rem; padding: 0 0.4rem; }
.hint-3d { position: absolute; right: 8px; top: 4px; font-size: 0.75rem; color: var(--muted); pointer-events: none; }
.mode-why { font-size: 0.75rem; color: var(--muted); }`;

function addStyles() {
  if (document.getElementById('surface3d-css')) return;
  const st = document.createElement('style');
  st.id = 'surface3d-css';
  st.textContent = CSS;
  document.head.append(st);
}

export class Surface3D {
  constructor(app, host, { antialias = true } = {}) {
    addStyles();
    this.app = app;
    this.opts = { title: '3-D surface' };
    this.is3d = true;
    this.el = document.createElement('div');
    this.el.className = 'panel panel-3d';
    this.el.dataset.testid = 'panel-3d';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'landscape landscape-3d';
    this.canvas.dataset.testid = 'landscape-3d';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-roledescription', 'rotatable 3-D surface: drag or arrow keys to turn, wheel, pinch or +/− to zoom, 0 to reset');
    this.labels = document.createElement('canvas');
    this.labels.className = 'labels-3d';
    this.labels.setAttribute('aria-hidden', 'true');
    const bar = document.createElement('div');
    bar.className = 'bar-3d';
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.textContent = '⟲ view';
    reset.title = 'reset the 3-D view (key 0)';
    reset.dataset.testid = 'reset-3d';
    reset.onclick = () => this.setCamera(DEFAULT_CAMERA);
    const hint = document.createElement('span');
    hint.className = 'hint-3d';
    hint.textContent = 'drag to turn · wheel or pinch to zoom';
    hint.title = 'arrows turn, +/− zoom, 0 resets (the view focused); the start moves in the 2-D views';
    this.hint = hint; // it goes once the view has been turned
    bar.append(reset);
    // The hint sits top right, clear of the floor's tick labels at the bottom.
    this.el.append(this.canvas, this.labels, bar, hint);
    this.bar = bar;
    if (app.setColourScale) { // the colour scale, as on the 2-D panel
      const sel = this.cscale = document.createElement('select');
      sel.className = 'cscale';
      sel.dataset.testid = 'cscale';
      sel.title = 'colour scale and height of the loss (key c): auto is log when it spans decades';
      for (const [v, t] of [['auto', 'auto'], ['log', 'log'], ['lin', 'linear']]) sel.append(new Option(t, v));
      sel.onchange = () => app.setColourScale(sel.value);
      this.el.append(sel);
    }
    host.append(this.el);
    this.cam = clampCamera(app.state.cam);
    this.heatDirty = true;
    this.trailsDirty = true;
    this.runs = [];
    this.gl = this.canvas.getContext('webgl', { antialias, preserveDrawingBuffer: true, premultipliedAlpha: false });
    if (!this.gl) throw new Error('surface3d: no WebGL context');
    this.setupGL();
    this.wire();
    this.resize();
  }

  shows() { return true; }

  setupGL() {
    const gl = this.gl;
    this.uint = !!gl.getExtension('OES_element_index_uint');
    gl.getExtension('OES_standard_derivatives');
    this.surfaceProg = compile(gl, SURFACE_VS, SURFACE_FS);
    this.lineProg = compile(gl, LINE_VS, PATH_FS);
    this.pointProg = compile(gl, POINT_VS, POINT_FS);
    this.flatProg = compile(gl, POINT_VS.replace('gl_PointSize = uSize;', ''), FLAT_FS);
    this.buf = { surf: gl.createBuffer(), box: gl.createBuffer(), floor: gl.createBuffer(), model: null, eigen: gl.createBuffer(), pts: gl.createBuffer() };
  }

  // ----- camera and input -----

  setCamera(cam, save = true) {
    this.cam = clampCamera(cam);
    this.movedAt = performance.now();
    this.app.state.cam = this.cam.every((v, i) => v === DEFAULT_CAMERA[i]) ? null : [...this.cam];
    this.app.dirty = true;
    if (save) {
      clearTimeout(this.camTimer);
      this.camTimer = setTimeout(() => this.app.saveURL(), 150);
    }
  }

  orbit(dyaw, dpitch) { this.setCamera([this.cam[0] + dyaw, this.cam[1] + dpitch, this.cam[2]]); }

  zoomBy(f) { this.setCamera([this.cam[0], this.cam[1], this.cam[2] * f]); }

  wire() {
    const c = this.canvas, pointers = new Map();
    let pinch = 0;
    c.addEventListener('pointerdown', (e) => {
      try { c.setPointerCapture(e.pointerId); } catch { /* a synthetic pointer cannot be captured */ }
      pointers.set(e.pointerId, [e.clientX, e.clientY]);
      if (pointers.size === 2) { const [a, b] = [...pointers.values()]; pinch = Math.hypot(a[0] - b[0], a[1] - b[1]); }
      e.preventDefault();
    });
    c.addEventListener('pointermove', (e) => {
      const last = pointers.get(e.pointerId);
      if (!last) return;
      const now = [e.clientX, e.clientY];
      pointers.set(e.pointerId, now);
      if (pointers.size === 1) { this.orbit(-(now[0] - last[0]) * 0.4, (now[1] - last[1]) * 0.3); if (!this.hint.hidden) { this.hint.hidden = true; this.barBox = null; } }
      else if (pointers.size === 2) {
        const [a, b] = [...pointers.values()], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (pinch > 0 && d > 0) this.zoomBy(d / pinch);
        pinch = d;
      }
    });
    const up = (e) => { pointers.delete(e.pointerId); pinch = 0; };
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('wheel', (e) => { e.preventDefault(); this.zoomBy(Math.exp(-e.deltaY * 0.0015)); }, { passive: false });
    c.addEventListener('keydown', (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key, act = {
        ArrowLeft: () => this.orbit(-10, 0), ArrowRight: () => this.orbit(10, 0),
        ArrowUp: () => this.orbit(0, 8), ArrowDown: () => this.orbit(0, -8),
        '+': () => this.zoomBy(1.2), '=': () => this.zoomBy(1.2), '-': () => this.zoomBy(1 / 1.2), '−': () => this.zoomBy(1 / 1.2),
        0: () => this.setCamera(DEFAULT_CAMERA),
      }[k];
      if (!act) return;
      e.preventDefault();
      e.stopPropagation(); // the page's → steps; here it turns the surface
      act();
    });
  }

  resize() {
    const dpr = this.dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, Math.round(this.el.clientWidth || 600));
    // An embed and presentation mode fill the screen; elsewhere the view is 4:3 (on a phone too).
    const fill = document.getElementById('embed') || this.app.presenting ? this.app.fillHeight?.() : undefined;
    const h = fill > 0 ? Math.max(100, Math.round(fill)) : Math.max(220, Math.round(Math.min(w * (w < 500 ? 0.95 : 0.75), (window.innerHeight || 800) - 190 * ui.font)));
    this.w = w; this.h = h;
    for (const c of [this.canvas, this.labels]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = w + 'px';
      c.style.height = h + 'px';
    }
    this.plot = { x: 0, y: 0, w, h };
    this.thin = 3 / Math.max(w, 200); // scene units: the box (2 wide) is about 0.7 w px across at zoom 1: ~1 px
    this.trailsDirty = true;
    this.bg = null;
    this.barBox = null;
    this.app.dirty = true;
  }

  // ----- what is drawn -----

  /** matrices returns {mvp, eye} for the camera at the canvas's aspect. */
  matrices() {
    const target = [0, 0, FLOOR + 0.4 * (ZH - FLOOR)]; // a little below the middle: the floor's front corner clears the bar
    // A narrow canvas steps back so the box still fits across it.
    const fit = Math.max(1, 1.3 / (this.w / this.h));
    const eye = cameraEye([this.cam[0], this.cam[1], this.cam[2] / fit], target);
    const view = lookAt(eye, target, [0, 0, 1]);
    const proj = perspective(FOVY, this.w / this.h, 0.1, 50);
    return { mvp: multiply(proj, view), eye };
  }

  /** lift maps a point (x, y) with loss J to scene coordinates. */
  lift(x, y, J, L = this.app.land) {
    const m = this.map;
    let t = Number.isFinite(J) ? L.scale.forward(J) : 1;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return [(x - m.cx) * m.sx, (y - m.cy) * m.sy, t * ZH];
  }

  // buildMesh uploads the landscape's surface (when the landscape or its scale changed).
  buildMesh() {
    const gl = this.gl, L = this.app.land;
    this.meshLand = L;
    this.bg = this.ink = this.inkCSS = null; // a theme's change marks the panels' heat dirty: its colours are read again
    this.map = sceneMap(L ? [L.x[0], L.x[1], L.y[0], L.y[1]] : this.app.state.view);
    this.heatDirty = false;
    this.trailsDirty = true;
    this.geomKey = null;
    for (const m of this.meshes?.values() || []) gl.deleteBuffer(m.buf);
    this.meshes = new Map(); // index buffers by tolerance, made when first drawn
    if (!L) { this.count = 0; return; }
    // The surface: one interleaved vertex buffer of the landscape on a
    // (2^k + 1)² grid, drawn through a right-triangulated irregular network
    // (rtinErrors): software WebGL pays per triangle, and a smooth landscape
    // needs few (Rosenbrock's 256² in log height: 4 400 triangles within
    // ~0.5 px of the grid's surface instead of 32 768 for every 2nd line).
    const N = this.meshN = meshSide(L.nx, L.ny, this.uint ? 257 : 129);
    const f = heightField(resample(L, N), this.map);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.surf); gl.bufferData(gl.ARRAY_BUFFER, interleave(f), gl.STATIC_DRAW);
    this.meshErr = rtinErrors(f.t, N);
    this.count = N * N;
    this.idxType = this.uint ? gl.UNSIGNED_INT : gl.UNSIGNED_SHORT;
    this.buildFloor(L);
    // The box: the floor's edges and the four uprights.
    const { ex, ey } = this.map, b = [];
    const seg = (a, c) => b.push(...a, ...c);
    const corners = [[-ex, -ey], [ex, -ey], [ex, ey], [-ex, ey]];
    for (let i = 0; i < 4; i++) {
      const [x, y] = corners[i], [x2, y2] = corners[(i + 1) % 4];
      seg([x, y, FLOOR], [x2, y2, FLOOR]);
      seg([x, y, FLOOR], [x, y, ZH]);
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.box); gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(b), gl.STATIC_DRAW);
    this.boxCount = b.length / 3;
  }

  // buildFloor traces the floor's contours (the heat map's levels,
  // levels(scale, 14), one colour a level) on the landscape's grid, joins
  // them into polylines and thins them (Chords, a quarter pixel at zoom 1):
  // Rosenbrock's 256² has 10 600 segments, software WebGL pays for each.
  buildFloor(L) {
    const gl = this.gl, m = this.map, fl = [], eps = this.thin / 4;
    const X = (g) => L.x[0] + (g / (L.nx - 1)) * (L.x[1] - L.x[0]), Y = (g) => L.y[0] + (g / (L.ny - 1)) * (L.y[1] - L.y[0]);
    this.floorLevels = [];
    const lv = levels(L.scale, LEVELS - 1);
    lv.forEach((level, i) => {
      const first = fl.length / 3;
      for (const line of chain(trace(L.values, L.nx, L.ny, level))) {
        const c = new Chords(eps);
        for (let k = 0; k < line.length; k += 2) c.push((X(line[k]) - m.cx) * m.sx, (Y(line[k + 1]) - m.cy) * m.sy, FLOOR);
        const pts = c.tail() ? [...c.kept, ...c.tail().slice(3)] : c.kept;
        for (let k = 0; k + 5 < pts.length; k += 3) fl.push(pts[k], pts[k + 1], pts[k + 2], pts[k + 3], pts[k + 4], pts[k + 5]);
      }
      this.floorLevels.push([first, fl.length / 3 - first, (i + 1) / (lv.length + 1)]);
    });
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.floor);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(fl), gl.STATIC_DRAW);
  }

  background() { return (this.bg ||= parseColour(getComputedStyle(this.el).backgroundColor) || [1, 1, 1]); }

  drawFloor(mvp) {
    const gl = this.gl;
    if (!this.floorLevels?.length) return;
    this.useFlat(mvp, NO_TINT);
    this.attrib(this.flatProg, 'aPos', this.buf.floor, 3);
    for (const [first, n, t] of this.floorLevels) {
      const c = 3 * Math.round(t * 255);
      gl.uniform4f(this.flatProg.u.uColour, TABLE[c] / 255, TABLE[c + 1] / 255, TABLE[c + 2] / 255, 0.75);
      gl.drawArrays(gl.LINES, first, n);
    }
  }

  // updateTracks appends the runs' new points to their ribbons: the
  // segments between the points a chord test keeps (Chords: a gradient
  // descent's 10 000 steps along a valley are a few hundred segments),
  // then the tail to the current point, rewritten in place as the runs go.
  updateTracks() {
    const gl = this.gl, tracks = this.app.tracks;
    if (this.trailsDirty) {
      for (const r of this.runs) if (r?.buf) gl.deleteBuffer(r.buf);
      this.runs = [];
      this.trailsDirty = false;
    }
    if (!this.app.land) return;
    tracks.forEach((t, r) => {
      let run = this.runs[r];
      if (!run || run.track !== t) {
        if (run?.buf) gl.deleteBuffer(run.buf);
        // eps: a third of a pixel at zoom 1 (this.thin is about one).
        run = this.runs[r] = { track: t, buf: gl.createBuffer(), cap: 0, verts: 0, tail: 0, drawn: 0, sent: 0, chords: new Chords(this.thin / 3) };
      }
      if (run.drawn >= t.n) return;
      const ch = run.chords;
      for (let i = run.drawn; i < t.n; i++) {
        const p = this.lift(t.x[i], t.y[i], t.loss[i]);
        ch.push(p[0], p[1], p[2] + 0.004);
      }
      run.drawn = t.n;
      const k = ch.kept, from = Math.max(0, run.sent - 1) * 3;
      const data = ribbon(k.length - from >= 6 ? k.slice(from) : []), tail = ch.tail();
      const ntail = tail ? 4 : 0;
      gl.bindBuffer(gl.ARRAY_BUFFER, run.buf);
      if (run.verts + data.length / 7 + ntail > run.cap) {
        // Grow (WebGL 1 cannot copy a buffer): every kept segment again.
        const all = ribbon(k);
        run.cap = Math.max(1024, 2 * (all.length / 7 + 4));
        gl.bufferData(gl.ARRAY_BUFFER, run.cap * 28, gl.DYNAMIC_DRAW);
        run.verts = 0;
        data.length = 0;
        data.push(...all);
      }
      if (tail) ribbon(tail, data);
      if (data.length) gl.bufferSubData(gl.ARRAY_BUFFER, run.verts * 28, new Float32Array(data));
      run.verts += data.length / 7 - ntail;
      run.tail = ntail;
      run.sent = k.length / 3;
    });
  }

  // updateGeometry rebuilds the eigen-arrows and the quadratic model at the geometry point.
  updateGeometry() {
    const app = this.app, g = app.geometry, st = app.state, L = app.land;
    const key = g && L ? [g, st.eigen, st.quad, L] : null;
    if (this.geomKey && key && key.every((v, i) => v === this.geomKey[i])) return;
    if (!key && !this.geomKey && this.geomBuilt) return;
    this.geomKey = key;
    this.geomBuilt = true;
    this.arrows = [];
    this.modelCount = 0;
    this.modelAt = null;
    if (!key) return;
    const gl = this.gl, m = this.map, at = g.xy, J = g.loss;
    // d t/d J of the colour scale at J (its slope, for the tangent plane's height).
    const hJ = Math.max(Math.abs(L.max - L.min) * 1e-6, 1e-12);
    const slope = (L.scale.forward(J + hJ) - L.scale.forward(J - hJ)) / (2 * hJ);
    const base = this.lift(at[0], at[1], J);
    if (st.eigen && g.eigenvalues && g.eigenvectors) {
      const big = Math.max(Math.abs(g.eigenvalues[0]), Math.abs(g.eigenvalues[1]), 1e-300);
      const data = [];
      for (let i = 0; i < 2; i++) {
        const lam = g.eigenvalues[i], v = g.eigenvectors[i];
        // The tangent vector along v: (v, gᵀv) through the scene's scales.
        const tv = [v[0] * m.sx, v[1] * m.sy, (g.grad[0] * v[0] + g.grad[1] * v[1]) * slope * ZH];
        const n = Math.hypot(...tv) || 1, len = 0.45 * Math.max(Math.abs(lam) / big, 0.08);
        const d = tv.map((c) => (c / n) * len);
        const first = data.length / 7;
        for (const s of [1, -1]) {
          const tip = [base[0] + s * d[0], base[1] + s * d[1], base[2] + s * d[2]];
          // The head: two short strokes back from the tip, in the plane of d and the floor's normal × d.
          const side = [-d[1], d[0], 0], sn = Math.hypot(side[0], side[1]) || 1;
          const back = (k) => [tip[0] - s * d[0] * 0.22 + (k * side[0] / sn) * len * 0.12, tip[1] - s * d[1] * 0.22 + (k * side[1] / sn) * len * 0.12, tip[2] - s * d[2] * 0.22];
          ribbon([...base, ...tip], data);
          ribbon([...tip, ...back(1)], data);
          ribbon([...tip, ...back(-1)], data);
          if (s === 1) this.arrows.push({ lam, tip, base, i });
        }
        this.arrowRanges = this.arrowRanges || [];
        this.arrowRanges[i] = [first, data.length / 7 - first, lam >= 0 ? EIGEN_POS : EIGEN_NEG];
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.eigen);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.DYNAMIC_DRAW);
    }
    if (st.quad && g.hessian && g.grad) {
      // The model of eq. 8.13 on a 41 × 41 patch, a fifth of the view each way.
      const [x0, x1, y0, y1] = st.view, r = Math.max(x1 - x0, y1 - y0) * 0.2, n = 41;
      const f = quadModel(at, J, g.grad, g.hessian);
      const vals = new Float64Array(n * n);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals[j * n + i] = f(at[0] - r + (2 * r * i) / (n - 1), at[1] - r + (2 * r * j) / (n - 1));
      // Heights through the scale, unclamped: the shader drops what leaves the box.
      const Lm = { nx: n, ny: n, x: [at[0] - r, at[0] + r], y: [at[1] - r, at[1] + r], values: vals, scale: { forward: (v) => { const t = L.scale.forward(v); return v < L.min ? -2 : t; } } };
      const hf = heightField(Lm, m, false);
      for (let k = 0; k < n * n; k++) {
        const x = hf.pos[3 * k], y = hf.pos[3 * k + 1];
        if (Math.abs(x) > m.ex || Math.abs(y) > m.ey || vals[k] > L.max) hf.t[k] = -1; // outside the box
      }
      this.buf.model ||= { pos: gl.createBuffer(), nor: gl.createBuffer(), t: gl.createBuffer(), idx: gl.createBuffer() };
      const B = this.buf.model;
      gl.bindBuffer(gl.ARRAY_BUFFER, B.pos); gl.bufferData(gl.ARRAY_BUFFER, hf.pos, gl.DYNAMIC_DRAW);
      gl.bindBuffer(gl.ARRAY_BUFFER, B.nor); gl.bufferData(gl.ARRAY_BUFFER, hf.nor, gl.DYNAMIC_DRAW);
      gl.bindBuffer(gl.ARRAY_BUFFER, B.t); gl.bufferData(gl.ARRAY_BUFFER, hf.t, gl.DYNAMIC_DRAW);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, B.idx); gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, Uint16Array.from(gridIndices(n, n)), gl.DYNAMIC_DRAW);
      this.modelCount = 6 * (n - 1) * (n - 1);
      // The model's stationary point θ − H⁻¹g, where a Newton step lands (a saddle's too).
      const H = g.hessian, Hi = inv2([H[0][0], H[0][1], H[1][0], H[1][1]]);
      if (Hi) {
        const d = apply2(Hi, g.grad[0], g.grad[1]), s = [at[0] - d[0], at[1] - d[1]];
        const inBox = Math.abs((s[0] - m.cx) * m.sx) <= m.ex && Math.abs((s[1] - m.cy) * m.sy) <= m.ey;
        if (inBox) this.modelAt = this.lift(s[0], s[1], f(s[0], s[1]));
      }
    }
  }

  /** draw renders the view; called by the page's draw loop when something changed. */
  draw() {
    const gl = this.gl, app = this.app;
    if (gl.isContextLost()) return;
    if (this.heatDirty || this.meshLand !== app.land) this.buildMesh();
    this.updateTracks();
    this.updateGeometry();
    const W = this.canvas.width, H = this.canvas.height;
    gl.viewport(0, 0, W, H);
    const bg = this.background();
    gl.clearColor(bg[0], bg[1], bg[2], 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    const { mvp, eye } = this.matrices();
    this.mvp = mvp;
    this.eye = eye;
    const L = app.land;
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    const ink = this.ink ||= parseColour(getComputedStyle(document.body).color) || [0.1, 0.1, 0.1];
    const moving = performance.now() - (this.movedAt || 0) < MOVING_MS;
    if (L && this.count) {
      // The lit surface (coarser while the camera moves), then the floor's contours.
      if (moving) { clearTimeout(this.stillTimer); this.stillTimer = setTimeout(() => { app.dirty = true; }, MOVING_MS + 10); }
      const mesh = this.mesh(meshTolerance(mvp, this.w, this.h, this.dpr, moving));
      gl.enable(gl.POLYGON_OFFSET_FILL);
      gl.polygonOffset(1, 1);
      this.useSurface(mvp, this.buf, NO_TINT);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, mesh.buf);
      gl.disable(gl.BLEND); // opaque: no read of what is under it
      gl.drawElements(gl.TRIANGLES, mesh.count, this.idxType, 0);
      gl.enable(gl.BLEND);
      gl.disable(gl.POLYGON_OFFSET_FILL);
      this.drawnTris = mesh.count / 3;
      this.drawnMoving = moving; // a still frame follows MOVING_MS after the last move
      this.drawFloor(mvp);
    }
    // The box, over the floor.
    if (this.boxCount) {
      this.useFlat(mvp, [...ink, 0.45]);
      this.attrib(this.flatProg, 'aPos', this.buf.box, 3);
      gl.drawArrays(gl.LINES, 0, this.boxCount);
    }
    // Known minima and the start: markers, drawn over the surface with the current points (a
    // minimum at the bottom of a narrow valley would be hidden by its walls).
    const pts = [];
    if (L) {
      for (const mn of app.minima()) {
        const J = gridValue(L, mn[0], mn[1]);
        if (Number.isFinite(J)) pts.push({ p: this.lift(mn[0], mn[1], J), star: true, size: 16, fill: [1, 1, 1, 1], ring: [0, 0, 0, 1], depth: true });
      }
      if (app.start) {
        const t0 = app.tracks[0];
        const J0 = t0 && t0.n ? t0.loss[0] : NaN;
        if (Number.isFinite(J0)) pts.push({ p: this.lift(app.start[0], app.start[1], J0), size: 11, fill: [1, 1, 1, 1], ring: [0, 0, 0, 1], depth: true });
      }
    }
    // The paths: faint where a hill hides them (not while the camera moves), full where seen.
    const lw = (r) => (r === app.state.sel ? 3.2 : 2.4) * ui.line * this.dpr;
    for (const pass of moving ? [1] : [0, 1]) {
      gl.depthFunc(pass ? gl.LEQUAL : gl.GREATER);
      gl.depthMask(false);
      this.runs.forEach((run, r) => {
        const n = run?.verts + run?.tail;
        if (!n) return;
        this.useLine(mvp, run.buf, lw(r) * (pass ? 1 : 0.7), rgba(runColour(r), pass ? 1 : 0.3), 0.0004, true, n);
        gl.drawElements(gl.TRIANGLES, Math.min(n / 4, this.quadCap) * 6, this.quadType, 0);
      });
    }
    gl.depthFunc(gl.LEQUAL);
    gl.depthMask(true);
    // The local quadratic model, translucent.
    if (this.modelCount && L) {
      gl.depthMask(false);
      this.useSurface(mvp, this.buf.model, MODEL, 1);
      gl.drawElements(gl.TRIANGLES, this.modelCount, gl.UNSIGNED_SHORT, 0);
      gl.depthMask(true);
    }
    // On top of everything: the eigen-arrows, the model's stationary point, the current points.
    gl.disable(gl.DEPTH_TEST);
    for (const [first, n, col] of this.arrows?.length ? this.arrowRanges || [] : []) {
      this.useLine(mvp, this.buf.eigen, 3 * this.dpr, rgba(col), 0, false, first + n);
      gl.drawElements(gl.TRIANGLES, (n / 4) * 6, this.quadType, (first / 4) * 6 * this.quadBytes);
    }
    const top = pts;
    if (this.modelAt) top.push({ p: this.modelAt, size: 9, fill: [1, 0.25, 0.5, 1], ring: [1, 1, 1, 1] });
    this.current = [];
    app.tracks.forEach((t, r) => {
      if (!t.n || !L) return;
      const p = this.lift(t.x[t.n - 1], t.y[t.n - 1], t.loss[t.n - 1]);
      if (Math.abs(p[0]) > this.map.ex + 1e-3 || Math.abs(p[1]) > this.map.ey + 1e-3) return; // off the view, as in 2-D
      this.current[r] = p;
      top.push({ p, sel: r === app.state.sel, size: (r === app.state.sel ? 17 : 13) * ui.line, fill: rgba(runColour(r)), ring: app.status[r]?.status === 'diverged' ? [1, 1, 1, 1] : [0, 0, 0, 1] });
    });
    top.sort((a, b) => (a.sel ? 1 : 0) - (b.sel ? 1 : 0)); // the selected run's on top
    // A hover on the side plots rings each run's point at that step, as on the 2-D panel.
    if (app.hoverK != null && L) {
      app.tracks.forEach((t, r) => {
        const i = t.indexOf(app.hoverK);
        if (i < 0) return;
        const p = this.lift(t.x[i], t.y[i], t.loss[i]);
        if (Math.abs(p[0]) <= this.map.ex && Math.abs(p[1]) <= this.map.ey) top.push({ p, size: 24 * ui.line, fill: [1, 1, 1, 0], ring: rgba(runColour(r)) });
      });
    }
    this.drawPoints(top, mvp, false);
    gl.enable(gl.DEPTH_TEST);
    this.drawLabels(mvp, eye);
    if (this.cscale) {
      const sc = app.state.cscale || 'auto';
      if (this.cscale.value !== sc) this.cscale.value = sc;
      if (L) this.cscale.options[0].text = `auto: ${L.scale.kind === 'log' ? 'log' : 'lin'}`;
    }
    this.frames = (this.frames || 0) + 1;
  }

  // mesh returns the surface's index buffer keeping heights within tol (rounded to a power of √2, so that a zoom reuses it).
  mesh(tol) {
    const gl = this.gl, q = Math.round(2 * Math.log2(tol));
    let m = this.meshes.get(q);
    if (!m) {
      if (this.meshes.size > 6) { for (const o of this.meshes.values()) gl.deleteBuffer(o.buf); this.meshes.clear(); }
      const idx = rtinIndices(this.meshErr, this.meshN, 2 ** (q / 2), this.uint ? Uint32Array : Uint16Array), buf = gl.createBuffer();
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, buf);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STATIC_DRAW);
      this.meshes.set(q, m = { buf, count: idx.length, tol: 2 ** (q / 2) });
    }
    return m;
  }

  attrib(P, name, buf, size, stride = 0, offset = 0, bytes = false) {
    const gl = this.gl, loc = P.a[name];
    if (loc == null || loc < 0) return;
    if (!buf) { gl.disableVertexAttribArray(loc); return; }
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, bytes ? gl.UNSIGNED_BYTE : gl.FLOAT, bytes, stride, offset);
  }

  // use switches programs, leaving only the program's attributes enabled.
  use(P) {
    const gl = this.gl;
    if (this.inUse === P) return;
    for (let i = 0; i < 4; i++) gl.disableVertexAttribArray(i);
    gl.useProgram(P.prog);
    this.inUse = P;
  }

  useSurface(mvp, B, tint, clip = 0) {
    const gl = this.gl, P = this.surfaceProg;
    this.use(P);
    gl.uniformMatrix4fv(P.u.uMVP, false, mvp);
    gl.uniform1f(P.u.uLevels, LEVELS);
    gl.uniform1f(P.u.uClip, clip);
    gl.uniform4fv(P.u.uTint, tint);
    const l = [-0.35, -0.55, 0.76], n = Math.hypot(...l);
    gl.uniform3f(P.u.uLight, l[0] / n, l[1] / n, l[2] / n);
    if (B.surf) { // one interleaved buffer (interleave)
      this.attrib(P, 'aPos', B.surf, 3, 32, 0);
      this.attrib(P, 'aNor', B.surf, 3, 32, 12);
      this.attrib(P, 'aT', B.surf, 1, 32, 24);
      // Four bytes, not three: a 3-byte vertex format is converted on every draw by ANGLE.
      this.attrib(P, 'aCol', B.surf, 4, 32, 28, true);
      return;
    }
    this.attrib(P, 'aPos', B.pos, 3);
    this.attrib(P, 'aNor', B.nor, 3);
    this.attrib(P, 'aT', B.t, 1);
    this.attrib(P, 'aCol', null); // the model has none: its tint
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, B.idx);
  }

  // quads binds the shared index buffer of the ribbons, grown to n quads.
  quads(n) {
    const gl = this.gl;
    if (!this.quadBuf || this.quadCap < n) {
      this.quadCap = Math.max(1024, 2 * n);
      if (!this.uint) this.quadCap = Math.min(this.quadCap, 16384); // 16-bit indices reach 65 536 vertices
      this.quadBuf ||= gl.createBuffer();
      this.quadType = this.uint ? gl.UNSIGNED_INT : gl.UNSIGNED_SHORT;
      this.quadBytes = this.uint ? 4 : 2;
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.quadBuf);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, quadIndices(this.quadCap, this.uint ? Uint32Array : Uint16Array), gl.STATIC_DRAW);
    }
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.quadBuf);
  }

  useLine(mvp, buf, width, colour, lift, box = true, verts = 0) {
    const gl = this.gl, P = this.lineProg;
    this.quads(Math.ceil(verts / 4));
    this.use(P);
    gl.uniformMatrix4fv(P.u.uMVP, false, mvp);
    gl.uniform2f(P.u.uView, this.canvas.width, this.canvas.height);
    gl.uniform1f(P.u.uWidth, width);
    gl.uniform1f(P.u.uLift, lift);
    gl.uniform4fv(P.u.uColour, colour);
    gl.uniform2f(P.u.uBox, box ? this.map.ex + 1e-3 : 1e9, box ? this.map.ey + 1e-3 : 1e9);
    this.attrib(P, 'aPos', buf, 3, 28, 0);
    this.attrib(P, 'aOther', buf, 3, 28, 12);
    this.attrib(P, 'aSide', buf, 1, 28, 24);
  }

  useFlat(mvp, colour) {
    const gl = this.gl, P = this.flatProg;
    this.use(P);
    gl.uniformMatrix4fv(P.u.uMVP, false, mvp);
    gl.uniform4fv(P.u.uColour, colour);
  }

  drawPoints(list, mvp) {
    if (!list.length) return;
    const gl = this.gl, P = this.pointProg;
    this.use(P);
    gl.uniformMatrix4fv(P.u.uMVP, false, mvp);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pts);
    if (!this.ptsData || this.ptsData.length < 3 * list.length) { // grown, not made anew each frame
      this.ptsData = new Float32Array(Math.max(96, 6 * list.length));
      gl.bufferData(gl.ARRAY_BUFFER, this.ptsData.byteLength, gl.DYNAMIC_DRAW);
    }
    list.forEach((q, i) => this.ptsData.set(q.p, 3 * i));
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.ptsData.subarray(0, 3 * list.length));
    this.attrib(P, 'aPos', this.buf.pts, 3);
    list.forEach((q, i) => {
      gl.uniform1f(P.u.uSize, q.size * this.dpr);
      gl.uniform4fv(P.u.uColour, q.fill);
      gl.uniform4fv(P.u.uRing, q.ring);
      gl.uniform1f(P.u.uStar, q.star ? 1 : 0);
      gl.drawArrays(gl.POINTS, i, 1);
    });
  }

  // drawLabels writes the axes' ticks and names and the eigenvalues on the 2-D canvas over the view.
  drawLabels(mvp) {
    const ctx = this.labels.getContext('2d'), dpr = this.dpr, L = this.app.land;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.w, this.h);
    if (!L) return;
    const m = this.map, P = (x, y, z) => project(mvp, x, y, z, this.w, this.h);
    const ink = this.inkCSS ||= getComputedStyle(document.body).color || '#222';
    ctx.fillStyle = ink;
    ctx.strokeStyle = ink;
    ctx.lineWidth = 1;
    const font = (s, st = '') => `${st}${Math.round(s * ui.font)}px system-ui, sans-serif`;
    // The floor's edges nearest the eye carry the x and y ticks.
    const eye = this.eye, ey = eye[1] < 0 ? -m.ey : m.ey, ex = eye[0] < 0 ? -m.ex : m.ex;
    const [x0, x1, y0, y1] = [L.x[0], L.x[1], L.y[0], L.y[1]];
    const centre = P(0, 0, FLOOR);
    const tick = (a, label, name) => {
      if (!a || !centre) return;
      // Outward on screen: away from the floor's centre.
      let ox = a[0] - centre[0], oy = a[1] - centre[1];
      const on = Math.hypot(ox, oy) || 1;
      ox /= on; oy /= on;
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(a[0] + ox * 5, a[1] + oy * 5); ctx.stroke();
      ctx.textAlign = ox > 0.3 ? 'left' : ox < -0.3 ? 'right' : 'center';
      ctx.textBaseline = oy > 0.3 ? 'top' : oy < -0.3 ? 'bottom' : 'middle';
      ctx.font = name ? font(13, 'italic ') : font(11);
      const d = name ? 26 : 8;
      const at = inside(label, a[0] + ox * d, a[1] + oy * d), box = boxOf(label, at);
      // Where the two floor edges meet, their end ticks would print over
      // each other: a tick whose label touches one already written is left
      // out (its tick mark stays); an axis name is always written.
      if (!name && placed.some((q) => box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3])) return;
      placed.push(box);
      ctx.fillText(label, ...at);
    };
    const placed = [];
    const boxOf = (text, [x, y]) => {
      const tw = ctx.measureText(text).width, th = 12 * ui.font;
      const l = ctx.textAlign === 'left' ? x : ctx.textAlign === 'right' ? x - tw : x - tw / 2;
      const t = ctx.textBaseline === 'top' ? y : ctx.textBaseline === 'bottom' ? y - th : y - th / 2;
      return [l - 2, t, l + tw + 2, t + th];
    };
    // inside moves a label's anchor so that the text stays on the canvas
    // (a front corner's tick can fall off its edge) and above the bar of
    // buttons under its left corner.
    const bar = this.barBox ||= (() => { const c = this.canvas.getBoundingClientRect(), r = this.bar.getBoundingClientRect(); return [r.left - c.left, r.top - c.top, r.right - c.left]; })();
    const inside = (text, x, y) => {
      const tw = ctx.measureText(text).width, th = 12 * ui.font;
      const l = ctx.textAlign === 'left' ? x : ctx.textAlign === 'right' ? x - tw : x - tw / 2;
      const t = ctx.textBaseline === 'top' ? y : ctx.textBaseline === 'bottom' ? y - th : y - th / 2;
      const dx = Math.max(0, 2 - l) - Math.max(0, l + tw - (this.w - 2));
      const floor = l + dx < bar[2] && l + dx + tw > bar[0] ? bar[1] - 1 : this.h - 2;
      return [x + dx, y + Math.max(0, 2 - t) - Math.max(0, t + th - floor)];
    };
    const [n1, n2] = this.app.model?.axisNames?.() || ['θ₁', 'θ₂'];
    if (this.labels.dataset.axes !== `${n1},${n2}`) this.labels.dataset.axes = `${n1},${n2}`; // what the floor's edges are labelled (tests)
    const xs = niceTicks(x0, x1, Math.max(3, Math.round(this.w / 160)));
    for (const v of xs) { const sx = (v - m.cx) * m.sx; tick(P(sx, ey, FLOOR), fmt(v, 3)); }
    tick(P(0, ey, FLOOR), n1, true);
    const ys = niceTicks(y0, y1, Math.max(3, Math.round(this.w / 160)));
    for (const v of ys) { const sy = (v - m.cy) * m.sy; tick(P(ex, sy, FLOOR), fmt(v, 3)); }
    tick(P(ex, 0, FLOOR), n2, true);
    // The loss axis: the upright leftmost on screen.
    const ups = [[-m.ex, -m.ey], [m.ex, -m.ey], [m.ex, m.ey], [-m.ex, m.ey]].map(([x, y]) => ({ x, y, s: P(x, y, FLOOR) })).filter((u) => u.s);
    ups.sort((a, b) => a.s[0] - b.s[0]);
    const u = ups[0];
    if (u) {
      const vs = scaleTicks(L.scale, 5, 0.09), labels = tickLabels(vs);
      ctx.font = font(11);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      vs.forEach((v, i) => {
        const t = Math.min(1, Math.max(0, L.scale.forward(v))), s = P(u.x, u.y, t * ZH);
        if (!s) return;
        ctx.beginPath(); ctx.moveTo(s[0], s[1]); ctx.lineTo(s[0] - 5, s[1]); ctx.stroke();
        ctx.fillText(labels[i], s[0] - 7, s[1]);
      });
      const top = P(u.x, u.y, ZH + 0.12);
      if (top) {
        ctx.font = font(13, 'italic ');
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        ctx.fillText(L.scale.kind === 'log' ? 'J (log)' : 'J', top[0], top[1]);
      }
    }
    // The eigenvalues at the arrows' tips.
    // Each beyond its arrow's tip, along the arrow on screen.
    ctx.font = font(12, 'bold ');
    // What the model's label must not cover: the eigenvalues' plates, the current points, the arrows' tips.
    const taken = [];
    for (const p of this.current || []) { const s = p && P(...p); if (s) taken.push([s[0] - 9, s[1] - 9, 18, 18]); }
    for (const a of this.arrows || []) { // both ways from the base, as drawn
      for (let f = -1; f <= 1.001; f += 0.2) {
        const q = P(...a.base.map((b, i) => b + f * (a.tip[i] - b)));
        if (q) taken.push([q[0] - 4, q[1] - 4, 8, 8]);
      }
    }
    for (const a of this.arrows || []) {
      const s = P(...a.tip), o = P(...a.base);
      if (!s || !o) continue;
      const n = Math.hypot(s[0] - o[0], s[1] - o[1]) || 1, ux = (s[0] - o[0]) / n, uy = (s[1] - o[1]) / n;
      ctx.textAlign = ux > 0.35 ? 'left' : ux < -0.35 ? 'right' : 'center';
      ctx.textBaseline = uy > 0.35 ? 'top' : uy < -0.35 ? 'bottom' : 'middle';
      const text = `λ${a.i ? '₂' : '₁'} = ${fmt(a.lam, 3)}`, x = s[0] + ux * 8, y = s[1] + uy * 8;
      // On a dark plate, readable over any colour of the surface.
      const tw = ctx.measureText(text).width, th = 15 * ui.font;
      const bx = ctx.textAlign === 'left' ? x : ctx.textAlign === 'right' ? x - tw : x - tw / 2;
      const by = ctx.textBaseline === 'top' ? y : ctx.textBaseline === 'bottom' ? y - th : y - th / 2;
      ctx.fillStyle = 'rgba(0,0,0,0.62)';
      ctx.fillRect(bx - 3, by - 1, tw + 6, th + 2);
      taken.push([bx - 3, by - 1, tw + 6, th + 2]);
      ctx.fillStyle = a.lam >= 0 ? EIGEN_POS : EIGEN_NEG;
      ctx.fillText(text, x, y + (ctx.textBaseline === 'top' ? 1 : ctx.textBaseline === 'bottom' ? -1 : 0));
    }
    this.modelLabel = null;
    if (this.modelAt) {
      const s = P(...this.modelAt);
      if (s) {
        // On a light plate, at the corner of the point where it covers least of the labels and points.
        const text = 'model’s stationary point';
        ctx.font = font(12, 'bold ');
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        const tw = ctx.measureText(text).width + 8, th = 16 * ui.font;
        const cover = (r) => taken.reduce((a, q) => a + Math.max(0, Math.min(r[0] + r[2], q[0] + q[2]) - Math.max(r[0], q[0])) * Math.max(0, Math.min(r[1] + r[3], q[1] + q[3]) - Math.max(r[1], q[1])), 0)
          + (r[0] < 0 || r[1] < 0 || r[0] + r[2] > this.w || r[1] + r[3] > this.h ? 1e6 : 0);
        // Nearest first, in eight directions; a plate away from the point gets a leader line.
        const spots = [];
        for (const d of [8, 30, 60]) {
          for (const [ux, uy] of [[1, 1], [-1, 1], [1, -1], [-1, -1], [0, 1], [0, -1], [1, 0], [-1, 0]]) {
            const x = ux > 0 ? s[0] + d : ux < 0 ? s[0] - d - tw : s[0] - tw / 2, y = uy > 0 ? s[1] + d * 0.75 : uy < 0 ? s[1] - d * 0.75 - th : s[1] - th / 2;
            spots.push([x, y, tw, th, d]);
          }
        }
        const end = (q) => [Math.min(Math.max(s[0], q[0]), q[0] + q[2]), Math.min(Math.max(s[1], q[1]), q[1] + q[3])];
        // A leader line along an arrow would seem to label it: its points past the point's own marker count too.
        const leader = (q) => {
          if (q[4] <= 8) return 0;
          const [ex, ey] = end(q);
          let n = 0;
          for (let f = 0.35; f < 1; f += 0.15) n += cover([s[0] + f * (ex - s[0]) - 1, s[1] + f * (ey - s[1]) - 1, 2, 2]) > 0 ? 40 : 0;
          return n;
        };
        const cost = (q) => cover(q) + leader(q);
        const best = spots.reduce((b, q) => (cost(q) < cost(b) ? q : b)), r = best.slice(0, 4);
        if (best[4] > 8) {
          const [cx, cy] = end(best);
          ctx.strokeStyle = '#ad1457';
          ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.moveTo(s[0], s[1]); ctx.lineTo(cx, cy); ctx.stroke();
        }
        ctx.fillStyle = 'rgba(255,255,255,0.85)';
        ctx.fillRect(...r);
        ctx.fillStyle = '#ad1457';
        ctx.fillText(text, r[0] + 4, r[1] + 2 * ui.font);
        this.modelLabel = r; // where it went, and what it had to miss (tests)
        this.labelTaken = taken;
      }
    }
  }

  /** flatPanel returns a 2-D panel of the scene at this view's width, for the SVG export, titled as a 2-D view. */
  flatPanel() {
    const host = document.createElement('div');
    host.style.cssText = `position: absolute; left: -100000px; top: 0; width: ${this.w}px`;
    document.body.append(host);
    try {
      return new Panel(this.app, host, { title: '2-D view: an SVG is flat (export PNG for the 3-D view)' });
    } finally {
      host.remove();
    }
  }

  /** markedPx returns the current points in CSS px (for an exported legend to avoid). */
  markedPx() {
    const out = [];
    for (const p of this.current || []) {
      const s = p && project(this.mvp, ...p, this.w, this.h);
      if (s) out.push(s[0], s[1]);
    }
    return out;
  }

  /** exportCanvas renders the view at scale device pixels per CSS px into a new 2-D canvas, labels included. */
  exportCanvas(scale = 2) {
    const keep = this.dpr, out = document.createElement('canvas');
    out.width = Math.round(this.w * scale); out.height = Math.round(this.h * scale);
    this.dpr = scale;
    for (const c of [this.canvas, this.labels]) { c.width = out.width; c.height = out.height; }
    try {
      this.trailsDirty = true;
      this.draw();
      const ctx = out.getContext('2d');
      ctx.drawImage(this.canvas, 0, 0);
      ctx.drawImage(this.labels, 0, 0);
    } finally {
      this.dpr = keep;
      for (const c of [this.canvas, this.labels]) { c.width = Math.round(this.w * keep); c.height = Math.round(this.h * keep); }
      this.trailsDirty = true;
      this.app.dirty = true;
    }
    return out;
  }

  /**
   * benchFrame turns the camera by one degree and renders, waiting for the
   * GPU (a one-pixel read), and returns the milliseconds it took.
   */
  benchFrame(orbit = true) {
    const t0 = performance.now();
    this.setCamera([this.cam[0] + (orbit ? 1 : 0), this.cam[1], this.cam[2]], false);
    if (!orbit) this.movedAt = 0; // a still frame: the full mesh
    this.draw();
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, new Uint8Array(4));
    return performance.now() - t0;
  }

  /** renderer names the WebGL implementation (SwiftShader in headless Chromium). */
  renderer() {
    const gl = this.gl, ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  }
}

/**
 * chain joins trace's segments ([x0, y0, x1, y1, ...]; a point where a
 * line crosses a cell's edge is the same number in both cells) into
 * polylines, each a flat [x, y, ...].
 */
export function chain(seg) {
  const n = seg.length / 4, ends = new Map(), used = new Uint8Array(n), key = (x, y) => x + ',' + y;
  for (let s = 0; s < n; s++) {
    for (const e of [0, 2]) {
      const k = key(seg[4 * s + e], seg[4 * s + e + 1]), l = ends.get(k);
      if (l) l.push(s); else ends.set(k, [s]);
    }
  }
  // walk follows the unused segments on from (x, y), pushing the points it reaches.
  const walk = (x, y, out) => {
    for (;;) {
      const s = ends.get(key(x, y))?.find((q) => !used[q]);
      if (s === undefined) return;
      used[s] = 1;
      const at0 = seg[4 * s] === x && seg[4 * s + 1] === y;
      x = at0 ? seg[4 * s + 2] : seg[4 * s]; y = at0 ? seg[4 * s + 3] : seg[4 * s + 1];
      out.push(x, y);
    }
  };
  const lines = [];
  for (let s = 0; s < n; s++) {
    if (used[s]) continue;
    used[s] = 1;
    const fwd = [seg[4 * s], seg[4 * s + 1], seg[4 * s + 2], seg[4 * s + 3]], back = [];
    walk(seg[4 * s + 2], seg[4 * s + 3], fwd);
    walk(seg[4 * s], seg[4 * s + 1], back);
    const line = [];
    for (let i = back.length - 2; i >= 0; i -= 2) line.push(back[i], back[i + 1]);
    lines.push(line.concat(fwd));
  }
  return lines;
}

/** vertexColours returns the heat map's colour of each t (4 bytes a vertex, for a normalised attribute). */
export function vertexColours(ts) {
  const out = new Uint8Array(4 * ts.length);
  for (let k = 0; k < ts.length; k++) {
    const t = ts[k] < 0 ? 0 : ts[k] > 1 ? 1 : ts[k], c = 3 * Math.round(t * 255);
    out[4 * k] = TABLE[c]; out[4 * k + 1] = TABLE[c + 1]; out[4 * k + 2] = TABLE[c + 2]; out[4 * k + 3] = 255;
  }
  return out;
}

/** gridValue interpolates the landscape grid L bilinearly at (x, y) (NaN outside it). */
export function gridValue(L, x, y) {
  const fx = ((x - L.x[0]) / (L.x[1] - L.x[0])) * (L.nx - 1), fy = ((y - L.y[0]) / (L.y[1] - L.y[0])) * (L.ny - 1);
  if (!(fx >= 0 && fx <= L.nx - 1 && fy >= 0 && fy <= L.ny - 1)) return NaN;
  const i = Math.min(Math.floor(fx), L.nx - 2), j = Math.min(Math.floor(fy), L.ny - 2), u = fx - i, w = fy - j;
  const v = (a, b) => L.values[b * L.nx + a];
  return (1 - u) * (1 - w) * v(i, j) + u * (1 - w) * v(i + 1, j) + (1 - u) * w * v(i, j + 1) + u * w * v(i + 1, j + 1);
}

/** parseColour reads a CSS rgb()/rgba() colour into [r, g, b] in [0, 1], null if it cannot. */
export function parseColour(css) {
  const m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/.exec(css || '');
  return m ? [m[1] / 255, m[2] / 255, m[3] / 255] : null;
}
