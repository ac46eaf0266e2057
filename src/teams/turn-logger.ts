// The per-turn logger: a pino child carrying the turn's correlation id, kept on the TurnContext.
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../logger';

const TURN_LOGGER = Symbol('csp-access-bot.turnLogger');

export function setTurnLogger(context: TurnContext, logger: Logger): void {
  context.turnState.set(TURN_LOGGER, logger);
}

/** The turn's logger (with its correlationId), or `fallback` outside an HTTP turn (proactive sends, tests). */
export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  const logger: unknown = context.turnState.get(TURN_LOGGER);
  return logger ? (logger as Logger) : fallback;
}
