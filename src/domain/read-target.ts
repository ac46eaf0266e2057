// Reading the "where" of a request: "Contoso's prod subscription", "l'abonnement prod de Contoso", "Contoso prod", a GUID.

/** One way to read a target phrase: a customer and (part of) a subscription's name or its id. `customer` '' = not said. */
export interface TargetReading {
  readonly customer: string;
  readonly subscription?: string;
}

const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const SUB_WORD = '(?:subscription|sub|abonnement|abo)';

/** Cuts articles and "subscription" decorations off both ends. */
function trimTarget(text: string): string {
  let out = text.trim();
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out
      .replace(/^(?:(?:the|a|an|la|le|les|un|une|mon|ma|notre|our|their)\s+|l'\s*)/i, '')
      .replace(new RegExp(`^(?:azure\\s+)?${SUB_WORD}s?\\s+(?=(?:of|for|at|from|de|du|d'|chez|des)\\b)`, 'i'), '')
      .replace(/^(?:customer|client|tenant|the customer|le client|la soci[ée]t[ée])\s+/i, '')
      .replace(new RegExp(`\\s+(?:azure\\s+)?(?:${SUB_WORD}|tenant|environment|env|environnement)s?$`, 'i'), '')
      .replace(/[\s,.;:]+$/, '')
      .trim();
  }
  return out;
}

/** Every customer/subscription split of bare words, shortest customer first, then the whole phrase as a customer. */
function bareReadings(text: string): TargetReading[] {
  const words = text.split(' ').filter(Boolean);
  const readings: TargetReading[] = [];
  for (let i = 1; i < words.length; i++) readings.push({ customer: words.slice(0, i).join(' '), subscription: words.slice(i).join(' ') });
  if (words.length) readings.push({ customer: words.join(' ') });
  return readings;
}

function unique(readings: readonly TargetReading[]): TargetReading[] {
  const seen = new Set<string>();
  return readings.filter((r) => {
    const key = `${r.customer.toLowerCase()}|${r.subscription?.toLowerCase() ?? ''}`;
    if (seen.has(key) || (r.customer === '' && !r.subscription)) return false;
    seen.add(key);
    return true;
  });
}

const withSubscription = (customer: string, subscription: string): TargetReading => {
  const sub = trimTarget(subscription);
  return sub ? { customer: trimTarget(customer), subscription: sub } : { customer: trimTarget(customer) };
};

/** Readings of a target phrase, the most likely first. */
export function readTarget(phrase: string): TargetReading[] {
  const text = trimTarget(phrase.replace(/\s+/g, ' '));
  if (text === '') return [];

  const guid = GUID.exec(text);
  if (guid) {
    const customer = trimTarget(
      `${text.slice(0, guid.index)} ${text.slice(guid.index + guid[0].length)}`
        .replace(new RegExp(`\\b(?:${SUB_WORD}|id|of|for|at|from|in|de|du|d'|chez|des|customer|client|l'|the)\\b|'s\\b|[(),:]`, 'gi'), ' ')
        .replace(/\s+/g, ' '),
    );
    return [{ customer, subscription: guid[0].toLowerCase() }];
  }

  // "customer Contoso, subscription prod" / "client Contoso abonnement prod"
  const labelled = new RegExp(`^(?:customer|client)\\s+(.+?)[,\\s]+${SUB_WORD}\\s+(.+)$`, 'i').exec(phrase.trim());
  if (labelled?.[1] && labelled[2]) return [withSubscription(labelled[1], labelled[2])];

  // "Contoso / prod", "Contoso > prod", "Contoso - prod", "Contoso: prod"
  const separated = /^(.+?)\s*(?:\/|>|\||:|\s-\s|\s–\s)\s*(.+)$/.exec(text);
  if (separated?.[1] && separated[2]) return [withSubscription(separated[1], separated[2])];

  // "Contoso's prod subscription", "Northwind Traders' main"
  const possessive = /^(.+?)(?:'s|s')(?:\s+(.+))?$/i.exec(text);
  if (possessive?.[1] && !/^(?:l|d|qu)$/i.test(possessive[1])) {
    const customer = possessive[1] + (/s'$/i.test(text.slice(0, possessive[1].length + 2)) ? 's' : '');
    return [possessive[2] ? withSubscription(customer, possessive[2]) : { customer: trimTarget(customer) }];
  }

  // "the prod subscription of Contoso", "subscription prod for Contoso"
  const ofForm =
    new RegExp(`^(.+?)\\s+${SUB_WORD}\\s+(?:of|for|at|from|belonging to|owned by)\\s+(.+)$`, 'i').exec(text) ??
    new RegExp(`^${SUB_WORD}\\s+(.+?)\\s+(?:of|for|at|from|belonging to|owned by)\\s+(.+)$`, 'i').exec(text);
  if (ofForm?.[1] && ofForm[2]) return [withSubscription(ofForm[2], ofForm[1])];
  // "Contoso subscription prod", "Contoso abonnement prod"
  const namedAfter = new RegExp(`^(.+?)\\s+${SUB_WORD}\\s+(.+)$`, 'i').exec(text);
  if (namedAfter?.[1] && namedAfter[2]) return [withSubscription(namedAfter[1], namedAfter[2])];

  // French: "abonnement prod de Contoso", "abonnement de Contoso", "prod chez Contoso"; English "prod of Contoso".
  // The linking word must be whole: "abonnement Dev de X" is not "abonnement de" + "v de X".
  const subOnlyOf = new RegExp(`^${SUB_WORD}\\s+(?:(?:de|du|des|chez|of|for|at)\\s+|d'\\s*)(.+)$`, 'i').exec(text);
  if (subOnlyOf?.[1]) return [{ customer: trimTarget(subOnlyOf[1]) }];
  const stripped = text.replace(new RegExp(`^${SUB_WORD}\\s+`, 'i'), '');
  const deForm = /^(.+?)(?:\s+(?:de|du|des|chez|of|at)\s+|\s+d')(.+)$/i.exec(stripped);
  if (deForm?.[1] && deForm[2]) return unique([withSubscription(deForm[2], deForm[1]), ...bareReadings(stripped)]);

  return unique(bareReadings(stripped));
}
