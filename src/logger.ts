// Structured JSON logs (pino): level from config, secrets and tokens redacted wherever they appear.
import pino from 'pino';

export type Logger = pino.Logger;

/** Field names that hold a secret or a token, at the top level or one object down. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization', 'Authorization', 'password', 'appPassword', 'MicrosoftAppPassword', 'BOT_PASSWORD', 'clientSecret',
  'client_secret', 'AZURE_CLIENT_SECRET', 'secret', 'token', 'accessToken', 'access_token', 'refreshToken', 'id_token',
  'cookie', 'certificatePassword',
]);
/** Inside a `headers` object (top level or one down: `req.headers`), these are credentials whatever their case. */
const HEADER_SECRETS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
const CENSOR = '[redacted]';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);

/**
 * A logged object with every secret field replaced by "[redacted]": SECRET_KEYS at the top level and one object
 * down, credentials in `headers` and `<any>.headers`. Copies only what it changes; the caller's object is untouched.
 * (This replaces pino's `redact` option, whose wildcard paths were re-parsed for every key of every line: 64 KB of
 * garbage per turn, measured.)
 */
export function censored(value: Record<string, unknown>, depth = 0, inHeaders = false): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const inner = value[key];
    let next = inner;
    if ((depth < 2 && SECRET_KEYS.has(key)) || (inHeaders && HEADER_SECRETS.has(key.toLowerCase()))) next = CENSOR;
    else if (isRecord(inner) && (depth === 0 || (depth === 1 && key === 'headers'))) next = censored(inner, depth + 1, key === 'headers');
    if (next !== inner) {
      copy ??= { ...value };
      copy[key] = next;
    }
  }
  return copy ?? value;
}

/** A bearer token or a JWT inside free text (an exception message quoting a header, say). */
const TOKEN_TEXT = /(Bearer\s+)[\w~+/.=-]+|eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
export const scrubText = (text: string): string => text.replace(TOKEN_TEXT, (match, bearer: string | undefined) => (bearer ? `${bearer}[redacted]` : '[redacted]'));

/** Errors are logged by name and message only (no stack, no request or response objects), tokens scrubbed. */
function errSerializer(err: unknown): unknown {
  if (err instanceof Error) return { name: err.name, message: scrubText(err.message).slice(0, 500) };
  if (typeof err === 'object' && err !== null) {
    const { name, message } = err as { name?: unknown; message?: unknown };
    return { ...(typeof name === 'string' ? { name } : {}), ...(typeof message === 'string' ? { message: scrubText(message).slice(0, 500) } : {}) };
  }
  return typeof err === 'string' ? scrubText(err).slice(0, 500) : err;
}

/** Bounds what waits in memory for a stdout that does not keep up (a stuck log collector): past it, lines are dropped. */
const STDOUT_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * Stdout written asynchronously (sonic-boom on libuv's pool), so that a turn's log line costs the event loop no
 * write() system call: ~0.15 ms a turn under load, measured. pino flushes what is pending when the process exits
 * (process.exit, a fatal error), so the last lines before a crash are not lost.
 */
function stdoutDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: STDOUT_BUFFER_BYTES });
}

/**
 * JSON lines on stdout (or `destination`). Every value, user text included, is a JSON string field, so a newline
 * or a forged `{"level":…}` in it cannot start a line of its own; messages (`msg`) are constant sentences.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'csp-access-bot' },
    formatters: { log: (object) => censored(object) },
    serializers: { err: errSerializer, error: errSerializer },
  };
  const logger = pino(options, destination ?? stdoutDestination());
  // A child's bindings skip the log formatter (pino serializes them once, when the child is made): censor them
  // there. Children are made from their parent by prototype, so every descendant inherits this `child`.
  // pino's `child` is generic over custom levels, which TypeScript cannot match against a plain `this` under every
  // module resolution (ts-jest's per-file compile refused what tsc -p accepted): the wrapper is typed as we use it.
  type MakeChild = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const makeChild = logger.child as unknown as MakeChild;
  const censoredChild: MakeChild = function censoredChild(this: Logger, bindings, childOptions) {
    return makeChild.call(this, censored(bindings), childOptions);
  };
  logger.child = censoredChild as unknown as Logger['child'];
  return logger;
}
