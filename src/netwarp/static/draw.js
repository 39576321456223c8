// draw.js: canvas 2D drawing from plain typed arrays. Knows nothing about networks.
//
// Coordinates: data space -> screen (CSS pixels) through a frame; points are written as
// small discs straight into an ImageData (one typed-array write per pixel, no canvas call
// per point), with a depth buffer for 3-D; lines are batched into one path per style.

function makeCanvas(w, h) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** A pixel layer of `w` x `h` device pixels to draw points into, then blit. */
export function createPixels(w, h) {
  const canvas = makeCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(w, h);
  return { canvas, ctx, image, u32: new Uint32Array(image.data.buffer), depth: new Float32Array(w * h), w, h };
}

/** Offsets of a disc of radius r (in pixels) for a row stride. */
function stamp(r, stride) {
  const offs = [];
  const dxs = [];
  const dys = [];
  const rr = (r + 0.35) * (r + 0.35);
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      if (dx * dx + dy * dy <= rr) {
        offs.push(dy * stride + dx);
        dxs.push(dx);
        dys.push(dy);
      }
    }
  }
  return { offs: Int32Array.from(offs), dxs: Int32Array.from(dxs), dys: Int32Array.from(dys) };
}

/**
 * Draw n points as discs: screen `xs`, `ys` (CSS px, NaN = skip) scaled by `scale` to device
 * pixels; `color` (Uint8Array class index per point) into `palette` (packColors);
 * `visible` (Uint8Array or null); `zs` depth (bigger = nearer) or null; `radius` in device px.
 * Clears the layer first.
 */
export function drawPoints(px, xs, ys, zs, n, color, palette, visible, radius, scale = 1) {
  const { u32, depth, w, h } = px;
  u32.fill(0);
  const st = stamp(radius, w);
  const { offs, dxs, dys } = st;
  const m = offs.length;
  const lo = radius;
  const xhi = w - radius;
  const yhi = h - radius;
  if (zs) depth.fill(-Infinity);
  for (let i = 0; i < n; i++) {
    if (visible !== null && visible[i] === 0) continue;
    const fx = xs[i] * scale;
    const fy = ys[i] * scale;
    const c = palette[color[i]];
    if (fx >= lo && fy >= lo && fx < xhi && fy < yhi && zs === null) {
      // the common case: the whole disc is inside, no depth test
      const base = (fy | 0) * w + (fx | 0);
      for (let j = 0; j < m; j++) u32[base + offs[j]] = c;
      continue;
    }
    if (!(fx >= 0 && fy >= 0 && fx < w && fy < h)) continue;
    const x = fx | 0;
    const y = fy | 0;
    const z = zs ? zs[i] : 0;
    for (let j = 0; j < m; j++) {
      const xx = x + dxs[j];
      const yy = y + dys[j];
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      const p = yy * w + xx;
      if (zs) {
        if (z < depth[p]) continue;
        depth[p] = z;
      }
      u32[p] = c;
    }
  }
  px.ctx.putImageData(px.image, 0, 0);
}

/** Composite a pixel layer onto `ctx` (whose transform is CSS px) at its full size. */
export function blit(ctx, px, cssW, cssH) {
  ctx.drawImage(px.canvas, 0, 0, cssW, cssH);
}

// ---------------------------------------------------------------------------- frames
/** A 2-D frame: data bounds [[x0, x1], [y0, y1]] onto a screen rect {x, y, w, h}. */
export function frame2d(bounds, rect) {
  const [[x0, x1], [y0, y1]] = bounds;
  const sx = rect.w / (x1 - x0 || 1);
  const sy = -rect.h / (y1 - y0 || 1);
  return { sx, ox: rect.x - x0 * sx, sy, oy: rect.y + rect.h - y0 * sy, bounds, rect };
}

const LIMIT = 1e5;
const clampPx = (v) => (v > LIMIT ? LIMIT : v < -LIMIT ? -LIMIT : v);

