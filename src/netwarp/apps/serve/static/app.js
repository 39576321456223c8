// app.js: the page of `netwarp serve`. It configures runs, follows their training and hands
// the view to netwarp's one renderer (/static/netwarp.js). The configuration lives in the
// URL's query (?dataset=...&hidden=8,8...); the renderer keeps its own view state in the hash.

import { body, buildForm, fromQuery, readForm, recommended, setTable, syncUrl, writeForm } from './config.js';
import { ACTIVE, followView, showHeader } from './header.js';
import { applyHelp } from './help.js';
import { inPage, trainInPage } from './inpage.js';
import { renderRuns as drawRuns } from './runs.js';

const $ = (id) => document.getElementById(id);

const app = {
  token: '',
  datasets: [],
  runs: [],
  selected: null, // run id shown
  compare: [], // up to two run ids shown side by side
  list: null, // EventSource of the run list
  stream: null, // EventSource of the shown run's view
  view: null, // {cleanup, id, model}: the mounted view
  shown: '', // id(s) of the run(s) shown last (kept while a placeholder stands in)
  frames: [], // {epoch, firstTrainedAt, trainedAt, receivedAt} of each frame of the shown run (ms)
  renderer: null,
};

// ------------------------------------------------------------------------------- api
/**
 * The token of a server bound beyond localhost comes once in the page's URL: the server has
 * set its session cookie (HttpOnly) by then, which authorises the streams and downloads, so
 * no URL the page renders carries the token; API calls also send it as a header.
 */
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

function renderRuns() {
  drawRuns($('runs'), app.runs, { selected: app.selected, compare: app.compare },
    { select, compare: toggleCompare, remove: removeRun });
}

/** A run's status arrived (from the run list's stream or a control's answer). */
function upsert(status) {
  const i = app.runs.findIndex((r) => r.id === status.id);
  const before = i >= 0 ? app.runs[i] : null;
  if (i >= 0) app.runs[i] = status;
  else app.runs.push(status);
  renderRuns();
  if (app.selected === status.id || app.compare.includes(status.id)) showHeader(app);
  const ended = before && ACTIVE.includes(before.status) && !ACTIVE.includes(status.status);
  if (ended && app.compare.length === 2 && app.compare.includes(status.id)) loadCompare();
  if (app.selected === status.id && status.status === 'failed' && !app.view) placeholder(`Training failed: ${status.error}`);
}

/** Follow the run list as it changes, whoever starts the runs (another tab, a script). */
function listen() {
  const source = new EventSource('/api/events');
  app.list = source;
  source.addEventListener('status', (event) => upsert(JSON.parse(event.data)));
  source.addEventListener('removed', (event) => {
    const { id } = JSON.parse(event.data);
    app.runs = app.runs.filter((r) => r.id !== id);
    app.compare = app.compare.filter((x) => x !== id);
    if (app.selected === id) {
      app.selected = null;
      stopWatching();
      unmount();
      $('run-title').textContent = 'No run selected';
    }
    renderRuns();
  });
}

async function select(id) {
  app.selected = id;
  app.compare = app.compare.length === 2 && app.compare.includes(id) ? app.compare : [];
  renderRuns();
  showHeader(app);
  if (app.compare.length === 2) await loadCompare();
  else await watch(id);
}

function toggleCompare(id, on) {
  app.compare = app.compare.filter((x) => x !== id);
  if (on) app.compare.push(id);
  if (app.compare.length > 2) app.compare = app.compare.slice(-2);
  renderRuns();
  showHeader(app);
  if (app.compare.length === 2) loadCompare();
  else if (app.selected && app.shown !== app.selected) watch(app.selected);
}

