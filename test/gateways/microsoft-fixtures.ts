// Microsoft's published example payloads for contract tests, and a key-set comparison against sandbox answers.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Copies inside the repository (self-contained). */
export const FIXTURES_DIR = path.resolve(__dirname, '../fixtures/microsoft-apis');
/** The shared originals, when the repository is checked out next to shared/. */
export const SHARED_FIXTURES_DIR = path.resolve(__dirname, '../../../shared/fixtures/microsoft-apis');

export function readFixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8'));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An ARM example file's response body for a status ("201", "200"…). */
export function armExampleBody(relativePath: string, status: string): unknown {
  const example = readFixture(relativePath);
  const responses = isObject(example) && isObject(example.responses) ? example.responses : {};
  const response = responses[status];
  return isObject(response) ? response.body : undefined;
}

/** An ARM example file's request body (`parameters.parameters`). */
export function armExampleRequestBody(relativePath: string): unknown {
  const example = readFixture(relativePath);
  return isObject(example) && isObject(example.parameters) ? example.parameters.parameters : undefined;
}

/**
 * The paths of keys the fixture has and the actual value lacks (recursively; arrays compare their first items).
 * Empty when `actual` has at least the fixture's shape.
 */
export function missingKeys(fixture: unknown, actual: unknown, at = '$'): string[] {
  if (Array.isArray(fixture)) {
    if (!Array.isArray(actual)) return [`${at} (array expected)`];
    return fixture.length > 0 && actual.length > 0 ? missingKeys(fixture[0], actual[0], `${at}[0]`) : [];
  }
  if (!isObject(fixture)) return [];
  if (!isObject(actual)) return [`${at} (object expected)`];
  return Object.keys(fixture).flatMap((key) =>
    key in actual ? missingKeys(fixture[key], actual[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

/** Sorted key paths of an object (for "exactly these keys" checks of request bodies). */
export function keyPaths(value: unknown, at = ''): string[] {
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((key) => {
    const here = at ? `${at}.${key}` : key;
    return isObject(value[key]) ? [here, ...keyPaths(value[key], here)] : [here];
  }).sort();
}
