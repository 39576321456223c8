// panels.js: one panel per layer (and the morph panel): its canvases, its forward pass
// cache, and its drawing. A panel redraws only when what it shows changed (its `sig`).

import * as draw from './draw.js';
import * as nn from './nn.js';
import { rowOf } from './model.js';
import * as recorded from './recorded.js';
import { choiceOf, display, projOptions } from './display.js';
import { pointAt, setHover } from './hover.js';
import { plotRect, tools } from './layout.js';
import { PANEL_H, PANEL_W, activationName, h, layerName } from './util.js';

/** The forward pass of run r at epoch e over the points (and the grid), cached per run. */
export function compute(V, r, e) {
  const c = (V.cache[r] ||= { epoch: -1, pool: new Map(), gpool: new Map() });
  if (c.epoch === e) return c;
  const { P } = V;
  const run = P.runs[r];
  if (run.recorded) return recorded.compute(V, r, e, c);
  c.wb = nn.paramsAt(run.layer_sizes, run.params, rowOf(run, e));
  c.values = nn.forward(P.X, P.n, run.layer_sizes, run.activations, c.wb, { pool: c.pool }).values;
  if (P.grid) {
    const m = P.grid.lines * P.grid.samples;
    c.gvalues = nn.forward(P.grid.data, m, run.layer_sizes, run.activations, c.wb, { pool: c.gpool }).values;
  }
  c.epoch = e;
  c.stageKey = '';
  return c;
}

/** A panel of run r: kind 'layer' (representation `layer`) or 'morph'. */
export function makePanel(V, r, kind, layer) {
  const { P, dpr } = V;
  const run = P.runs[r];
  const canvas = h('canvas', { class: 'nw-canvas' });
  const overlay = h('canvas', { class: 'nw-overlay' });
  const cap = h('span', { class: 'nw-cap' });
  const caption = h('figcaption', {}, cap);
  const p = {
    r, kind, layer, canvas, overlay, cap, sig: '', n: 0, sx: null, sy: null, sz: null, W: PANEL_W, H: PANEL_H, dpr,
    id: kind === 'morph' ? `r${r}-morph` : `r${r}-l${layer}`,
    ctx: draw.sizeCanvas(canvas, PANEL_W, PANEL_H, dpr),
    octx: draw.sizeCanvas(overlay, PANEL_W, PANEL_H, dpr),
    px: draw.createPixels(Math.round(PANEL_W * dpr), Math.round(PANEL_H * dpr)),
    regionCache: {},
    diagEl: kind === 'layer' && (run.diagnostics || run.page) ? h('div', { class: 'nw-diag' }) : null,
  };
  if (kind === 'layer' && run.layer_sizes[layer] >= 3) {
    const key = `${r}.${layer}`;
    const width = run.layer_sizes[layer];
    const sel = h('select', { 'aria-label': `projection ${run.name} ${layerName(P.words, run, layer)}`, class: 'nw-proj' },
      ...projOptions(width).map(([v, t]) => h('option', { value: v, text: t })));
    sel.value = choiceOf(V, r, layer) || (width > 3 ? 'pca3' : 'id');
    sel.addEventListener('change', () => {
      const proj = { ...V.state.proj };
      if (sel.value === 'id' || sel.value === 'pca3') delete proj[key];
      else proj[key] = sel.value;
      V.update({ proj });
    });
    p.sel = sel;
    caption.append(sel);
  }
  const wrap = h('div', { class: 'nw-stack' }, canvas, overlay);
  p.box = wrap;
  p.fig = h('figure', { class: `nw-panel nw-${kind}`, 'data-panel': p.id }, caption, wrap, p.diagEl);
  const named = kind === 'morph' ? P.words.morph : layerName(P.words, run, layer);
  tools(p.fig, caption, P.runs.length > 1 ? `${named} (${run.name})` : named, () => V.resized());
  overlay.addEventListener('pointerdown', (ev) => {
    if (p.k !== 3) return;
    V.drag = { x: ev.clientX, y: ev.clientY, yaw: V.state.yaw, pitch: V.state.pitch };
    overlay.setPointerCapture?.(ev.pointerId);
    ev.preventDefault();
  });
  overlay.addEventListener('pointermove', (ev) => {
    const { drag } = V;
    if (drag) {
      const pitch = Math.max(-1.5, Math.min(1.5, drag.pitch + (ev.clientY - drag.y) * 0.01));
      V.update({ yaw: drag.yaw + (ev.clientX - drag.x) * 0.01, pitch });
      return;
    }
    pointAt(V, p, ev);
  });
  const endDrag = () => {
    V.drag = null;
  };
  overlay.addEventListener('pointerup', endDrag);
  overlay.addEventListener('pointercancel', endDrag);
  overlay.addEventListener('pointerleave', () => {
    if (!V.drag) setHover(V, null);
  });
  return p;
}

