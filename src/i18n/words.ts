// Counts, service names and French spacing, shared by en.ts and fr.ts: plural forms come from Intl, not from `n === 1`.

/** A noun in the forms a count needs: "hour" / "hours", « heure » / « heures ». */
export interface Forms {
  readonly one: string;
  readonly other: string;
}

/**
 * "1 hour", "2 hours", « 0 heure », « 1,5 heure », « 2 heures »: the number written the language's way and the noun in
 * the form Intl.PluralRules picks (French counts 0 and 1 as singular, English only 1). `space` joins them: French keeps
 * the number with its noun on one line.
 */
export function counter(languageTag: string, space = ' '): (n: number, forms: Forms) => string {
  // Made on first use, not when en.ts/fr.ts load: the first Intl object of a process sets up ICU (45–65 ms measured
  // under load), which should not sit on the way to listening.
  let rules: Intl.PluralRules | undefined;
  let numbers: Intl.NumberFormat | undefined;
  return (n, forms) => {
    rules ??= new Intl.PluralRules(languageTag);
    numbers ??= new Intl.NumberFormat(languageTag, { maximumFractionDigits: 2 });
    return `${numbers.format(n)}${space}${rules.select(n) === 'one' ? forms.one : forms.other}`;
  };
}

/** The services the bot talks to, as gateways name them (CloudUnavailableError.service, AccessDeniedError.service). */
export type ServiceId = 'PartnerCenter' | 'Graph' | 'ARM' | 'Entra';

/** A service's name as people say it, in the two registers the messages need. */
export interface ServiceNames {
  /** For everyone: "Azure". */
  readonly plain: string;
  /** For whoever has to fix the bot's access: "Azure Resource Manager". */
  readonly precise: string;
}

/** The names of each service in one language; an identifier no gateway uses yet is shown as it is, never dropped. */
export function serviceNamer(names: Readonly<Record<ServiceId, ServiceNames>>): (service: string, register?: keyof ServiceNames) => string {
  return (service, register = 'plain') => (Object.hasOwn(names, service) ? names[service as ServiceId][register] : service);
}

/** The first letter in capitals, for a name that opens a sentence (« l'Espace partenaires » → « L'Espace partenaires »). */
export const capitalised = (text: string): string => text.charAt(0).toLocaleUpperCase('fr') + text.slice(1);

/** The non-breaking space French puts before « : ; ! ? », inside guillemets and between a number and its unit. */
export const NBSP = '\u00a0';

/**
 * French spacing for the words of a French sentence, written with ordinary spaces in fr.ts (an invisible character in
 * source is a trap): the space before « : ; ! ? » and inside « » becomes non-breaking, so that Teams never starts a line
 * with « ? » or leaves a guillemet alone at the end of one. As a tag, only the literal parts are spaced: the values put
 * into the sentence (names, comments, links) are left exactly as given.
 */
export function typeset(strings: TemplateStringsArray | string, ...values: readonly unknown[]): string {
  const space = (text: string): string => text.replace(/ ([:;!?»])/g, `${NBSP}$1`).replace(/« /g, `«${NBSP}`);
  if (typeof strings === 'string') return space(strings);
  return strings.reduce((out, part, i) => `${out}${i > 0 ? String(values[i - 1]) : ''}${space(part)}`, '');
}
