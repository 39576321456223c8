// config.js: a run's settings between the form, the URL query and the API's JSON.
//
// Nothing here knows a default, a bound or a choice: they come from the server's settings
// table (GET /api/spec, made from netwarp.core.spec.SETTINGS), with each dataset's
// recommended settings. The URL query holds only what differs from the chosen dataset's
// recommended settings, the same rule as RunSpec.to_query in Python, so links stay short.

const $ = (id) => document.getElementById(id);

/** The settings the form shows, by the id of their input. */
export const FORM = ['n', 'noise', 'data_seed', 'hidden', 'activation', 'solver', 'learning_rate_init', 'batch_size',
  'alpha', 'max_iter', 'random_state', 'early_stop'];

let table = null;

/** Install the settings table (GET /api/spec). */
export function setTable(t) {
  table = t;
}

export function setting(name) {
  const s = table && table.settings.find((x) => x.name === name);
  if (!s) throw new Error(`netwarp: unknown setting ${name}`);
  return s;
}

function defaults() {
  return Object.fromEntries(table.settings.map((s) => [s.name, s.default]));
}

/** The settings a run on `dataset` starts from: its recommended ones (uploads: the defaults). */
export function recommended(dataset) {
  return { ...defaults(), ...(table.recommended[dataset] || {}), dataset };
}

/** A value as URL text (RunSpec's rule): widths "8,8", booleans 1/0, null "". */
export function textOf(v) {
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'boolean') return v ? '1' : '0';
  return v === null || v === undefined ? '' : String(v);
}

/** A value from its text, by the setting's kind; throws an Error naming the setting. */
export function parseText(name, raw) {
  const s = setting(name);
  const text = String(raw).trim();
  if (s.optional && (text === '' || text === 'none')) return null;
  const bad = (what) => new Error(`${name}: expected ${what}, got ${JSON.stringify(text)}`);
  switch (s.kind) {
    case 'widths': {
      const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
      const v = parts.map(Number);
      if (!v.length || v.some((x) => !Number.isInteger(x))) throw bad('comma-separated whole numbers such as 2 or 8,8');
      return v;
    }
    case 'names':
      return text.split(',').map((p) => p.trim()).filter(Boolean);
    case 'bool':
      if (['1', 'true', 'yes', 'on'].includes(text.toLowerCase())) return true;
      if (['0', 'false', 'no', 'off'].includes(text.toLowerCase())) return false;
      throw bad('1/0 or true/false');
    case 'batch':
    case 'int': {
      if (s.kind === 'batch' && text.toLowerCase() === 'auto') return 'auto';
      const v = Number(text);
      if (text === '' || !Number.isInteger(v)) throw bad('a whole number');
      return v;
    }
    case 'float': {
      const v = Number(text);
      if (text === '' || !Number.isFinite(v)) throw bad('a number');
      return v;
    }
    default:
      return text;
  }
}

const same = (a, b) => textOf(a) === textOf(b);

/** The settings as URL query text: only what differs from the dataset's recommended settings. */
export function toQuery(cfg) {
  const params = new URLSearchParams();
  const base = recommended(cfg.dataset);
  const first = setting('dataset').default;
  if (cfg.dataset !== first) params.set('dataset', cfg.dataset);
  for (const s of table.settings) {
    if (s.name !== 'dataset' && s.name in cfg && !same(cfg[s.name], base[s.name])) params.set(s.name, textOf(cfg[s.name]));
  }
  if (cfg.name) params.set('name', cfg.name);
  return params;
}

/** The settings a URL query names: the dataset's recommended ones, then the query's (bad values are skipped). */
export function fromQuery(params) {
  const cfg = recommended(params.get('dataset') || setting('dataset').default);
  for (const s of table.settings) {
    if (s.name === 'dataset' || !params.has(s.name)) continue;
    try {
      cfg[s.name] = parseText(s.name, params.get(s.name));
    } catch {
      // a bad value in a link keeps the recommended one
    }
  }
  if (params.get('name')) cfg.name = params.get('name');
  return cfg;
}

/** The feature-cross checkboxes (in the form's #crosses group), one per cross the table names. */
const crossBoxes = () => [...document.querySelectorAll('#crosses input[type="checkbox"]')];

/** Fill the #crosses group: a checkbox per feature cross of the table, named by its label. */
function buildCrosses() {
  const group = $('crosses');
  if (!group) return;
  const s = setting('crosses');
  group.title = s.help;
  const boxes = Object.entries(table.crosses || {}).map(([name, f]) => {
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: name, title: `${f.label}: ${s.help}` });
    box.dataset.needs = String(f.needs);
    box.setAttribute('aria-label', f.label);
    const label = Object.assign(document.createElement('label'), { className: 'check' });
    label.append(box, ` ${f.label}`);
    return label;
  });
  group.replaceChildren(...[...group.children].filter((c) => c.tagName === 'LEGEND' || c.classList.contains('hint')), ...boxes);
}

/** Set each input's bounds, choices and help from the table (the HTML holds none of them). */
export function buildForm() {
  buildCrosses();
  for (const name of FORM) {
    const s = setting(name);
    const el = $(name);
    el.title = s.help;
    if (s.choices && el.tagName === 'SELECT') {
      el.replaceChildren(...s.choices.map((c) => Object.assign(document.createElement('option'), { value: c, textContent: c })));
    }
    if (el.type === 'number') {
      const lo = s.lo ?? null;
      if (lo !== null) el.min = String(lo);
      const hi = s.cap ?? s.hi ?? null;
      if (hi !== null) el.max = String(hi);
      el.step = s.kind === 'int' ? '1' : 'any';
    }
  }
}

/** The form's settings (the dataset's recommended value where a field is empty). */
export function readForm() {
  const cfg = recommended($('dataset').value);
  for (const name of FORM) {
    const el = $(name);
    if (el.type === 'checkbox') cfg[name] = el.checked;
    else if (el.value.trim() === '' && setting(name).optional) cfg[name] = null;
    else if (el.value.trim() !== '') cfg[name] = parseText(name, el.value);
  }
  if ($('crosses')) cfg.crosses = crossBoxes().filter((b) => b.checked && !b.disabled).map((b) => b.value);
  return cfg;
}

export function writeForm(cfg) {
  if ([...$('dataset').options].some((o) => o.value === cfg.dataset)) $('dataset').value = cfg.dataset;
  for (const name of FORM) {
    const el = $(name);
    if (el.type === 'checkbox') el.checked = Boolean(cfg[name]);
    else el.value = textOf(cfg[name]);
  }
  const d = table.datasets?.[cfg.dataset]?.n_features; // a cross needing a column the data lacks is off
  for (const b of crossBoxes()) {
    b.checked = (cfg.crosses || []).includes(b.value);
    b.disabled = d !== undefined && Number(b.dataset.needs) > d;
  }
}

/** The request body of POST /api/runs for `cfg` (the settings the API takes). */
export function body(cfg) {
  const out = {};
  for (const s of table.settings) if (s.name in cfg && s.name !== 'task') out[s.name] = cfg[s.name];
  if (cfg.name) out.name = cfg.name;
  return out;
}

export function syncUrl() {
  let cfg;
  try {
    cfg = readForm();
  } catch {
    return;
  }
  const q = toQuery(cfg).toString();
  window.history.replaceState(null, '', window.location.pathname + (q ? `?${q}` : '') + window.location.hash);
}
