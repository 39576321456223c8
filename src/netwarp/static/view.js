// view.js: netwarp's interactive view. `export default { render({ model, el }) }` is
// anywidget's front-end contract; the HTML file, the essay and the web app call the same
// `render` with `createLocalModel(envelopeBytes, options)`.
//
// The model holds `envelope` (the scene's bytes from netwarp.view.envelope; the older pair
// `spec` + `data` is read too) and the synced view traits (epoch, run, morph, compare).
// Chunks of new epochs arrive as anywidget custom messages ({type: 'chunk'}, [chunkBytes])
// (a local model's `append(chunkBytes)` sends one): the view grows its arrays, takes the
// scene delta and redraws, following the newest epoch if it was showing it. Every layer is
// recomputed here from the parameters (nn.js) and drawn from plain arrays (draw.js). The view's
// shared object `V` ({P, state, rows, cache, hook, update...}) is handed to the modules
// that build and draw its parts: controls.js, panels.js, morph.js, charts.js, diag.js,
// hover.js (display.js says how each layer is shown), layout.js (panel sizes, enlarge, full
// screen) and help.js (the explanations). After each drawn frame the element gets a
// 'netwarp:frame' event (detail: the hook below), so a host can follow what is shown.

import * as colors from './colors.js';
import * as model from './model.js';
import * as st from './state.js';
import * as tour from './tour.js';
import { chartSeek, drawChart, drawHead } from './charts.js';
import { createControls } from './controls.js';
import { mountTrainer } from './trainer_mount.js';
import { drawDiag } from './diag.js';
import { attachBoundary, drawBoundary } from './boundary.js';
import { flagPanel, deadOf } from './dead.js';
import { drawDiagram, makeDiagram } from './diagram.js';
import { exposeEdits, invalidate } from './edit.js';
import { hasWide, touring } from './display.js';
import { helpControls, helpPanels } from './help.js';
import { drawHover } from './hover.js';
import { drawMorph } from './morph.js';
import { createResizer, tools } from './layout.js';
import { compute, drawLayer, makePanel } from './panels.js';
import { PANEL_H, PANEL_W, h } from './util.js';

const MODEL_WRITE_MS = 80;
/** Grand Tour time per second while the tour plays (about a quarter radian a second). */
const TOUR_SPEED = 0.25;

/** A scene envelope's arrays as typed-array views, next to its spec (see model.js). */
export function decodeEnvelope(bytes) {
  return model.decodeEnvelope(bytes);
}

/**
 * A model for hosts without Jupyter (the HTML file, the essay, the web app): get / set / on /
 * off / save_changes over the scene `envelope` (bytes) and the view traits, and
 * `append(chunkBytes)` to add epochs (see model.js). The view keeps its state in the page's
 * URL hash unless `options.hash` is false.
 */
export function createLocalModel(envelope, options = {}, legacy = undefined) {
  return model.createLocalModel(envelope, options, legacy);
}

/** The view's data from what the model holds: the envelope, or the older spec + data. */
function load(mdl) {
  const bytes = mdl.get('envelope');
  return bytes && bytes.byteLength ? model.decodeEnvelope(bytes) : model.decode(mdl.get('spec'), mdl.get('data'));
}

