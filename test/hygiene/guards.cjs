// The test run's guards, loaded before anything else in every jest worker and in every process a test starts:
// no connection or name lookup beyond loopback (no-network.cjs), no write into the checkout (no-checkout-writes.cjs).
// jest.config.js puts `--require <this file>` in NODE_OPTIONS, so the workers load it when node starts and their
// children inherit it; a child given an environment of its own gets it added here (below). jest's setupFiles loads it
// again for a run in band (one test file runs in jest's own process); the patches are made once per process.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS preloaded by plain node (NODE_OPTIONS) and by jest */
const childProcess = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const noNetwork = require('./no-network.cjs');
const noCheckoutWrites = require('./no-checkout-writes.cjs');

const KEY = Symbol.for('csp-access-bot.test-guards');
const SELF = path.join(__dirname, 'guards.cjs');
const REQUIRE_SELF = `--require ${JSON.stringify(SELF)}`;

/** NODE_OPTIONS with this file required (as given when it already is). */
function withGuards(nodeOptions) {
  const current = typeof nodeOptions === 'string' ? nodeOptions : '';
  return current.includes(SELF) ? current : `${current} ${REQUIRE_SELF}`.trim();
}

/** A child started with its own `env` (not inheriting ours) gets NODE_OPTIONS with the guards all the same. */
function propagateToChildren() {
  // spawn, exec, execFile and fork all end in ChildProcess#spawn with the environment as `envPairs`.
  const spawn = childProcess.ChildProcess.prototype.spawn;
  childProcess.ChildProcess.prototype.spawn = function spawnGuarded(options) {
    if (!options || !Array.isArray(options.envPairs)) return spawn.call(this, options);
    const others = options.envPairs.filter((pair) => !pair.startsWith('NODE_OPTIONS='));
    const nodeOptions = options.envPairs.find((pair) => pair.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length);
    return spawn.call(this, { ...options, envPairs: [...others, `NODE_OPTIONS=${withGuards(nodeOptions)}`] });
  };
  // The synchronous forms do not go through ChildProcess: their options (the first plain object after the command).
  for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
    const original = childProcess[name];
    childProcess[name] = function syncGuarded(...args) {
      const at = args.findIndex((arg, i) => i > 0 && arg !== null && typeof arg === 'object' && !Array.isArray(arg));
      const options = args[at];
      if (at > 0 && options.env && typeof options.env === 'object') {
        args[at] = { ...options, env: { ...options.env, NODE_OPTIONS: withGuards(options.env.NODE_OPTIONS) } };
      }
      return original.apply(this, args);
    };
  }
}

if (!net[KEY]) {
  const state = { refusals: [] };
  net[KEY] = state;
  noNetwork.install(state);
  noCheckoutWrites.install(state);
  propagateToChildren();
}

/** What the guards refused since the last call (and forgets it): a test that expects refusals takes them. */
function takeRefusals() {
  return net[KEY].refusals.splice(0);
}

module.exports = {
  takeRefusals,
  withGuards,
  isLoopback: noNetwork.isLoopback,
  NETWORK_REFUSED: noNetwork.CODE,
  CHECKOUT_WRITE_REFUSED: noCheckoutWrites.CODE,
  checkout: noCheckoutWrites.checkout,
};
