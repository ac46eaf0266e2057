// The Microsoft 365 Agents Toolkit files agree with each other: every ${{VAR}} that provision, the Bicep parameters
// or the manifest use is declared in env/.env.dev (or is a documented secret), and every Bicep parameter given a
// value exists in infra/azure.bicep, with every parameter without a default given one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const placeholders = (text: string) => new Set([...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? ''));

describe('toolkit files', () => {
  const devEnv = read('env/.env.dev');
  const declared = new Set([...devEnv.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const documentedSecrets = new Set([...devEnv.matchAll(/^#\s+(SECRET_[A-Z0-9_]+)=/gm)].map((m) => m[1]));

  test.each(['m365agents.yml', 'infra/azure.parameters.json', 'appPackage/manifest.json', 'appPackage/fr.json'])(
    'when %s names a variable, then env/.env.dev declares it (secrets in its comment)',
    (file) => {
      const undeclared = [...placeholders(read(file))].filter((name) => !declared.has(name) && !documentedSecrets.has(name));
      expect(undeclared).toEqual([]);
    },
  );

  test('when azure.parameters.json gives values, then they are exactly the parameters azure.bicep needs', () => {
    const bicep = read('infra/azure.bicep');
    const params = [...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => ({ name: m[1] ?? '', hasDefault: Boolean(m[2]) }));
    const given = Object.keys(JSON.parse(read('infra/azure.parameters.json')).parameters);
    expect(given.filter((name) => !params.some((p) => p.name === name))).toEqual([]);
    expect(params.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
  });

  test('when the deploy ignores files, then it still uploads what App Service needs to build and run the bot', () => {
    const ignored = read('.webappignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'src/', 'cards/', 'tsconfig.json', 'tsconfig.build.json']) {
      const matches = (pattern: string) => (pattern.startsWith('*') ? needed.endsWith(pattern.slice(1)) : needed.startsWith(pattern.replace(/\*.*$/, '')));
      expect({ needed, ignoredBy: ignored.filter(matches) }).toEqual({ needed, ignoredBy: [] });
    }
  });
});