function screenArrays(V, p, n) {
  if (!p.sx || p.sx.length !== n) {
    p.sx = new Float32Array(n);
    p.sy = new Float32Array(n);
    p.sz = new Float32Array(n);
  }
  const { grid } = V.P;
  if (grid && (!p.gx || p.gx.length !== grid.lines * grid.samples)) {
    const m = grid.lines * grid.samples;
    p.gx = new Float32Array(m);
    p.gy = new Float32Array(m);
    p.gz = new Float32Array(m);
  }
}

function dots(ctx, xs, ys, idx) {
  ctx.fillStyle = 'rgba(40,40,40,0.85)';
  ctx.beginPath();
  for (const i of idx) {
    if (xs[i] !== xs[i]) continue;
    ctx.moveTo(xs[i] + 2, ys[i]);
    ctx.arc(xs[i], ys[i], 2, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/**
 * Draw a panel: points `coords` (n x k) in data `bounds` with axis `names`, grid lines
 * `gcoords` (or null), a regions image (or null) and, for prediction against target, the
 * diagonal. `pointsKey` names what the points layer shows: when it is unchanged (the input
 * panel while scrubbing epochs) the layer drawn last time is reused.
 */
export function paint(V, p, { coords, k, bounds, names, gcoords = null, regions = null, diagonal = false, pointsKey }) {
  const { P, state, dpr } = V;
  const fresh = p.pointsKey !== pointsKey;
  p.pointsKey = pointsKey;
  const { ctx } = p;
  const n = P.n;
  screenArrays(V, p, n);
  ctx.clearRect(0, 0, p.W, p.H);
  const mask = P.masks[state.points];
  const grow = Math.min(2.5, Math.max(1, Math.min(p.W, p.H) / 300)); // bigger dots in a bigger panel
  const radius = Math.max(1, Math.round((n > 5000 ? 1 : 2) * dpr * grow));
  p.k = k;
  const lines = P.grid && P.grid.lines;
  const m = P.grid ? P.grid.lines * P.grid.samples : 0;
  if (k === 3) {
    const fr = draw.frame3d(bounds, { x: 0, y: 0, w: p.W, h: p.H }, state.yaw, state.pitch);
    draw.box3d(ctx, fr, names);
    if (fresh) draw.toScreen3d(coords, n, fr, p.sx, p.sy, p.sz);
    if (gcoords) {
      draw.toScreen3d(gcoords, m, fr, p.gx, p.gy, p.gz);
      draw.polylines(ctx, p.gx, p.gy, lines, P.grid.samples, 'rgba(90,90,90,0.45)', 0.8);
    }
    if (fresh) draw.drawPoints(p.px, p.sx, p.sy, p.sz, n, P.color, P.palette32, mask, radius, dpr);
    draw.blit(ctx, p.px, p.W, p.H);
    p.frame = fr;
    return;
  }
  const box = k === 1 ? [bounds[0], P.spec.data.jitter_range] : bounds;
  const PLOT = plotRect(p.W, p.H); // the plot area at this panel's size
  const fr = draw.frame2d(box, PLOT);
  p.frame = fr;
  if (regions) draw.imageOver(ctx, p.regionCache, regions.rgba, regions.gw, regions.gh, PLOT);
  draw.axes2d(ctx, fr, names[0], k === 1 ? P.words.jitter : names[1]);
  ctx.save();
  ctx.beginPath();
  ctx.rect(PLOT.x, PLOT.y, PLOT.w, PLOT.h);
  ctx.clip();
  if (diagonal) {
    const [lo, hi] = [Math.min(box[0][0], box[1][0]), Math.max(box[0][1], box[1][1])];
    ctx.setLineDash([5, 4]);
    draw.polylines(ctx, [fr.ox + fr.sx * lo, fr.ox + fr.sx * hi], [fr.oy + fr.sy * lo, fr.oy + fr.sy * hi], 1, 2, '#888', 1);
    ctx.setLineDash([]);
  }
  if (fresh) draw.toScreen2d(coords, n, k, P.jitter, fr, p.sx, p.sy);
  if (gcoords) {
    draw.toScreen2d(gcoords, m, k, null, fr, p.gx, p.gy);
    draw.polylines(ctx, p.gx, p.gy, lines, P.grid.samples, 'rgba(90,90,90,0.55)', 1);
    if (lines === 1) {
      const idx = []; // ten equal steps of the input line: their spacing shows stretching
      for (let j = 0; j <= 10; j++) idx.push(Math.round((j * (P.grid.samples - 1)) / 10));
      if (k === 1) draw.ticks(ctx, p.gx, idx, fr.oy, 5, 'rgba(60,60,60,0.8)', 1);
      else dots(ctx, p.gx, p.gy, idx);
    }
  }
  if (fresh) draw.drawPoints(p.px, p.sx, p.sy, null, n, P.color, P.palette32, mask, radius, dpr);
  draw.blit(ctx, p.px, p.W, p.H);
  ctx.restore();
}

/** (prediction, target) pairs (n x 2) of a regressor's one-unit output. */
function againstTarget(pred, target, n, out) {
  out = out && out.length === 2 * n ? out : new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = pred[i];
    out[2 * i + 1] = target[i];
  }
  return out;
}

/** Draw layer panel p of the computed epoch `c` (epoch e). */
export function drawLayer(V, p, c, e) {
  const { P, state, hook } = V;
  const run = P.runs[p.r];
  const l = p.layer;
  const d = display(V, p.r, l);
  const regionsOn = state.regions && run.is_classifier && !run.recorded && !d.how && !d.vsTarget && d.k <= 2;
  // the input layer is the same at every epoch; only its decision regions change
  const still = [d.key, d.k, state.points, state.grid, state.regions, d.k === 3 ? `${state.yaw},${state.pitch}` : ''].join('|');
  const sig = `${l === 0 && !regionsOn ? 'input' : e}|${still}`;
  if (sig === p.sig) {
    if (hook.panels[p.id]) hook.panels[p.id].epoch = e;
    return;
  }
  p.sig = sig;
  const width = run.layer_sizes[l];
  const values = c.values[l];
  let coords = values;
  if (d.vsTarget) coords = p.coords = againstTarget(values, P.target, P.n, p.coords);
  else if (d.how) coords = p.coords = nn.project(values, P.n, width, d.how, p.coords);
  let gcoords = null;
  if (state.grid && P.grid && !d.vsTarget && c.gvalues) {
    const m = P.grid.lines * P.grid.samples;
    gcoords = d.how ? (p.gcoords = nn.project(c.gvalues[l], m, width, d.how, p.gcoords)) : c.gvalues[l];
  }
  const regions = regionsOn ? regionImage(V, p, c, e, d.bounds) : null;
  let what = `${width} ${width > 1 ? P.words.units : P.words.units.replace(/s$/, '')}`;
  if (d.vsTarget) what = `${P.words.prediction} vs ${P.words.target}`;
  else if (d.how) what = d.how.units ? d.names.join(', ') : `${d.how.tour ? 'tour' : 'PCA'} of ${width} ${P.words.units}`;
  const act = l === 0 ? '' : ` · ${run.recorded ? recorded.sourceWord(P, run) : activationName(P, run.activations[l - 1], true)}`;
  p.cap.textContent = `${layerName(P.words, run, l)} · ${what}${act}`;
  p.cap.title = p.cap.textContent;
  const chosen = choiceOf(V, p.r, l) || (width > 3 ? 'pca3' : 'id');
  if (p.sel && p.sel.value !== chosen) p.sel.value = chosen;
  paint(V, p, {
    coords, k: d.k, bounds: d.bounds, names: d.names, gcoords, regions, diagonal: Boolean(d.vsTarget),
    pointsKey: l === 0 ? `input|${still}` : sig,
  });
  hook.panels[p.id] = {
    id: p.id, run: p.r, layer: l, kind: 'layer', epoch: e, k: d.k, n: P.n, width,
    coords: coords.subarray(0, P.n * d.k), values, bounds: d.bounds, names: d.names,
    tour: d.how && d.how.tour ? { ...d.how.tour, mean: d.how.mean, frame: d.how.components } : null,
    regions: regions ? { gw: regions.gw, gh: regions.gh, classes: regions.classes } : null,
    diagonal: Boolean(d.vsTarget),
    grid: gcoords, jitter: d.k === 1 ? P.jitter : null, sx: p.sx, sy: p.sy,
  };
}

/** The rest of the network from layer l over the panel's plane: an RGBA image. */
function regionImage(V, p, c, e, bounds) {
  const { P } = V;
  const run = P.runs[p.r];
  const l = p.layer;
  const key = `${e}|${JSON.stringify(bounds)}`;
  if (p.regionKey === key) return p.regionImg;
  const k = run.layer_sizes[l];
  const gw = k === 1 ? 160 : 72;
  const gh = k === 1 ? 1 : 72;
  const pts = new Float64Array(gw * gh * k);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const o = (j * gw + i) * k;
      pts[o] = bounds[0][0] + ((i + 0.5) / gw) * (bounds[0][1] - bounds[0][0]);
      if (k === 2) pts[o + 1] = bounds[1][1] - ((j + 0.5) / gh) * (bounds[1][1] - bounds[1][0]);
    }
  }
  const out = nn.forwardFrom(l, pts, gw * gh, run.layer_sizes, run.activations, c.wb);
  const K = run.layer_sizes[run.nLayers];
  const rgba = new Uint8ClampedArray(gw * gh * 4);
  const classes = new Uint8Array(gw * gh);
  const RGB = P.classRGB;
  for (let i = 0; i < gw * gh; i++) {
    let cls;
    let conf;
    if (K === 1) {
      const v = out[i];
      cls = v > 0.5 ? 1 : 0;
      conf = Math.min(1, Math.abs(2 * v - 1));
    } else {
      cls = 0;
      for (let j = 1; j < K; j++) if (out[i * K + j] > out[i * K + cls]) cls = j;
      conf = (out[i * K + cls] - 1 / K) / (1 - 1 / K);
    }
    classes[i] = cls;
    const [R, G, B] = RGB[cls % RGB.length];
    rgba.set([R, G, B, Math.round(255 * (0.1 + 0.22 * conf))], i * 4);
  }
  p.regionKey = key;
  p.regionImg = { rgba, gw, gh, classes };
  return p.regionImg;
}
