// Test guard: no TCP connection, TLS connection or name lookup may reach a host that is not loopback.
// Every TCP client in Node (net.connect, tls.connect, http(s).request and its agents, fetch/undici, http2) ends in
// net.Socket.prototype.connect, so that is where a non-loopback target is refused: the socket fails at once, as an
// unreachable host would, with an error that names the host, and the refusal is recorded so that a test whose code
// swallowed the error still fails (fail-on-refusals.ts). dns.lookup and the resolver refuse other names the same way.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS preloaded by plain node (NODE_OPTIONS) and by jest */
const dns = require('node:dns');
const net = require('node:net');

const CODE = 'ERR_TEST_NETWORK_GUARD';

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and localhost; any other name or address is outside. */
function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node connects to localhost by default
  let name = String(host).trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name === 'localhost' || name === 'localhost.') return true;
  let canonical;
  try {
    // The URL host parser reads every spelling an address can have (127.1, 0x7f000001, 0:0::1) as getaddrinfo would.
    canonical = new URL(`http://${net.isIPv6(name) ? `[${name}]` : name}/`).hostname;
  } catch {
    return false;
  }
  if (net.isIPv4(canonical)) return canonical.startsWith('127.');
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

function refusal(state, what, host, port) {
  const where = port === undefined ? String(host) : `${String(host)}:${String(port)}`;
  const error = new Error(`Test network guard: ${what} ${where} refused; tests may only reach loopback (127.0.0.0/8, ::1, localhost).`);
  error.code = CODE;
  error.host = String(host);
  state.refusals.push({ kind: 'network', target: where, stack: error.stack });
  return error;
}

/** The host and port a Socket#connect call aims at, or undefined for a local (IPC) socket. */
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]; // net.connect passes its normalised arguments as an array
  if (first !== null && typeof first === 'object') return first.path ? undefined : { host: first.host, port: first.port };
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
  return undefined; // a path: a Unix socket or a named pipe
}

function install(state) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target === undefined || isLoopback(target.host)) return connect.apply(this, args);
    const error = refusal(state, 'connection to', target.host, target.port);
    process.nextTick(() => this.destroy(error)); // after the caller has attached its 'error' listener, as a real failure
    return this;
  };

  const refuseName = (what, host) => !isLoopback(host) && refusal(state, what, host);
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(host, ...rest) {
    const error = refuseName('name lookup of', host);
    if (!error) return lookup.call(this, host, ...rest);
    const callback = rest.at(-1);
    if (typeof callback !== 'function') throw error;
    process.nextTick(callback, error);
    return {};
  };
  const lookupPromise = dns.promises.lookup;
  dns.promises.lookup = function guardedLookup(host, ...rest) {
    const error = refuseName('name lookup of', host);
    return error ? Promise.reject(error) : lookupPromise.call(this, host, ...rest);
  };
  // The resolver asks the configured name servers, which are not on loopback: every call is refused, naming its query.
  const resolverMethods = ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
  const refuseQuery = (name) => (query) => refusal(state, `DNS query (${name}) for`, query);
  for (const target of [dns, dns.Resolver.prototype]) {
    for (const name of resolverMethods) {
      if (typeof target[name] !== 'function') continue;
      target[name] = function guardedResolve(query, ...rest) {
        const error = refuseQuery(name)(query);
        const callback = rest.at(-1);
        if (typeof callback !== 'function') throw error;
        process.nextTick(callback, error);
        return undefined;
      };
    }
  }
  for (const target of [dns.promises, dns.promises.Resolver.prototype]) {
    for (const name of resolverMethods) {
      if (typeof target[name] === 'function') target[name] = (query) => Promise.reject(refuseQuery(name)(query));
    }
  }
}

module.exports = { install, isLoopback, CODE };
