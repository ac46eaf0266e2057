// Preloaded into a bot process by the RSS bench only (node --expose-gc -r …/gc-on-signal.js): SIGUSR2 runs a full
// garbage collection, so the RSS read next counts what the bot keeps, not garbage V8 has not collected yet.
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) process.on('SIGUSR2', () => collect());
