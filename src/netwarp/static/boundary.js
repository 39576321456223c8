// boundary.js: the decision boundary, drawn on a layer of its own over every panel of a
// classifier. In input space it is the contour where the predicted class changes (p = 0.5 for
// one logistic output, where the top two classes tie for softmax), or the threshold points on
// the input line. The same boundary points are carried through the network, so every hidden
// panel (projected or not) and the morph, at every stage, show where the input's boundary
// went. A panel shown as is (1 or 2 axes) also gets the whole boundary over its plane: for the
// last hidden layer that is the separating line w·h + b = 0 the output layer draws; a 3-unit
// last hidden layer of a one-output classifier gets its separating plane.
// Also draws the unit highlighted from the network diagram (its axis, or its direction
// through a projection).

import * as draw from './draw.js';
import * as nn from './nn.js';
import { display, morphDisplay } from './display.js';
import { perEpoch } from './epochcache.js';
import { plotRect } from './layout.js';

export const INK = '#c0143c';
const FIELD_N = 48; // cells per side of a panel's boundary field
const INPUT_N = 96; // cells per side of the input plane's boundary contour

/** The margin of the class decision at each of m rows of the output `out` (m x K): > 0 on
 * the class-1 side for one unit (p - 0.5), else (for class `c`) p_c minus the best other. */
function margin(out, m, K, c, into) {
  for (let i = 0; i < m; i++) {
    if (K === 1) into[i] = out[i] - 0.5;
    else {
      let other = -Infinity;
      for (let j = 0; j < K; j++) if (j !== c && out[i * K + j] > other) other = out[i * K + j];
      into[i] = out[i * K + c] - other;
    }
  }
  return into;
}

/** Marching squares: segments [xa, ya, xb, yb, ...] where `f` (gw x gh samples at the cell
 * corners, row j at y0 + j * dy) crosses 0, linearly interpolated. */
export function contour(f, gw, gh, x0, dx, y0, dy, out = []) {
  const at = (a, b) => a / (a - b);
  for (let j = 0; j + 1 < gh; j++) {
    for (let i = 0; i + 1 < gw; i++) {
      const a = f[j * gw + i];
      const b = f[j * gw + i + 1];
      const c = f[(j + 1) * gw + i + 1];
      const d = f[(j + 1) * gw + i];
      const pts = [];
      if ((a > 0) !== (b > 0)) pts.push(x0 + (i + at(a, b)) * dx, y0 + j * dy);
      if ((b > 0) !== (c > 0)) pts.push(x0 + (i + 1) * dx, y0 + (j + at(b, c)) * dy);
      if ((d > 0) !== (c > 0)) pts.push(x0 + (i + at(d, c)) * dx, y0 + (j + 1) * dy);
      if ((a > 0) !== (d > 0)) pts.push(x0 + i * dx, y0 + (j + at(a, d)) * dy);
      for (let k = 0; k + 3 < pts.length; k += 4) out.push(pts[k], pts[k + 1], pts[k + 2], pts[k + 3]);
    }
  }
  return out;
}

/** The boundary over a k-D box (k = 1 or 2) of layer l's space: 1-D, the crossing points
 * [x...]; 2-D, segments. The rest of the network from layer l decides. `memo` (an object
 * kept by the caller) holds the sample grid and buffers between calls. */
