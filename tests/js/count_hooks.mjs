// Module hooks for forward_counts.mjs: every import of static/nn.js, except count_nn.mjs's own,
// gets count_nn.mjs instead (nn.js with its forward passes counted).
const WRAPPER = new URL('./count_nn.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  if (found.url.endsWith('/static/nn.js') && context.parentURL !== WRAPPER) return { ...found, url: WRAPPER, shortCircuit: true };
  return found;
}
