// Resolution: the names in a parsed request → one customer, subscription, user and role, or a question back.
import type { AccessRequest, Locale } from '../domain/access-request';
import { grantsAccessManagement } from '../domain/access-management';
import { isGuid } from '../domain/ids';
import { pickOne, rank, type Pick } from '../domain/matching';
import type { GrantRequest, ListRequest, ParsedMessage, RevokeRequest } from '../domain/parse-request';
import type { TargetReading } from '../domain/read-target';
import { renderRequest } from '../domain/render-request';
import { frenchRoleLabel, frenchRoleName } from '../domain/role-catalog';
import { unreadClause } from '../domain/unread-words';
import type { DirectoryCache } from './directory-cache';
import type { AzureSubscription, Customer, DirectoryUser, RoleDefinition } from './ports';
import type { ReadinessGap } from './readiness';

export type Resolvable = 'customer' | 'subscription' | 'user' | 'role';

/** What a choice takes up again: the request as understood, with the candidate pinned (never text to read again). */
export type ChosenRequest = Extract<ParsedMessage, { kind: 'grant' | 'revoke' | 'list' | 'relationship_request' }>;

/** One button of a choice card: what it is, the detail that tells it apart, and the request with it pinned. */
export interface Choice {
  readonly label: string;
  readonly detail: string;
  /**
   * The request with this candidate pinned (UPN, subscription id, customer domain), every other part as understood:
   * limit, resource group, justification. Clicking takes this up again; it is never re-read from words.
   */
  readonly request: ChosenRequest;
  /** The same request written as a sentence, for the audit trail. */
  readonly text: string;
  /** Set by intake when the choice is offered: the id its button carries (the text stays on the server). */
  readonly id?: string;
}

export type ResolutionFailure =
  | { readonly kind: 'not_found'; readonly locale: Locale; readonly what: Resolvable; readonly text: string; readonly within?: string; readonly suggestions: readonly Choice[] }
  | { readonly kind: 'ambiguous'; readonly locale: Locale; readonly what: Resolvable; readonly text: string; readonly within?: string; readonly choices: readonly Choice[] }
  /** Words next to a subscription's name that are not a name ("for the weekend"): asked back, never chosen away. */
  | { readonly kind: 'unread_words'; readonly locale: Locale; readonly text: string; readonly within: string }
  /** The bot may not act for this customer (or on this subscription) yet: what is missing, for its own answer. */
  | { readonly kind: 'not_ready'; readonly locale: Locale; readonly customer: string; readonly subscription?: string; readonly gap: ReadinessGap };

export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ResolutionFailure };

export interface ResolvedTarget {
  readonly customer: Customer;
  readonly subscription: AzureSubscription;
  /** The target written unambiguously: the customer's domain and the subscription id. */
  readonly pinned: TargetReading;
}

type AnyRequest = GrantRequest | RevokeRequest | ListRequest;

/** At most this many buttons on a choice card (Teams shows six actions at most). */
const MAX_CHOICES = 5;

/** A choice carrying `request` itself, and its sentence for the record. */
export const choiceOf = (label: string, detail: string, request: GrantRequest | RevokeRequest | ListRequest): Choice => ({ label, detail, request, text: renderRequest(request) });

const pinTarget = (customer: Customer, subscription?: AzureSubscription): TargetReading =>
  subscription ? { customer: customer.domain, subscription: subscription.subscriptionId } : { customer: customer.domain };

export class RequestResolver {
  constructor(private readonly cache: DirectoryCache) {}

