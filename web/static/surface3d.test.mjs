// Tests of the 3-D view's pure parts (surface3d.mjs, mat4.mjs) and its URL
// state: node --test web/static/
import test from 'node:test';
import assert from 'node:assert/strict';
import { identity, multiply, perspective, lookAt, transform, project } from './mat4.mjs';
import { clampCamera, sceneMap, cameraEye, heightField, gridIndices, ribbon, quadIndices, gridValue, parseColour, DEFAULT_CAMERA, vertexColours, meshSide, resample, rtinErrors, rtinIndices, interleave, Chords, chain } from './surface3d.mjs';
import { trace } from './contour.mjs';
import { lut } from './colormap.mjs';
import { valueScale } from './colormap.mjs';
import { encodeState, decodeState } from './urlstate.mjs';

const close = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('multiply by the identity changes nothing; the product applies b first', () => {
  const a = lookAt([3, -2, 1], [0, 0, 0], [0, 0, 1]);
  const ia = multiply(identity(), a);
  for (let i = 0; i < 16; i++) close(ia[i], a[i], 0);
  const p = perspective(1, 1.5, 0.1, 10);
  const pa = multiply(p, a), v = transform(a, 0.3, -0.2, 0.5), want = transform(p, v[0], v[1], v[2]);
  const got = transform(pa, 0.3, -0.2, 0.5);
  for (let i = 0; i < 4; i++) close(got[i], want[i], 1e-5);
});

test('lookAt puts the target straight ahead and the eye at the origin', () => {
  const eye = [2, -3, 1.5], v = lookAt(eye, [0, 0, 0.2], [0, 0, 1]);
  const e = transform(v, ...eye);
  for (let i = 0; i < 3; i++) close(e[i], 0, 1e-6);
  const t = transform(v, 0, 0, 0.2);
  close(t[0], 0, 1e-6); close(t[1], 0, 1e-6);
  assert.ok(t[2] < 0, 'the camera looks down its −z');
  // The world's up stays up on screen.
  const up = transform(v, 0, 0, 1.2);
  assert.ok(up[1] > t[1]);
});

test('project maps the target to the canvas centre and drops what is behind the eye', () => {
  const eye = cameraEye(DEFAULT_CAMERA, [0, 0, 0]);
  const m = multiply(perspective(0.6, 2, 0.1, 50), lookAt(eye, [0, 0, 0], [0, 0, 1]));
  const c = project(m, 0, 0, 0, 800, 400);
  close(c[0], 400, 1e-3); close(c[1], 200, 1e-3);
  const behind = [2 * eye[0], 2 * eye[1], 2 * eye[2]];
  assert.equal(project(m, ...behind, 800, 400), null);
});

test('cameraEye: yaw 0 looks from −y, pitch lifts the eye, zoom brings it nearer', () => {
  const a = cameraEye([0, 0.0001, 1], [0, 0, 0]);
  close(a[0], 0); assert.ok(a[1] < 0); close(a[2], 0, 1e-3);
  const b = cameraEye([0, 60, 1], [0, 0, 0]);
  assert.ok(b[2] > 0);
  const d1 = Math.hypot(...cameraEye([20, 30, 1], [0, 0, 0])), d2 = Math.hypot(...cameraEye([20, 30, 2], [0, 0, 0]));
  close(d1 / d2, 2, 1e-9);
});

test('clampCamera wraps yaw, bounds pitch and zoom, and repairs nonsense', () => {
  assert.deepEqual(clampCamera([370, 100, 50]), [10, 89, 6]);
  assert.deepEqual(clampCamera([-190, -5, 0.01]), [170, 2, 0.25]);
  assert.deepEqual(clampCamera([180, 30, 1]), [180, 30, 1]);
  assert.deepEqual(clampCamera([-180, 30, 1]), [180, 30, 1]);
  assert.deepEqual(clampCamera(null), [...DEFAULT_CAMERA]);
  assert.deepEqual(clampCamera([NaN, 1, 1]), [...DEFAULT_CAMERA]);
});

test('sceneMap keeps equal scales: the longer side spans [-1, 1]', () => {
  const m = sceneMap([-4, 0, 1, 3]);
  close((-4 - m.cx) * m.sx, -1); close((0 - m.cx) * m.sx, 1);
  close((1 - m.cy) * m.sy, -0.5); close(m.ey, 0.5); close(m.ex, 1);
});

// A saddle J = x² − y² on a 5 × 5 grid over [-1, 1]².
function saddleGrid(n = 5) {
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) { const x = -1 + (2 * i) / (n - 1), y = -1 + (2 * j) / (n - 1); values[j * n + i] = x * x - y * y; }
  return { nx: n, ny: n, x: [-1, 1], y: [-1, 1], values, min: -1, max: 1, scale: valueScale(-1, 1, { kind: 'lin' }) };
}

