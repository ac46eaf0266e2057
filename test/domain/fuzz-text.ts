// Generators of hostile and ordinary request text for the fuzz tests: requests built from the sandbox seed's names,
// with what each one asked for (so a test can tell a draft broader than the text), and junk to surround them with.
import fc from 'fast-check';
import { loadDefaultSeed } from '../../src/sandbox/seed';

/** Every link in hostile text points here, so "is there a live link?" is "does this host appear undefanged?". */
export const EVIL_HOST = 'evil.example';

export const HOSTILE_TOKENS: readonly string[] = [
  `[verify your account](https://${EVIL_HOST}/login)`,
  `[ok](https://${EVIL_HOST} "Microsoft")`,
  `<https://${EVIL_HOST}/autolink>`,
  `<a href="https://${EVIL_HOST}/a">click</a>`,
  `<script>location='https://${EVIL_HOST}'</script>`,
  `<img src=x onerror=alert(1)>`,
  `https://${EVIL_HOST}/bare`,
  `www.${EVIL_HOST}`,
  `${EVIL_HOST}/login`,
  '**URGENT** _now_ ~~x~~ `code`',
  '<at>Ada Approver</at>',
  '&lt;b&gt;bold&lt;/b&gt;',
  '# heading',
  '1. list',
  '> quote',
  'Le\u0301a Chloe\u0301 re\u0301voque',
  'Ж丁 مرحبا שלום',
  '😀👍🏽',
  '\u202eevil\u202c',
  'line one\nline two',
  'for',
  'pour',
  'until',
  "jusqu'à",
  'because',
  'parce que',
  'on',
  'sur',
  'de',
];

/** Letters with no repeating pattern (no two typo variants alike: the costly case for a name index). */
export const longWord = (length: number, seed = 0): string =>
  Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3) + seed) % 26]).join('');

/** One word from 20 letters up to past the 1,000-character cap. */
export const longWords = fc.tuple(fc.integer({ min: 20, max: 1_200 }), fc.nat(25)).map(([length, seed]) => longWord(length, seed));

/** A few pieces of hostile or random text, joined by spaces. */
export const junk = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) }, fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }), { weight: 1, arbitrary: longWords }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => parts.join(' '));

const EN_ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const FR_ONES = ['zéro', 'une', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf'];
const FR_TENS = ['', '', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];

/** 1–99 in English words ("twenty-one", or "twenty one"). */
export function englishNumber(n: number, hyphen = true): string {
  if (n < 20) return EN_ONES[n] ?? '';
  return `${EN_TENS[Math.floor(n / 10)] ?? ''}${n % 10 ? `${hyphen ? '-' : ' '}${EN_ONES[n % 10] ?? ''}` : ''}`;
}

/** 1–99 in French words, feminine (heures, minutes): "vingt et une", "soixante-douze", "quatre-vingt-une"; `reformed`: 1990 hyphens. */
export function frenchNumber(n: number, reformed = false): string {
  const et = reformed ? '-et-' : ' et ';
  if (n < 20) return FR_ONES[n] ?? '';
  if (n < 70) {
    const tens = FR_TENS[Math.floor(n / 10)] ?? '';
    const unit = n % 10;
    return unit === 0 ? tens : unit === 1 ? `${tens}${et}une` : `${tens}-${FR_ONES[unit] ?? ''}`;
  }
  if (n < 80) return n === 71 ? `soixante${et}onze` : `soixante-${FR_ONES[n - 60] ?? ''}`;
  return n === 80 ? 'quatre-vingts' : `quatre-vingt-${FR_ONES[n - 80] ?? ''}`;
}

/** A stated limit: its words, and what it means (minutes from now, an end point, or words no one can read exactly). */
export type StatedLimit =
  | { readonly text: string; readonly kind: 'for'; readonly minutes: number }
  | { readonly text: string; readonly kind: 'until' }
  | { readonly text: string; readonly kind: 'unreadable' };

const forLimit = (text: string, minutes: number): StatedLimit => ({ text, kind: 'for', minutes });

export const limits: fc.Arbitrary<StatedLimit> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.boolean()).map(([n, hyphen]) => forLimit(`for ${englishNumber(n, hyphen)} hours`, n * 60)),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.boolean()).map(([n, reformed]) => forLimit(`pour ${frenchNumber(n, reformed)} heures`, n * 60)),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.boolean()).map(([n, reformed]) => forLimit(`pendant ${frenchNumber(n, reformed)} minutes`, n)),
  fc.integer({ min: 1, max: 30 }).map((n) => forLimit(`for ${englishNumber(n)} days`, n * 1440)),
  fc.integer({ min: 1, max: 72 }).map((n) => forLimit(`for ${n} hours`, n * 60)),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 59 })).map(([h, m]) => forLimit(`for ${h}h${m}`, h * 60 + m)),
  fc.integer({ min: 1, max: 48 }).map((n) => forLimit(`for PT${n}H`, n * 60)),
  fc.constantFrom('for eleven hours', 'pour onze heures').map((text) => forLimit(text, 660)),
  fc.constantFrom('until Monday 18:00', "jusqu'à vendredi 18 h", 'until tomorrow', "jusqu'à demain 9h", 'until Friday', 'till 6pm').map((text): StatedLimit => ({ text, kind: 'until' })),
  fc.constantFrom('for a while', 'pour quelque temps', 'for two months', 'pour un an', 'for a few hours', 'for eleventy hours').map((text): StatedLimit => ({ text, kind: 'unreadable' })),
);

