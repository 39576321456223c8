// view.js: netwarp's interactive view. `export default { render({ model, el }) }` is
// anywidget's front-end contract; the HTML file and the web app call the same `render`
// with `createLocalModel(spec, buffer)`.
//
// The model holds `spec` (JSON) and `data` (one binary buffer) from netwarp.payload,
// plus the synced view traits (epoch, run, morph, compare). Every layer is recomputed
// here from the parameters (nn.js) and drawn from plain arrays (draw.js).

import * as nn from './nn.js';
import * as draw from './draw.js';
import * as st from './state.js';

const TYPED = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array };
const PANEL_W = 236;
const PANEL_H = 224;
const PLOT = { x: 42, y: 8, w: 184, h: 170 };
const PLOT3 = { x: 0, y: 0, w: PANEL_W, h: PANEL_H };
const STAGE_NAMES = ['x', 'xW', 'xW + b', 'σ(xW + b)'];
const SHORT_STAGES = ['x', 'xW', 'xW+b', 'σ'];
const SEGMENT_NAMES = ['linear map x → xW', 'translation xW → xW + b', 'activation → σ(xW + b)'];
const MODEL_WRITE_MS = 80;

// ------------------------------------------------------------------------- payload
/** Bytes of a DataView / typed array / ArrayBuffer as an 8-byte aligned Uint8Array. */
function alignedBytes(data) {
  let u8;
  if (data instanceof ArrayBuffer) u8 = new Uint8Array(data);
  else if (data && data.buffer instanceof ArrayBuffer) u8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else throw new Error('netwarp: the model holds no binary data');
  if (u8.byteOffset % 8 === 0) return u8;
  const copy = new Uint8Array(u8.byteLength);
  copy.set(u8);
  return copy;
}

/** The payload's arrays as typed-array views, next to its spec. */
export function decode(spec, data) {
  if (!spec || spec.format !== 'netwarp-view') throw new Error('netwarp: not a netwarp view spec');
  const bytes = alignedBytes(data);
  const arr = (ref) => {
    const T = TYPED[ref.dtype];
    if (!T || ref.offset + ref.length * T.BYTES_PER_ELEMENT > bytes.byteLength) {
      throw new Error(`netwarp: array ${JSON.stringify(ref)} is outside the data buffer`);
    }
    return new T(bytes.buffer, bytes.byteOffset + ref.offset, ref.length);
  };
  const d = spec.data;
  const y = arr(d.y);
  const color = new Uint8Array(d.n);
  for (let i = 0; i < d.n; i++) color[i] = ((y[i] % draw.PALETTE.length) + draw.PALETTE.length) % draw.PALETTE.length;
  const split = arr(d.split);
  const grid = d.d <= 3 ? nn.grid(d.domain, spec.grid.n_lines, spec.grid.n_samples) : null;
  const masks = { all: null, train: split.map((s) => (s === 0 ? 1 : 0)), test: split.map((s) => (s === 1 ? 1 : 0)) };
  return {
    spec,
    n: d.n,
    d: d.d,
    X: arr(d.X),
    y,
    color,
    split,
    masks,
    jitter: arr(d.jitter),
    grid,
    runs: spec.runs.map((r) => ({
      ...r,
      params: arr(r.params),
      loss: arr(r.loss),
      train: arr(r.train_score),
      test: arr(r.test_score),
      nLayers: r.layer_sizes.length - 1,
    })),
  };
}

// -------------------------------------------------------------------- local model
/**
 * A model for hosts without Jupyter (the HTML file, the web app): get / set / on / off /
 * save_changes over `spec`, `data` (a DataView over `buffer`) and the view traits.
 * The view keeps its state in the page's URL hash unless `options.hash` is false;
 * `options.onSave(changes)` hears every save_changes.
 */
export function createLocalModel(spec, buffer, options = {}) {
  const view = spec.view || {};
  const bytes = buffer instanceof ArrayBuffer ? new DataView(buffer) : new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const values = {
    spec,
    data: bytes,
    epoch: view.epoch ?? -1,
    run: view.run ?? 0,
    morph: view.morph ?? 0,
    compare: view.compare ?? false,
  };
  const listeners = new Map();
  let dirty = {};
  const emit = (name, value) => [...(listeners.get(name) || [])].forEach((cb) => cb(value));
  return {
    get: (name) => values[name],
    set(name, value) {
      if (values[name] === value) return;
      values[name] = value;
      dirty[name] = value;
      emit(`change:${name}`, value);
      emit('change', { [name]: value });
    },
    on(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(cb);
    },
    off(name, cb) {
      if (!name) listeners.clear();
      else if (!cb) listeners.delete(name);
      else listeners.get(name)?.delete(cb);
    },
    save_changes() {
      const changes = dirty;
      dirty = {};
      if (options.onSave && Object.keys(changes).length) options.onSave(changes);
    },
    send() {},
    netwarp: { hash: options.hash !== false },
  };
}

// ------------------------------------------------------------------------- helpers
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

const fmtv = (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : Number.isNaN(v) ? '–' : String(v));
const smooth = (w) => w * w * (3 - 2 * w);

function unionBox(a, b) {
  return a.map(([lo, hi], j) => [Math.min(lo, b[j][0]), Math.max(hi, b[j][1])]);
}