function createView(mdl, el) {
  const host = mdl.netwarp || {};
  const P0 = load(mdl);
  const V = {
    P: P0,
    state: st.clamp(st.defaults(P0.spec, st.fromModel(mdl)), P0),
    dpr: Math.min(2, (typeof window !== 'undefined' && window.devicePixelRatio) || 1),
    cache: [],
    rows: [],
    hover: null,
    drag: null,
    morphPlaying: false,
    tourPlaying: false,
  };
  let hash = null;
  if (host.hash && typeof window !== 'undefined') {
    hash = st.bindHash(window, (partial) => update(partial));
    V.state = st.clamp({ ...V.state, ...hash.initial }, V.P);
  }
  const base = st.clamp(st.defaults(V.P.spec), V.P);
  let raf = 0;
  let lastTick = 0;
  let playAcc = 0;
  let traitTimer = 0;
  let disposed = false;
  const waiters = [];
  const hook = {
    frame: 0,
    panels: {},
    diag: {},
    charts: {},
    diagram: {},
    boundary: {},
    dead: {},
    /** The colour point i is drawn in ('#rrggbb'). */
    color: (i) => (V.P.target ? colors.VIRIDIS : colors.PALETTE)[V.P.color[i]],
    get state() {
      return { ...V.state, proj: { ...V.state.proj } };
    },
    get tourPlaying() {
      return V.tourPlaying;
    },
    set: (changes) => update(changes),
    renderNow: () => render(),
    nextFrame: () => new Promise((res) => {
      waiters.push(res);
      schedule();
    }),
  };
  Object.assign(V, { hook, update, schedule, togglePlay, toggleMorph, toggleTour, appendRows: (c) => append(c, true), refreshRun,
    setData: (P, changes) => reload(P, changes) });
  exposeEdits(V);
  const resizer = createResizer(V);
  V.resized = () => resizer.fitAll();

  // ------------------------------------------------------------------ layout
  const controls = createControls(V);
  helpControls(V, controls.els, controls.bars);
  const rowsEl = h('div', { class: 'nw-rows' });
  V.tip = h('div', { class: 'nw-tip', role: 'status', hidden: true });
  V.root = h('div', { class: 'netwarp', tabindex: '0', role: 'group',
    'aria-label': 'netwarp view (arrow keys step through epochs, space plays)' }, ...controls.bars, rowsEl, V.tip);
  const trainer = mountTrainer(V); // play / pause / step / reset and the run settings (V.trainer)
  el.append(V.root);

  function buildRows() {
    V.hover = null;
    V.tip.hidden = true;
    const shown = V.state.compare ? V.P.runs.map((_, i) => i) : [V.state.run];
    V.rows = shown.map((r) => makeRow(r));
    rowsEl.replaceChildren(...V.rows.map((row) => row.el));
    rowsEl.classList.toggle('nw-compare', V.rows.length > 1); // side by side where there is room
    resizer.observe(V.rows);
    hook.panels = {};
    hook.diag = {};
    hook.charts = {};
    hook.diagram = {};
    hook.boundary = {};
  }

  function makeRow(r) {
    const run = V.P.runs[r];
    const head = h('div', { class: 'nw-rowhead' });
    const panels = [];
    for (let l = 0; l <= run.nLayers; l++) panels.push(makePanel(V, r, 'layer', l));
    if (!run.recorded) panels.push(makePanel(V, r, 'morph', null)); // recorded activations have no stages
    panels.forEach((p) => attachBoundary(V, p));
    const diagram = makeDiagram(V, r);
    const chart = h('canvas', { class: 'nw-chart', 'aria-label': `${V.P.words.training} curves ${run.name}` });
    const chartBox = h('div', { class: 'nw-stack' }, chart);
    const chartCap = h('figcaption', {}, h('span', { class: 'nw-cap', text: V.P.words.training }));
    const chartFig = h('figure', { class: 'nw-panel nw-training' }, chartCap, chartBox);
    const many = V.P.runs.length > 1 ? ` (${run.name})` : '';
    tools(chartFig, chartCap, `${V.P.words.training}${many}`, () => V.resized());
    chart.addEventListener('pointerdown', (ev) => chartSeek(V, ev, chart, run));
    chart.addEventListener('pointermove', (ev) => ev.buttons & 1 && chartSeek(V, ev, chart, run));
    const body = h('div', { class: 'nw-panels' }, diagram && diagram.fig, ...panels.map((p) => p.fig), chartFig);
    const chartT = { canvas: null, W: PANEL_W, H: PANEL_H }; // the chart draws itself at this size
    const row = { r, el: h('div', { class: 'nw-row' }, head, body), head, panels, diagram, chart, chartBox, chartT, chartSig: '', headSig: '' };
    helpPanels(V, row);
    return row;
  }

  // -------------------------------------------------------------------- render
  function render() {
    for (const row of V.rows) {
      const e = Math.min(V.state.epoch, V.P.runs[row.r].n_epochs);
      const c = compute(V, row.r, e);
      const dead = deadOf(V, row.r, c);
      for (const p of row.panels) {
        if (p.kind === 'layer') {
          drawLayer(V, p, c, e);
          drawDiag(V, p, e);
          flagPanel(V, p, dead);
        } else drawMorph(V, p, c, e);
        drawBoundary(V, p, c, e);
      }
      drawDiagram(V, row.diagram, c, e);
      drawChart(V, row, e);
      drawHead(V, row, e);
    }
    drawHover(V);
    hook.frame += 1;
    waiters.splice(0).forEach((res) => res(hook.frame));
    el.dispatchEvent(new CustomEvent('netwarp:frame', { detail: hook })); // hosts follow what is shown
  }

  function schedule() {
    if (!raf && !disposed) raf = requestAnimationFrame(tick);
  }

  function tick(now) {
    raf = 0;
    const dt = lastTick ? Math.min(100, now - lastTick) : 16;
    lastTick = now;
    const { state } = V;
    if (state.playing) {
      playAcc += (dt / 1000) * state.speed;
      const steps = Math.floor(playAcc);
      playAcc -= steps;
      const max = Number(controls.els.epochIn.max);
      if (steps) {
        const epoch = Math.min(max, st.stepEpoch(V.P, state, steps));
        update({ epoch, playing: epoch < max });
      }
    }
    if (V.morphPlaying) {
      const max = Number(controls.els.morphIn.max);
      const morph = Math.min(max, V.state.morph + dt / 1000);
      if (morph >= max) V.morphPlaying = false;
      update({ morph });
      if (!V.morphPlaying) writeTraits(true);
    }
    if (V.tourPlaying) {
      const t = V.state.tour + (dt / 1000) * TOUR_SPEED;
      update({ tour: t > tour.LENGTH ? t - tour.LENGTH : t });
    }
    render();
    if (V.state.playing || V.morphPlaying || V.tourPlaying) schedule();
    else lastTick = 0;
  }

  function togglePlay() {
    const max = Number(controls.els.epochIn.max);
    const playing = !V.state.playing;
    playAcc = 0;
    update(playing && V.state.epoch >= max ? { epoch: 0, playing } : { playing });
  }

  function toggleMorph() {
    V.morphPlaying = !V.morphPlaying;
    if (V.morphPlaying && V.state.morph >= Number(controls.els.morphIn.max)) update({ morph: 0 });
    controls.sync();
    schedule();
  }

  /** Play or pause the Grand Tour; playing with no panel on it puts every wide layer on it. */
  function toggleTour() {
    V.tourPlaying = !V.tourPlaying;
    if (V.tourPlaying && !touring(V) && hasWide(V)) {
      const proj = { ...V.state.proj };
      const shown = V.state.compare ? V.P.runs.map((_, i) => i) : [V.state.run];
      for (const r of shown) {
        V.P.runs[r].layer_sizes.forEach((w, l) => {
          const now = proj[`${r}.${l}`] || 'pca3';
          if (w > 3 && now.startsWith('pca')) proj[`${r}.${l}`] = now === 'pca2' ? 'tour2' : 'tour3';
        });
      }
      update({ proj });
    }
    controls.sync();
    schedule();
  }

  /** Write the trait fields where the view and the model differ (throttled; not while playing). */
  function flushTraits() {
    clearTimeout(traitTimer);
    traitTimer = 0;
    const diff = {};
    for (const k of st.TRAITS) if (mdl.get(k) !== V.state[k]) diff[k] = V.state[k];
    st.toModel(mdl, diff);
  }

  function writeTraits(now = false) {
    if (!st.TRAITS.some((k) => mdl.get(k) !== V.state[k])) return;
    if (now) flushTraits();
    else if (!traitTimer && !V.state.playing && !V.morphPlaying) traitTimer = setTimeout(flushTraits, MODEL_WRITE_MS);
  }

  /** Apply `changes` to the view state and redraw what they touch. */
  function update(changes) {
    const prev = V.state;
    V.state = st.clamp({ ...prev, ...changes }, V.P);
    const changed = Object.keys(V.state).filter((k) => JSON.stringify(V.state[k]) !== JSON.stringify(prev[k]));
    writeTraits(prev.playing && !V.state.playing);
    if (!changed.length) return;
    if (hash) hash.write(V.state, base);
    if (changed.includes('run') || changed.includes('compare')) buildRows();
    if (changed.includes('proj')) for (const row of V.rows) for (const p of row.panels) p.sig = '';
    controls.sync();
    schedule();
  }

  // ------------------------------------------------------------------- events
  const onKey = (ev) => {
    const t = ev.target;
    if (t.tagName === 'SELECT' || t.tagName === 'BUTTON' || (t.tagName === 'INPUT' && t.type === 'checkbox')) return;
    const range = t.tagName === 'INPUT' && t.type === 'range';
    if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && !range) {
      const step = (ev.key === 'ArrowLeft' ? -1 : 1) * (ev.shiftKey ? 10 : 1);
      update({ epoch: st.stepEpoch(V.P, V.state, step), playing: false });
      ev.preventDefault();
      ev.stopPropagation(); // the host (e.g. Jupyter's shortcuts) should not act on it too
    } else if (ev.key === ' ' || ev.code === 'Space') {
      togglePlay();
      ev.preventDefault();
      ev.stopPropagation();
    }
  };
  V.root.addEventListener('keydown', onKey);
  const traitHandlers = st.TRAITS.map((k) => {
    const cb = () => update({ [k]: mdl.get(k) });
    mdl.on(`change:${k}`, cb);
    return [`change:${k}`, cb];
  });
  /** Take a chunk of epochs: grow the run's arrays, redraw what shows it, follow the newest epoch. */
  function append(bytes, decoded = false) {
    const following = V.state.epoch >= st.maxEpoch(V.P, V.state);
    const c = decoded ? model.appendRows(V.P, bytes) : model.appendChunk(V.P, bytes);
    refreshRun(c.run, false);
    const next = st.clamp(following ? { ...V.state, epoch: st.maxEpoch(V.P, V.state) } : V.state, V.P);
    if (next.epoch !== V.state.epoch) update({ epoch: next.epoch });
    else {
      controls.sync();
      schedule();
    }
    hook.appended += c.fresh;
  }
  hook.appended = 0;

  /** Forget what is drawn of run r (its parameters changed in place) and redraw. */
  function refreshRun(r, draw = true) {
    invalidate(V, r);
    for (const row of V.rows.filter((x) => x.r === r)) {
      row.chartSig = '';
      row.headSig = '';
      for (const p of row.panels) p.diagSig = '';
    }
    if (draw) controls.sync();
  }
  const onMsg = (msg, buffers) => {
    if (!msg || msg.type !== 'chunk') return;
    for (const b of buffers || []) append(b);
  };
  mdl.on('msg:custom', onMsg);

  /** Show the model's data again, or other view data `P` (model.fromScene's) with `changes` to the state. */
  const reload = (P = null, changes = {}) => {
    V.P = P || load(mdl);
    V.cache = [];
    V.state = st.clamp({ ...V.state, ...changes }, V.P);
    if (!P) trainer.rebuild(); // a new scene from the host: the trainer starts on it
    controls.buildStatic();
    buildRows();
    controls.sync();
    if (hash && P) hash.write(V.state, base);
    schedule();
  };
  const onChange = () => reload();
  mdl.on('change:spec', onChange);
  mdl.on('change:data', onChange);
  mdl.on('change:envelope', onChange);

  controls.buildStatic();
  buildRows();
  controls.sync();
  writeTraits();
  if (hash) hash.write(V.state, base); // the URL names the epoch shown from the first frame on
  render();
  el.__netwarp = hook;
  if (typeof window !== 'undefined') {
    window.__netwarp = hook;
    (window.__netwarpViews ||= []).push(hook);
  }
  return () => {
    disposed = true;
    trainer.stop();
    cancelAnimationFrame(raf);
    resizer.stop();
    clearTimeout(traitTimer);
    flushTraits();
    for (const [name, cb] of traitHandlers) mdl.off(name, cb);
    mdl.off('change:spec', onChange);
    mdl.off('change:data', onChange);
    mdl.off('change:envelope', onChange);
    mdl.off('msg:custom', onMsg);
    V.root.removeEventListener('keydown', onKey);
    if (hash) hash.stop();
    V.root.remove();
    if (typeof window !== 'undefined') {
      window.__netwarpViews = (window.__netwarpViews || []).filter((x) => x !== hook);
      if (window.__netwarp === hook) window.__netwarp = window.__netwarpViews.at(-1);
    }
  };
}

export default {
  render({ model: mdl, el }) {
    try {
      return createView(mdl, el);
    } catch (err) {
      el.append(Object.assign(document.createElement('pre'), { className: 'nw-error', textContent: String(err && err.message ? err.message : err) }));
      throw err;
    }
  },
};
