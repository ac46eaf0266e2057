// Test guard: nothing a test runs may create, change or delete a file inside the checkout (tracked files, the
// gitignored data/ where the bot's default STORE lives, node_modules shared by everyone). Every fs call that writes
// (sync, callback and promise forms, write streams, open for writing) is checked against the checkout folder and
// refused with an error naming the file; the refusal is recorded so that a swallowed error still fails the test.
// Outside the checkout (os.tmpdir()) everything is allowed. jest's own coverage/ folder is the one exception.
// Not seen: native code writing by itself (better-sqlite3 opening a file: our store always mkdirs its folder through
// fs first, which is refused) and programs that are not node (Chromium writes only in its temporary profile).
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS preloaded by plain node (NODE_OPTIONS) and by jest */
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');

const CODE = 'ERR_TEST_CHECKOUT_WRITE';
const checkout = path.resolve(__dirname, '..', '..');
const allowed = [path.join(checkout, 'coverage')];

const inside = (file, folder) => file === folder || file.startsWith(folder + path.sep);

/** The absolute path a path argument names, or undefined for a file descriptor or a FileHandle. */
function pathOf(value) {
  if (typeof value === 'string') return path.resolve(value);
  if (Buffer.isBuffer(value)) return path.resolve(value.toString());
  if (value instanceof URL) return value.protocol === 'file:' ? path.resolve(fileURLToPath(value)) : undefined;
  return undefined;
}

/** The first path among `args[indexes]` that lies inside the checkout (and outside the allowed folders). */
function forbiddenPath(args, indexes) {
  for (const index of indexes) {
    const file = pathOf(args[index]);
    if (file !== undefined && inside(file, checkout) && !allowed.some((folder) => inside(file, folder))) return file;
  }
  return undefined;
}

const { O_WRONLY, O_RDWR, O_CREAT, O_APPEND, O_TRUNC } = fs.constants;
const opensForWriting = (flags) =>
  typeof flags === 'number' ? (flags & (O_WRONLY | O_RDWR | O_CREAT | O_APPEND | O_TRUNC)) !== 0 : typeof flags === 'string' && /[wa+]/.test(flags);

// [name, indexes of the path arguments that get written]; open/openSync only when their flags write.
const WRITERS = [
  ['writeFile', [0]], ['appendFile', [0]], ['mkdir', [0]], ['mkdtemp', [0]], ['open', [0]], ['copyFile', [1]], ['cp', [1]],
  ['rename', [0, 1]], ['rm', [0]], ['rmdir', [0]], ['unlink', [0]], ['symlink', [1]], ['link', [1]], ['truncate', [0]],
];

function install(state) {
  const refusal = (name, file) => {
    const error = new Error(`Test checkout guard: ${name} would write ${path.relative(checkout, file) || '.'} in the checkout (${checkout}); tests write under os.tmpdir() only.`);
    error.code = CODE;
    error.path = file;
    state.refusals.push({ kind: 'write', target: file, stack: error.stack });
    return error;
  };
  const check = (name, indexes, args) => {
    if ((name === 'open' || name === 'openSync') && !opensForWriting(args[1])) return undefined;
    const file = forbiddenPath(args, indexes);
    return file === undefined ? undefined : refusal(name, file);
  };
  const wrap = (target, name, indexes, fail) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function guardedWrite(...args) {
      const error = check(name, indexes, args);
      return error ? fail(error, args) : original.apply(this, args);
    };
  };
  const throwIt = (error) => {
    throw error;
  };
  const callBack = (error, args) => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') throw error;
    process.nextTick(callback, error);
    return undefined;
  };
  for (const [name, indexes] of WRITERS) {
    wrap(fs, `${name}Sync`, indexes, throwIt);
    wrap(fs, name, indexes, callBack);
    wrap(fs.promises, name, indexes, (error) => Promise.reject(error));
  }
  wrap(fs, 'createWriteStream', [0], throwIt);
}

module.exports = { install, CODE, checkout };