function boundaryIn(run, wb, l, box, k, n, memo = {}) {
  const gw = k === 1 ? 4 * n : n + 1;
  const gh = k === 1 ? 1 : n + 1;
  const m = gw * gh;
  const dx = (box[0][1] - box[0][0]) / (gw - 1);
  const dy = k === 2 ? (box[1][1] - box[1][0]) / (gh - 1) : 0;
  const key = `${l}|${k}|${n}|${box.flat().join(',')}`;
  if (memo.key !== key) {
    memo.key = key;
    memo.pts = new Float64Array(m * k);
    memo.f = new Float64Array(m);
    memo.pool = new Map();
    for (let j = 0; j < gh; j++) {
      for (let i = 0; i < gw; i++) {
        memo.pts[(j * gw + i) * k] = box[0][0] + i * dx;
        if (k === 2) memo.pts[(j * gw + i) * k + 1] = box[1][0] + j * dy;
      }
    }
  }
  const out = nn.forwardFrom(l, memo.pts, m, run.layer_sizes, run.activations, wb, memo.pool);
  const K = run.layer_sizes[run.nLayers];
  const { f } = memo;
  const res = [];
  for (let c = 0; c < (K === 1 ? 1 : K); c++) {
    margin(out, m, K, c, f);
    if (k === 2) contour(f, gw, gh, box[0][0], dx, box[1][0], dy, res);
    else for (let i = 0; i + 1 < gw; i++) if ((f[i] > 0) !== (f[i + 1] > 0)) res.push(box[0][0] + (i + f[i] / (f[i] - f[i + 1])) * dx);
  }
  return res;
}

/** The input's boundary and its image in every layer, for run r at the computed epoch `c`
 * (cached per epoch and edit): {kind: 'points' | 'segments', m, values}. */
function carried(V, r, c) {
  return perEpoch(V, c, c, 'carried', () => {
    const { P } = V;
    const run = P.runs[r];
    if (!run.is_classifier || P.d > 2 || run.recorded) return null; // recorded layers have no parameters
    c.bMemo ||= {};
    const raw = boundaryIn(run, c.wb, 0, P.spec.data.domain, P.d, P.d === 1 ? 100 : INPUT_N, c.bMemo);
    const m = P.d === 1 ? raw.length : raw.length / 2;
    const kind = P.d === 1 ? 'points' : 'segments';
    if (!m) return { kind, m: 0, values: [] };
    return { kind, m, values: nn.forward(Float64Array.from(raw), m, run.layer_sizes, run.activations, c.wb).values };
  });
}

/** The extra canvas over panel p (between its points and its hover layer). */
export function attachBoundary(V, p) {
  const cv = document.createElement('canvas');
  cv.className = 'nw-bdry';
  cv.setAttribute('aria-hidden', 'true');
  p.bcanvas = cv;
  p.bsize = '';
  p.overlay.before(cv);
  p.bkey = '';
}

/** Keep the boundary canvas the size of the panel's (layout.js resizes those). */
function sizeToPanel(p) {
  const size = `${p.W}x${p.H}@${p.dpr}`;
  if (p.bsize === size) return;
  p.bsize = size;
  p.bctx = draw.sizeCanvas(p.bcanvas, p.W, p.H, p.dpr);
  p.bkey = '';
}

/** Screen positions of m layer values (m x width) shown through display `d` in frame `fr`. */
function toScreen(vals, m, width, how, k, fr) {
  const coords = how ? nn.project(vals, m, width, how) : vals;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (k === 3) [xs[i], ys[i]] = draw.project3(fr, coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]);
    else {
      xs[i] = fr.ox + fr.sx * coords[i * k];
      ys[i] = k === 2 ? fr.oy + fr.sy * coords[i * k + 1] : NaN;
    }
  }
  return { xs, ys };
}

function strokeSegments(ctx, xs, ys, m, width, dash = null) {
  ctx.beginPath();
  for (let i = 0; i + 1 < m; i += 2) {
    if (!(xs[i] === xs[i] && xs[i + 1] === xs[i + 1])) continue;
    ctx.moveTo(xs[i], ys[i]);
    ctx.lineTo(xs[i + 1], ys[i + 1]);
  }
  ctx.setLineDash(dash || []);
  ctx.lineWidth = width;
  ctx.stroke();
  ctx.setLineDash([]);
}

/** The carried boundary of a panel: segments, crosses (points in a 2-D/3-D panel) or
 * vertical lines (1-D panel). Returns how many pieces were drawn. */
