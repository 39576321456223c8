// app.js: the page of `netwarp serve`. It configures runs, follows their training and hands
// the view to netwarp's one renderer (/static/netwarp.js). The configuration lives in the
// URL's query (?dataset=...&hidden=8,8...); the renderer keeps its own view state in the hash.

import { body, buildForm, fromQuery, readForm, recommended, setTable, syncUrl, writeForm } from './config.js';
import { fmt, renderRuns as drawRuns, runInfo } from './runs.js';

const $ = (id) => document.getElementById(id);

const ACTIVE = ['queued', 'running'];
const LIVE_EVERY_MS = 600; // at most this often the live view is rebuilt while training

const app = {
  token: '',
  datasets: [],
  runs: [],
  selected: null, // run id shown
  compare: [], // up to two run ids shown side by side
  stream: null, // EventSource of the selected run while it trains
  view: null, // {cleanup, ids, model, last}: the mounted view
  shown: '', // ids of the runs shown last (kept while a placeholder stands in)
  viewBusy: false,
  viewAgain: false,
  viewAt: 0,
  renderer: null,
  pollTimer: null,
  retryTimer: null,
};

// ------------------------------------------------------------------------------- api
function takeToken() {
  const params = new URLSearchParams(window.location.search);
  const given = params.get('token');
  if (given) {
    sessionStorage.setItem('netwarp-token', given);
    params.delete('token');
    const q = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (q ? `?${q}` : '') + window.location.hash);
  }
  app.token = given || sessionStorage.getItem('netwarp-token') || '';
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (app.token) headers.Authorization = `Bearer ${app.token}`;
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && body.detail) detail = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(detail);
  }
  return response;
}

function withToken(url) {
  return app.token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(app.token)}` : url;
}

function say(text, kind = '') {
  const el = $('message');
  el.textContent = text;
  el.className = `message ${kind}`;
}

function showSummary() {
  const d = app.datasets.find((x) => x.name === $('dataset').value);
  $('dataset-summary').textContent = d
    ? `${d.summary} — ${d.n} points${d.kind === 'upload' ? '' : ' by default'}, ${d.n_features}-D, `
      + `${d.n_classes} classes` : '';
  const upload = d && d.kind === 'upload';
  for (const k of ['n', 'noise', 'data_seed']) $(k).disabled = upload;
}

async function loadDatasets() {
  app.datasets = await (await api('/api/datasets')).json();
  const select = $('dataset');
  const current = select.value;
  select.replaceChildren();
  for (const kind of ['builtin', 'upload']) {
    const items = app.datasets.filter((d) => d.kind === kind);
    if (!items.length) continue;
    const group = document.createElement('optgroup');
    group.label = kind === 'builtin' ? 'Built-in' : 'Your uploads';
    for (const d of items) {
      const o = document.createElement('option');
      o.value = d.name;
      o.textContent = kind === 'upload' ? `${d.filename} (${d.name})` : d.name;
      group.append(o);
    }
    select.append(group);
  }
  if (current) select.value = current;
}

// ----------------------------------------------------------------------------- runs
function runById(id) {
  return app.runs.find((r) => r.id === id);
}

function showCounters(run) {
  if (!run) return;
  $('epoch').textContent = String(run.epoch);
  $('epoch-of').textContent = ` / ${run.max_iter}`;
  $('loss').textContent = fmt(run.loss, 4);
  $('acc').textContent = run.train_score === null ? '–' : `${fmt(run.train_score)} / ${fmt(run.test_score)}`;
  $('progress-bar').style.width = `${Math.min(100, (100 * run.epoch) / Math.max(1, run.max_iter))}%`;
  $('progress-bar').className = run.status;
  const c = run.config;
  const pair = app.compare.length === 2 ? app.compare.map(runById).filter(Boolean) : [];
  $('run-title').textContent = pair.length === 2 ? `${pair[0].name}  vs  ${pair[1].name}` : run.name;
  const state = run.paused ? 'paused' : run.status;
  const why = run.error || (ACTIVE.includes(run.status) ? '' : run.stop_reason);
  $('run-detail').textContent = `${state}${why ? ` — ${why}` : ''} · ${c.solver}, lr ${c.learning_rate_init}, `
    + `batch ${c.batch_size}, alpha ${c.alpha}, seed ${c.random_state}`;
  const active = ACTIVE.includes(run.status);
  $('pause').disabled = !active;
  $('cancel').disabled = !active;
  $('pause').textContent = run.paused ? 'Resume' : 'Pause';
}

function renderRuns() {
  drawRuns($('runs'), app.runs, { selected: app.selected, compare: app.compare, url: withToken },
    { select, compare: toggleCompare, remove: removeRun });
}

async function refreshRuns() {
  app.runs = await (await api('/api/runs')).json();
  renderRuns();
  const shown = runById(app.selected);
  if (shown) showCounters(shown);
  // Safety net besides the progress stream: the view catches up with what the list reports.
  const lagging = shown && app.compare.length < 2 && shown.epoch > 0 && shown.status !== 'failed'
    && (!app.view || app.view.ids.join() !== shown.id || app.view.last !== shown.epoch);
  if (lagging && !app.viewBusy && Date.now() - app.viewAt > LIVE_EVERY_MS) loadView();
  clearTimeout(app.pollTimer);
  if (app.runs.some((r) => ACTIVE.includes(r.status)) || lagging) {
    app.pollTimer = setTimeout(() => refreshRuns().catch(() => {}), 1000);
  }
}

function follow(id) {
  if (app.stream) app.stream.close();
  app.stream = null;
  const run = runById(id);
  if (!run || !ACTIVE.includes(run.status)) return;
  const stream = new EventSource(withToken(`/api/runs/${id}/events`));
  app.stream = stream;
  stream.addEventListener('status', (event) => {
    const status = JSON.parse(event.data);
    const i = app.runs.findIndex((r) => r.id === status.id);
    if (i >= 0) app.runs[i] = status;
    const row = document.querySelector(`#runs .run[data-id="${status.id}"] .run-info`);
    if (row) row.textContent = runInfo(status);
    if (app.selected === status.id) {
      showCounters(status);
      if (status.epoch > 0 && Date.now() - app.viewAt > LIVE_EVERY_MS) loadView();
    }
  });
  stream.addEventListener('end', () => {
    stream.close();
    if (app.stream === stream) app.stream = null;
    refreshRuns().then(() => loadView()).catch((e) => say(e.message, 'error'));
  });
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED) refreshRuns().catch(() => {});
  };
}

