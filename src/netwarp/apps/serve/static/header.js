// header.js: the app's header over the view. It names every run shown (both of a
// comparison) and gives the epoch, loss and accuracy of what the view shows: it follows the
// view's frames ('netwarp:frame'), so scrubbing, playing or a new epoch arriving keeps the
// two in agreement. The progress bar and the detail line tell how far training has gone.

import { fmt } from './runs.js';

const $ = (id) => document.getElementById(id);

export const ACTIVE = ['queued', 'running'];

/** The runs the view shows: the compared pair, or the selected run. */
export function shownRuns(app) {
  const pair = app.compare.length === 2 ? app.compare.map((id) => app.runs.find((r) => r.id === id)).filter(Boolean) : [];
  if (pair.length === 2) return pair;
  const run = app.runs.find((r) => r.id === app.selected);
  return run ? [run] : [];
}

/** The hook of the mounted view when it shows exactly `runs` (else null: a placeholder stands in). */
function viewHook(app, runs) {
  const hook = $('view').__netwarp;
  return app.view && hook && app.view.id === runs.map((r) => r.id).join() ? hook : null;
}

/** A run trained in this page (inpage.js), described from its view with the fields the header
 * reads of a server run (the server knows nothing of it): name, epochs, status, its detail line. */
function pageRun(hook) {
  const view = $('view');
  const pick = view.querySelector('select[aria-label="run"]');
  const trained = Number(view.querySelector('input[aria-label="epoch"]')?.max || 0);
  const status = view.querySelector('.nw-train-status');
  return {
    id: 'page', page: true, name: (pick && pick.selectedOptions[0] && pick.selectedOptions[0].textContent) || 'page run',
    epoch: trained, max_iter: hook.trainer ? hook.trainer.settings().max_iter : trained,
    status: hook.trainer && hook.trainer.playing ? 'running' : 'done', detail: `trained in this page · ${status ? status.textContent : ''}`,
  };
}

/**
 * What the view draws: the runs with their indices in its scene, and its hook (null while a
 * placeholder stands in). A comparison whose view shows one run (its "side by side" box
 * unticked) shows that run only; a run trained in this page is the view's run.
 */
function drawn(app) {
  if (app.view && app.view.id === 'page') {
    const hook = $('view').__netwarp;
    return hook ? { runs: [pageRun(hook)], index: [hook.state.run], hook } : { runs: [], index: [], hook: null };
  }
  const runs = shownRuns(app);
  const hook = viewHook(app, runs);
  if (hook && runs.length > 1 && !hook.state.compare) return { runs: [runs[hook.state.run]], index: [hook.state.run], hook };
  return { runs, index: runs.map((_, i) => i), hook };
}

/** Epoch, loss and accuracy: from the view where it shows the runs, else from their status. */
function showNumbers({ runs, index, hook }) {
  const many = runs.length > 1;
  const tag = (run, text) => (many ? `${run.name}: ${text}` : text);
  const loss = [];
  const acc = [];
  runs.forEach((run, i) => {
    const c = hook && hook.charts[index[i]];
    const [l, tr, te] = c ? [c.loss, c.train, c.test] : [run.loss, run.train_score, run.test_score];
    loss.push(tag(run, fmt(Number.isFinite(l) ? l : null, 4)));
    acc.push(tag(run, tr === null || tr === undefined ? '–' : `${fmt(tr)} / ${fmt(te)}`));
  });
  const trained = Math.max(...runs.map((r) => r.epoch));
  $('epoch').textContent = String(hook ? hook.state.epoch : trained);
  $('epoch-of').textContent = ` / ${trained}`;
  $('epoch-of').title = 'the epoch shown, of the epochs trained so far';
  $('loss').textContent = loss.join('\n');
  $('acc').textContent = acc.join('\n');
}

/** The whole header for what is shown (call on any status change or selection). */
export function showHeader(app) {
  const shown = drawn(app);
  const { runs } = shown;
  if (!runs.length) return;
  const run = runs.find((r) => r.id === app.selected) || runs[0];
  $('run-title').textContent = runs.map((r) => r.name).join('  vs  ');
  $('run-title').title = $('run-title').textContent;
  $('run-title').closest('.stage-head').classList.toggle('compare', runs.length > 1);
  $('progress-bar').style.width = `${Math.min(100, (100 * run.epoch) / Math.max(1, run.max_iter))}%`;
  $('progress-bar').className = run.status;
  $('run-detail').textContent = run.page ? run.detail : serverDetail(run);
  const active = !run.page && ACTIVE.includes(run.status); // the buttons act on server runs (a page run has its own)
  $('pause').disabled = !active;
  $('cancel').disabled = !active;
  $('pause').textContent = run.paused ? 'Resume' : 'Pause';
  showNumbers(shown);
}

/** A server run's state, why it stopped, its epochs and its main settings. */
function serverDetail(run) {
  const c = run.config;
  const state = run.paused ? 'paused' : run.status;
  const why = run.error || (ACTIVE.includes(run.status) ? '' : run.stop_reason);
  return `${state}${why ? ` — ${why}` : ''} · trained ${run.epoch} of ${run.max_iter} epochs · `
    + `${c.solver}, lr ${c.learning_rate_init}, batch ${c.batch_size}, alpha ${c.alpha}, seed ${c.random_state}`;
}

/** Keep the header's numbers on what the view draws, frame by frame. */
export function followView(app) {
  let last = '';
  $('view').addEventListener('netwarp:frame', () => {
    const { runs, hook } = drawn(app);
    if (!hook) return;
    const sig = JSON.stringify([hook.state.epoch, runs.map((r) => [r.id, r.name, r.epoch, r.max_iter, r.status, r.detail]), hook.charts]);
    if (sig === last) return;
    last = sig;
    showHeader(app);
  });
}
