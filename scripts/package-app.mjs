// `npm run package`: the Teams app package for one environment, as the Microsoft 365 Agents Toolkit's
// teamsApp/validateManifest + teamsApp/zipAppPackage would make it, offline:
//   1. fills the `${{NAME}}` placeholders of appPackage/manifest.json and its localization files from env/.env.<env>
//      (then env/.env.<env>.user, then the shell's variables);
//   2. validates them against the official JSON schemas of their manifestVersion (shipped in @microsoft/app-manifest);
//   3. checks the icons (color.png 192×192, outline.png 32×32 white on transparent);
//   4. writes appPackage/build/appPackage.<env>.zip and appPackage/build/manifest.<env>.json.
//
//   node scripts/package-app.mjs [--env local] [--out appPackage/build]
//
// Environment `local` (the default) is the sandbox: it needs no Azure or Teams registration, so when BOT_ID is empty
// the package uses the bot id of the Playground (.m365agentsplayground.yml). Such a package is for checking and
// review; one that Teams can install comes from a provisioned environment (`--env dev`, see README "Deploy to your
// tenant"). Prints one line per check and exits 1 with every problem listed.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnvironment } from './lib/env-file.mjs';
import { outlineProblems, readPng } from './lib/png.mjs';
import { zip } from './lib/zip-writer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appPackage = path.join(root, 'appPackage');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const envName = option('--env', 'local');
const outDir = path.resolve(root, option('--out', path.join('appPackage', 'build')));
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const problems = [];
const say = (line) => console.log(`[package] ${line}`);

/** The bot id the Playground simulates, so that a sandbox package and the Playground agree. */
function playgroundBotId() {
  const config = fs.readFileSync(path.join(root, '.m365agentsplayground.yml'), 'utf8');
  return /^bot:\s*\n\s+id:\s*["']?([0-9a-f-]{36})/im.exec(config)?.[1];
}

function fill(text, vars, file) {
  const missing = new Set();
  const filled = text.replace(PLACEHOLDER, (_, name) => {
    const value = vars[name];
    if (value === undefined || value === '') missing.add(name);
    return value ?? '';
  });
  if (missing.size) {
    problems.push(`${file}: no value for ${[...missing].join(', ')} in env/.env.${envName} (or its .user file)`);
  }
  return filled;
}

/** Ajv for the Teams schemas (JSON Schema draft-04; their patterns are not all valid as unicode regexes). */
function schemaValidator(schemaFile) {
  const require = createRequire(import.meta.url);
  let Ajv;
  let addFormats;
  try {
    Ajv = require('ajv-draft-04');
    addFormats = require('ajv-formats');
  } catch {
    throw new Error('ajv-draft-04 and ajv-formats are not installed: run `npm install` (they are devDependencies)');
  }
  const ajv = new Ajv({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  return ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
}

function schemaFile(manifestVersion, kind) {
  const dir = path.join(root, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams', `v${manifestVersion}`);
  const file = path.join(dir, `MicrosoftTeams.${kind}schema.json`);
  if (!fs.existsSync(path.dirname(dir))) throw new Error('@microsoft/app-manifest is not installed: run `npm install` (it ships the schemas)');
  if (!fs.existsSync(file)) throw new Error(`no schema for manifestVersion ${manifestVersion} in @microsoft/app-manifest (${path.relative(root, file)})`);
  return file;
}

function validate(document, file, schemaPath) {
  const check = schemaValidator(schemaPath);
  if (check(document)) return true;
  for (const error of check.errors ?? []) {
    problems.push(`${file}${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
  }
  return false;
}

/** A localization key such as `bots[0].commandLists[1].commands[2].title` must name a string in the manifest. */
function resolves(manifest, key) {
  let node = manifest;
  for (const part of key.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    const index = /^\[(\d+)\]$/.exec(part);
    node = node == null ? undefined : index ? node[Number(index[1])] : node[part];
  }
  return typeof node === 'string';
}

function main() {
  const { vars } = loadEnvironment(root, envName);
  if (!vars.BOT_ID && (vars.CLOUD ?? 'sandbox') === 'sandbox') {
    vars.BOT_ID = playgroundBotId();
    say(`BOT_ID is empty (sandbox): using the Playground's bot id ${vars.BOT_ID}; this package is for review, not for Teams`);
  }

  const manifestText = fill(fs.readFileSync(path.join(appPackage, 'manifest.json'), 'utf8'), vars, 'manifest.json');
  const manifest = JSON.parse(manifestText);
  const version = manifest.manifestVersion;
  if (validate(manifest, 'manifest.json', schemaFile(version, ''))) say(`manifest.json valid against the Teams manifest schema v${version}`);

  const files = [{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') }];
  for (const language of manifest.localizationInfo?.additionalLanguages ?? []) {
    const text = fill(fs.readFileSync(path.join(appPackage, language.file), 'utf8'), vars, language.file);
    const localization = JSON.parse(text);
    const valid = validate(localization, language.file, schemaFile(version, 'Localization.'));
    const unknown = Object.keys(localization).filter((key) => key !== '$schema' && !resolves(manifest, key));
    for (const key of unknown) problems.push(`${language.file}: "${key}" names nothing in manifest.json`);
    if (valid && !unknown.length) say(`${language.file} (${language.languageTag}) valid against the localization schema v${version}`);
    files.push({ name: language.file, data: Buffer.from(JSON.stringify(localization, null, 2) + '\n') });
  }

  const icons = [
    { name: manifest.icons?.color, size: 192 },
    { name: manifest.icons?.outline, size: 32, outline: true },
  ];
  for (const icon of icons) {
    const bytes = fs.readFileSync(path.join(appPackage, icon.name));
    const png = readPng(bytes);
    if (png.width !== icon.size || png.height !== icon.size) problems.push(`${icon.name} is ${png.width}×${png.height}, must be ${icon.size}×${icon.size}`);
    if (icon.outline) problems.push(...outlineProblems(png));
    files.push({ name: icon.name, data: bytes });
  }
  say(`icons: ${icons.map((icon) => `${icon.name} ${icon.size}×${icon.size}`).join(', ')}`);

  for (const file of files) {
    if (file.name.endsWith('.json') && file.data.toString('utf8').includes('${{')) problems.push(`${file.name} still holds a \${{…}} placeholder`);
  }
  if (problems.length) {
    for (const problem of problems) console.error(`[package] ✗ ${problem}`);
    console.error(`[package] FAILED: ${problems.length} problem(s); nothing written`);
    process.exit(1);
  }

  fs.mkdirSync(outDir, { recursive: true });
  const zipFile = path.join(outDir, `appPackage.${envName}.zip`);
  fs.writeFileSync(path.join(outDir, `manifest.${envName}.json`), files[0].data);
  fs.writeFileSync(zipFile, zip(files));
  say(`wrote ${path.relative(process.cwd(), zipFile)} (${files.map((f) => f.name).join(', ')}; ${fs.statSync(zipFile).size} bytes)`);
}

try {
  main();
} catch (error) {
  console.error(`[package] FAILED: ${error.message}`);
  process.exit(1);
}