/** A customer of the partner with its Azure subscriptions, as the tests see it. */
export interface FuzzCustomer {
  readonly id: string;
  readonly companyName: string;
  readonly domain: string;
  readonly subscriptions: readonly { readonly subscriptionId: string; readonly displayName: string; readonly resourceGroups: readonly string[] }[];
}

/** A user of a customer's directory. */
export interface FuzzUser {
  readonly id: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly userPrincipalName: string;
}

const seed = loadDefaultSeed();
export const roleDefinitions = seed.roleDefinitions;

const customer = (n: number, companyName: string, domain: string, subscriptions: readonly [string, readonly string[]][]): FuzzCustomer => ({
  id: `e000000${n}-0000-4000-8000-000000000001`,
  companyName,
  domain,
  subscriptions: subscriptions.map(([displayName, resourceGroups], i) => ({ subscriptionId: `e000000${n}-5b50-4000-8000-00000000000${i + 1}`, displayName, resourceGroups })),
});
const user = (c: FuzzCustomer, n: number, givenName: string, surname: string, login: string): FuzzUser => ({
  id: `${c.id.slice(0, 8)}-0000-4000-8000-0000000000b${n}`,
  tenantId: c.id,
  displayName: `${givenName} ${surname}`,
  givenName,
  surname,
  userPrincipalName: `${login}@${c.domain}`,
});

/**
 * Names the seed does not have, chosen to trip the reading of a request: words that start like its keywords ("Cargo"
 * and "car", "CRM2" and "cr", "Srv01" and "sr", "Cascade2" and "cas"), a weekday as a surname, accents, a resource
 * group with a hyphen and one with an accent.
 */
const CARGO = customer(1, 'Cargo Lines', 'cargolines.onmicrosoft.com', [
  ['Cargo Lines Production', ['rg-cars', 'rg-café']],
  ['Cargo Lines CRM2', []],
  ['Cargo Lines Srv01', []],
  ['Cargo Lines Prod-EU', ['rg-eu']],
]);
const SOCIETE = customer(2, 'Société Générale Démo', 'sgdemo.onmicrosoft.com', [
  ['Société Générale Démo Cascade2', ['rg-données']],
  ['Société Générale Démo Change2025', []],
]);
const EXTRA_USERS = [user(CARGO, 1, 'Carla', 'Cartier', 'carla'), user(CARGO, 2, 'Will', 'Monday', 'will'), user(SOCIETE, 1, 'Léa', 'Dubois', 'lea'), user(SOCIETE, 2, 'Ünal', 'Çelik', 'unal')];

