// npz.js: a netwarp trajectory file (netwarp.core.files: a .npz zip of .npy arrays, stored
// uncompressed) written in the page, so `netwarp.load` reads a run trained here. No DOM.
//
// `npy(array)` encodes one array: {dtype: 'f8' | 'i8' | 'U', shape, data} (data a Float64Array,
// an array of integers, or of strings); `zip(entries)` packs named byte arrays; `trajectoryFile`
// lays out one run as the format describes (`format` and `version` come from the page's scene,
// which carries netwarp.core.filecheck's FORMAT and VERSION).

const enc = new TextEncoder();

function header(descr, shape) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = 10 + text.length + 1;
  text += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(enc.encode(text), 10);
  return out;
}

/** The .npy bytes of {dtype: 'f8' | 'i8' | 'U', shape, data} (row-major; strings as UTF-32). */
export function npy({ dtype, shape, data }) {
  let body;
  let descr;
  if (dtype === 'f8') {
    descr = '<f8';
    body = new Uint8Array(Float64Array.from(data).buffer);
  } else if (dtype === 'i8') {
    descr = '<i8';
    body = new Uint8Array(BigInt64Array.from(Array.from(data, (v) => BigInt(v))).buffer);
  } else {
    const strings = shape.length ? data : [data];
    const points = strings.map((s) => Array.from(String(s), (ch) => ch.codePointAt(0)));
    const width = Math.max(1, ...points.map((p) => p.length));
    descr = `<U${width}`;
    const u32 = new Uint32Array(points.length * width);
    points.forEach((p, i) => u32.set(p, i * width));
    body = new Uint8Array(u32.buffer);
  }
  const head = header(descr, shape);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

let CRC_TABLE = null;

/** CRC-32 (the zip polynomial) of `bytes`. */
export function crc32(bytes) {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (method 0, stored) of [name, bytes] entries, as one Uint8Array. */
export function zip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, bytes] of entries) {
    const fname = enc.encode(name);
    const crc = crc32(bytes);
    const local = new DataView(new ArrayBuffer(30));
    [[0, 0x04034b50, 4], [4, 20, 2], [6, 0, 2], [8, 0, 2], [10, 0, 2], [12, 0x21, 2], [14, crc, 4],
      [18, bytes.length, 4], [22, bytes.length, 4], [26, fname.length, 2], [28, 0, 2]]
      .forEach(([at, v, size]) => (size === 4 ? local.setUint32(at, v, true) : local.setUint16(at, v, true)));
    const dir = new DataView(new ArrayBuffer(46));
    [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [8, 0, 2], [10, 0, 2], [12, 0, 2], [14, 0x21, 2], [16, crc, 4],
      [20, bytes.length, 4], [24, bytes.length, 4], [28, fname.length, 2], [30, 0, 2], [32, 0, 2], [34, 0, 2],
      [36, 0, 2], [38, 0, 4], [42, offset, 4]]
      .forEach(([at, v, size]) => (size === 4 ? dir.setUint32(at, v, true) : dir.setUint16(at, v, true)));
    parts.push(new Uint8Array(local.buffer), fname, bytes);
    central.push(new Uint8Array(dir.buffer), fname);
    offset += 30 + fname.length + bytes.length;
  }
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  [[0, 0x06054b50, 4], [8, entries.length, 2], [10, entries.length, 2], [12, cdSize, 4], [16, offset, 4]]
    .forEach(([at, v, size]) => (size === 4 ? end.setUint32(at, v, true) : end.setUint16(at, v, true)));
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of all) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * The bytes of a trajectory file holding one run: `run` = {name, layer_sizes, activations,
 * stop_reason, config, params ((e + 1) * n_params), loss, train_score, test_score ((e + 1) each),
 * classes (strings or integers)}, `data` = {name, X_train, y_train, X_test, y_test, d} (labels as
 * `classes` holds them), `format` = {format, version}.
 */
export function trajectoryFile(run, data, format) {
  const rows = run.loss.length;
  const P = run.params.length / rows;
  const numeric = run.classes.every((c) => /^-?\d+$/.test(String(c)));
  const labels = (ys) => (numeric ? { dtype: 'i8', data: ys.map(Number) } : { dtype: 'U', data: ys.map(String) });
  const meta = {
    format: format.format, version: format.version,
    runs: [{ name: run.name, layer_sizes: run.layer_sizes, activations: run.activations, stop_reason: run.stop_reason,
      config: run.config, data: 0, data_name: data.name }],
  };
  const d = data.d;
  const entries = [
    ['__netwarp__.npy', npy({ dtype: 'U', shape: [], data: JSON.stringify(meta) })],
    ['run0.params.npy', npy({ dtype: 'f8', shape: [rows, P], data: run.params })],
    ['run0.loss.npy', npy({ dtype: 'f8', shape: [rows], data: run.loss })],
    ['run0.train_score.npy', npy({ dtype: 'f8', shape: [rows], data: run.train_score })],
    ['run0.test_score.npy', npy({ dtype: 'f8', shape: [rows], data: run.test_score })],
    ['run0.classes.npy', npy({ ...labels(run.classes), shape: [run.classes.length] })],
  ];
  for (const split of ['train', 'test']) {
    const X = data[`X_${split}`];
    const y = data[`y_${split}`];
    entries.push([`data0.X_${split}.npy`, npy({ dtype: 'f8', shape: [X.length / d, d], data: X })]);
    entries.push([`data0.y_${split}.npy`, npy({ ...labels(y), shape: [y.length] })]);
  }
  return zip(entries);
}