/**
 * Screen coordinates of points (n x k) in a 2-D frame: x from column 0, y from column 1
 * (or from `ys` when k is 1, e.g. the display jitter). Non-finite values give NaN.
 */
export function toScreen2d(coords, n, k, ys, fr, outX, outY) {
  const { ox, sx, oy, sy } = fr;
  for (let i = 0; i < n; i++) {
    const x = coords[i * k];
    const y = k >= 2 ? coords[i * k + 1] : ys ? ys[i] : 0;
    const px = ox + sx * x;
    const py = oy + sy * y;
    if (px - px === 0 && py - py === 0) {
      // finite: keep it, within what a canvas path handles well
      outX[i] = px > LIMIT ? LIMIT : px < -LIMIT ? -LIMIT : px;
      outY[i] = py > LIMIT ? LIMIT : py < -LIMIT ? -LIMIT : py;
    } else {
      outX[i] = NaN;
      outY[i] = NaN;
    }
  }
}

/** Rotation matrix rows for yaw (about the vertical axis) then pitch (about the screen x axis). */
export function rotation(yaw, pitch) {
  const cy = Math.cos(yaw);
  const sy = Math.sin(yaw);
  const cp = Math.cos(pitch);
  const sp = Math.sin(pitch);
  // data axes: x right, y depth, z up; after yaw about z and pitch about screen-x
  return [
    [cy, -sy, 0],
    [sp * sy, sp * cy, cp],
    [cp * sy, cp * cy, -sp],
  ];
}

/** A 3-D frame: bounds (3 x 2) normalised to a cube, rotated, scaled into `rect`. */
export function frame3d(bounds, rect, yaw, pitch) {
  const R = rotation(yaw, pitch);
  const s = Math.min(rect.w, rect.h) / 3.5;
  const c = bounds.map(([lo, hi]) => (lo + hi) / 2);
  const h = bounds.map(([lo, hi]) => (hi - lo) / 2 || 1);
  return { R, s, c, h, cx: rect.x + rect.w / 2, cy: rect.y + rect.h / 2, bounds, rect };
}

/** Screen x, y and depth (bigger = nearer) of one data point in a 3-D frame. */
export function project3(fr, x, y, z) {
  const u = (x - fr.c[0]) / fr.h[0];
  const v = (y - fr.c[1]) / fr.h[1];
  const w = (z - fr.c[2]) / fr.h[2];
  const R = fr.R;
  return [
    fr.cx + fr.s * (R[0][0] * u + R[0][1] * v + R[0][2] * w),
    fr.cy - fr.s * (R[1][0] * u + R[1][1] * v + R[1][2] * w),
    -(R[2][0] * u + R[2][1] * v + R[2][2] * w),
  ];
}

/** Screen coordinates and depth of points (n x 3) in a 3-D frame. */
export function toScreen3d(coords, n, fr, outX, outY, outZ) {
  for (let i = 0; i < n; i++) {
    const x = coords[i * 3];
    const y = coords[i * 3 + 1];
    const z = coords[i * 3 + 2];
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
      const p = project3(fr, x, y, z);
      outX[i] = clampPx(p[0]);
      outY[i] = clampPx(p[1]);
      outZ[i] = p[2];
    } else {
      outX[i] = NaN;
      outY[i] = NaN;
      outZ[i] = 0;
    }
  }
}