  /**
   * Tries every reading of the target phrase. One subscription reached → that one; several → a choice; none → the
   * failure of the reading that got furthest (an unknown subscription of a known customer beats an unknown customer).
   */
  async resolveTarget(request: AnyRequest): Promise<Step<ResolvedTarget>> {
    const { locale } = request;
    const index = await this.cache.customers();
    const reached = new Map<string, ResolvedTarget>();
    let subscriptionFailure: ResolutionFailure | undefined;
    let unread: ResolutionFailure | undefined;
    // Built only if it is the answer: a one-word reading ("Blue") can be ambiguous among a twentieth of all customers.
    let customerAmbiguity: (() => ResolutionFailure) | undefined;
    let customerMiss: { reading: TargetReading; suggestions: Customer[] } | undefined;
    for (const reading of request.targets) {
      if (!reading.customer) continue;
      const customerPick = index.pick(reading.customer);
      if (customerPick.kind === 'many') {
        customerAmbiguity ??= () => ({
          kind: 'ambiguous',
          locale,
          what: 'customer',
          text: reading.customer,
          choices: customerPick.candidates.slice(0, MAX_CHOICES).map((c) => choiceOf(c.companyName, c.domain, { ...request, targets: [{ ...reading, customer: c.domain }] })),
        });
        continue;
      }
      if (customerPick.kind === 'none') {
        if (!customerMiss || (customerMiss.suggestions.length === 0 && customerPick.suggestions.length > 0)) customerMiss = { reading, suggestions: [...customerPick.suggestions] };
        continue;
      }
      const customer = customerPick.item;
      const subscriptions = await this.cache.subscriptions(customer.id);
      const pick: Pick<AzureSubscription> = reading.subscription
        ? pickOne(rank(reading.subscription, subscriptions, (s) => [s.displayName, s.subscriptionId]))
        : subscriptions.length === 1 && subscriptions[0]
          ? { kind: 'one', item: subscriptions[0] }
          : subscriptions.length === 0
            ? { kind: 'none', suggestions: [] }
            : { kind: 'many', candidates: subscriptions };
      if (pick.kind === 'one') {
        reached.set(pick.item.subscriptionId, { customer, subscription: pick.item, pinned: pinTarget(customer, pick.item) });
        continue;
      }
      // A choice would put a name in place of every word written there, and "prod for the weekend" would lose its
      // limit: words no name holds are named back instead.
      const clause = reading.subscription ? unreadClause(reading.subscription) : undefined;
      if (clause) {
        unread ??= { kind: 'unread_words', locale, text: clause, within: `${reading.customer} ${reading.subscription ?? ''}`.trim() };
        continue;
      }
      const subscriptionChoice = (s: AzureSubscription): Choice => choiceOf(s.displayName, `${customer.companyName} · ${s.subscriptionId}`, { ...request, targets: [pinTarget(customer, s)] });
      if (pick.kind === 'many') {
        subscriptionFailure ??= { kind: 'ambiguous', locale, what: 'subscription', text: reading.subscription ?? '', within: customer.companyName, choices: pick.candidates.slice(0, MAX_CHOICES).map(subscriptionChoice) };
      } else if (!subscriptionFailure) {
        const suggestions = pick.suggestions.length ? pick.suggestions : subscriptions;
        subscriptionFailure = { kind: 'not_found', locale, what: 'subscription', text: reading.subscription ?? '', within: customer.companyName, suggestions: suggestions.slice(0, MAX_CHOICES).map(subscriptionChoice) };
      }
    }
    const found = [...reached.values()];
    if (found.length === 1 && found[0]) return { ok: true, value: found[0] };
    if (found.length > 1) {
      return {
        ok: false,
        failure: {
          kind: 'ambiguous',
          locale,
          what: 'subscription',
          text: request.targets.map((r) => [r.customer, r.subscription].filter(Boolean).join(' ')).at(-1) ?? '',
          choices: found.slice(0, MAX_CHOICES).map((t) => choiceOf(`${t.customer.companyName} — ${t.subscription.displayName}`, `${t.customer.domain} · ${t.subscription.subscriptionId}`, { ...request, targets: [t.pinned] })),
        },
      };
    }
    if (unread) return { ok: false, failure: unread };
    if (subscriptionFailure) return { ok: false, failure: subscriptionFailure };
    if (customerAmbiguity) return { ok: false, failure: customerAmbiguity() };
    const miss = customerMiss ?? { reading: request.targets[0] ?? { customer: '' }, suggestions: [] };
    // The longest reading names the customer as written ("Contso prod" → "Contso" is what is unknown).
    const named = request.targets.find((r) => r.subscription === undefined)?.customer ?? miss.reading.customer;
    const asked = miss.suggestions.length ? miss.reading.customer : named;
    return {
      ok: false,
      failure: {
        kind: 'not_found',
        locale,
        what: 'customer',
        text: asked,
        suggestions: miss.suggestions.slice(0, MAX_CHOICES).map((c) => choiceOf(c.companyName, c.domain, { ...request, targets: [{ ...miss.reading, customer: c.domain }] })),
      },
    };
  }

  /** One customer by name or domain ("send Northwind a relationship request"); choices rewrite the command with `rewrite`. */
  async resolveCustomer(locale: Locale, text: string, rewrite: (domain: string) => string): Promise<Step<Customer>> {
    const pick = pickOne((await this.cache.customers()).search(text));
    if (pick.kind === 'one') return { ok: true, value: pick.item };
    const choices = (pick.kind === 'many' ? pick.candidates : pick.suggestions)
      .slice(0, MAX_CHOICES)
      .map((c): Choice => ({ label: c.companyName, detail: c.domain, request: { kind: 'relationship_request', locale, customer: c.domain }, text: rewrite(c.domain) }));
    return { ok: false, failure: pick.kind === 'many' ? { kind: 'ambiguous', locale, what: 'customer', text, choices } : { kind: 'not_found', locale, what: 'customer', text, suggestions: choices } };
  }

