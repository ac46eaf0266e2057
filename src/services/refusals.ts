// Telling Microsoft's refusals (a token refused, a 401/403 answer, an AADSTS error) from outages, whatever wraps them.
import { AccessDeniedError, isAccessDenied, reasonOfAadsts } from './access-errors';
import { CloudUnavailableError } from './ports';

/** How deep a chain of `cause`s is followed (a gateway wraps a pipeline error that wraps the credential's). */
const MAX_CAUSES = 6;

function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSES; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

/**
 * The refusal behind `error`, or undefined when it is not one (an outage, a bug). A refusal is never an outage: the
 * credential's AccessDeniedError (even wrapped in a CloudUnavailableError), a service's 401/403, an AADSTS error.
 */
export function refusalOf(error: unknown): AccessDeniedError | undefined {
  for (const e of causes(error)) if (isAccessDenied(e)) return e;
  for (const e of causes(error)) {
    if (e instanceof CloudUnavailableError && (e.statusCode === 401 || e.statusCode === 403)) {
      return new AccessDeniedError(e.service, 'forbidden', e.message, { statusCode: e.statusCode, cause: error });
    }
  }
  for (const e of causes(error)) {
    const aadsts = e instanceof Error ? /AADSTS(\d+)/.exec(e.message)?.[1] : undefined;
    if (aadsts !== undefined) return new AccessDeniedError('Entra', reasonOfAadsts(Number(aadsts)) ?? 'forbidden', e instanceof Error ? e.message : '', { aadsts: Number(aadsts), cause: error });
  }
  return undefined;
}
