// static/nn.js with its forward passes counted (forward_counts.mjs loads it in nn.js's place).
import * as nn from '../../src/netwarp/static/nn.js';

export * from '../../src/netwarp/static/nn.js';

/** Calls of nn.forward and nn.forwardFrom so far. */
export const calls = { forward: 0, forwardFrom: 0 };

export function forward(...args) {
  calls.forward += 1;
  return nn.forward(...args);
}

export function forwardFrom(...args) {
  calls.forwardFrom += 1;
  return nn.forwardFrom(...args);
}
