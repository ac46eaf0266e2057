// Benchmark: the worst messages (one huge word, a flood of words, markers, markup, decomposed accents) next to a normal one.
// Run: npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/hostile.js [runs [max-characters]]   (bench/README.md)
import { performance } from 'node:perf_hooks';
import { detectLocale, parseMessage } from '../src/domain/parse-request';
import { DirectoryCache } from '../src/services/directory-cache';
import { RequestResolver } from '../src/services/resolution';
import { gateways, generate, percentile, type Directory } from './directory';

/** Letters with no repeating pattern, so no two typo variants of the word are alike (the costly case). */
const word = (length: number, seed = 0): string => Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3) + seed) % 26]).join('');
const words = (count: number, length: number): string => Array.from({ length: count }, (_, i) => word(length, i)).join(' ');

/** What each message stands for, and its text (built for the customer the directory has first). */
function inputs(directory: Directory): [string, string][] {
  const customer = directory.customers[0]?.companyName ?? 'Contoso';
  const user = [...directory.users.values()][0]?.[0]?.displayName ?? 'Alice';
  const ask = 'give Morgan Lee Reader on ';
  return [
    ['normal: EN request', `give ${user} Reader on ${customer} Production for 8 hours because of INC1234`],
    ['normal: FR request', `donne à ${user} le rôle Lecteur sur l'abonnement Production de ${customer} pour onze heures`],
    ['one 970-letter word (under the cap)', ask + word(970)],
    ['one 3,200-letter word (the review\'s 33 s)', ask + word(3_200)],
    ['one 10,000-letter word (never answered before)', ask + word(10_000)],
    ['100,000 characters (the inbound maximum)', ask + word(100_000 - ask.length)],
    ['60 typo-length words of 15 letters', ask + words(60, 15)],
    ['320 two-letter words', ask + words(320, 2)],
    ['230 "for" markers', `give Alice Reader on ${customer} Production ${'for '.repeat(230)}`.trim()],
    ['75 "until 18:00"', `give Alice Reader on ${customer} Production ${'until 18:00 '.repeat(75)}`.trim()],
    ['480 times "a "', ask + 'a '.repeat(480)],
    ['markup: 20 mentions and 20 links', `${'<at>Bot</at> <a href="https://x.example">x</a> '.repeat(20)}give Alice Reader on ${customer} Production`],
    ['decomposed accents and mixed scripts', `donne à Le\u0301a Ж丁 ${'e\u0301'.repeat(300)} le rôle Lecteur sur ${customer} Production`],
  ];
}

/** parse + resolve (what a message costs in the process before any call leaves it), as bot.ts and intake do. */
async function handle(resolver: RequestResolver, text: string): Promise<string> {
  detectLocale(text);
  const parsed = parseMessage(text);
  if (parsed.kind !== 'grant') return parsed.kind;
  const target = await resolver.resolveTarget(parsed);
  if (!target.ok) return `target ${target.failure.kind}`;
  const user = await resolver.resolveUser(parsed, parsed.principal, target.value);
  if (!user.ok) return `user ${user.failure.kind}`;
  const role = await resolver.resolveRole(parsed, parsed.role, target.value);
  return role.ok ? 'draft' : `role ${role.failure.kind}`;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  /** Skip messages longer than this (to measure code that cannot answer the longest ones at all). */
  const maxChars = Number(process.argv[3] ?? Infinity);
  const directory = generate(10_000);
  console.log(`parse + resolve per message, 10,000 users / 1,000 customers; ${runs} runs per message after 3 warm-up runs (fresh caches each run)\n`);
  console.log('| message | characters | answer | p50 ms | max ms | cpu max ms |');
  console.log('|---|---:|---|---:|---:|---:|');
  for (const [name, text] of inputs(directory)) {
    if (text.length > maxChars) {
      console.log(`| ${name} | ${text.length.toLocaleString('en')} | (not run) | | | |`);
      continue;
    }
    const times: number[] = [];
    const cpu: number[] = [];
    let outcome = '';
    for (let r = 0; r < runs + 3; r++) {
      // A fresh cache: the typo-variant memo and user lookups start empty, as for a word never seen before.
      const cache = new DirectoryCache({ ...gateways(directory), clock: { now: () => new Date() } });
      const resolver = new RequestResolver(cache);
      await cache.customers();
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      outcome = await handle(resolver, text);
      if (r < 3) continue;
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`| ${name} | ${text.length.toLocaleString('en')} | ${outcome} | ${percentile(sorted, 50).toFixed(3)} | ${(sorted.at(-1) ?? 0).toFixed(3)} | ${Math.max(...cpu).toFixed(3)} |`);
  }
}

void main();