test('heightField lifts each grid point to its colour value, with upward normals and holes marked', () => {
  const L = saddleGrid();
  L.values[20] = NaN;
  const f = heightField(L, sceneMap([-1, 1, -1, 1]));
  for (let k = 0; k < 25; k++) {
    if (k === 20) { assert.equal(f.t[k], -1); continue; }
    close(f.t[k], L.scale.forward(L.values[k]), 1e-6);
    close(f.pos[3 * k + 2], f.t[k], 1e-6);
    assert.ok(f.nor[3 * k + 2] > 0, 'the normal points up');
    close(Math.hypot(f.nor[3 * k], f.nor[3 * k + 1], f.nor[3 * k + 2]), 1, 1e-6);
  }
  // Row 0 is the lowest y, column 0 the lowest x.
  close(f.pos[0], -1); close(f.pos[1], -1);
  close(f.pos[3 * 24], 1); close(f.pos[3 * 24 + 1], 1);
  // At the saddle's centre the surface is flat; at (1, 0) it rises along +x, so the normal leans to −x.
  close(f.nor[3 * 12 + 2], 1, 1e-6);
  assert.ok(f.nor[3 * 14] < 0);
  // A log scale gives log heights: the same order, another spacing.
  const log = heightField({ ...L, values: L.values.map((v) => v + 1), min: 0, max: 2, scale: valueScale(0, 2, { kind: 'log' }) }, sceneMap([-1, 1, -1, 1]));
  assert.ok(log.t[12] > 0.5, `a log scale puts the middle value ${log.t[12]} high`);
});

test('heightField leaves heights unclamped when asked (the quadratic model beyond the box)', () => {
  const L = saddleGrid();
  L.scale = valueScale(0, 0.5, { kind: 'lin' });
  const f = heightField(L, sceneMap([-1, 1, -1, 1]), false);
  assert.ok(Math.min(...f.t) < 0 && Math.max(...f.t) > 1);
});

test('gridIndices covers every cell with two triangles of its corners', () => {
  const idx = gridIndices(3, 2);
  assert.equal(idx.length, 12);
  assert.deepEqual(Array.from(idx.slice(0, 6)), [0, 1, 4, 0, 4, 3]);
  assert.ok(Math.max(...idx) === 5);
  // Every other row and column, the last ones kept: 4 × 4 → columns 0, 2, 3.
  const sub = gridIndices(4, 4, 2);
  assert.equal(sub.length, 6 * 2 * 2);
  assert.deepEqual(Array.from(sub.slice(0, 6)), [0, 2, 10, 0, 10, 8]);
  assert.equal(Math.max(...sub), 15);
});

