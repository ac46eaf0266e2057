// Fuzzing what a sales agent may type, parsed and resolved as the bot does against the sandbox seed's directory held
// in memory: every message is answered within bounded work, and none becomes a draft broader than its words.
// Bounded work is counted, not timed: gateway calls per message have a ceiling set by the directory, not by the text,
// and a message that made the parser or the name index run away would not finish within jest's timeout (the hang
// guard). FUZZ_RUNS=20000 searches deeper (a few minutes).
import fc from 'fast-check';
import { endOf } from '../../src/domain/end-time';
import { isGuid, principalId, subscriptionId, tenantId } from '../../src/domain/ids';
import { clean, completeWith, MAX_MESSAGE_CHARS, parseMessage, type GrantRequest, type ParsedMessage } from '../../src/domain/parse-request';
import { DirectoryCache } from '../../src/services/directory-cache';
import type { AzureRbacGateway, DirectoryGateway, PartnerCenterGateway, RoleDefinition } from '../../src/services/ports';
import { RequestResolver, type Choice, type Step } from '../../src/services/resolution';
import { directoryData, HOSTILE_TOKENS, junk, longWords, requests, roleDefinitions, type Asked } from './fuzz-text';

const NOW = new Date('2026-10-21T10:00:00Z');

/** The seed's directory behind in-memory gateways that answer like the real APIs, counting every call made. */
function directory() {
  let calls = 0;
  const counted = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    calls++;
    return fn(...args);
  };
  const customers = directoryData.customers.map((c) => ({ id: tenantId(c.id), tenantId: tenantId(c.id), companyName: c.companyName, domain: c.domain, relationshipToPartner: 'reseller' }));
  const roles: RoleDefinition[] = roleDefinitions.map((r) => ({ id: `/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, name: r.name, roleName: r.roleName, description: r.description, roleType: r.roleType }));
  const users = (tenant: string) =>
    directoryData.users.filter((u) => u.tenantId === tenant).map((u) => ({ ...u, id: principalId(u.id), mail: u.userPrincipalName }));
  const starts = (value: string | undefined, text: string): boolean => value?.toLowerCase().startsWith(text.toLowerCase()) ?? false;
  const partnerCenter = {
    listCustomers: counted(async () => customers),
    listAzureSubscriptions: counted(async (id: string) =>
      (directoryData.customers.find((c) => c.id === id)?.subscriptions ?? []).map((s) => ({ subscriptionId: subscriptionId(s.subscriptionId), displayName: s.displayName, status: 'active' })),
    ),
  } as unknown as PartnerCenterGateway;
  const directoryGateway = {
    // Graph: an exact UPN or mail, or names starting with the text (at most 50).
    findUsers: counted(async (tenant: string, text: string) =>
      text.includes('@') ? users(tenant).filter((u) => [u.userPrincipalName, u.mail].some((v) => v?.toLowerCase() === text.toLowerCase())) : users(tenant).filter((u) => [u.displayName, u.givenName, u.surname, u.userPrincipalName].some((v) => starts(v, text))).slice(0, 50),
    ),
  } as unknown as DirectoryGateway;
  const rbac = { listRoleDefinitions: counted(async () => roles) } as unknown as AzureRbacGateway;
  const cache = new DirectoryCache({ partnerCenter, directory: directoryGateway, rbac, clock: { now: () => NOW } });
  return { resolver: new RequestResolver(cache), calls: () => calls };
}

/** What the bot would end with: a draft of this request, or a question (a choice, a missing piece, an unclear limit). */
type Outcome = { readonly kind: 'draft'; readonly request: GrantRequest; readonly customer: string; readonly subscription: string; readonly user: string; readonly role: string } | { readonly kind: 'asked'; readonly why: string };

/** What a choice must carry over unchanged from the request it was offered for. */
const extrasOf = (r: Partial<GrantRequest>) => ({ duration: r.duration, justification: r.justification, ticket: r.ticket, resourceGroup: r.resourceGroup });

/**
 * Plays the bot and the person who asked: a missing piece is answered with the words for it, a choice is answered by
 * clicking the candidate meant (if offered), as the person would; every choice offered must keep the request's limit,
 * reasons and resource group.
 */
async function play(parsed: ParsedMessage, asked: Asked | undefined, resolver: RequestResolver, depth = 0): Promise<Outcome> {
  if (depth > 6) throw new Error('more than six questions for one request');
  if (parsed.kind === 'missing' && parsed.action === 'grant') {
    const words = asked?.words;
    if (!words) return { kind: 'asked', why: `missing ${parsed.missing}` };
    const next = completeWith(parsed, parsed.missing === 'customer' ? words.customer : words[parsed.missing]);
    if (!next) return { kind: 'asked', why: `answer to ${parsed.missing} not read` };
    // The answer completes the request: what was understood before stays (the answer to "where?" may name a resource group)
    if (next.kind === 'grant' || next.kind === 'missing') {
      const kept = extrasOf(next.kind === 'grant' ? next : next.partial);
      expect({ ...kept, resourceGroup: parsed.partial.resourceGroup === undefined ? undefined : kept.resourceGroup }).toEqual(extrasOf(parsed.partial));
    }
    return play(next, asked, resolver, depth + 1);
  }
  if (parsed.kind !== 'grant') return { kind: 'asked', why: parsed.kind };
  const chosen = async <T>(step: Step<T>, meant: (choice: Choice) => boolean): Promise<T | Outcome> => {
    if (step.ok) return step.value;
    if (step.failure.kind === 'not_ready') return { kind: 'asked', why: 'not ready' };
    if (step.failure.kind === 'unread_words') return { kind: 'asked', why: `unread ${step.failure.text}` };
    const choices = step.failure.kind === 'ambiguous' ? step.failure.choices : step.failure.suggestions;
    for (const choice of choices) expect(extrasOf(choice.request as GrantRequest)).toEqual(extrasOf(parsed));
    const click = choices.find(meant);
    return click ? play(click.request, asked, resolver, depth + 1) : { kind: 'asked', why: `${step.failure.kind} ${step.failure.what}` };
  };
  const isOutcome = (value: unknown): value is Outcome => typeof value === 'object' && value !== null && 'kind' in value && (value.kind === 'draft' || value.kind === 'asked');
  const pinned = (choice: Choice): GrantRequest => choice.request as GrantRequest;
  const target = await chosen(await resolver.resolveTarget(parsed), (c) => {
    const [pin] = pinned(c).targets;
    // The subscription meant, or the customer meant (with the subscription still to find by its name)
    if (!pin || !asked) return false;
    return pin.subscription === asked.subscriptionId || (pin.customer === asked.customer.domain && !(pin.subscription && isGuid(pin.subscription)));
  });
  if (isOutcome(target)) return target;
  const user = await chosen(await resolver.resolveUser(parsed, parsed.principal, target), (c) => pinned(c).principal === asked?.user.userPrincipalName);
  if (isOutcome(user)) return user;
  const role = await chosen(await resolver.resolveRole(parsed, parsed.role, target), (c) => pinned(c).role === asked?.role);
  if (isOutcome(role)) return role;
  return { kind: 'draft', request: parsed, customer: target.customer.id, subscription: target.subscription.subscriptionId, user: user.id, role: role.roleName };
}

/** Gateway calls one message may cost: the customer list, each customer's subscriptions, two user look-ups per question, roles. */
const MAX_CALLS_PER_MESSAGE = 1 + directoryData.customers.length + 2 * 7 + 7;

describe('fuzzing requests through the parser and the resolver', () => {
  it('when a request is written any way (EN/FR, number words, limits, reasons with links and markup, decomposed accents), then a draft is exactly what it asked for, or the bot asks back', async () => {
    await fc.assert(
      fc.asyncProperty(requests(), async (asked) => {
        // Act
        const { resolver, calls } = directory();
        const parsed = parseMessage(asked.text, asked.locale);
        const outcome = await play(parsed, asked, resolver);

        // Assert: bounded work, and a message over the cap is answered "too long" without being read
        expect(calls()).toBeLessThanOrEqual(MAX_CALLS_PER_MESSAGE);
        if (clean(asked.text.normalize('NFC')).length > MAX_MESSAGE_CHARS) expect(parsed.kind).toBe('message_too_long');
        // A grant is never read as another action
        expect(['grant', 'missing', 'unclear_duration', 'message_too_long', 'not_understood']).toContain(parsed.kind);
        // A limit written plainly in the request, in either language, is read (every number word, digits, 1h30, ISO)
        if (asked.limit && asked.limit.kind !== 'unreadable' && asked.limitPlace !== 'reasons') expect(parsed.kind).not.toBe('unclear_duration');
        if (outcome.kind !== 'draft') return;
        const draft = outcome.request;
        // Who, what and where are the ones the words name: never another subscription, user or role, never the whole
        // subscription when a resource group was named
        expect({ customer: outcome.customer, subscription: outcome.subscription, user: outcome.user, role: outcome.role, resourceGroup: draft.resourceGroup }).toEqual({
          customer: asked.customer.id,
          subscription: asked.subscriptionId,
          user: asked.user.id,
          role: asked.role,
          resourceGroup: asked.resourceGroup,
        });
        // A stated limit is kept, read as written, and gives an end; one that cannot be read is asked back, never dropped
        if (asked.limit) {
          expect(asked.limit.kind).not.toBe('unreadable');
          expect(draft.duration?.kind).toBe(asked.limit.kind);
          if (draft.duration?.kind === 'for' && asked.limit.kind === 'for') expect(draft.duration.amount * { minute: 1, hour: 60, day: 1440, week: 10080 }[draft.duration.unit]).toBe(asked.limit.minutes);
          expect(draft.duration && endOf(draft.duration, NOW, { timeZone: 'Europe/Paris' })).toBeInstanceOf(Date);
        }
        if (asked.justification) expect(draft.justification).toContain('the migration');
        if (asked.ticket) expect(draft.ticket).toBe(asked.ticket);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('when the text is random or hostile (long words past the cap, mixed scripts, markup, floods of markers), then it is answered with bounded work and never a grant nobody named', async () => {
    const words = ['give', 'donne à', 'Alice', 'Reader', 'Lecteur', 'on', 'sur', 'Contoso', 'prod', 'for', 'pour', 'until', 'hours', 'heures', 'because', 'resource group', 'rg-web'];
    const anyText = fc.oneof(
      fc.array(fc.oneof(fc.constantFrom(...words, ...HOSTILE_TOKENS), longWords, fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 40 }).map((parts) => parts.join(' ')),
      fc.tuple(fc.constantFrom('give Morgan Lee Reader on ', 'donne à Alice le rôle Lecteur sur ', ''), longWords, junk).map(([head, word, tail]) => `${head}${word} ${tail}`),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const { resolver, calls } = directory();
        const parsed = parseMessage(text);
        const outcome = await play(parsed, undefined, resolver);
        expect(calls()).toBeLessThanOrEqual(MAX_CALLS_PER_MESSAGE);
        if (clean(text.normalize('NFC')).length > MAX_MESSAGE_CHARS) expect(parsed.kind).toBe('message_too_long');
        // Random words may name a user by chance, never by a fragment of a hostile token or a long word
        if (outcome.kind === 'draft') expect(outcome.request.principal.toLowerCase()).not.toMatch(/evil|<|\]\(|[a-z]{20}/);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });
});