function drawCarried(ctx, b, pts, k, fr) {
  const { xs, ys } = pts;
  ctx.strokeStyle = INK;
  if (k === 1) {
    ctx.beginPath();
    for (let i = 0; i < b.m; i++) {
      ctx.moveTo(xs[i], fr.rect.y);
      ctx.lineTo(xs[i], fr.rect.y + fr.rect.h);
    }
    ctx.lineWidth = 2;
    ctx.stroke();
    return b.m;
  }
  if (b.kind === 'segments') {
    strokeSegments(ctx, xs, ys, b.m, 2);
    return b.m / 2;
  }
  ctx.beginPath();
  for (let i = 0; i < b.m; i++) {
    ctx.moveTo(xs[i] - 6, ys[i] - 6);
    ctx.lineTo(xs[i] + 6, ys[i] + 6);
    ctx.moveTo(xs[i] - 6, ys[i] + 6);
    ctx.lineTo(xs[i] + 6, ys[i] - 6);
  }
  ctx.lineWidth = 2.5;
  ctx.stroke();
  return b.m;
}

/** The plane n·h + c = 0 inside the 3-D box `bounds`, as a polygon on screen. */
function planeIn(bounds, nrm, c0, fr) {
  const pts = [];
  const corner = (i) => [bounds[0][i & 1], bounds[1][(i >> 1) & 1], bounds[2][(i >> 2) & 1]];
  const val = (q) => nrm[0] * q[0] + nrm[1] * q[1] + nrm[2] * q[2] + c0;
  for (let i = 0; i < 8; i++) {
    for (const bit of [1, 2, 4]) {
      if (i & bit) continue;
      const a = corner(i);
      const b = corner(i | bit);
      const va = val(a);
      const vb = val(b);
      if ((va > 0) === (vb > 0)) continue;
      const t = va / (va - vb);
      pts.push(draw.project3(fr, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])));
    }
  }
  if (pts.length < 3) return null;
  const cx = pts.reduce((s, q) => s + q[0], 0) / pts.length;
  const cy = pts.reduce((s, q) => s + q[1], 0) / pts.length;
  return pts.sort((a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx));
}

/** The highlighted unit's axis (or its direction through a projection) in panel p. */
function drawAxis(V, p, d, info) {
  const hl = V.highlight;
  if (!hl || hl.r !== p.r || hl.layer !== p.layer || p.kind !== 'layer') return false;
  const ctx = p.bctx;
  const fr = p.frame;
  const k = info.k;
  const B = info.bounds;
  let idx = -1;
  if (!d.how) idx = hl.unit;
  else if (d.how.units) idx = d.how.units.indexOf(hl.unit);
  const a = new Array(k).fill(0);
  const b = new Array(k).fill(0);
  const clamp = (v, j) => Math.max(B[j][0], Math.min(B[j][1], v));
  if (idx >= 0) {
    for (let j = 0; j < k; j++) a[j] = b[j] = clamp(0, j);
    a[idx] = B[idx][0];
    b[idx] = B[idx][1];
  } else if (!d.how.units) {
    const dir = d.how.components[hl.unit] || [];
    const r = Math.min(...B.map(([lo, hi]) => (hi - lo) / 2));
    const len = Math.hypot(...dir) || 1;
    for (let j = 0; j < k; j++) b[j] = (dir[j] / len) * r;
  } else return false;
  const [sa, sb] = k === 3 ? [draw.project3(fr, ...a), draw.project3(fr, ...b)]
    : [[fr.ox + fr.sx * a[0], k === 2 ? fr.oy + fr.sy * a[1] : fr.rect.y + fr.rect.h - 2],
      [fr.ox + fr.sx * b[0], k === 2 ? fr.oy + fr.sy * b[1] : fr.rect.y + fr.rect.h - 2]];
  ctx.strokeStyle = '#009E73';
  ctx.lineWidth = 4;
  ctx.globalAlpha = 0.8;
  ctx.beginPath();
  ctx.moveTo(sa[0], sa[1]);
  ctx.lineTo(sb[0], sb[1]);
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#006e50';
  ctx.font = 'bold 11px system-ui, sans-serif';
  ctx.fillText(hl.name, sb[0] + 3, sb[1] - 3);
  return true;
}