/** The sandbox seed's customers and users (the same ids as a started sandbox), then the tricky ones above. */
export const directoryData: { readonly customers: readonly FuzzCustomer[]; readonly users: readonly FuzzUser[] } = {
  customers: [...seed.customers.map((c) => ({ id: c.id, companyName: c.companyName, domain: c.domain, subscriptions: c.azureSubscriptions })), CARGO, SOCIETE],
  users: [
    ...seed.users.map((u) => ({ id: u.id, tenantId: u.tenantId, displayName: u.displayName, ...(u.givenName ? { givenName: u.givenName } : {}), ...(u.surname ? { surname: u.surname } : {}), userPrincipalName: u.userPrincipalName })),
    ...EXTRA_USERS,
  ],
};

/** Customers whose subscriptions the bot can be asked for, with the users of their directory. */
const customers = directoryData.customers.filter((c) => c.subscriptions.length > 0 && directoryData.users.some((u) => u.tenantId === c.id));

/** A request the test knows the meaning of: who, which role, where, and what else the words state. */
export interface Asked {
  readonly text: string;
  readonly locale: 'en' | 'fr';
  readonly customer: FuzzCustomer;
  readonly subscriptionId: string;
  readonly user: FuzzUser;
  /** How the text names each part, to answer the bot's question if it asks for one. */
  readonly words: { readonly principal: string; readonly role: string; readonly target: string; readonly customer: string };
  readonly role: string;
  readonly resourceGroup?: string;
  readonly limit?: StatedLimit;
  /** Whether the limit is written inside the reasons ("because … for 8 hours") rather than in the request itself. */
  readonly limitPlace: 'body' | 'middle' | 'reasons';
  readonly justification?: string;
  readonly ticket?: string;
}

const ROLES = [
  { role: 'Reader', en: 'Reader', fr: 'Lecteur' },
  { role: 'Contributor', en: 'Contributor', fr: 'Contributeur' },
  { role: 'Owner', en: 'Owner', fr: 'Propriétaire' },
] as const;

/** The subscription's name without the customer's ("Contoso Production" → "Production"). */
const shortName = (customer: FuzzCustomer, name: string): string => (name.startsWith(`${customer.companyName} `) ? name.slice(customer.companyName.length + 1) : name);

