// The renderer's envelope decoder (static/envelope.js, static/model.js) under node:
// `node tests/js/envelope.mjs SCENE.bin [CHUNK.bin ...]` prints JSON: every array of the
// scene by its path ({dtype, values}; NaN as null), the spec's other fields, and, after
// appending the chunks with model.appendChunk, each run's epochs, parameters and curves.
import { readFileSync } from 'node:fs';

const env = await import(new URL('../../src/netwarp/static/envelope.js', import.meta.url));
const model = await import(new URL('../../src/netwarp/static/model.js', import.meta.url));
const [scenePath, ...chunkPaths] = process.argv.slice(2);
const read = (p) => {
  const b = readFileSync(p);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const DTYPE = { Float64Array: 'float64', Float32Array: 'float32', Int32Array: 'int32', Uint8Array: 'uint8' };
const clean = (a) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
const arrays = {};
function walk(v, path) {
  if (ArrayBuffer.isView(v)) arrays[path] = { dtype: DTYPE[v.constructor.name], values: clean(v) };
  else if (Array.isArray(v)) v.forEach((u, i) => walk(u, path ? `${path}.${i}` : String(i)));
  else if (v && typeof v === 'object') for (const [k, u] of Object.entries(v)) walk(u, path ? `${path}.${k}` : k);
}
const bytes = read(scenePath);
const { kind, spec } = env.decode(bytes);
walk(spec, '');
const P = model.decodeEnvelope(bytes);
for (const p of chunkPaths) model.appendChunk(P, read(p));
const runs = P.runs.map((r) => ({
  n_epochs: r.n_epochs, params: clean(r.params), loss: clean(r.loss), bounds: r.bounds,
  morph_unit_bounds: r.morph_unit_bounds, diagnostics_epochs: r.diagnostics ? r.diagnostics.epochs : null,
  capacity: r.grow.params.data.length / r.grow.params.width,
}));
console.log(JSON.stringify({ kind, version: spec.version, title: spec.title, arrays, runs }));
