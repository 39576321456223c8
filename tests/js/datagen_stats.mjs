// Statistics of static/datagen.js's datasets: `node tests/js/datagen_stats.mjs N` prints, per
// dataset, its dimension, class counts, split sizes and each class's per-axis mean and std (and,
// for 2-D datasets, the smallest and largest distance of its points from the origin).
const { generate, GENERATORS } = await import(new URL('../../src/netwarp/static/datagen.js', import.meta.url));
const n = Number(process.argv[2]);
const noise = JSON.parse(process.argv[3]);
const out = {};
for (const name of Object.keys(GENERATORS)) {
  const g = generate(name, { n, noise: noise[name], seed: 5, testSize: 0.3 });
  const classes = {};
  for (let i = 0; i < n; i++) {
    const c = (classes[g.y[i]] ||= { count: 0, sum: new Array(g.d).fill(0), sq: new Array(g.d).fill(0), radius: [Infinity, 0] });
    c.count++;
    if (g.d === 2) {
      const r = Math.hypot(g.X[2 * i], g.X[2 * i + 1]);
      c.radius = [Math.min(c.radius[0], r), Math.max(c.radius[1], r)];
    }
    for (let j = 0; j < g.d; j++) {
      c.sum[j] += g.X[i * g.d + j];
      c.sq[j] += g.X[i * g.d + j] ** 2;
    }
  }
  const stats = {};
  for (const [k, c] of Object.entries(classes)) {
    const mean = c.sum.map((s) => s / c.count);
    stats[k] = { count: c.count, mean, std: c.sq.map((s, j) => Math.sqrt(s / c.count - mean[j] ** 2)), radius: c.radius };
  }
  out[name] = { d: g.d, train: g.split.filter((s) => s === 0).length, stats };
}
console.log(JSON.stringify(out));
