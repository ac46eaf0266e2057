// `npm run package` (scripts/package-app.mjs) end to end: run it as a user would, then open the zip it wrote and
// check what Teams checks on upload — files at the root, icon sizes, outline transparency, schema validity.
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from './png-reader';
import { readZip } from './zip-reader';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'package-app.mjs');
const MANIFEST_KEYS = ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN', 'APP_NAME_SUFFIX', 'CLOUD'];

/** The test runner's environment without the variables the manifest uses, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of MANIFEST_KEYS) delete env[key];
  return { ...env, ...extra };
}

function runPackager(args: string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [script, ...args], { cwd: root, env: cleanEnv(extra), encoding: 'utf8' });
}

function schemaCheck(manifestVersion: string, kind: '' | 'Localization.') {
  const file = join(root, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams', `v${manifestVersion}`, `MicrosoftTeams.${kind}schema.json`);
  const ajv = new Ajv({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  return ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
}

const playgroundBotId = /^bot:\s*\n\s+id:\s*([0-9a-f-]{36})/m.exec(readFileSync(join(root, '.m365agentsplayground.yml'), 'utf8'))?.[1];

describe('npm run package', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'app-package-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  describe('when run for the default (sandbox) environment', () => {
    let files: Map<string, Buffer>;
    let manifest: Record<string, unknown> & { manifestVersion: string; bots: Array<{ botId: string; scopes: string[] }> };

    beforeAll(() => {
      // Act
      execFileSync(process.execPath, [script, '--out', out], { cwd: root, env: cleanEnv(), encoding: 'utf8' });
      files = readZip(readFileSync(join(out, 'appPackage.local.zip')));
      manifest = JSON.parse((files.get('manifest.json') ?? Buffer.from('{}')).toString('utf8'));
    });

    test('then the zip holds the manifest, its French localization and both icons, at its root', () => {
      expect([...files.keys()].sort()).toEqual(['color.png', 'fr.json', 'manifest.json', 'outline.png']);
    });

    test('then the manifest and the localization are valid against the official schemas of their version', () => {
      const checkManifest = schemaCheck(manifest.manifestVersion, '');
      const checkLocalization = schemaCheck(manifest.manifestVersion, 'Localization.');
      const fr = JSON.parse((files.get('fr.json') ?? Buffer.from('{}')).toString('utf8'));
      expect(checkManifest(manifest) ? [] : checkManifest.errors).toEqual([]);
      expect(checkLocalization(fr) ? [] : checkLocalization.errors).toEqual([]);
    });

    test('then no placeholder is left and the bot id is the one the Playground simulates', () => {
      for (const name of ['manifest.json', 'fr.json']) expect(files.get(name)?.toString('utf8')).not.toContain('${{');
      expect(manifest.bots[0]?.botId).toBe(playgroundBotId);
      expect(manifest.bots[0]?.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    });

    test('then color.png is 192×192 and outline.png is 32×32, white on transparent', () => {
      const color = decodePng(files.get('color.png') ?? Buffer.alloc(0));
      const outline = decodePng(files.get('outline.png') ?? Buffer.alloc(0));
      expect([color.width, color.height]).toEqual([192, 192]);
      expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
      const pixels = Array.from({ length: outline.rgba.length / 4 }, (_, i) => outline.rgba.subarray(i * 4, i * 4 + 4));
      expect(pixels.filter(([, , , alpha]) => alpha === 0).length).toBeGreaterThan(0);
      expect(pixels.filter(([r, g, b, alpha]) => alpha !== 0 && (r !== 255 || g !== 255 || b !== 255))).toEqual([]);
    });
  });

  test('when a provisioned environment is packaged, then its ids and domain are in the manifest', () => {
    // Arrange: what `m365agents provision --env dev` writes into env/.env.dev
    const provisioned = {
      TEAMS_APP_ID: '0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      BOT_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      BOT_DOMAIN: 'csp-access-bot-dev.azurewebsites.net',
    };
    // Act
    const result = runPackager(['--env', 'dev', '--out', out], provisioned);
    // Assert
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readZip(readFileSync(join(out, 'appPackage.dev.zip'))).get('manifest.json')?.toString('utf8') ?? '{}');
    expect(manifest).toMatchObject({ id: provisioned.TEAMS_APP_ID, bots: [{ botId: provisioned.BOT_ID }], validDomains: [provisioned.BOT_DOMAIN] });
    expect(manifest.name.short).toBe('CSP Access-dev');
  });

  test('when the environment is not provisioned yet, then it fails naming the empty variables and writes nothing', () => {
    const result = runPackager(['--env', 'dev', '--out', join(out, 'not-provisioned')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no value for TEAMS_APP_ID, BOT_ID, BOT_DOMAIN in env\/\.env\.dev/);
    expect(existsSync(join(out, 'not-provisioned'))).toBe(false);
  });
});