async function select(id) {
  app.selected = id;
  app.compare = app.compare.length === 2 && app.compare.includes(id) ? app.compare : [];
  renderRuns();
  showCounters(runById(id));
  follow(id);
  await loadView();
}

function toggleCompare(id, on) {
  app.compare = app.compare.filter((x) => x !== id);
  if (on) app.compare.push(id);
  if (app.compare.length > 2) app.compare = app.compare.slice(-2);
  renderRuns();
  showCounters(runById(app.selected) || runById(app.compare[0]));
  const ids = app.compare.length === 2 ? app.compare : app.selected ? [app.selected] : [];
  if (ids.length && ids.join() !== app.shown) loadView();
}

async function removeRun(id) {
  try {
    await api(`/api/runs/${id}`, { method: 'DELETE' });
  } catch (e) {
    say(e.message, 'error');
  }
  app.compare = app.compare.filter((x) => x !== id);
  if (app.selected === id) {
    app.selected = null;
    unmount();
    $('run-title').textContent = 'No run selected';
  }
  await refreshRuns();
}

// ----------------------------------------------------------------------------- view
async function renderer() {
  if (!app.renderer) app.renderer = import('/static/netwarp.js');
  return app.renderer;
}

function unmount() {
  if (app.view && typeof app.view.cleanup === 'function') app.view.cleanup();
  app.view = null;
  $('view').replaceChildren();
}

function placeholder(text) {
  unmount();
  const p = document.createElement('p');
  p.className = 'placeholder';
  p.textContent = text;
  $('view').append(p);
}

/** Split the body of GET /api/view: uint32 spec length, the spec JSON, padding, the buffer. */
function splitModel(body) {
  const n = new DataView(body).getUint32(0, true);
  const spec = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, n)));
  const start = 4 + n + ((8 - ((4 + n) % 8)) % 8);
  return { spec, buffer: body.slice(start) };
}

async function loadView() {
  const ids = app.compare.length === 2 ? app.compare : app.selected ? [app.selected] : [];
  if (!ids.length) return;
  const failed = ids.map(runById).find((r) => r && r.status === 'failed');
  if (failed) {
    placeholder(`Training failed: ${failed.error}`);
    return;
  }
  if (ids.some((id) => (runById(id) || { epoch: 0 }).epoch === 0)) {
    placeholder('Waiting for the first epoch…');
    return;
  }
  if (app.viewBusy) {
    app.viewAgain = true; // the newest state is fetched when the current fetch ends
    return;
  }
  app.viewBusy = true;
  app.viewAgain = false;
  app.viewAt = Date.now();
  try {
    const state = ids.length === 2 ? { compare: true } : {};
    const url = `/api/view?runs=${ids.join(',')}&state=${encodeURIComponent(JSON.stringify(state))}`;
    const [body, mod] = await Promise.all([api(url).then((r) => r.arrayBuffer()), renderer()]);
    const { spec, buffer } = splitModel(body);
    mount(mod, spec, buffer, ids);
  } catch (e) {
    say(`view: ${e.message}`, 'error');
    console.warn(`netwarp: view: ${e.message}`);
    clearTimeout(app.retryTimer);
    app.retryTimer = setTimeout(() => refreshRuns().catch(() => {}), 1500); // and try again
  } finally {
    app.viewBusy = false;
    if (app.viewAgain) loadView();
  }
}

