// runs.js: the list of this session's runs (status, progress, compare boxes, downloads).

export function fmt(v, digits = 3) {
  return v === null || v === undefined ? '–' : Number(v).toFixed(digits);
}

export function runInfo(run) {
  return `epoch ${run.epoch}/${run.max_iter}` + (run.test_score !== null ? ` · test ${fmt(run.test_score, 2)}` : '');
}

function fileLink(href, text, title) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.title = title;
  a.setAttribute('download', '');
  return a;
}

function makeRow(run, on) {
  const li = document.createElement('li');
  li.dataset.id = run.id;
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.title = 'compare (tick two runs)';
  box.setAttribute('aria-label', `Compare ${run.name}`);
  box.addEventListener('change', () => on.compare(run.id, box.checked));
  const name = document.createElement('button');
  name.type = 'button';
  name.className = 'run-name';
  name.textContent = run.name;
  name.title = run.name;
  name.addEventListener('click', () => on.select(run.id));
  const badge = document.createElement('span');
  badge.className = 'badge';
  const del = document.createElement('button');
  del.type = 'button';
  del.className = 'delete';
  del.title = 'delete this run';
  del.setAttribute('aria-label', `Delete ${run.name}`);
  del.textContent = '×';
  del.addEventListener('click', () => on.remove(run.id));
  const info = document.createElement('span');
  info.className = 'run-info';
  const files = document.createElement('span');
  files.className = 'files';
  li.append(box, name, badge, del, info, files);
  return li;
}

/**
 * Bring `list` in line with `runs` (newest first), updating rows in place so clicks are
 * never lost. `state`: {selected, compare}; `on`: {select, compare, remove}.
 */
export function renderRuns(list, runs, state, on) {
  const rows = new Map([...list.children].map((li) => [li.dataset.id, li]));
  [...runs].reverse().forEach((run, i) => {
    const li = rows.get(run.id) || makeRow(run, on);
    rows.delete(run.id);
    li.className = `run ${run.status}${run.id === state.selected ? ' selected' : ''}`;
    li.querySelector('input').checked = state.compare.includes(run.id);
    li.querySelector('.badge').textContent = run.paused ? 'paused' : run.status;
    li.querySelector('.run-info').textContent = runInfo(run);
    const files = li.querySelector('.files');
    if (run.epoch > 0 && !files.childElementCount) {
      const base = `/api/runs/${run.id}`;
      const link = (path, text, title) => fileLink(`${base}/${path}`, text, title);
      files.append(link('trajectory.npz', '.npz', 'the trajectory (every epoch so far)'),
        link('view.html', '.html', 'a self-contained interactive page'),
        link('figure.png', '.png', 'a figure of the last epoch'),
        link('data.csv', 'data', 'the data points as CSV'));
    }
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  for (const li of rows.values()) li.remove();
}