async function removeRun(id) {
  try {
    await api(`/api/runs/${id}`, { method: 'DELETE' });
  } catch (e) {
    say(e.message, 'error');
  }
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

function stopWatching() {
  if (app.stream) app.stream.close();
  app.stream = null;
}

function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * Show run `id` and follow it: its stream sends the run's scene once, then chunks of new
 * epochs that go straight into the view (model.append): nothing is fetched twice.
 */
async function watch(id) {
  stopWatching();
  const mod = await renderer();
  if (app.selected !== id || app.compare.length === 2) return;
  const run = runById(id);
  placeholder(run && run.status === 'failed' && !run.epoch ? `Training failed: ${run.error}` : 'Waiting for the first epoch…');
  app.frames = [];
  const stream = new EventSource(`/api/runs/${id}/stream`);
  app.stream = stream;
  stream.addEventListener('frame', (event) => {
    const frame = JSON.parse(event.data);
    const bytes = fromBase64(frame.bytes);
    if (!app.view || app.view.id !== id) mount(mod, mod.createLocalModel(bytes), id);
    else app.view.model.append(bytes);
    app.frames.push({ epoch: frame.epoch, firstTrainedAt: frame.first_trained_at * 1000, trainedAt: frame.trained_at * 1000,
      receivedAt: Date.now() });
  });
  stream.addEventListener('status', (event) => upsert(JSON.parse(event.data)));
  stream.addEventListener('end', () => {
    stream.close();
    if (app.stream === stream) app.stream = null;
  });
}

/** Two runs side by side: their views so far, as one scene (refreshed when one of them ends). */
async function loadCompare() {
  stopWatching();
  const ids = [...app.compare];
  try {
    const state = encodeURIComponent(JSON.stringify({ compare: true }));
    const [body, mod] = await Promise.all([api(`/api/view?runs=${ids.join(',')}&state=${state}`).then((r) => r.arrayBuffer()), renderer()]);
    if (app.compare.join() !== ids.join()) return;
    mount(mod, mod.createLocalModel(new Uint8Array(body)), ids.join());
  } catch (e) {
    say(`view: ${e.message}`, 'error');
  }
}

function mount(mod, model, id) {
  unmount(); // first: the old view may still write its state to the hash as it goes
  if (app.shown && app.shown !== id) {
    // Another run: start it at its newest epoch rather than at the last run's scrubbed one.
    const hash = window.location.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('e='));
    window.history.replaceState(null, '', window.location.pathname + window.location.search
      + (hash.length ? `#${hash.join('&')}` : ''));
  }
  const cleanup = mod.default.render({ model, el: $('view') });
  app.view = { cleanup, id, model };
  app.shown = id;
  showHeader(app);
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
    if (inPage(cfg, app.table)) { // a small run trains in this page (inpage.js)
      stopWatching();
      app.selected = null;
      await trainInPage(await renderer(), body(cfg), api, mount, $('view'));
      say('Training in this page: ❚❚ pauses, Download run saves it.');
      return;
    }
    const response = await api('/api/runs', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body(cfg)),
    });
    const { id } = await response.json();
    say('');
    if (!runById(id)) upsert(await (await api(`/api/runs/${id}`)).json());
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
    upsert(await (await api(`/api/runs/${run.id}/${action}`, { method: 'POST' })).json());
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
  params.delete('train');
  const url = `${window.location.origin}${window.location.pathname}?${params}`;
  try {
    await navigator.clipboard.writeText(url);
    say('Link copied: it opens this configuration, ready to train.');
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
    app.table = table;
    applyHelp(table.help || {});
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
  followView(app);
  app.runs = await (await api('/api/runs')).json();
  renderRuns();
  listen();
  if (params.has('train')) {
    // A link never starts work (any page on the web could link here): it fills the form only.
    params.delete('train');
    window.history.replaceState(null, '', `${window.location.pathname}?${params}${window.location.hash}`);
    say('The link filled the form: press Train to run it.');
    $('train').focus();
  }
  if (app.runs.length) {
    await select(app.runs[app.runs.length - 1].id);
  }
}

start();