/** Draw panel p's boundary layer for the computed epoch `c` (epoch e) when what it shows changed. */
export function drawBoundary(V, p, c, e) {
  if (!p.bcanvas) return;
  sizeToPanel(p);
  const hl = V.highlight;
  const key = [e, V.editVersion || 0, p.sig, V.state.boundary, hl ? `${hl.r}.${hl.layer}.${hl.unit}` : ''].join('|');
  if (p.bkey === key) return;
  p.bkey = key;
  const ctx = p.bctx;
  ctx.clearRect(0, 0, p.W, p.H);
  const info = V.hook.panels[p.id];
  const run = V.P.runs[p.r];
  const got = { carried: 0, plane: 0, line: 0, axis: false };
  if (!info || !p.frame) return;
  const d = p.kind === 'layer' ? display(V, p.r, p.layer) : morphDisplay(V, p.r, info.layer);
  const k = info.k;
  ctx.save();
  if (k !== 3) {
    const PLOT = plotRect(p.W, p.H);
    ctx.beginPath();
    ctx.rect(PLOT.x, PLOT.y, PLOT.w, PLOT.h);
    ctx.clip();
  }
  if (V.state.boundary !== false && run.is_classifier && !run.recorded && !d.vsTarget) {
    ctx.strokeStyle = INK;
    if (p.kind === 'layer' && !d.how && k <= 2) {
      // the whole boundary over this layer's plane (its line in the last hidden layer)
      const box = k === 1 ? [info.bounds[0]] : info.bounds;
      p.bMemo ||= {};
      const res = perEpoch(V, c, p, 'plane', () => boundaryIn(run, c.wb, p.layer, box, k, FIELD_N, p.bMemo), `${k}|${box.flat()}`);
      ctx.globalAlpha = 0.9;
      if (k === 2) {
        const xs = res.filter((_, i) => i % 2 === 0).map((x) => p.frame.ox + p.frame.sx * x);
        const ys = res.filter((_, i) => i % 2 === 1).map((y) => p.frame.oy + p.frame.sy * y);
        strokeSegments(ctx, xs, ys, xs.length, 1.5);
        got.line = xs.length / 2;
      } else {
        const xs = res.map((x) => p.frame.ox + p.frame.sx * x);
        drawCarried(ctx, { m: xs.length }, { xs, ys: xs }, 1, p.frame);
        got.line = xs.length;
      }
      ctx.globalAlpha = 1;
    }
    if (p.kind === 'layer' && !d.how && k === 3 && p.layer === run.nLayers - 1 && run.layer_sizes[run.nLayers] === 1) {
      const L = run.nLayers - 1; // the output unit's weights: its separating plane
      const poly = planeIn(info.bounds, c.wb.W[L], c.wb.b[L][0], p.frame);
      if (poly) {
        ctx.beginPath();
        poly.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
        ctx.closePath();
        ctx.fillStyle = 'rgba(192,20,60,0.14)';
        ctx.fill();
        ctx.lineWidth = 1.2;
        ctx.stroke();
        got.plane = poly.length;
      }
    }
    const b = carried(V, p.r, c);
    if (b && b.m) {
      let vals;
      let width;
      if (p.kind === 'layer') {
        vals = b.values[p.layer];
        width = run.layer_sizes[p.layer];
      } else {
        const l = info.layer;
        const [din, dout] = [run.layer_sizes[l], run.layer_sizes[l + 1]];
        const stage = nn.layerStages(b.values[l], b.values[l + 1], b.m, din, dout, c.wb.W[l], c.wb.b[l], null, 2);
        const u = Math.min(3, info.t - 3 * l);
        vals = nn.interpolate(stage, b.m, u);
        width = Math.max(din, dout);
      }
      got.carried = drawCarried(ctx, b, toScreen(vals, b.m, width, d.how, k, p.frame), k, p.frame);
    }
  }
  got.axis = drawAxis(V, p, d, info);
  ctx.restore();
  V.hook.boundary[p.id] = got;
}
