// datagen.js: netwarp's built-in datasets (netwarp.data.datasets) generated in the page. No DOM.
//
// Each generator follows its Python twin's recipe (the same shapes, class sizes, radii, noise
// model and label order); the points come from the page's own seeded generator (train.js's
// `rng`), so they are other draws of the same distribution, not NumPy's numbers. The split
// draws its own seeded shuffle. Defaults (points, noise, features, classes) are not written
// here: they come with the settings table the page carries (netwarp.core.spec.table()).

import { normal, rng, shuffle } from './train.js';

const TAU = 2 * Math.PI;

function labels(na, nb) {
  const y = new Int32Array(na + nb);
  y.fill(1, 0, na);
  return y;
}

function addNoise(X, noise, random) {
  if (noise) for (let i = 0; i < X.length; i++) X[i] += noise * normal(random);
  return X;
}

const uniform = (random, lo, hi) => lo + (hi - lo) * random();

/** Two classes of n points in the plane by polar coordinates, the first floor(n / 2) class 1:
 * `at(first)` gives point i's [radius, angle] (drawing from the generator in the recipe's
 * order). Returns [X (n * 2), y (n)], noise added. */
function polar(n, noise, random, at) {
  const na = Math.floor(n / 2);
  const X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [r, a] = at(i < na);
    X[2 * i] = r * Math.cos(a);
    X[2 * i + 1] = r * Math.sin(a);
  }
  return [addNoise(X, noise, random), labels(na, n - na)];
}

/** Two arms of `turns` turns, the second half a turn behind the first. */
function spirals(n, noise, random, turns) {
  return polar(n, noise, random, (first) => {
    const s = Math.sqrt(uniform(random, 0.02, 1));
    return [s, s * turns * TAU + (first ? 0 : Math.PI)];
  });
}

/** name -> (n, noise, random) => [X (n * d), y (n)]. */
export const GENERATORS = {
  interval1d(n, noise, random) {
    const X = new Float64Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = n === 1 ? -1 : -1 + (2 * i) / (n - 1);
      y[i] = X[i] > -1 / 3 && X[i] < 1 / 3 ? 1 : 0;
    }
    return [addNoise(X, noise, random), y];
  },
  disk_annulus: (n, noise, random) => polar(n, noise, random,
    (first) => [first ? Math.sqrt(random()) / 3 : Math.sqrt(uniform(random, 4 / 9, 1)), uniform(random, 0, TAU)]),
  two_curves(n, noise, random) {
    const na = Math.floor(n / 2);
    const X = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = uniform(random, -1, 1);
      X[2 * i] = t;
      X[2 * i + 1] = 0.45 * Math.sin(Math.PI * t) + (i < na ? 0.2 : -0.2);
    }
    return [addNoise(X, noise, random), labels(na, n - na)];
  },
  spirals: (n, noise, random) => spirals(n, noise, random, 1),
  spirals_tight: (n, noise, random) => spirals(n, noise, random, 2),
  xor(n, noise, random) {
    const X = new Float64Array(2 * n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const a = uniform(random, -1, 1);
      const b = uniform(random, -1, 1);
      X[2 * i] = a + Math.sign(a) * 0.05;
      X[2 * i + 1] = b + Math.sign(b) * 0.05;
      y[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1 : 0;
    }
    return [addNoise(X, noise, random), y];
  },
  moons(n, noise, random) {
    const na = Math.floor(n / 2);
    const X = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = uniform(random, 0, Math.PI);
      const [a, b] = i < na ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
      X[2 * i] = (a - 0.5) / 1.5;
      X[2 * i + 1] = (b - 0.25) / 1.5;
    }
    return [addNoise(X, noise / 1.5, random), labels(na, n - na)];
  },
  circles: (n, noise, random) => polar(n, noise, random, (first) => [first ? 0.5 : 1, uniform(random, 0, TAU)]),
  gaussians(n, noise, random) {
    const na = Math.floor(n / 2);
    const X = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) X[i] = (i < 2 * na ? 0.5 : -0.5) + noise * normal(random);
    return [X, labels(na, n - na)];
  },
  blobs(n, noise, random) {
    const X = new Float64Array(2 * n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      const a = (TAU * y[i]) / 3 + Math.PI / 2;
      X[2 * i] = 0.6 * Math.cos(a) + noise * normal(random);
      X[2 * i + 1] = 0.6 * Math.sin(a) + noise * normal(random);
    }
    return [X, y];
  },
  linked_rings(n, noise, random) {
    const na = Math.floor(n / 2);
    const X = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const t = uniform(random, 0, TAU);
      const p = i < na ? [Math.cos(t) - 0.5, Math.sin(t), 0] : [Math.cos(t) + 0.5, 0, Math.sin(t)];
      for (let j = 0; j < 3; j++) X[3 * i + j] = p[j] / 1.5;
    }
    return [addNoise(X, noise, random), labels(na, n - na)];
  },
};

/**
 * Generate dataset `name` with `n` points and `noise` from seed `seed`, and split it: the first
 * n - ceil(testSize * n) rows of a shuffle (seeded by `splitSeed`) train, the rest test.
 * Returns {name, n, d, X (n * d), y (n, class index), split (n: 0 train, 1 test)}.
 */
export function generate(name, { n, noise, seed, testSize, splitSeed = 2 }) {
  const gen = GENERATORS[name];
  if (!gen) throw new Error(`unknown dataset ${JSON.stringify(name)}`);
  if (!(n >= 4)) throw new Error(`a dataset needs at least 4 points, got ${n}`);
  const [X, y] = gen(n, noise, rng(seed));
  const nTrain = n - Math.ceil(testSize * n);
  if (nTrain < 2 || nTrain >= n) throw new Error(`a training ratio of ${(1 - testSize).toFixed(2)} of ${n} points leaves no training or no test points`);
  const order = shuffle(Int32Array.from({ length: n }, (_, i) => i), rng(splitSeed + 0x9e3779b9));
  const split = new Uint8Array(n).fill(1);
  for (let i = 0; i < nTrain; i++) split[order[i]] = 0;
  return { name, n, d: X.length / n, X, y, split };
}