  /** The user in the customer's directory. Unknown → the closest users found by the start of the name, as suggestions. */
  async resolveUser(request: GrantRequest | RevokeRequest | ListRequest, principal: string, target: ResolvedTarget): Promise<Step<DirectoryUser>> {
    const { customer } = target;
    const pinned = { ...request, targets: [target.pinned] };
    const userChoice = (u: DirectoryUser): Choice => choiceOf(u.displayName, u.userPrincipalName, { ...pinned, principal: u.userPrincipalName });
    const users = await this.cache.findUsers(customer.tenantId, principal);
    const pick = pickOne(rank(principal, users, (u) => [u.displayName, `${u.givenName ?? ''} ${u.surname ?? ''}`.trim(), u.userPrincipalName, u.mail, u.id]));
    if (pick.kind === 'one') return { ok: true, value: pick.item };
    if (pick.kind === 'many') {
      return { ok: false, failure: { kind: 'ambiguous', locale: request.locale, what: 'user', text: principal, within: customer.companyName, choices: pick.candidates.slice(0, MAX_CHOICES).map(userChoice) } };
    }
    const suggestions = pick.suggestions.length ? pick.suggestions : await this.nearbyUsers(customer, principal);
    return { ok: false, failure: { kind: 'not_found', locale: request.locale, what: 'user', text: principal, within: customer.companyName, suggestions: suggestions.slice(0, MAX_CHOICES).map(userChoice) } };
  }

  /** Users a typo or a wrong e-mail domain away: "bob@contoso.com" → bob@contoso.onmicrosoft.com; "Alcie" → Alice. */
  private async nearbyUsers(customer: Customer, principal: string): Promise<DirectoryUser[]> {
    if (isGuid(principal)) return [];
    const local = principal.includes('@') ? principal.split('@')[0] ?? '' : principal.split(' ')[0] ?? '';
    const stem = principal.includes('@') ? local : local.slice(0, 3);
    if (stem.length < 3) return [];
    const users = await this.cache.findUsers(customer.tenantId, stem);
    if (principal.includes('@')) return users.filter((u) => [u.userPrincipalName, u.mail].some((a) => a?.toLowerCase().split('@')[0] === local.toLowerCase()));
    return rank(principal, users, (u) => [u.displayName, u.givenName, u.userPrincipalName]).map((r) => r.item);
  }

  async resolveRole(request: GrantRequest | RevokeRequest | ListRequest, role: string, target: ResolvedTarget, principalUpn?: string): Promise<Step<RoleDefinition>> {
    const index = await this.cache.roles(target.customer.tenantId, target.subscription.subscriptionId);
    const pinned = { ...request, targets: [target.pinned], ...(principalUpn ? { principal: principalUpn } : {}) };
    // A French reader chooses among the names the French portal shows, each with its ARM name (as on the cards).
    const roleChoice = (r: RoleDefinition): Choice => choiceOf(request.locale === 'fr' ? frenchRoleLabel(r.roleName, r.id) : r.roleName, r.description, { ...pinned, role: r.roleName });
    const pick = pickOne(index.search(role));
    if (pick.kind === 'one') return { ok: true, value: pick.item };
    if (pick.kind === 'many') {
      return { ok: false, failure: { kind: 'ambiguous', locale: request.locale, what: 'role', text: role, within: target.subscription.displayName, choices: pick.candidates.slice(0, MAX_CHOICES).map(roleChoice) } };
    }
    // Nothing close by the ARM names: a French reader may have mistyped the French name (« Contribteur »). Those roles
    // are offered to choose from, never taken for them (« Administrateur » must not become User Access Administrator).
    const suggestions = pick.suggestions.length > 0 || request.locale !== 'fr'
      ? pick.suggestions
      : rank(role, index.all, (r) => [frenchRoleName(r.roleName, r.id)]).map((r) => r.item);
    return { ok: false, failure: { kind: 'not_found', locale: request.locale, what: 'role', text: role, within: target.subscription.displayName, suggestions: suggestions.slice(0, MAX_CHOICES).map(roleChoice) } };
  }
}

/** A resolved role as a request carries it: its id and name, and whether its permissions hand out access. */
export const requestRole = (role: RoleDefinition): AccessRequest['role'] => ({
  definitionId: role.id,
  name: role.roleName,
  ...(grantsAccessManagement(role.permissions ?? []) ? { managesAccess: true as const } : {}),
});

export const scopeOf = (target: ResolvedTarget, resourceGroup?: string): string =>
  `/subscriptions/${target.subscription.subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ''}`;
