// trainer_ui.js: training in the page. A bar with Play / Pause, Step, Reset and Download run, and
// a bar of run settings (Dataset, Points, Noise, Training ratio, Hidden layers, Activation, Solver,
// Learning rate, Batch size, Alpha, Feature crosses: a layer of their own) whose bounds, defaults and choices come from the settings
// table the scene carries (netwarp.core.spec.table()). Training follows the newest epoch with
// every view live; the run is a run of the view (its name starts with "page").
//
// API on the view's shared object, `V.trainer` (also `window.__netwarp.trainer`):
//   play(), pause(), toggle(), step(k = 1), reset(), download() -> the .npz bytes (and saves them)
//   setParam(layer, i, j, value): weight W[layer][i][j] (fan_in index i, fan_out index j) of the
//     page run's newest epoch; `i === null` sets bias b[layer][j] (through edit.js's setParam, as
//     the diagram's edits). Training continues from the edited network (the optimiser keeps its
//     state). A recorded run is first adopted: a page run starts from its parameters at the shown
//     epoch, on the scene's points; Play and Step do the same for a recorded run edited by hand.
//   setWeight(layer, i, j, v), setBias(layer, j, v), getParam(layer, i, j)
//   set(changes): change settings (RunSpec names) and reset; settings(): the current ones
//   paramsOf(): the page run's parameters so far; playing, runIndex (the page run in V.P.runs, or
//   -1), stats {epochs, trainMs, resets}

import * as model from './model.js';
import { nParams } from './nn.js';
import { generate } from './datagen.js';
import { HIDDEN } from './train.js';
import { createRun, sceneSpec } from './trainrun.js';
import { onParamEdit } from './edit.js';
import { h } from './util.js';

/** Training time per animation frame, in ms (the rest of the frame draws). */
const BUDGET_MS = 10;
const SCENE = ''; // the Dataset choice meaning "the points this page shows"

const FIELDS = [
  // [setting, accessible name, kind, its explanation in the vocabulary's help table]
  ['n', 'Points', 'number', 'n_points'], ['noise', 'Noise', 'number', 'noise'],
  ['ratio', 'Training ratio', 'number', 'training_ratio'], ['hidden', 'Hidden layers', 'text', 'hidden_layers'],
  ['activation', 'Activation', 'select', 'activation'], ['solver', 'Solver', 'select', 'solver'],
  ['learning_rate_init', 'Learning rate', 'number', 'learning_rate'], ['batch_size', 'Batch size', 'text', 'batch_size'],
  ['alpha', 'Alpha', 'number', 'alpha'],
];