function lastEpoch(spec) {
  return Math.max(...spec.runs.map((r) => r.n_epochs));
}

/**
 * Show `spec`/`buffer`. The same runs again (a live update) go into the existing model, so
 * the renderer keeps its state; while the view sits on the newest epoch it follows new ones.
 */
function mount(mod, spec, buffer, ids) {
  const el = $('view');
  if (app.view && app.view.model && app.view.ids.join() === ids.join()) {
    const hook = el.__netwarp;
    const following = !hook || hook.state.epoch >= app.view.last;
    try {
      app.view.model.set('data', new DataView(buffer));
      app.view.model.set('spec', spec);
      app.view.last = lastEpoch(spec);
      if (following) app.view.model.set('epoch', app.view.last);
      return;
    } catch {
      // fall back to a fresh view below
    }
  }
  unmount(); // first: the old view may still write its state to the hash as it goes
  if (app.shown && app.shown !== ids.join()) {
    // Another run: start it at its newest epoch rather than at the last run's scrubbed one.
    const hash = window.location.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('e='));
    window.history.replaceState(null, '', window.location.pathname + window.location.search
      + (hash.length ? `#${hash.join('&')}` : ''));
  }
  const model = mod.createLocalModel(spec, buffer);
  const cleanup = mod.default.render({ model, el });
  app.view = { cleanup, ids: [...ids], model, last: lastEpoch(spec) };
  app.shown = ids.join();
}

// --------------------------------------------------------------------------- actions
async function train(event) {
  if (event) event.preventDefault();
  let cfg;
  try {
    cfg = readForm();
  } catch (e) {
    say(e.message, 'error');
    return;
  }
  syncUrl();
  $('train').disabled = true;
  try {
    const response = await api('/api/runs', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body(cfg)),
    });
    const { id } = await response.json();
    say('');
    await refreshRuns();
    await select(id);
  } catch (e) {
    say(e.message, 'error');
  } finally {
    $('train').disabled = false;
  }
}

async function control(action) {
  const run = runById(app.selected);
  if (!run) return;
  if (action === 'pause' && run.paused) action = 'resume';
  try {
    const status = await (await api(`/api/runs/${run.id}/${action}`, { method: 'POST' })).json();
    const i = app.runs.findIndex((r) => r.id === status.id);
    if (i >= 0) app.runs[i] = status;
    showCounters(status);
    renderRuns();
  } catch (e) {
    say(e.message, 'error');
  }
}

async function upload() {
  const file = $('upload').files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file);
  if ($('upload-label').value.trim()) form.append('label', $('upload-label').value.trim());
  form.append('scale', $('upload-scale').checked ? 'true' : 'false');
  try {
    const info = await (await api('/api/uploads', { method: 'POST', body: form })).json();
    await loadDatasets();
    $('dataset').value = info.name;
    showSummary();
    say(`uploaded ${info.filename}: ${info.n} rows, ${info.n_features} features, classes ${info.classes.join(', ')}`);
  } catch (e) {
    say(e.message, 'error');
  }
  $('upload').value = '';
}

async function share() {
  syncUrl();
  const params = new URLSearchParams(window.location.search);
  params.set('train', '1');
  const url = `${window.location.origin}${window.location.pathname}?${params}`;
  try {
    await navigator.clipboard.writeText(url);
    say('Link copied: it opens this configuration and trains it.');
  } catch {
    say(url);
  }
}

async function start() {
  window.__netwarpApp = app; // for tests and the curious
  takeToken();
  try {
    const [table] = await Promise.all([api('/api/spec').then((r) => r.json()), loadDatasets()]);
    setTable(table);
  } catch (e) {
    say(`cannot reach the server: ${e.message}`, 'error');
    return;
  }
  buildForm();
  const params = new URLSearchParams(window.location.search);
  writeForm(fromQuery(params));
  showSummary();
  $('config').addEventListener('submit', train);
  // a new dataset brings its recommended settings (they are what trains it well)
  $('dataset').addEventListener('change', () => {
    writeForm(recommended($('dataset').value));
    showSummary();
  });
  $('config').addEventListener('change', syncUrl);
  $('pause').addEventListener('click', () => control('pause'));
  $('cancel').addEventListener('click', () => control('cancel'));
  $('upload').addEventListener('change', upload);
  $('share').addEventListener('click', share);
  await refreshRuns();
  if (params.get('train') === '1') {
    params.delete('train');
    window.history.replaceState(null, '', `${window.location.pathname}?${params}${window.location.hash}`);
    await train();
  } else if (app.runs.length) {
    await select(app.runs[app.runs.length - 1].id);
  }
}

start();