test('ribbon makes one quad of 4 vertices per segment; quadIndices two triangles of each, one side each', () => {
  const out = ribbon([0, 0, 0, 1, 0, 0, 1, 1, 0]);
  assert.equal(out.length, 2 * 4 * 7);
  const sides = [], ends = [];
  for (let v = 0; v < 4; v++) { sides.push(out[v * 7 + 6]); ends.push(out[v * 7]); }
  // From p (x = 0) the sides are +1, −1; from q (x = 1, its other end p) −1, +1: the same two sides of the segment.
  assert.deepEqual(sides, [1, -1, -1, 1]);
  assert.deepEqual(ends, [0, 0, 1, 1]);
  assert.deepEqual(out.slice(0, 6), [0, 0, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(quadIndices(2)), [0, 1, 2, 1, 3, 2, 4, 5, 6, 5, 7, 6]);
  // Each triangle joins both ends, so it spans the segment (not a sliver at one end).
  const idx = quadIndices(1);
  for (const tri of [idx.slice(0, 3), idx.slice(3, 6)]) assert.deepEqual(new Set(Array.from(tri).map((v) => ends[v])), new Set([0, 1]));
});

test('gridValue interpolates between grid points and is NaN outside', () => {
  const L = saddleGrid();
  close(gridValue(L, 0.5, 0), 0.25);
  close(gridValue(L, 0.25, 0), 0.125); // halfway between 0 and 0.25
  close(gridValue(L, 1, 1), 0);
  assert.ok(Number.isNaN(gridValue(L, 1.2, 0)));
});

test('parseColour reads computed colours', () => {
  assert.deepEqual(parseColour('rgb(255, 0, 51)'), [1, 0, 0.2]);
  assert.deepEqual(parseColour('rgba(0, 255, 0, 0.5)'), [0, 1, 0]);
  assert.equal(parseColour('transparent'), null);
});

test('the URL keeps the 3-D layout and its camera', () => {
  const s = decodeState('?obj=monkey_saddle&mode=3d&cam=20,45,1.5');
  assert.equal(s.mode, '3d');
  assert.deepEqual(s.cam, [20, 45, 1.5]);
  const q = encodeState(s);
  assert.match(q, /mode=3d/);
  assert.match(q, /cam=20,45,1.5/);
  assert.deepEqual(decodeState('?' + q).cam, [20, 45, 1.5]);
  assert.equal(decodeState('?cam=1,2').cam, null);
  assert.equal(decodeState('?cam=1,2,0').cam, null);
  assert.doesNotMatch(encodeState(decodeState('?obj=saddle')), /cam=/);
});

test('vertexColours are the heat map table’s colours, clamped', () => {
  const T = lut(), c = vertexColours(Float32Array.from([0, 1, 0.5, -1, 2]));
  assert.deepEqual(Array.from(c.slice(0, 4)), [T[0], T[1], T[2], 255]);
  assert.deepEqual(Array.from(c.slice(4, 8)), [T[765], T[766], T[767], 255]);
  assert.deepEqual(Array.from(c.slice(12, 16)), Array.from(c.slice(0, 4)));
  assert.deepEqual(Array.from(c.slice(16, 20)), Array.from(c.slice(4, 8)));
});

test('meshSide is the smallest 2^k + 1 not under the longer side, capped', () => {
  assert.equal(meshSide(256, 256), 257);
  assert.equal(meshSide(64, 40), 65);
  assert.equal(meshSide(65, 65), 65);
  assert.equal(meshSide(1024, 1024), 257);
  assert.equal(meshSide(256, 256, 129), 129);
  assert.equal(meshSide(2, 2), 3);
});

test('resample interpolates the grid on N × N over the same rectangle; holes stay holes', () => {
  const L = saddleGrid(5);
  assert.equal(resample(L, 5), L);
  const R = resample(L, 9);
  assert.equal(R.nx, 9); assert.deepEqual(R.x, L.x);
  close(R.values[0], L.values[0]); close(R.values[80], L.values[24]);
  close(R.values[2 * 9 + 2], L.values[1 * 5 + 1]); // grid points stay
  close(R.values[1], (L.values[0] + L.values[1]) / 2); // between them, the mean
  const holed = { ...L, values: Array.from(L.values, (v, k) => (k === 12 ? null : v)) };
  assert.ok(Number.isNaN(resample(holed, 9).values[4 * 9 + 4]));
});

// mesh checks the network of tol on the N × N heights t: it tiles the
// square (area), has no T-junction (no used point inside another
// triangle's edge, so no crack) and keeps every grid point within about
// tol (the error is measured at the hypotenuses' midpoints, each against
// its own hypotenuse: points inside a triangle may be off by a little
// more; 1.5 tol bounds it here).
function mesh(t, N, tol) {
  const idx = rtinIndices(rtinErrors(t, N), N, tol), used = new Set(idx);
  let area = 0;
  const xy = (k) => [k % N, Math.floor(k / N)];
  for (let i = 0; i < idx.length; i += 3) {
    const [a, b, c] = [idx[i], idx[i + 1], idx[i + 2]].map(xy);
    const A = ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2;
    area += Math.abs(A);
    for (const [p, q] of [[a, b], [b, c], [c, a]]) {
      const n = Math.max(Math.abs(q[0] - p[0]), Math.abs(q[1] - p[1]));
      for (let s = 1; s < n; s++) {
        const k = (p[1] + ((q[1] - p[1]) * s) / n) * N + p[0] + ((q[0] - p[0]) * s) / n;
        assert.ok(!used.has(k), `a T-junction at ${xy(k)}`);
      }
    }
    // Every grid point in the triangle, against the plane through its corners.
    const [x0, x1] = [Math.min(a[0], b[0], c[0]), Math.max(a[0], b[0], c[0])], [y0, y1] = [Math.min(a[1], b[1], c[1]), Math.max(a[1], b[1], c[1])];
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const w1 = ((b[1] - c[1]) * (x - c[0]) + (c[0] - b[0]) * (y - c[1])) / (2 * A), w2 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / (2 * A), w3 = 1 - w1 - w2;
      if (w1 < -1e-9 || w2 < -1e-9 || w3 < -1e-9) continue;
      const z = w1 * t[idx[i]] + w2 * t[idx[i + 1]] + w3 * t[idx[i + 2]];
      assert.ok(Math.abs(z - t[y * N + x]) <= 1.5 * tol + 1e-6, `off by ${Math.abs(z - t[y * N + x])} at ${x}, ${y}`);
    }
  }
  close(area, (N - 1) ** 2, 1e-9);
  return idx.length / 3;
}

