// `npm run dev`: builds the bot, starts it on the sandbox cloud, then the Microsoft 365 Agents Playground for the
// sales agent (Sam Seller) and, unless --no-approver, a second one for an approver (Ada Approver). See docs/playground.md.
//
//   node scripts/dev.mjs [--env local] [--no-build] [--no-approver]
//
// Env: env/.env.<name> then env/.env.<name>.user (variables already set in your shell win). Also read here:
// PLAYGROUND_PORT (56150) and APPROVER_PLAYGROUND_PORT (56151).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from './lib/env-file.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const envName = args.includes('--env') ? args[args.indexOf('--env') + 1] : 'local';
const withApprover = !args.includes('--no-approver');
const PLAYGROUND_CLI = path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

function fail(message) {
  console.error(`\n[dev] ${message}`);
  stopAll(1);
}

const envFile = path.join(root, 'env', `.env.${envName}`);
if (!fs.existsSync(envFile)) {
  console.error(`[dev] ${path.relative(root, envFile)} not found`);
  process.exit(1);
}
const fileEnv = { ...parseEnvFile(envFile), ...parseEnvFile(`${envFile}.user`) };
const botEnv = { ...fileEnv, ...process.env };
// On the sandbox cloud, Azure credentials exported in the developer's shell (for az or the Azure SDKs) would make the
// bot sign in to real Entra against the sandbox's services: only the env files may give them there.
if (botEnv.CLOUD === 'sandbox') {
  for (const key of ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_USE_MANAGED_IDENTITY']) {
    if (!(key in fileEnv) && key in botEnv) {
      console.log(`[dev] ${key} from your shell is left out: env/.env.${envName} runs the bot on the sandbox cloud`);
      delete botEnv[key];
    }
  }
}
// The toolkit's secret names (SECRET_*, kept in env/.env.<name>.user) → the names the bot reads.
if (!botEnv.BOT_PASSWORD && botEnv.SECRET_BOT_PASSWORD) botEnv.BOT_PASSWORD = botEnv.SECRET_BOT_PASSWORD;
if (!botEnv.AZURE_CLIENT_SECRET && botEnv.SECRET_AZURE_CLIENT_SECRET) botEnv.AZURE_CLIENT_SECRET = botEnv.SECRET_AZURE_CLIENT_SECRET;
const botPort = Number(botEnv.PORT || 3978);
const endpoint = `http://localhost:${botPort}/api/messages`;

// Without a desktop the Playground tries to open a browser, fails and exits silently with code 1.
const headless = process.env.CI || (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const playgrounds = [
  { who: 'Sam Seller, sales agent', dir: root, port: Number(process.env.PLAYGROUND_PORT || 56150), log: 'sales-agent' },
  ...(withApprover
    ? [{ who: 'Ada Approver, approver', dir: path.join(root, 'playground', 'approver'), port: Number(process.env.APPROVER_PLAYGROUND_PORT || 56151), log: 'approver' }]
    : []),
];

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 5000);
  force.unref();
  Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((r) => child.once('exit', r))))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function start(name, command, commandArgs, options) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', ...options });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    if (signal === 'SIGINT') return stopAll(0); // Ctrl+C reaches the children too, sometimes before it reaches us
    const lastLog = options.logFile && fs.existsSync(options.logFile) ? fs.readFileSync(options.logFile, 'utf8').trim().split('\n').slice(-4).join('\n') : '';
    fail(`${name} exited (${signal ?? `code ${code}`}); stopping everything.${lastLog ? `\n[dev] Last lines of ${path.relative(root, options.logFile)}:\n${lastLog}` : ''}`);
  });
  return child;
}

function canConnect(port, host) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host }, () => socket.end(() => resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

async function waitForPort(port, child, name, timeoutInMs = 90_000) {
  const deadline = Date.now() + timeoutInMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if ((await canConnect(port, '127.0.0.1')) || (await canConnect(port, '::1'))) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${name} did not listen on port ${port} within ${timeoutInMs / 1000} s.`);
  return false;
}

async function main() {
  // The Playground silently takes a random port when its port is busy; refuse instead, so the URLs printed are right.
  for (const port of [botPort, ...playgrounds.map((p) => p.port)]) {
    if ((await canConnect(port, '127.0.0.1')) || (await canConnect(port, '::1'))) {
      return fail(`Port ${port} is already in use (another \`npm run dev\`?). Stop it or set PORT / PLAYGROUND_PORT / APPROVER_PLAYGROUND_PORT.`);
    }
  }

  if (!args.includes('--no-build')) {
    console.log('[dev] npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (build.status !== 0) return fail('The build failed (see above).');
  }

  const store = /^sqlite:(.+)$/.exec(botEnv.STORE ?? '');
  if (store) fs.mkdirSync(path.dirname(path.resolve(root, store[1])), { recursive: true });

  console.log(`[dev] starting the bot (CLOUD=${botEnv.CLOUD ?? ''}, port ${botPort})`);
  const bot = start('The bot', process.execPath, [path.join(root, 'dist', 'src', 'main.js')], { cwd: root, env: botEnv });
  if (!(await waitForPort(botPort, bot, 'The bot'))) return;

  fs.mkdirSync(path.join(root, '.playground'), { recursive: true });
  for (const playground of playgrounds) {
    const logFile = path.join(root, '.playground', `${playground.log}.log`);
    const playgroundEnv = {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(playground.dir, '.m365agentsplayground.yml'),
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      ...(headless ? { TEAMSAPPTESTER_BROWSER: 'none' } : {}),
    };
    const cliArgs = [PLAYGROUND_CLI, '-e', endpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(playground.port)];
    const child = start(`The Playground for ${playground.who}`, process.execPath, cliArgs, { cwd: playground.dir, env: playgroundEnv, logFile });
    if (!(await waitForPort(playground.port, child, `The Playground for ${playground.who}`, 30_000))) return;
  }

  const [sales, approver] = playgrounds;
  console.log('\n' + '='.repeat(78));
  console.log(`  Open http://localhost:${sales.port} in your browser   (${sales.who})`);
  if (approver) {
    console.log(`  Open http://localhost:${approver.port} in your browser   (${approver.who})`);
    console.log('  Open the approver tab first and keep it open: the bot learns Ada\'s chat when the tab loads,');
    console.log('  and the Playground shows only what arrives while its tab is open (a reload starts afresh).');
  }
  console.log('  Try: give Alice Contributor on Contoso\'s prod subscription');
  console.log('  Ctrl+C stops everything.');
  console.log('='.repeat(78) + '\n');
}

main().catch((error) => fail(error.stack ?? String(error)));