/** Requests for one of the seed's users, in English or French, with optional limit, reasons, ticket, greetings. */
export function requests(options: { readonly customers?: readonly string[]; readonly reasons?: fc.Arbitrary<string> } = {}): fc.Arbitrary<Asked> {
  const pool = customers.filter((c) => !options.customers || options.customers.includes(c.companyName));
  return fc
    .constantFrom(...pool)
    .chain((customer) =>
      fc.record({
        customer: fc.constant(customer),
        subscription: fc.constantFrom(...customer.subscriptions),
        user: fc.constantFrom(...directoryData.users.filter((u) => u.tenantId === customer.id)),
        role: fc.constantFrom(...ROLES),
        french: fc.boolean(),
        userForm: fc.constantFrom('name', 'upn', 'decomposed', 'first'),
        targetForm: fc.constantFrom('plain', 'possessive', 'french', 'guid'),
        frame: fc.oneof(fc.constant(0), fc.nat(3)),
        // One request in six has a typo in the customer's name; fc.option's freq is the odds of no value.
        typo: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
        omit: fc.constantFrom('nothing', 'nothing', 'nothing', 'nothing', 'role', 'target'),
        withGroup: fc.boolean(),
        group: fc.nat(),
        limit: fc.option(limits, { freq: 3 }),
        limitPlace: fc.constantFrom('body', 'body', 'middle', 'reasons'),
        reasons: fc.option(options.reasons ?? junk, { freq: 2 }),
        ticket: fc.option(fc.integer({ min: 1000, max: 99999 }).map((n) => `INC${n}`), { freq: 2 }),
        greeting: fc.constantFrom('', '<at>CSP Access Bot</at> ', 'hi, ', 'please ', 'bonjour, ', 'peux-tu '),
        closing: fc.constantFrom('', ' please', ' thanks!', ' merci', '?'),
      }),
    )
    .map((g): Asked => {
      const sub = shortName(g.customer, g.subscription.displayName);
      const name = g.customer.companyName;
      // A letter left out of the customer's name, as people type: the bot may ask "did you mean …?"
      const typed = g.typo !== null && name.length >= 6 ? name.slice(0, 1 + (g.typo % (name.length - 2))) + name.slice(2 + (g.typo % (name.length - 2))) : name;
      const targetOf = (customerName: string): string =>
        ({
          plain: `${customerName} ${sub}`,
          possessive: `${customerName}'s ${sub} subscription`,
          french: `l'abonnement ${sub} de ${customerName}`,
          guid: `subscription ${g.subscription.subscriptionId}`,
        })[g.targetForm];
      const group = g.withGroup ? g.subscription.resourceGroups[g.group % Math.max(1, g.subscription.resourceGroups.length)] : undefined;
      const whereOf = (target: string): string => (group ? (g.french ? `groupe de ressources ${group} dans ${target}` : `resource group ${group} in ${target}`) : target);
      const where = whereOf(targetOf(typed));
      const principal =
        g.userForm === 'upn' ? g.user.userPrincipalName : g.userForm === 'decomposed' ? g.user.displayName.normalize('NFD') : g.userForm === 'first' ? (g.user.givenName ?? g.user.displayName) : g.user.displayName;
      const role = g.french ? g.role.fr : g.role.en;
      const limit = g.limit ?? undefined;
      // "give Alice Reader for 8 hours on Contoso prod": the limit between the role and where (first frames only).
      const mid = limit && g.limitPlace === 'middle' && g.omit === 'nothing' && g.frame === 0 ? ` ${limit.text}` : '';
      const frames =
        g.omit === 'role'
          ? [g.french ? `donne à ${principal} un accès sur ${where}` : `give ${principal} on ${where}`]
          : g.omit === 'target'
            ? [g.french ? `donne à ${principal} le rôle ${role}` : `give ${principal} ${role}`]
            : g.french
              ? [`donne à ${principal} le rôle ${role}${mid} sur ${where}`, `accorde ${role} à ${principal} sur ${where}`, `ajoute ${principal} comme ${role} sur ${where}`, `${principal} a besoin du rôle ${role} sur ${where}`]
              : [`give ${principal} ${role}${mid} on ${where}`, `grant ${role} to ${principal} on ${where}`, `add ${principal} as ${role} to ${where}`, `${principal} needs ${role} on ${where}`];
      const reasons = g.reasons === null ? undefined : `${g.french ? 'parce que' : 'because'} the migration ${g.reasons}`;
      const ticket = g.ticket ?? undefined;
      const place = mid ? 'middle' : reasons && g.limitPlace === 'reasons' ? 'reasons' : 'body';
      const parts = [
        g.greeting + (frames[g.frame % frames.length] ?? ''),
        limit && place === 'body' ? limit.text : '',
        ticket ? `${g.french ? 'pour' : 'for'} incident ${ticket}` : '',
        reasons ?? '',
        limit && place === 'reasons' ? limit.text : '',
      ];
      return {
        text: parts.filter(Boolean).join(' ') + g.closing,
        locale: g.french ? 'fr' : 'en',
        customer: g.customer,
        subscriptionId: g.subscription.subscriptionId,
        user: g.user,
        words: { principal, role, target: whereOf(targetOf(name)), customer: name },
        limitPlace: place,
        role: g.role.role,
        ...(group ? { resourceGroup: group } : {}),
        ...(limit ? { limit } : {}),
        ...(reasons ? { justification: reasons } : {}),
        ...(ticket ? { ticket } : {}),
      };
    });
}
