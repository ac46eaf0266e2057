// Reads the Microsoft 365 Agents Toolkit style environment files: env/.env.<name>, then env/.env.<name>.user (secrets).
import fs from 'node:fs';
import path from 'node:path';

/** KEY=VALUE lines; `#` comments and blank lines skipped; surrounding quotes removed. */
export function parseEnvFile(file) {
  const vars = {};
  if (!fs.existsSync(file)) return vars;
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    vars[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

/** The variables of environment `name`: env/.env.<name>, overlaid by its .user file, overlaid by `overrides`
 *  (the shell's variables, by default). Throws when env/.env.<name> does not exist. */
export function loadEnvironment(root, name, overrides = process.env) {
  const file = path.join(root, 'env', `.env.${name}`);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(path.join(root, 'env'))
      ? fs.readdirSync(path.join(root, 'env')).filter((f) => /^\.env\.[^.]+$/.test(f)).map((f) => f.slice(5))
      : [];
    throw new Error(`env/.env.${name} not found (environments: ${known.join(', ') || 'none'})`);
  }
  return { file, vars: { ...parseEnvFile(file), ...parseEnvFile(`${file}.user`), ...overrides } };
}
