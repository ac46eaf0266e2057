// Structured JSON logs (pino): level from config, secrets and tokens redacted wherever they appear.
import pino from 'pino';

export type Logger = pino.Logger;

/** Field names that hold a secret or a token, at the top level or one object down. */
const SECRET_KEYS = [
  'authorization', 'Authorization', 'password', 'appPassword', 'MicrosoftAppPassword', 'BOT_PASSWORD', 'clientSecret',
  'client_secret', 'AZURE_CLIENT_SECRET', 'secret', 'token', 'accessToken', 'access_token', 'refreshToken', 'id_token',
  'cookie', 'certificatePassword',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers.authorization', '*.headers.authorization', 'req.headers.authorization', 'request.headers.authorization',
  'headers.Authorization', '*.headers.Authorization', 'req.headers.cookie',
];

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

/**
 * JSON lines on stdout (or `destination`). Every value, user text included, is a JSON string field, so a newline
 * or a forged `{"level":…}` in it cannot start a line of its own; messages (`msg`) are constant sentences.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'csp-access-bot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errSerializer, error: errSerializer },
  };
  return destination ? pino(options, destination) : pino(options);
}