test('rtin: a plane is two triangles; a bump keeps its heights within the tolerance, with no cracks', () => {
  const N = 33, plane = new Float32Array(N * N), bump = new Float32Array(N * N);
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
    plane[j * N + i] = 0.2 + 0.01 * i + 0.005 * j;
    const x = i / (N - 1) - 0.3, y = j / (N - 1) - 0.6;
    bump[j * N + i] = Math.exp(-4 * (x * x + 2 * y * y)) * 0.6 + 0.05 * Math.sin(3 * x);
  }
  assert.equal(mesh(plane, N, 1e-6), 2); // (float rounding: not 0)
  const fine = mesh(bump, N, 0), mid = mesh(bump, N, 0.01), coarse = mesh(bump, N, 0.05);
  assert.ok(fine > 0.95 * 2 * (N - 1) ** 2 && fine <= 2 * (N - 1) ** 2); // all but where a midpoint is exact
  assert.ok(coarse < mid && mid < fine / 3, `${coarse} < ${mid} < ${fine} / 3`);
  // A hole keeps its neighbourhood at full detail.
  bump[10 * N + 20] = -1;
  const holed = rtinIndices(rtinErrors(bump, N), N, 0.05);
  assert.ok(holed.includes(10 * N + 20) && holed.length / 3 > coarse);
});

test('interleave packs position, normal, t and the colour in 32 bytes a vertex', () => {
  const f = { pos: Float32Array.of(1, 2, 3), nor: Float32Array.of(0, 0, 1), t: Float32Array.of(1) };
  const ab = interleave(f), fv = new Float32Array(ab), bv = new Uint8Array(ab), T = lut();
  assert.equal(ab.byteLength, 32);
  assert.deepEqual(Array.from(fv.slice(0, 7)), [1, 2, 3, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(bv.slice(28)), [T[765], T[766], T[767], 255]);
});

test('Chords keeps the corners of a path and leaves out what lies on a chord', () => {
  const c = new Chords(0.01);
  for (let i = 0; i <= 50; i++) c.push(i / 50, 0, 0); // along x
  for (let i = 1; i <= 50; i++) c.push(1, i / 50, 0); // then along y
  assert.deepEqual(c.kept, [0, 0, 0, 1, 0, 0]);
  assert.deepEqual(c.tail(), [1, 0, 0, 1, 1, 0]);
  // A circle: every point within eps of the drawn polyline, far fewer segments than points.
  const d = new Chords(0.002), pts = [];
  for (let i = 0; i <= 1000; i++) { const a = (i / 1000) * 2 * Math.PI; pts.push([Math.cos(a), Math.sin(a), 0]); d.push(...pts.at(-1)); }
  const poly = [...d.kept, ...d.tail().slice(3)], segs = poly.length / 3 - 1;
  assert.ok(segs > 10 && segs < 100, `${segs} segments`);
  for (const p of pts) {
    let best = Infinity;
    for (let s = 0; s < segs; s++) {
      const a = poly.slice(3 * s, 3 * s + 3), b = poly.slice(3 * s + 3, 3 * s + 6), ab = [b[0] - a[0], b[1] - a[1]], ap = [p[0] - a[0], p[1] - a[1]];
      const u = Math.min(1, Math.max(0, (ap[0] * ab[0] + ap[1] * ab[1]) / (ab[0] ** 2 + ab[1] ** 2)));
      best = Math.min(best, Math.hypot(ap[0] - u * ab[0], ap[1] - u * ab[1]));
    }
    assert.ok(best <= 0.002 + 1e-9, `a point ${best} off the polyline`);
  }
});

test('chain joins the segments of a traced level into polylines', () => {
  // A circle's level set on a grid: one closed polyline of all the segments.
  const n = 21, values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = Math.hypot(i - 10, j - 10);
  const seg = trace(values, n, n, 6.3), lines = chain(seg);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].length / 2 - 1, seg.length / 4);
  close(lines[0][0], lines[0].at(-2), 1e-12); close(lines[0][1], lines[0].at(-1), 1e-12); // closed
  // Two open pieces stay two; a segment's order does not matter.
  const two = chain([0, 0, 1, 0, 2, 0, 1, 0, 5, 5, 6, 5]);
  assert.deepEqual(two.map((l) => l.length / 2).sort(), [2, 3]);
  assert.deepEqual(chain([]), []);
});