// ------------------------------------------------------------------------------ lines
/** Stroke `lines` polylines of `samples` points each (screen xs, ys; NaN breaks a line). */
export function polylines(ctx, xs, ys, lines, samples, style, width = 1, every = 1) {
  ctx.beginPath();
  for (let l = 0; l < lines; l++) {
    let pen = false;
    for (let i = 0; i < samples; i += every) {
      const j = l * samples + i;
      const x = xs[j];
      const y = ys[j];
      if (!(x === x && y === y)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
  }
  ctx.strokeStyle = style;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** Short vertical ticks at screen xs (a 1-D panel's grid marks), centred on y. */
export function ticks(ctx, xs, idx, y, half, style, width = 1) {
  ctx.beginPath();
  for (const i of idx) {
    const x = xs[i];
    if (x !== x) continue;
    ctx.moveTo(x, y - half);
    ctx.lineTo(x, y + half);
  }
  ctx.strokeStyle = style;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** Draw an RGBA image (gw x gh, row 0 at the top) stretched over `rect`, smoothed. */
export function imageOver(ctx, cache, rgba, gw, gh, rect) {
  if (!cache.px || cache.px.w !== gw || cache.px.h !== gh) cache.px = createPixels(gw, gh);
  cache.px.image.data.set(rgba);
  cache.px.ctx.putImageData(cache.px.image, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cache.px.canvas, rect.x, rect.y, rect.w, rect.h);
  ctx.restore();
}

// ------------------------------------------------------------------------------- axes
/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

const INK = '#444';

/** A frame rectangle with ticks and labels for a 2-D frame. */
export function axes2d(ctx, fr, xLabel, yLabel, { yTicks = true } = {}) {
  const { rect, bounds } = fr;
  ctx.save();
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(rect.x + 0.5, rect.y + 0.5, rect.w - 1, rect.h - 1);
  ctx.fillStyle = INK;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (const v of niceTicks(bounds[0][0], bounds[0][1], 4)) {
    const x = Math.round(fr.ox + fr.sx * v) + 0.5;
    ctx.moveTo(x, rect.y + rect.h);
    ctx.lineTo(x, rect.y + rect.h + 3);
    ctx.fillText(fmt(v), x, rect.y + rect.h + 4);
  }
  if (yTicks) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(bounds[1][0], bounds[1][1], 4)) {
      const y = Math.round(fr.oy + fr.sy * v) + 0.5;
      ctx.moveTo(rect.x - 3, y);
      ctx.lineTo(rect.x, y);
      ctx.fillText(fmt(v), rect.x - 4, y);
    }
  }
  ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xLabel, rect.x + rect.w / 2, rect.y + rect.h + 28);
  ctx.translate(rect.x - 26, rect.y + rect.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** The edges of the bounds box and axis names for a 3-D frame. */
export function box3d(ctx, fr, labels) {
  const b = fr.bounds;
  const corner = (i) => project3(fr, b[0][i & 1], b[1][(i >> 1) & 1], b[2][(i >> 2) & 1]);
  const P = [...Array(8).keys()].map(corner);
  ctx.save();
  ctx.beginPath();
  for (let i = 0; i < 8; i++) {
    for (const bit of [1, 2, 4]) {
      if (!(i & bit)) {
        ctx.moveTo(P[i][0], P[i][1]);
        ctx.lineTo(P[i | bit][0], P[i | bit][1]);
      }
    }
  }
  ctx.strokeStyle = '#bbb';
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.fillStyle = INK;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const ends = [
    [b[0][1], b[1][0], b[2][0]],
    [b[0][0], b[1][1], b[2][0]],
    [b[0][0], b[1][0], b[2][1]],
  ];
  ends.forEach((e, i) => {
    const p = project3(fr, ...e);
    ctx.fillText(labels[i], p[0], p[1]);
  });
  ctx.restore();
}

/** Index of the point nearest to (px, py) on screen within `maxDist` px, or -1. */
export function nearest(xs, ys, n, px, py, maxDist, visible) {
  let best = -1;
  let bd = maxDist * maxDist;
  for (let i = 0; i < n; i++) {
    if (visible && !visible[i]) continue;
    const dx = xs[i] - px;
    const dy = ys[i] - py;
    const d = dx * dx + dy * dy;
    if (d <= bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

/** Size a canvas for CSS size (w, h) at device pixel ratio `dpr`; returns its 2-D context. */
export function sizeCanvas(canvas, w, h, dpr) {
  const W = Math.round(w * dpr);
  const H = Math.round(h * dpr);
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