function lerpBox(a, b, w) {
  return a.map(([lo, hi], j) => [lo + w * (b[j][0] - lo), hi + w * (b[j][1] - hi)]);
}

function layerName(run, l) {
  if (l === 0) return 'input';
  if (l === run.nLayers) return 'output';
  return `hidden ${l}`;
}

function parseUnits(choice, width) {
  if (!choice || choice[0] !== 'u') return null;
  const u = choice.slice(1).split('.').map(Number);
  return u.length >= 2 && u.length <= 3 && u.every((x) => Number.isInteger(x) && x >= 0 && x < width) ? u : null;
}

/** Projection choices for a layer of `width` units: [[value, label]]. */
function projOptions(width) {
  const out = width > 3 ? [['pca3', 'PCA 3-D'], ['pca2', 'PCA 2-D']] : [['id', `all ${width} units`]];
  const lim = width > 12 ? Math.min(width, 12) : width;
  for (let a = 0; a < lim; a++) for (let b = a + 1; b < lim; b++) out.push([`u${a}.${b}`, `units ${a + 1}, ${b + 1}`]);
  if (width > 3) {
    for (let a = 0; a < Math.min(lim, 8); a++) {
      for (let b = a + 1; b < Math.min(lim, 8); b++) {
        for (let c = b + 1; c < Math.min(lim, 8); c++) out.push([`u${a}.${b}.${c}`, `units ${a + 1}, ${b + 1}, ${c + 1}`]);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------- view
function createView(model, el) {
  const host = model.netwarp || {};
  let P = decode(model.get('spec'), model.get('data'));
  let hash = null;
  let state = st.clamp(st.defaults(P.spec, st.fromModel(model)), P.spec);
  if (host.hash && typeof window !== 'undefined') {
    hash = st.bindHash(window, (partial) => update(partial));
    state = st.clamp({ ...state, ...hash.initial }, P.spec);
  }
  const base = st.clamp(st.defaults(P.spec), P.spec);
  const dpr = Math.min(2, (typeof window !== 'undefined' && window.devicePixelRatio) || 1);
  let cache = [];
  let rows = [];
  let hover = null;
  let drag = null;
  let raf = 0;
  let lastTick = 0;
  let playAcc = 0;
  let morphPlaying = false;
  let traitTimer = 0;
  let disposed = false;
  const waiters = [];
  const hook = {
    frame: 0,
    panels: {},
    get state() {
      return { ...state, proj: { ...state.proj } };
    },
    set: (changes) => update(changes),
    renderNow: () => render(),
    nextFrame: () => new Promise((res) => {
      waiters.push(res);
      schedule();
    }),
  };

  // ------------------------------------------------------------------ controls
  const root = h('div', { class: 'netwarp', tabindex: '0' });
  const title = h('div', { class: 'nw-title' });
  const runSel = h('select', { 'aria-label': 'run', onchange: () => update({ run: Number(runSel.value) }) });
  const compareBox = h('input', { type: 'checkbox', 'aria-label': 'compare', onchange: () => update({ compare: compareBox.checked }) });
  const pointsSel = h('select', { 'aria-label': 'points', onchange: () => update({ points: pointsSel.value }) },
    ...['all', 'train', 'test'].map((v) => h('option', { value: v, text: `${v} points` })));
  const gridBox = h('input', { type: 'checkbox', 'aria-label': 'grid', onchange: () => update({ grid: gridBox.checked }) });
  const regionsBox = h('input', { type: 'checkbox', 'aria-label': 'regions', onchange: () => update({ regions: regionsBox.checked }) });
  const playBtn = h('button', { type: 'button', class: 'nw-play', 'aria-label': 'play', onclick: () => togglePlay() });
  const epochIn = h('input', { type: 'range', min: '0', step: '1', 'aria-label': 'epoch', oninput: () => update({ epoch: Number(epochIn.value) }) });
  const epochLbl = h('span', { class: 'nw-epoch' });
  const speedSel = h('select', { 'aria-label': 'speed', onchange: () => update({ speed: Number(speedSel.value) }) },
    ...[5, 15, 30, 60, 120, 240].map((v) => h('option', { value: String(v), text: `${v} epochs/s` })));
  const morphBtn = h('button', { type: 'button', class: 'nw-play', 'aria-label': 'play morph', onclick: () => toggleMorph() });
  const morphIn = h('input', { type: 'range', min: '0', step: '0.01', 'aria-label': 'morph', oninput: () => update({ morph: Number(morphIn.value) }) });
  const morphLbl = h('span', { class: 'nw-stage' });
  const legend = h('div', { class: 'nw-legend' });
  const rowsEl = h('div', { class: 'nw-rows' });
  const tip = h('div', { class: 'nw-tip', role: 'status', hidden: true });
  const label = (text, input) => h('label', {}, input, ` ${text}`);
  root.append(
    h('div', { class: 'nw-bar' }, title, h('label', {}, 'run ', runSel), label('side by side', compareBox),
      pointsSel, label('grid', gridBox), label('decision regions', regionsBox), legend),
    h('div', { class: 'nw-bar' }, playBtn, h('span', { class: 'nw-name', text: 'epoch' }), epochIn, epochLbl, speedSel),
    h('div', { class: 'nw-bar' }, morphBtn, h('span', { class: 'nw-name', text: 'morph' }), morphIn, morphLbl),
    rowsEl, tip);
  el.append(root);

  function buildStatic() {
    title.textContent = P.spec.title || '';
    title.hidden = !P.spec.title;
    runSel.replaceChildren(...P.runs.map((r, i) => h('option', { value: String(i), text: r.name })));
    legend.replaceChildren(...P.spec.data.classes.map((c, i) => h('span', { class: 'nw-key' },
      h('i', { style: `background:${draw.PALETTE[i % draw.PALETTE.length]}` }),
      P.runs[0].is_classifier ? `class ${c}` : c)));
  }

  function syncControls() {
    runSel.value = String(state.run);
    compareBox.checked = state.compare;
    pointsSel.value = state.points;
    gridBox.checked = state.grid;
    regionsBox.checked = state.regions;
    const maxEpoch = state.compare ? Math.max(...P.runs.map((r) => r.n_epochs)) : P.runs[state.run].n_epochs;
    epochIn.max = String(maxEpoch);
    epochIn.value = String(state.epoch);
    epochLbl.textContent = `${state.epoch} / ${maxEpoch}`;
    if (![...speedSel.options].some((o) => Number(o.value) === state.speed)) {
      speedSel.append(h('option', { value: String(state.speed), text: `${state.speed} epochs/s` }));
    }
    speedSel.value = String(state.speed);
    playBtn.textContent = state.playing ? '❚❚' : '▶';
    playBtn.setAttribute('aria-pressed', String(state.playing));
    const run = P.runs[state.run];
    morphIn.max = String(3 * run.nLayers);
    morphIn.value = String(state.morph);
    morphBtn.textContent = morphPlaying ? '❚❚' : '▶';
    const l = nn.morphLayer(state.morph, run.nLayers);
    const u = state.morph - 3 * l;
    const seg = Math.min(2, Math.floor(u));
    const at = Math.abs(u - Math.round(u)) < 1e-9 ? `at ${STAGE_NAMES[Math.round(u)]}` : SEGMENT_NAMES[seg];
    morphLbl.textContent = `t = ${state.morph.toFixed(2)} · layer ${l + 1} of ${run.nLayers} (${run.activations[l]}) · ${at}`;
  }

  // --------------------------------------------------------------------- rows
  function buildRows() {
    hover = null;
    tip.hidden = true;
    const shown = state.compare ? P.runs.map((_, i) => i) : [state.run];
    rows = shown.map((r) => makeRow(r));
    rowsEl.replaceChildren(...rows.map((row) => row.el));
    hook.panels = {};
  }

  function makeRow(r) {
    const run = P.runs[r];
    const head = h('div', { class: 'nw-rowhead' });
    const panels = [];
    for (let l = 0; l <= run.nLayers; l++) panels.push(makePanel(r, 'layer', l));
    panels.push(makePanel(r, 'morph', null));
    const chart = h('canvas', { class: 'nw-chart', 'aria-label': `training curves ${run.name}` });
    const chartFig = h('figure', { class: 'nw-panel' }, h('figcaption', { text: 'training' }), chart);
    chart.addEventListener('pointerdown', (ev) => chartSeek(ev, chart, run));
    chart.addEventListener('pointermove', (ev) => ev.buttons & 1 && chartSeek(ev, chart, run));
    const body = h('div', { class: 'nw-panels' }, ...panels.map((p) => p.fig), chartFig);
    return { r, el: h('div', { class: 'nw-row' }, head, body), head, panels, chart, chartSig: '', headSig: '' };
  }

  function makePanel(r, kind, layer) {
    const run = P.runs[r];
    const canvas = h('canvas', { class: 'nw-canvas' });
    const overlay = h('canvas', { class: 'nw-overlay' });
    const cap = h('span', { class: 'nw-cap' });
    const caption = h('figcaption', {}, cap);
    const p = {
      r, kind, layer, canvas, overlay, cap, sig: '', n: 0, sx: null, sy: null, sz: null,
      id: kind === 'morph' ? `r${r}-morph` : `r${r}-l${layer}`,
      ctx: draw.sizeCanvas(canvas, PANEL_W, PANEL_H, dpr),
      octx: draw.sizeCanvas(overlay, PANEL_W, PANEL_H, dpr),
      px: draw.createPixels(Math.round(PANEL_W * dpr), Math.round(PANEL_H * dpr)),
      regionCache: {},
    };
    if (kind === 'layer' && run.layer_sizes[layer] >= 3) {
      const key = `${r}.${layer}`;
      const width = run.layer_sizes[layer];
      const sel = h('select', { 'aria-label': `projection ${run.name} ${layerName(run, layer)}`, class: 'nw-proj' },
        ...projOptions(width).map(([v, t]) => h('option', { value: v, text: t })));
      sel.value = state.proj[key] || (width > 3 ? 'pca3' : 'id');
      sel.addEventListener('change', () => {
        const proj = { ...state.proj };
        if (sel.value === 'id' || sel.value === 'pca3') delete proj[key];
        else proj[key] = sel.value;
        update({ proj });
      });
      caption.append(sel);
    }
    const wrap = h('div', { class: 'nw-stack' }, canvas, overlay);
    p.fig = h('figure', { class: `nw-panel nw-${kind}`, 'data-panel': p.id }, caption, wrap);
    overlay.addEventListener('pointerdown', (ev) => {
      if (p.k !== 3) return;
      drag = { x: ev.clientX, y: ev.clientY, yaw: state.yaw, pitch: state.pitch };
      overlay.setPointerCapture?.(ev.pointerId);
      ev.preventDefault();
    });
    overlay.addEventListener('pointermove', (ev) => {
      if (drag) {
        const pitch = Math.max(-1.5, Math.min(1.5, drag.pitch + (ev.clientY - drag.y) * 0.01));
        update({ yaw: drag.yaw + (ev.clientX - drag.x) * 0.01, pitch });
        return;
      }
      pointAt(p, ev);
    });
    const endDrag = () => {
      drag = null;
    };
    overlay.addEventListener('pointerup', endDrag);
    overlay.addEventListener('pointercancel', endDrag);
    overlay.addEventListener('pointerleave', () => {
      if (!drag) setHover(null);
    });
    return p;
  }

  function chartSeek(ev, canvas, run) {
    const box = canvas.getBoundingClientRect();
    const x = (ev.clientX - box.left - CHART.x) / CHART.w;
    update({ epoch: Math.round(Math.max(0, Math.min(1, x)) * run.n_epochs) });
  }

  // ------------------------------------------------------------------- compute
  function compute(r, e) {
    const c = (cache[r] ||= { epoch: -1, pool: new Map(), gpool: new Map() });
    if (c.epoch === e) return c;
    const run = P.runs[r];
    c.wb = nn.paramsAt(run.layer_sizes, run.params, e);
    c.values = nn.forward(P.X, P.n, run.layer_sizes, run.activations, c.wb, { pool: c.pool }).values;
    if (P.grid) {
      const m = P.grid.lines * P.grid.samples;
      c.gvalues = nn.forward(P.grid.data, m, run.layer_sizes, run.activations, c.wb, { pool: c.gpool }).values;
    }
    c.epoch = e;
    c.stageKey = '';
    return c;
  }

  /** Stages of weight layer l (points and grid) at the computed epoch, as far as `upTo`
   * (0: only x and sigma(xW + b), which the forward pass has; 1: xW too; 2: xW + b too). */
  function stagesOf(r, c, l, upTo) {
    const key = `${c.epoch}|${l}`;
    if (c.stageKey === key && c.stageUpTo >= upTo) return c;
    const run = P.runs[r];
    const [din, dout] = [run.layer_sizes[l], run.layer_sizes[l + 1]];
    c.spool ||= new Map();
    c.gspool ||= new Map();
    const { W, b } = c.wb;
    const stage = (x, out, n, pool) => (upTo === 0
      ? { input: x, linear: null, translated: null, activated: out, din, dout }
      : nn.layerStages(x, out, n, din, dout, W[l], b[l], pool, upTo));
    c.stage = stage(c.values[l], c.values[l + 1], P.n, c.spool);
    if (P.grid) c.gstage = stage(c.gvalues[l], c.gvalues[l + 1], P.grid.lines * P.grid.samples, c.gspool);
    c.stageKey = key;
    c.stageUpTo = upTo;
    return c;
  }

  /** How layer `l` of run `r` is shown: {how (null = as is), k, bounds, names}. */
  function display(r, l) {
    const run = P.runs[r];
    const width = run.layer_sizes[l];
    const choice = state.proj[`${r}.${l}`] || '';
    const units = parseUnits(choice, width);
    const raw = l === 0 && width <= 3 ? P.spec.data.domain : run.unit_bounds[l] || run.bounds[l];
    if (units) return { how: { units }, k: units.length, bounds: units.map((u) => raw[u]), names: units.map((u) => `unit ${u + 1}`) };
    if (width > 3) {
      const pr = run.projections[l];
      const k = choice === 'pca2' ? 2 : 3;
      const components = pr.components.map((row) => row.slice(0, k));
      return { how: { mean: pr.mean, components }, k, bounds: run.bounds[l].slice(0, k), names: ['PC 1', 'PC 2', 'PC 3'].slice(0, k) };
    }
    const prob = l === run.nLayers && run.is_classifier && width === 1 && run.activations[l - 1] === 'logistic';
    const names = l === 0 ? [...Array(width).keys()].map((i) => (width === 1 ? 'input feature' : `x${i + 1}`))
      : prob ? [`P(class ${P.spec.data.classes[1] ?? 1})`] : [...Array(width).keys()].map((i) => `unit ${i + 1}`);
    return { how: null, k: width, bounds: l === 0 ? P.spec.data.domain : run.bounds[l], names };
  }

  /** How the morph through weight layer `l` is shown, and its stage boxes. */
  function morphDisplay(r, l) {
    const run = P.runs[r];
    const D = Math.max(run.layer_sizes[l], run.layer_sizes[l + 1]);
    const m = run.morph_layer[l];
    const shown = run.morph_bounds[l];
    if (m === null) return { how: null, k: D, boxes: shown, D, names: [...Array(D).keys()].map((i) => `dim ${i + 1}`) };
    const d = display(r, m);
    if (d.how.units) return { how: d.how, k: d.k, boxes: run.morph_unit_bounds[l].map((b) => d.how.units.map((u) => b[u])), D, names: d.names };
    return { how: d.how, k: d.k, boxes: shown.map((b) => b.slice(0, d.k)), D, names: d.names };
  }

  /** The four stage boxes of weight layer l (over all epochs) in the morph's display
   * coordinates; zero-padding axes of a stage keep the layer's range, so a collapse onto
   * fewer dimensions stays visible, and an empty range gets some room. */
  function stageBoxes(r, l) {
    const run = P.runs[r];
    const md = morphDisplay(r, l);
    let boxes = md.boxes;
    if (!md.how) {
      const widths = [run.layer_sizes[l], run.layer_sizes[l + 1], run.layer_sizes[l + 1], run.layer_sizes[l + 1]];
      const all = boxes.reduce(unionBox);
      boxes = boxes.map((box, k) => box.map((b, j) => (j >= widths[k] ? all[j] : b)));
    }
    const room = ([lo, hi]) => (hi - lo > 1e-12 ? [lo, hi] : [lo - 1, hi + 1]);
    return { k: md.k, boxes: boxes.map((box) => box.map(room)) };
  }

  /** The morph panel's box at time t: each stage fills the frame when the walk is at it;
   * between two stages the camera widens to hold both, so motion (a shift, a squash)
   * shows against the frame. Continuous in t, and the same at every epoch. */
  function morphBox(r, t) {
    const run = P.runs[r];
    const g = Math.min(Math.floor(t), 3 * run.nLayers - 1);
    const l = Math.floor(g / 3);
    const k = g - 3 * l;
    const s = t - g;
    const { k: dims, boxes } = stageBoxes(r, l);
    const wide = unionBox(boxes[k], boxes[k + 1]);
    let box = s < 0.5 ? lerpBox(boxes[k], wide, smooth(2 * s)) : lerpBox(wide, boxes[k + 1], smooth(2 * s - 1));
    if (k === 0 && l > 0 && s < 0.25) {
      // entering a layer: ease from where the previous layer's walk ended
      const prev = stageBoxes(r, l - 1);
      if (prev.k === dims) box = lerpBox(prev.boxes[3], box, smooth(s / 0.25));
    }
    return box;
  }

  // -------------------------------------------------------------------- render
  function runEpoch(r) {
    return Math.min(state.epoch, P.runs[r].n_epochs);
  }

  function render() {
    for (const row of rows) {
      const e = runEpoch(row.r);
      const c = compute(row.r, e);
      for (const p of row.panels) {
        if (p.kind === 'layer') drawLayer(p, c, e);
        else drawMorph(p, c, e);
      }
      drawChart(row, e);
      drawHead(row, e);
    }
    drawHover();
    hook.frame += 1;
    waiters.splice(0).forEach((res) => res(hook.frame));
  }

  function screenArrays(p, n) {
    if (!p.sx || p.sx.length !== n) {
      p.sx = new Float32Array(n);
      p.sy = new Float32Array(n);
      p.sz = new Float32Array(n);
    }
    if (P.grid && (!p.gx || p.gx.length !== P.grid.lines * P.grid.samples)) {
      const m = P.grid.lines * P.grid.samples;
      p.gx = new Float32Array(m);
      p.gy = new Float32Array(m);
      p.gz = new Float32Array(m);
    }
  }

  /** Draw points (n x k coords) and grid coords into panel p with data bounds `bounds`. */
  /** Draw a panel. `pointsKey` names what the points layer shows: when it is unchanged
   * (the input panel while scrubbing epochs) the layer drawn last time is reused. */
  function paint(p, coords, k, bounds, names, gcoords, regions, pointsKey) {
    const fresh = p.pointsKey !== pointsKey;
    p.pointsKey = pointsKey;
    const { ctx } = p;
    const n = P.n;
    screenArrays(p, n);
    ctx.clearRect(0, 0, PANEL_W, PANEL_H);
    const mask = P.masks[state.points];
    const radius = Math.max(1, Math.round((n > 5000 ? 1 : 2) * dpr));
    p.k = k;
    if (k === 3) {
      const fr = draw.frame3d(bounds, PLOT3, state.yaw, state.pitch);
      draw.box3d(ctx, fr, names);
      if (fresh) draw.toScreen3d(coords, n, fr, p.sx, p.sy, p.sz);
      if (gcoords) {
        const m = P.grid.lines * P.grid.samples;
        draw.toScreen3d(gcoords, m, fr, p.gx, p.gy, p.gz);
        draw.polylines(ctx, p.gx, p.gy, P.grid.lines, P.grid.samples, 'rgba(90,90,90,0.45)', 0.8);
      }
      if (fresh) draw.drawPoints(p.px, p.sx, p.sy, p.sz, n, P.color, PALETTE32, mask, radius, dpr);
      draw.blit(ctx, p.px, PANEL_W, PANEL_H);
      p.frame = fr;
      return;
    }
    const box = k === 1 ? [bounds[0], P.spec.data.jitter_range] : bounds;
    const fr = draw.frame2d(box, PLOT);
    p.frame = fr;
    if (regions) draw.imageOver(ctx, p.regionCache, regions.rgba, regions.gw, regions.gh, PLOT);
    draw.axes2d(ctx, fr, names[0], k === 1 ? 'jitter (display only)' : names[1]);
    ctx.save();
    ctx.beginPath();
    ctx.rect(PLOT.x, PLOT.y, PLOT.w, PLOT.h);
    ctx.clip();
    if (fresh) draw.toScreen2d(coords, n, k, P.jitter, fr, p.sx, p.sy);
    if (gcoords) {
      const m = P.grid.lines * P.grid.samples;
      draw.toScreen2d(gcoords, m, k, null, fr, p.gx, p.gy);
      draw.polylines(ctx, p.gx, p.gy, P.grid.lines, P.grid.samples, 'rgba(90,90,90,0.55)', 1);
      if (P.grid.lines === 1) {
        const idx = []; // ten equal steps of the input line: their spacing shows stretching
        for (let j = 0; j <= 10; j++) idx.push(Math.round((j * (P.grid.samples - 1)) / 10));
        if (k === 1) draw.ticks(ctx, p.gx, idx, fr.oy, 5, 'rgba(60,60,60,0.8)', 1);
        else dots(ctx, p.gx, p.gy, idx);
      }
    }
    if (fresh) draw.drawPoints(p.px, p.sx, p.sy, null, n, P.color, PALETTE32, mask, radius, dpr);
    draw.blit(ctx, p.px, PANEL_W, PANEL_H);
    ctx.restore();
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

  function drawLayer(p, c, e) {
    const run = P.runs[p.r];
    const l = p.layer;
    const d = display(p.r, l);
    const regionsOn = state.regions && run.is_classifier && !d.how && d.k <= 2;
    // the input layer is the same at every epoch; only its decision regions change
    const still = [JSON.stringify(d.how && d.how.units), d.k, state.points, state.grid, state.regions,
      d.k === 3 ? `${state.yaw},${state.pitch}` : ''].join('|');
    const sig = `${l === 0 && !regionsOn ? 'input' : e}|${still}`;
    if (sig === p.sig) {
      if (hook.panels[p.id]) hook.panels[p.id].epoch = e;
      return;
    }
    p.sig = sig;
    const width = run.layer_sizes[l];
    const values = c.values[l];
    const coords = d.how ? (p.coords = nn.project(values, P.n, width, d.how, p.coords)) : values;
    let gcoords = null;
    if (state.grid && P.grid) {
      const m = P.grid.lines * P.grid.samples;
      gcoords = d.how ? (p.gcoords = nn.project(c.gvalues[l], m, width, d.how, p.gcoords)) : c.gvalues[l];
    }
    const regions = regionsOn ? regionImage(p, c, e, d.bounds) : null;
    const what = d.how ? (d.how.units ? d.names.join(', ') : `PCA of ${width} units`) : `${width} unit${width > 1 ? 's' : ''}`;
    const act = l === 0 ? '' : ` · ${run.activations[l - 1]}`;
    p.cap.textContent = `${layerName(run, l)} · ${what}${act}`;
    paint(p, coords, d.k, d.bounds, d.names, gcoords, regions, l === 0 ? `input|${still}` : sig);
    hook.panels[p.id] = {
      id: p.id, run: p.r, layer: l, kind: 'layer', epoch: e, k: d.k, n: P.n, width,
      coords: coords.subarray(0, P.n * d.k), values, bounds: d.bounds,
      grid: gcoords, jitter: d.k === 1 ? P.jitter : null, sx: p.sx, sy: p.sy,
    };
  }

  function drawMorph(p, c, e) {
    const run = P.runs[p.r];
    const t = Math.min(state.morph, 3 * run.nLayers);
    const l = nn.morphLayer(t, run.nLayers);
    const u = Math.min(3, t - 3 * l);
    const md = morphDisplay(p.r, l);
    // stages walked: k -> k + 1 (0 x, 1 xW, 2 xW + b, 3 sigma); t = 0 shows the input alone,
    // the same at every epoch
    const k = Math.min(2, Math.floor(u));
    const frac = u - k;
    const used = frac === 0 ? [k] : frac === 1 ? [k + 1] : [k, k + 1];
    const needs = Math.max(0, ...used.filter((i) => i === 1 || i === 2));
    const sig = [t === 0 ? 'input' : e, t, JSON.stringify(md.how && (md.how.units || md.k)), state.points, state.grid,
      md.k === 3 ? `${state.yaw},${state.pitch}` : ''].join('|');
    if (sig === p.sig) return;
    p.sig = sig;
    stagesOf(p.r, c, l, needs);
    p.mvals = nn.interpolate(c.stage, P.n, u, p.mvals);
    const coords = md.how ? (p.coords = nn.project(p.mvals, P.n, md.D, md.how, p.coords)) : p.mvals;
    let gcoords = null;
    if (state.grid && P.grid) {
      const m = P.grid.lines * P.grid.samples;
      p.gvals = nn.interpolate(c.gstage, m, u, p.gvals);
      gcoords = md.how ? (p.gcoords = nn.project(p.gvals, m, md.D, md.how, p.gcoords)) : p.gvals;
    }
    const bounds = morphBox(p.r, t);
    p.cap.textContent = `morph t = ${t.toFixed(2)} · layer ${l + 1}: ${SHORT_STAGES[k]} → ${SHORT_STAGES[k + 1]}`;
    paint(p, coords, md.k, bounds, md.names, gcoords, null, sig);
    hook.panels[p.id] = {
      id: p.id, run: p.r, layer: l, kind: 'morph', epoch: e, t, k: md.k, n: P.n, width: md.D,
      coords: coords.subarray(0, P.n * md.k), values: p.mvals, bounds,
      grid: gcoords, jitter: md.k === 1 ? P.jitter : null, sx: p.sx, sy: p.sy,
    };
  }

  /** The rest of the network from layer l over the panel's plane: an RGBA image. */
  function regionImage(p, c, e, bounds) {
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
      const [R, G, B] = RGB[cls % RGB.length];
      rgba.set([R, G, B, Math.round(255 * (0.1 + 0.22 * conf))], i * 4);
    }
    p.regionKey = key;
    p.regionImg = { rgba, gw, gh };
    return p.regionImg;
  }

  function drawChart(row, e) {
    const run = P.runs[row.r];
    const sig = `${e}`;
    if (row.chartSig === sig) return;
    row.chartSig = sig;
    const ctx = draw.sizeCanvas(row.chart, PANEL_W, PANEL_H, dpr);
    ctx.clearRect(0, 0, PANEL_W, PANEL_H);
    let hi = 0;
    for (const v of run.loss) if (Number.isFinite(v) && v > hi) hi = v;
    draw.lineChart(ctx, CHART, [{ values: run.loss, color: '#333' }], {
      lo: 0, hi: hi || 1, at: e, xMax: run.n_epochs, title: `loss ${fmtv(run.loss[e])}`,
    });
    const acc = { ...CHART, y: CHART.y + 98 };
    const score = run.is_classifier ? 'accuracy' : 'R²';
    draw.lineChart(ctx, acc, [
      // greys, so the curves are not mistaken for classes
      { values: run.train, color: '#222', label: `train ${fmtv(run.train[e])}` },
      { values: run.test, color: '#888', dash: [4, 3], label: `test ${fmtv(run.test[e])}` },
    ], { lo: 0, hi: 1, at: e, xMax: run.n_epochs, title: score });
    ctx.fillStyle = '#666';
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textAlign = 'left';
    ctx.fillText(`epoch ${e} of ${run.n_epochs}`, CHART.x, PANEL_H - 4);
  }

  function drawHead(row, e) {
    const run = P.runs[row.r];
    const sig = `${e}`;
    if (row.headSig === sig) return;
    row.headSig = sig;
    const note = e < state.epoch ? ` (training stopped at epoch ${run.n_epochs})` : '';
    row.head.replaceChildren(
      h('b', { text: run.name }),
      ` · ${run.layer_sizes.join('–')} · ${run.activations.join(', ')} · epoch ${e}${note}`,
      run.stop_reason ? h('span', { class: 'nw-stop', text: ` · stopped: ${run.stop_reason}` }) : '',
    );
  }

  // --------------------------------------------------------------------- hover
  function pointAt(p, ev) {
    if (!p.sx) return;
    const box = p.overlay.getBoundingClientRect();
    const x = ev.clientX - box.left;
    const y = ev.clientY - box.top;
    const i = draw.nearest(p.sx, p.sy, P.n, x, y, 8, P.masks[state.points]);
    setHover(i < 0 ? null : { r: p.r, i, x: ev.clientX, y: ev.clientY });
  }

  function setHover(next) {
    if (!next && !hover) return;
    hover = next;
    drawHover();
  }

  function drawHover() {
    for (const row of rows) {
      for (const p of row.panels) {
        p.octx.clearRect(0, 0, PANEL_W, PANEL_H);
        if (!hover || hover.r !== row.r || !p.sx) continue;
        const x = p.sx[hover.i];
        const y = p.sy[hover.i];
        if (x !== x) continue;
        p.octx.lineWidth = 2;
        p.octx.strokeStyle = '#fff';
        p.octx.beginPath();
        p.octx.arc(x, y, 6, 0, 2 * Math.PI);
        p.octx.stroke();
        p.octx.lineWidth = 1.2;
        p.octx.strokeStyle = '#000';
        p.octx.stroke();
      }
    }
    if (!hover) {
      tip.hidden = true;
      hook.hover = null;
      return;
    }
    const run = P.runs[hover.r];
    const c = cache[hover.r];
    if (!c || !c.values) return;
    const lines = [`point ${hover.i} · class ${P.spec.data.classes[P.y[hover.i]]} · ${P.spec.data.split_names[P.split[hover.i]]}`];
    for (let l = 0; l <= run.nLayers; l++) {
      const w = run.layer_sizes[l];
      const v = c.values[l];
      const shown = [];
      for (let j = 0; j < Math.min(w, 6); j++) shown.push(fmtv(v[hover.i * w + j]));
      if (w > 6) shown.push('…');
      const act = l === 0 ? '' : ` (${run.activations[l - 1]})`;
      lines.push(`${layerName(run, l)}${act}: ${shown.join(', ')}`);
    }
    tip.textContent = lines.join('\n');
    tip.hidden = false;
    const rb = root.getBoundingClientRect();
    tip.style.left = `${hover.x - rb.left + 14}px`;
    tip.style.top = `${hover.y - rb.top + 14}px`;
    hook.hover = { run: hover.r, index: hover.i, text: tip.textContent };
  }

  // -------------------------------------------------------------------- update
  function schedule() {
    if (!raf && !disposed) raf = requestAnimationFrame(tick);
  }

  function tick(now) {
    raf = 0;
    const dt = lastTick ? Math.min(100, now - lastTick) : 16;
    lastTick = now;
    if (state.playing) {
      playAcc += (dt / 1000) * state.speed;
      const steps = Math.floor(playAcc);
      playAcc -= steps;
      const max = Number(epochIn.max);
      if (steps) {
        const epoch = Math.min(max, state.epoch + steps);
        update({ epoch, playing: epoch < max });
      }
    }
    if (morphPlaying) {
      const max = Number(morphIn.max);
      const morph = Math.min(max, state.morph + dt / 1000);
      if (morph >= max) morphPlaying = false;
      update({ morph });
      if (!morphPlaying) writeTraits(true);
    }
    render();
    if (state.playing || morphPlaying) schedule();
    else lastTick = 0;
  }

  function togglePlay() {
    const max = Number(epochIn.max);
    const playing = !state.playing;
    playAcc = 0;
    update(playing && state.epoch >= max ? { epoch: 0, playing } : { playing });
  }

  function toggleMorph() {
    morphPlaying = !morphPlaying;
    if (morphPlaying && state.morph >= Number(morphIn.max)) update({ morph: 0 });
    syncControls();
    schedule();
  }

  /** Write the trait fields where the view and the model differ (throttled; not while playing). */
  function flushTraits() {
    clearTimeout(traitTimer);
    traitTimer = 0;
    const diff = {};
    for (const k of st.TRAITS) if (model.get(k) !== state[k]) diff[k] = state[k];
    st.toModel(model, diff);
  }

  function writeTraits(now = false) {
    if (!st.TRAITS.some((k) => model.get(k) !== state[k])) return;
    if (now) flushTraits();
    else if (!traitTimer && !state.playing && !morphPlaying) traitTimer = setTimeout(flushTraits, MODEL_WRITE_MS);
  }

  /** Apply `changes` to the view state and redraw what they touch. */
  function update(changes) {
    const prev = state;
    state = st.clamp({ ...state, ...changes }, P.spec);
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(prev[k]));
    writeTraits(prev.playing && !state.playing);
    if (!changed.length) return;
    if (hash) hash.write(state, base);
    if (changed.includes('run') || changed.includes('compare')) buildRows();
    if (changed.includes('proj')) for (const row of rows) for (const p of row.panels) p.sig = '';
    syncControls();
    schedule();
  }

  // ------------------------------------------------------------------- events
  const onKey = (ev) => {
    const t = ev.target;
    if (t.tagName === 'SELECT' || t.tagName === 'BUTTON' || (t.tagName === 'INPUT' && t.type === 'checkbox')) return;
    const range = t.tagName === 'INPUT' && t.type === 'range';
    if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && !range) {
      const step = (ev.key === 'ArrowLeft' ? -1 : 1) * (ev.shiftKey ? 10 : 1);
      update({ epoch: Math.max(0, state.epoch + step), playing: false });
      ev.preventDefault();
      ev.stopPropagation(); // the host (e.g. Jupyter's shortcuts) should not act on it too
    } else if (ev.key === ' ' || ev.code === 'Space') {
      togglePlay();
      ev.preventDefault();
      ev.stopPropagation();
    }
  };
  root.addEventListener('keydown', onKey);
  const traitHandlers = st.TRAITS.map((k) => {
    const cb = () => update({ [k]: model.get(k) });
    model.on(`change:${k}`, cb);
    return [`change:${k}`, cb];
  });
  const reload = () => {
    P = decode(model.get('spec'), model.get('data'));
    cache = [];
    state = st.clamp(state, P.spec);
    buildStatic();
    buildRows();
    syncControls();
    schedule();
  };
  model.on('change:spec', reload);
  model.on('change:data', reload);

  buildStatic();
  buildRows();
  syncControls();
  writeTraits();
  render();
  el.__netwarp = hook;
  if (typeof window !== 'undefined') {
    window.__netwarp = hook;
    (window.__netwarpViews ||= []).push(hook);
  }
  return () => {
    disposed = true;
    cancelAnimationFrame(raf);
    clearTimeout(traitTimer);
    flushTraits();
    for (const [name, cb] of traitHandlers) model.off(name, cb);
    model.off('change:spec', reload);
    model.off('change:data', reload);
    root.removeEventListener('keydown', onKey);
    if (hash) hash.stop();
    root.remove();
    if (typeof window !== 'undefined') {
      window.__netwarpViews = (window.__netwarpViews || []).filter((x) => x !== hook);
      if (window.__netwarp === hook) window.__netwarp = window.__netwarpViews.at(-1);
    }
  };
}

const PALETTE32 = draw.packColors(draw.PALETTE);
const RGB = draw.PALETTE.map(draw.rgb);
const CHART = { x: 40, y: 22, w: 184, h: 70 };

export default {
  render({ model, el }) {
    try {
      return createView(model, el);
    } catch (err) {
      el.append(Object.assign(document.createElement('pre'), { className: 'nw-error', textContent: String(err && err.message ? err.message : err) }));
      throw err;
    }
  },
};
