// The diagram's and boundary's pure helpers under node: `node tests/js/teach.mjs CASES.json`.
// CASES.json (from tests/test_teach_js.py) holds networks with their flat parameters and
// Python's dead units; prints one JSON line: for each network the parameter offsets of every
// weight and bias (edit.js paramIndex), the dead units (dead.js deadUnits) and, for linear
// fields, the largest |f| at the contour's segment ends (boundary.js contour).
import { readFileSync } from 'node:fs';

const nn = await import(new URL('../../src/netwarp/static/nn.js', import.meta.url));
const { paramIndex } = await import(new URL('../../src/netwarp/static/edit.js', import.meta.url));
const { deadUnits } = await import(new URL('../../src/netwarp/static/dead.js', import.meta.url));
const { contour } = await import(new URL('../../src/netwarp/static/boundary.js', import.meta.url));

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = { networks: [], fields: [] };
for (const net of cases.networks) {
  const { sizes, activations, n } = net;
  const offsets = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let i = -1; i < sizes[l]; i++) for (let j = 0; j < sizes[l + 1]; j++) offsets.push([l, i, j, paramIndex(sizes, l, i, j)]);
  }
  const wb = nn.paramsAt(sizes, Float64Array.from(net.params), 0);
  const { values } = nn.forward(Float64Array.from(net.X), n, sizes, activations, wb);
  out.networks.push({ offsets, dead: deadUnits(values, sizes, n, Uint8Array.from(net.mask)) });
}
for (const f of cases.fields) {
  const { a, b, c, gw, gh } = f;
  const [x0, dx, y0, dy] = [-1, 2 / (gw - 1), -1.5, 3 / (gh - 1)];
  const vals = new Float64Array(gw * gh);
  for (let j = 0; j < gh; j++) for (let i = 0; i < gw; i++) vals[j * gw + i] = a * (x0 + i * dx) + b * (y0 + j * dy) + c;
  const seg = contour(vals, gw, gh, x0, dx, y0, dy);
  let worst = 0;
  for (let k = 0; k < seg.length; k += 2) worst = Math.max(worst, Math.abs(a * seg[k] + b * seg[k + 1] + c));
  out.fields.push({ segments: seg.length / 4, worst });
}
console.log(JSON.stringify(out));
