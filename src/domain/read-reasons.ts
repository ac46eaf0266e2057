// The parts of a request that are not who, what and where: its reasons, ticket, a limit stated there, and a resource group.
import { extractDuration } from './durations';

/**
 * A limit written inside the reasons ("… because the migration runs until Friday") still limits the request: when the
 * body states none, a limit read there is taken (it can only shorten the access, and the card shows it before Confirm);
 * the justification keeps its words. One stated there but not readable ("… because she is here for a while") is asked
 * back; a bare time in the reasons ("the incident at 18:00") is a reason, not a limit.
 */
export function withLimitFromReasons(timed: ReturnType<typeof extractDuration>, justification: string | undefined): ReturnType<typeof extractDuration> {
  if (timed.duration || !justification) return timed;
  const inReasons = extractDuration(justification, { leftovers: false }).duration;
  return inReasons ? { ...timed, duration: inReasons } : timed;
}

/** Cuts "for incident INC123", "ticket #4567", "because …", "parce que …" off the body. */
export function extractReasons(text: string): { body: string; justification?: string; ticket?: string } {
  let body = text;
  let justification: string | undefined;
  const because =
    /(?:[\s,;]|(?<![\p{L}\p{N}])-|-(?![\p{L}\p{N}]))+(?:because(?:\s+of)?|due to|as part of|reason\s*:|justification\s*:|parce qu'|parce que|car|en raison d[eu']|à cause d[eu']|a cause d[eu']|motif\s*:|raison\s*:|so that|so (?:she|he|they|we) can|afin de|afin qu'|in order to)(?:(?<=['’:])|(?![\p{L}\p{N}]))\s*(.+)$/iu.exec(body);
  if (because?.[1]) {
    justification = because[1].replace(/^[,:\s]+/, '').trim();
    body = body.slice(0, because.index).trim();
  }
  const ticketPattern =
    /[\s,;-]*(?:\b(?:for|pour|re|ref|r[ée]f|regarding|concernant|per|via)\s*:?\s+)?(?:(?:the|an?|l'|le|la)\s*)?\b(?:(?:incident|ticket|case|change|cas|changement|demande|request)(?=[\s#:-]|n[o°º])|(?:cr|sr)(?![\p{L}]))\s*(?:n[o°º]\.?\s*|number\s*|#\s*|:\s*)?([A-Za-z]{0,10}-?\d[\w-]*)\b|[\s,;-]*(?:\b(?:for|pour)\s+)?\b((?:INC|CHG|RITM|REQ|SR|PRB|TASK|SCTASK|CS)-?\d{3,})\b|[\s,;-]*(?:\b(?:for|pour)\s+)?(#\d{3,})\b/iu;
  // Every form of ticket has a digit: text without one is not searched (the pattern is tried at every position).
  const find = (where: string) => (/\d/.test(where) ? ticketPattern.exec(where) : null);
  const inBody = find(body);
  const ticket = inBody ? (inBody[1] ?? inBody[2] ?? inBody[3]) : justification ? find(` ${justification}`)?.slice(1).find(Boolean) : undefined;
  if (inBody) body = `${body.slice(0, inBody.index)} ${body.slice(inBody.index + inBody[0].length)}`.replace(/\s+/g, ' ').trim();
  return { body, ...(justification ? { justification } : {}), ...(ticket ? { ticket } : {}) };
}

/** Azure's resource group names: letters (any script), digits, "_", "-", ".", "(", ")"; not ending with "."; read whole or not at all. */
const RG_NAME = "(?!(?:of|in|on|at|de|du|dans|sur|for|the|le|la)\\b)([\\p{L}\\p{N}_.()-]*[\\p{L}\\p{N}_()-])(?![\\p{L}\\p{N}_()-])";
const RG_PATTERNS: readonly RegExp[] = [
  new RegExp(`(?:(\\b(?:on|in|to|at|for|over|sur|dans|pour)\\s+)(?:(?:the|le|la)\\s+|l')?)?\\b(?:resource[\\s-]?group|rg|groupe de ressources|groupe de ressource)\\s+(?:named\\s+|called\\s+|nomm[ée]\\s+|appel[ée]\\s+)?["«]?${RG_NAME}["»]?(\\s+(?:in|of|within|at|from|under|de|du|dans|d')\\s*(?:(?:the|l')\\s*)?)?`, 'iu'),
  new RegExp(`(?:(\\b(?:on|in|to|at|for|over)\\s+)(?:the\\s+)?)?\\b${RG_NAME}\\s+(?:resource[\\s-]?group|rg)(?=\\s|$)(\\s+(?:in|of|within|at|from|under)\\s+(?:the\\s+)?)?`, 'iu'),
  new RegExp(`(\\b(?:on|in|to|at|for|over|sur|dans)\\s+)\\b(rg-[\\p{L}\\p{N}_.()-]*[\\p{L}\\p{N}_()-])(?![\\p{L}\\p{N}_()-])(\\s+(?:in|of|within|at|from|de|du|dans|d')\\s*(?:(?:the|l')\\s*)?)`, 'iu'),
];

export function extractResourceGroup(text: string): { body: string; resourceGroup?: string } {
  for (const pattern of RG_PATTERNS) {
    const m = pattern.exec(text);
    if (!m?.[2]) continue;
    const prep = m[1] ?? '';
    const join = m[3] ?? '';
    const keep = prep ? ` ${prep.trim()} ` : join ? ` ${/^(?:de|du|d'|dans)$/i.test(join.trim()) ? 'sur' : 'on'} ` : ' ';
    const body = `${text.slice(0, m.index)}${keep}${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();
    return { body, resourceGroup: m[2] };
  }
  return { body: text };
}

