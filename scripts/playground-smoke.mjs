// Headless smoke test through the Microsoft 365 Agents Playground: the sales agent writes the main phrase and a card
// with a "Confirm" button must come back. --full goes on: Confirm, then Approve in the approver's Playground.
//
//   node scripts/playground-smoke.mjs [screenshot.png] [--full] [--text "..."] [--timeout 60000]
//   (--text "donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso": the same flow in French)
//
// Uses the `npm run dev` setup when its Playground already answers on PLAYGROUND_PORT (56150), otherwise starts
// `node scripts/dev.mjs` itself and stops it at the end. Needs Debian's chromium (or CHROMIUM_PATH):
//   apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation
// Prints one verdict line (PASS/FAIL) and exits 0/1.
/* global fetch */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const optionValues = new Set(['--text', '--timeout'].map((name) => option(name)).filter(Boolean));
const screenshot = path.resolve(args.find((a) => !a.startsWith('--') && !optionValues.has(a)) ?? '/tmp/playground-smoke.png');
const approverScreenshot = screenshot.replace(/(\.png)?$/i, '-approver.png');
const full = args.includes('--full');
const text = option('--text', "give Alice Contributor on Contoso's prod subscription");
const timeoutInMs = Number(option('--timeout', 60_000));
const salesUrl = `http://localhost:${process.env.PLAYGROUND_PORT || 56150}`;
const approverUrl = `http://localhost:${process.env.APPROVER_PLAYGROUND_PORT || 56151}`;
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const COMPOSE_BOX = '[data-lexical-editor="true"][role="textbox"]';
// The buttons in either language the bot speaks (a French --text gets a French card).
const CONFIRM = /^(Confirm|Confirmer)$/;
const APPROVE = /^(Approve|Approuver)$/;

let dev;
let browser;
let userDataDir;
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

async function finish(ok, message) {
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${message} (${seconds()} s; screenshot ${screenshot}${full ? `, ${approverScreenshot}` : ''})`);
  await browser?.close().catch(() => {});
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (dev && dev.exitCode === null) {
    dev.kill('SIGTERM');
    await new Promise((resolve) => dev.once('exit', resolve));
  }
  process.exit(ok ? 0 : 1);
}

const answers = async (url) => fetch(url).then((r) => r.ok, () => false);

async function ensureDevRunning() {
  if (await answers(salesUrl) && (!full || (await answers(approverUrl)))) return;
  const devArgs = [path.join(root, 'scripts', 'dev.mjs'), ...(full ? [] : ['--no-approver'])];
  const devLog = path.join(os.tmpdir(), 'playground-smoke-dev.log');
  const out = fs.openSync(devLog, 'w');
  dev = spawn(process.execPath, devArgs, { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' } });
  const deadline = Date.now() + 180_000; // includes the TypeScript build
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) {
      const tail = fs.readFileSync(devLog, 'utf8').trim().split('\n').slice(-6).join(' | ');
      return finish(false, `\`node scripts/dev.mjs\` exited with code ${dev.exitCode}: ${tail}`);
    }
    if ((await answers(salesUrl)) && (!full || (await answers(approverUrl)))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  return finish(false, `the Playground did not answer on ${salesUrl} within 180 s (log: ${devLog})`);
}

async function openPlayground(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator(COMPOSE_BOX).waitFor({ timeout: 30_000 });
  return page;
}

/** The last visible bot output, to say what came instead of the expected card. */
async function lastWords(page) {
  const texts = await page.locator('.ac-textBlock, [class*="message"] p').allInnerTexts().catch(() => []);
  return texts.filter((t) => t.trim()).slice(-3).join(' / ').replace(/\s+/g, ' ').slice(0, 300) || 'nothing';
}

async function main() {
  if (!fs.existsSync(chromiumPath)) {
    return finish(false, `no Chromium at ${chromiumPath}: apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation (or set CHROMIUM_PATH)`);
  }
  await ensureDevRunning();

  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-smoke-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  browser = context;

  // The approver's tab loads first: its install event is how the bot learns the approver's 1:1 chat.
  const approver = full ? await openPlayground(context, approverUrl) : undefined;
  const sales = await openPlayground(context, salesUrl);

  await sales.locator(COMPOSE_BOX).click();
  await sales.keyboard.type(text);
  await sales.keyboard.press('Enter');
  const confirm = sales.getByRole('button', { name: CONFIRM }).last();
  try {
    await confirm.waitFor({ timeout: timeoutInMs });
  } catch {
    await sales.screenshot({ path: screenshot });
    return finish(false, `no card with a "Confirm" button within ${timeoutInMs / 1000} s; the bot showed: ${await lastWords(sales)}`);
  }
  await sales.screenshot({ path: screenshot });
  if (!approver) return finish(true, `"${text}" → a card with a "Confirm" button`);

  await confirm.click();
  const approve = approver.getByRole('button', { name: APPROVE }).last();
  try {
    await approve.waitFor({ timeout: timeoutInMs });
  } catch {
    await sales.screenshot({ path: screenshot });
    await approver.screenshot({ path: approverScreenshot });
    return finish(false, `Confirm clicked, but no "Approve" card reached the approver; requester saw: ${await lastWords(sales)}`);
  }
  await approve.click();
  // The outcome: the approval card changes (its Approve button goes) and the requester hears back.
  await approve.waitFor({ state: 'detached', timeout: timeoutInMs }).catch(() => {});
  await sales.waitForTimeout(3000);
  await sales.screenshot({ path: screenshot });
  await approver.screenshot({ path: approverScreenshot });
  const stillThere = await approver.getByRole('button', { name: APPROVE }).count();
  if (stillThere) return finish(false, `Approve clicked, but the approval card still offers "Approve"; approver saw: ${await lastWords(approver)}`);
  return finish(true, `confirm → approve went through; requester saw: ${await lastWords(sales)}`);
}

main().catch((error) => finish(false, error.message.split('\n')[0]));