export function createTrainerUI(V) {
  const table = V.P.spec.settings;
  const scene0 = V.P;
  if (!table || V.P.target) return { bars: [], sync() {}, stop() {} };
  const byName = Object.fromEntries(table.settings.map((s) => [s.name, s]));
  let S = initial();
  let run = null;
  let runIndex = -1;
  let playing = false;
  let raf = 0;
  let msPerEpoch = 1;
  const stats = { epochs: 0, trainMs: 0 };
  const els = {};
  const say = (text) => { els.status.textContent = text; els.status.title = text; };

  function initial() {
    const spec = V.P.runs[V.state.run]?.spec || {};
    const out = {};
    for (const s of table.settings) out[s.name] = spec[s.name] ?? s.default;
    out.hidden = [...out.hidden];
    out.engine = table.engine;
    out.crosses = [...(out.crosses || [])];
    out.dataset = SCENE;
    out.named = spec.dataset || null; // the built-in dataset the page's points come from, if known
    const ds = table.datasets?.[out.named];
    if (out.n == null) out.n = ds ? ds.n : V.P.n;
    if (out.noise == null) out.noise = ds ? ds.noise : 0;
    out.ratio = 1 - out.test_size;
    if (!HIDDEN.includes(out.activation)) out.activation = byName.activation.default;
    return out;
  }

  // ---------------------------------------------------------------- controls
  const help = V.P.words.help || {};
  const btn = (label, key, onclick, text) => h('button', { type: 'button', 'aria-label': label, title: help[key] || label, onclick, text });
  els.play = btn('Play', 'play', () => toggle(), '▶ Play');
  els.step = btn('Step', 'step', () => step(1), 'Step');
  els.reset = btn('Reset', 'reset', () => { pause(); reset(); }, 'Reset');
  els.download = btn('Download run', 'download_run', () => download(), 'Download run');
  els.status = h('span', { class: 'nw-train-status', role: 'status', 'aria-live': 'polite' });
  els.dataset = h('select', { 'aria-label': 'Dataset', title: help.dataset || 'Dataset', onchange: () => change({ dataset: els.dataset.value }) },
    h('option', { value: SCENE, text: "this page's points" }),
    ...Object.keys(table.datasets || {}).map((name) => h('option', { value: name, text: name.replace(/_/g, ' ') })));
  const fieldEls = FIELDS.map(([key, label, kind, helpKey]) => {
    const s = byName[key === 'ratio' ? 'test_size' : key] || {};
    let input;
    if (kind === 'select') {
      const choices = key === 'activation' ? (s.choices || HIDDEN).filter((c) => HIDDEN.includes(c)) : s.choices || [];
      input = h('select', { 'aria-label': label }, ...choices.map((c) => h('option', { value: c, text: c })));
    } else if (kind === 'number') {
      const hi = key === 'ratio' ? 1 - 0.05 : s.cap ?? s.hi;
      const lo = key === 'ratio' ? 1 - (s.hi ?? 0.95) : s.lo;
      input = h('input', { type: 'number', 'aria-label': label, min: lo, max: hi, step: key === 'n' ? 1 : 'any', style: 'width:6em' });
    } else input = h('input', { type: 'text', 'aria-label': label, style: 'width:5em' });
    input.title = help[helpKey] || s.help || label;
    input.addEventListener('change', () => change({ [key]: input.value }));
    els[key] = input;
    return h('label', { class: 'nw-setting' }, `${label} `, input);
  });
  const crossEls = Object.entries(table.crosses || {}).map(([name, f]) => {
    const box = h('input', { type: 'checkbox', 'aria-label': f.label, title: `${f.label}: ${byName.crosses?.help || ''}`,
      onchange: () => change({ crosses: null }) });
    box.dataset.feature = name;
    return box;
  });
  els.features = h('fieldset', { class: 'nw-setting nw-features', role: 'group', 'aria-label': 'Feature crosses', title: byName.crosses?.help },
    h('legend', { text: 'Feature crosses' }), ...crossEls.map((b) => h('label', {}, b, ` ${table.crosses[b.dataset.feature].label}`)));
  const bars = [
    h('div', { class: 'nw-bar nw-trainbar' }, els.play, els.step, els.reset, els.download, els.status),
    h('div', { class: 'nw-bar nw-settings' }, h('label', { class: 'nw-setting' }, 'Dataset ', els.dataset), ...fieldEls,
      crossEls.length ? els.features : null),
  ];

  function sync() {
    els.play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    els.play.title = help[playing ? 'pause' : 'play'] || (playing ? 'Pause' : 'Play');
    els.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    els.play.setAttribute('aria-pressed', String(playing));
    els.dataset.value = S.dataset;
    for (const [key] of FIELDS) {
      const v = S[key];
      els[key].value = key === 'hidden' ? v.join(',') : String(v);
    }
    els.download.disabled = !run;
    const d = dimsOf(S);
    for (const b of crossEls) {
      b.checked = S.crosses.includes(b.dataset.feature);
      b.disabled = table.crosses[b.dataset.feature].needs > d;
    }
  }

  /** Settings after `changes` (text from the controls), checked against the table; throws a message. */
  function parse(changes) {
    const next = { ...S };
    for (const [key, raw] of Object.entries(changes)) {
      if (key === 'dataset') {
        next.dataset = raw;
        if (raw !== SCENE) {
          const ds = table.datasets[raw];
          Object.assign(next, { n: ds.n, noise: ds.noise }, pick(table.recommended[raw]));
        }
        continue;
      }
      if (key === 'crosses') {
        next.crosses = crossEls.filter((b) => b.checked).map((b) => b.dataset.feature);
        continue;
      }
      if (key === 'hidden') {
        const widths = String(raw).split(',').map((t) => t.trim()).filter(Boolean).map(Number);
        const s = byName.hidden;
        if (!widths.length || widths.some((w) => !Number.isInteger(w) || w < s.lo || w > (s.cap ?? s.hi))) {
          throw new Error(`Hidden layers: give widths from ${s.lo} to ${s.cap ?? s.hi}, e.g. 8,8`);
        }
        if (widths.length > table.max_layers) throw new Error(`Hidden layers: at most ${table.max_layers} layers`);
        next.hidden = widths;
      } else if (key === 'activation' || key === 'solver') next[key] = raw;
      else if (key === 'batch_size' && String(raw).trim() === 'auto') next.batch_size = 'auto';
      else {
        const v = Number(raw);
        const name = key === 'ratio' ? 'test_size' : key;
        const s = byName[name];
        const value = key === 'ratio' ? 1 - v : v;
        const hi = s.cap ?? s.hi;
        const bad = !Number.isFinite(v) || (s.kind !== 'float' && !Number.isInteger(v))
          || (s.lo != null && (s.lo_open ? value <= s.lo : value < s.lo)) || (hi != null && value > hi);
        const label = FIELDS.find(([k]) => k === key)[1];
        if (bad) throw new Error(`${label}: ${raw} is out of range`);
        next[key] = v;
        if (key === 'ratio') next.test_size = 1 - v;
        if (['n', 'noise', 'ratio'].includes(key) && next.dataset === SCENE) next.dataset = S.named || Object.keys(table.datasets)[0];
      }
    }
    next.crosses = next.crosses.filter((f) => table.crosses[f].needs <= dimsOf(next));
    return next;
  }

  /** Input columns of the data settings `s` would train on. */
  function dimsOf(s) {
    return s.dataset === SCENE ? scene0.d : table.datasets[s.dataset].n_features;
  }

  const pick = (rec) => {
    const out = {};
    for (const k of ['hidden', 'activation', 'solver', 'learning_rate_init', 'batch_size', 'alpha']) if (rec[k] != null) out[k] = rec[k];
    if (!HIDDEN.includes(out.activation)) delete out.activation;
    return out;
  };

  function change(changes) {
    try {
      S = parse(changes);
    } catch (err) {
      say(err.message);
      sync();
      return;
    }
    const was = playing;
    pause();
    reset();
    if (was) play();
  }

  // ------------------------------------------------------------------ the run
  function sceneData() {
    const d = scene0.spec.data;
    return { name: S.named || 'page data', n: scene0.n, d: scene0.d, X: scene0.X, y: scene0.y,
      split: Uint8Array.from(scene0.split, (s) => (s === 1 ? 1 : 0)), classes: d.classes.map(String) };
  }

  function pageData() {
    if (S.dataset === SCENE) return sceneData();
    const g = generate(S.dataset, { n: S.n, noise: S.noise, seed: S.data_seed, testSize: S.test_size });
    const k = table.datasets[S.dataset].n_classes;
    return { ...g, classes: Array.from({ length: k }, (_, i) => String(i)) };
  }

  /** Show page run `r` (from createRun) in the view: next to the recorded runs when it trains on their points. */
  function show(r) {
    run = r;
    const tree = r.tree();
    const recorded = scene0.runs.filter((x) => !x.page && x.n_epochs > 0); // an untrained placeholder goes
    let P;
    if (r.data.X === scene0.X) {
      const made = model.fromScene({ ...scene0.spec, runs: [tree] }).runs[0];
      P = { ...scene0, runs: [...recorded, made] };
    } else P = model.fromScene(sceneSpec(scene0.spec, r.data, tree));
    P.runs.at(-1).page = true;
    runIndex = P.runs.length - 1;
    V.edits?.clear(); // run indices may change: what was edited is kept as it is
    V.setData(P, { run: runIndex, epoch: 0, playing: false });
    sync();
  }

  function reset() {
    try {
      const data = pageData();
      const seed = S.random_state + stats.resets;
      stats.resets += 1;
      const label = `page ${S.dataset === SCENE ? '' : `${S.dataset} `}${S.hidden.join(',')} ${S.activation}`;
      show(createRun({ ...S, random_state: seed }, data, label));
      say(`${label}: ready`);
    } catch (err) {
      run = null;
      say(String(err.message || err));
    }
  }
  stats.resets = 0;

  /** The page run, after adopting the shown run when another is shown. */
  function ensureRun() {
    if (!run || runIndex !== V.state.run) adopt();
    return run;
  }

  /** Continue the shown run from its shown epoch as a page run (to edit or train it). */
  function adopt() {
    const shown = V.P.runs[V.state.run];
    if (shown && shown.page && run) return;
    const e = Math.min(V.state.epoch < 0 ? shown.n_epochs : V.state.epoch, shown.n_epochs);
    const lifted = shown.activations[0].startsWith('features:');
    const act = shown.activations[lifted ? 1 : 0];
    if (!HIDDEN.includes(act) || !shown.is_classifier || shown.layer_sizes[0] !== scene0.d) {
      reset();
      return;
    }
    const crosses = lifted ? shown.activations[0].slice('features:'.length).split(',') : [];
    const P = nParams(shown.layer_sizes);
    const row = model.rowOf(shown, e);
    const theta = shown.params.subarray(row * P, (row + 1) * P);
    const settings = { ...S, hidden: shown.layer_sizes.slice(lifted ? 2 : 1, -1), activation: act, crosses };
    S = { ...S, dataset: SCENE };
    show(createRun(settings, sceneData(), `page: ${shown.name} from epoch ${e}`, theta));
  }

  // ----------------------------------------------------------------- training
  function trainFor(count) {
    const t0 = performance.now();
    const c = run.train(count);
    const ms = performance.now() - t0;
    if (!c) return 0;
    const k = c.e1 - c.e0;
    stats.epochs += k;
    stats.trainMs += ms;
    msPerEpoch = 0.8 * msPerEpoch + (0.2 * ms) / k;
    V.appendRows({ ...c, run: runIndex });
    const r = V.P.runs[runIndex];
    say(`${run.name}: epoch ${run.epochs}${c.stop_reason ? ` · stopped: ${c.stop_reason}` : ''}`);
    if (r && V.state.epoch !== r.n_epochs && playing) V.update({ epoch: r.n_epochs });
    return k;
  }

  function frame() {
    raf = 0;
    if (!playing || !run) return;
    if (run.stopped()) {
      pause();
      return;
    }
    trainFor(Math.max(1, Math.min(1000, Math.floor(BUDGET_MS / Math.max(msPerEpoch, 0.01)))));
    raf = requestAnimationFrame(frame);
  }

  function play() {
    if (V.state.run !== runIndex && edited(V.state.run)) adopt();
    else if (!run) reset();
    if (!run) return;
    if (V.state.run !== runIndex) V.update({ run: runIndex, epoch: V.P.runs[runIndex].n_epochs });
    if (run.stopped()) run.extend(S.max_iter);
    playing = true;
    if (!raf) raf = requestAnimationFrame(frame);
    sync();
  }

  function pause() {
    playing = false;
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    sync();
  }

  function toggle() {
    if (playing) pause();
    else play();
  }

  function step(k = 1) {
    pause();
    if (V.state.run !== runIndex && edited(V.state.run)) adopt();
    else if (!run) reset();
    if (!run) return;
    if (V.state.run !== runIndex) V.update({ run: runIndex });
    if (run.stopped()) run.extend(S.max_iter);
    trainFor(k);
    V.update({ epoch: V.P.runs[runIndex].n_epochs });
  }

  function download() {
    if (!run) return null;
    const spec = { ...Object.fromEntries(table.settings.map((s) => [s.name, S[s.name]])), hidden: run.settings.hidden,
      crosses: run.settings.crosses || [], activation: run.settings.activation, name: run.name };
    if (S.dataset === SCENE && S.named) spec.dataset = S.named;
    const bytes = run.file(spec, V.P.spec.trajectory_format);
    if (typeof document !== 'undefined') {
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: `${run.name.replace(/[^\w.-]+/g, '_')}.npz` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
    return bytes;
  }

  // ------------------------------------------------------------ editing (API)
  // Every edit goes through edit.js (the diagram's too); the page run trains on from its newest
  // epoch as edited, and a recorded run edited by hand is continued from by Play and Step.
  onParamEdit(V, (edit) => {
    if (!run || !(edit.restored ? edit.restored.includes(runIndex) : edit.run === runIndex)) return;
    const newest = run.rows - 1;
    if (!edit.restored && edit.row !== newest) return;
    const r = V.P.runs[runIndex];
    Object.assign(r, run.setRow(r.params.subarray(newest * run.nParams, (newest + 1) * run.nParams)));
    V.refreshRun(runIndex);
  });

  const edited = (r) => Boolean(V.edits && [...V.edits.keys()].some((k) => k.startsWith(`${r}:`)));

  function setParam(layer, i, j, value) {
    if (!ensureRun()) throw new Error('this view cannot train in the page');
    if (run.sizes.length > run.settings.hidden.length + 2 && layer === 0) throw new Error('the feature-cross layer is fixed');
    const e = V.P.runs[runIndex].n_epochs;
    V.hook.setParam(runIndex, layer, i === null || i === undefined ? -1 : i, j, Number(value), e);
    V.update({ epoch: e });
  }

  const getParam = (layer, i, j) => V.hook.getParam(V.state.run, layer, i === null || i === undefined ? -1 : i, j);

  V.trainer = {
    play, pause, toggle, step, reset, download, setParam, getParam,
    setWeight: (layer, i, j, v) => setParam(layer, i, j, v),
    setBias: (layer, j, v) => setParam(layer, null, j, v),
    set: (changes) => change(changes),
    settings: () => ({ ...S, hidden: [...S.hidden], crosses: [...S.crosses] }),
    /** The page run's parameters at every epoch so far ((epochs + 1) * n_params), a copy. */
    paramsOf: () => (run ? run.history.slice(0, run.rows * run.nParams) : null),
    get playing() { return playing; },
    get runIndex() { return runIndex; },
    stats,
  };
  V.hook.trainer = V.trainer;
  sync();
  /** Stop training for good (the view's data is replaced): later edits no longer reach this run. */
  const stop = () => { pause(); run = null; };
  return { bars, sync, stop };
}
