// Intake: a sales agent's message → parsed → resolved against Partner Center, Graph and ARM → a stored draft or a question.
import { v5 as uuidv5 } from 'uuid';
import type { AccessRequest, Locale, PartnerUser, RequestState } from '../domain/access-request';
import { endReading, type NoEnd, type UserClock } from '../domain/end-time';
import { principalId } from '../domain/ids';
import { WAITABLE_GAPS } from '../domain/readiness-gap';
import { completeWith, parseMessage, type GrantRequest, type MissingPiece, type ParsedMessage } from '../domain/parse-request';
import { StoreUnavailableError, type ChangeLog, type PendingAnswers, type RequestRepository } from '../store/ports';
import type { AccessControl } from './access-control';
import type { Clock, IdGenerator } from './clock';
import { DirectoryCache, type DirectoryCacheOptions } from './directory-cache';
import { CloudUnavailableError, type AzureRbacGateway, type AzureSubscription, type Customer, type DirectoryGateway, type DirectoryUser, type PartnerCenterGateway, type RoleDefinition } from './ports';
import type { ReadinessService } from './readiness';
import type { ReadinessAlerts } from './readiness-alerts';
import { ExistingAccessIntake } from './intake-existing';
import { readerRefusal } from './readers';
import { notReady, readinessOf, saveDraft, unclearDuration } from './intake-support';
import { refusalOf } from './refusals';
import { RequestResolver, requestRole, scopeOf, type Choice, type ResolutionFailure, type Step } from './resolution';
import type { RelationshipService } from './relationships';
import type { RelationshipInvitation } from './relationships-ports';
import { BUILT_IN_ROLE_NAMES, builtInRole } from './relationships-roles';

export type { Choice, Resolvable, ResolutionFailure } from './resolution';

/** Namespace of role assignment names: UUID v5(request id) gives each request one stable assignment GUID. */
export const ASSIGNMENT_NAMESPACE = '0f6c3b1e-5d2a-4c8e-9b7a-3e1d2c4b5a69';

/** What a revoke or list request was resolved to; carrying it out belongs to the revoke/list use cases. */
export interface ResolvedScope {
  readonly customer: Customer;
  readonly subscription: AzureSubscription;
  /** ARM scope: the subscription, or a resource group in it. */
  readonly scope: string;
  readonly resourceGroup?: string;
}

export type IntakeResult =
  | {
      readonly kind: 'draft';
      readonly request: AccessRequest;
    }
  | { readonly kind: 'help'; readonly locale: Locale }
  | { readonly kind: 'not_understood'; readonly locale: Locale }
  | { readonly kind: 'missing'; readonly locale: Locale; readonly action: 'grant' | 'revoke' | 'list'; readonly missing: MissingPiece }
  /** `problem`: a date that passed this year, or a numeric date read day/month or month/day (otherwise: not readable). */
  | { readonly kind: 'unclear_duration'; readonly locale: Locale; readonly text: string; readonly problem?: Exclude<NoEnd, 'unreadable'> }
  | { readonly kind: 'timed_removal'; readonly locale: Locale; readonly text: string }
  | { readonly kind: 'several_requests'; readonly locale: Locale; readonly text: string }
  | { readonly kind: 'message_too_long'; readonly locale: Locale; readonly maxChars: number }
  | { readonly kind: 'status'; readonly locale: Locale; readonly which: 'mine' | 'pending'; readonly requests: readonly AccessRequest[] }
  | { readonly kind: 'nothing_to_revoke'; readonly locale: Locale; readonly user: string; readonly role?: string; readonly where: string }
  | { readonly kind: 'nothing_to_extend'; readonly locale: Locale; readonly principal: string; readonly several: boolean }
  | ({ readonly kind: 'list'; readonly locale: Locale; readonly user?: DirectoryUser; readonly role?: RoleDefinition } & ResolvedScope)
  | ({ readonly kind: 'history'; readonly locale: Locale; readonly requests: readonly AccessRequest[] } & ResolvedScope)
  | ResolutionFailure
  | { readonly kind: 'policy_refused'; readonly locale: Locale; readonly code: 'not_a_requester' | 'forbidden' | 'justification_required' | 'too_long'; readonly role: string; readonly customer: string; readonly maxDurationHours?: number }
  | { readonly kind: 'cloud_unavailable'; readonly locale: Locale; readonly service: string }
  /** The store could not take the draft (locked past its wait, or down): nothing was recorded. */
  | { readonly kind: 'not_recorded'; readonly locale: Locale }
  /** "send Northwind a relationship request" (or a request whose user cannot be read before the relationship exists). */
  | { readonly kind: 'relationship_invitation'; readonly locale: Locale; readonly invitation: RelationshipInvitation }
  | { readonly kind: 'relationship_exists'; readonly locale: Locale; readonly customer: string };

export interface IntakeDependencies {
  readonly partnerCenter: PartnerCenterGateway;
  readonly directory: DirectoryGateway;
  readonly rbac: AzureRbacGateway;
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  /** The question asked back and the choices offered, for a few minutes (any instance takes the answer). */
  readonly pending: PendingAnswers;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Who may request what, and how many approvals it needs (the policy file). */
  readonly access: AccessControl;
  readonly cache?: DirectoryCacheOptions;
  /** What the bot may do for a customer now (relationship, directory, Azure rights, consent). */
  readonly readiness: ReadinessService;
  /** Tells the approvers what is missing (once in a while per customer). */
  readonly alerts?: ReadinessAlerts;
  /** Customers without a relationship: relationship requests (reseller link or GDAP). */
  readonly relationships?: RelationshipService;
}

/** Where the user is (Teams' localTimezone, or the message's offset): "until Friday 18:00" is 18:00 there. */
export type SubmitOptions = UserClock;

/** A question we asked ("which role?"): the next message from the same person may answer it, for a while. */
const QUESTION_TTL_MS = 10 * 60_000;
const OPEN_STATES: readonly RequestState[] = ['draft', 'awaiting_relationship', 'pending_approval', 'approved', 'provisioning', 'active'];

type Question = Extract<ParsedMessage, { kind: 'missing' }>;

export class IntakeService {
  private readonly resolver: RequestResolver;
  private readonly existing: ExistingAccessIntake;

  constructor(private readonly deps: IntakeDependencies) {
    const cache = new DirectoryCache(deps, deps.cache);
    this.resolver = new RequestResolver(cache);
    this.existing = new ExistingAccessIntake(deps, this.resolver);
  }

  /**
   * A choice card's button was clicked: the stored request (structured, with that candidate pinned) is taken up again
   * for the person it was offered to. It is not re-read from words, so nothing understood the first time (a time
   * limit, a resource group, a justification) can be lost on the way.
   */
  async choose(id: string, requester: PartnerUser, _fallbackLocale: Locale, options: SubmitOptions = {}): Promise<{ choice: Choice; result: IntakeResult } | undefined> {
    // A choice offered before the policy changed is no longer this user's to take: the click is refused as invalid.
    if ((await this.deps.access.readerStatus(requester.id)) !== 'yes') return undefined;
    const key = `choice:${id}`;
    const entry = (await this.deps.pending.take(key, this.deps.clock.now().toISOString())) as { choice: Choice; userId: string; expiresAt: string } | undefined;
    if (!entry) return undefined;
    if (entry.userId !== requester.id) {
      // Someone else's button: theirs to use still.
      await this.deps.pending.put(key, entry, entry.expiresAt);
      return undefined;
    }
    // The choice is used up only once its work is done: a cloud that did not answer leaves the button working, so
    // "try again" means clicking it again, not starting over.
    let handled: IntakeResult;
    try {
      handled = await this.handle(entry.choice.request, entry.choice.text, requester, options);
    } catch (error) {
      await this.deps.pending.put(key, entry, entry.expiresAt).catch(() => undefined);
      throw error;
    }
    if (handled.kind === 'cloud_unavailable') await this.deps.pending.put(key, entry, entry.expiresAt);
    return { choice: entry.choice, result: await this.offer(handled, requester) };
  }

  /** May this person be answered about access (a requester of the policy, or an approver)? Unknown counts as no. */
  async mayRead(userId: string): Promise<boolean> {
    return (await this.deps.access.readerStatus(userId)) === 'yes';
  }

  async submit(text: string, requester: PartnerUser, fallbackLocale: Locale, options: SubmitOptions = {}): Promise<IntakeResult> {
    const read = parseMessage(text, fallbackLocale);
    const refused = await readerRefusal(this.deps.access, requester, read, fallbackLocale);
    if (refused) return refused;
    try {
      const parsed = await this.withOpenQuestion(read, text, requester);
      return await this.offer(await this.handle(parsed, text, requester, options), requester);
    } catch (error) {
      // The question or the choices could not be kept (or read back): say so, rather than a generic error.
      if (error instanceof StoreUnavailableError) return { kind: 'not_recorded', locale: 'locale' in read ? read.locale : fallbackLocale };
      throw error;
    }
  }

  /**
   * Gives each offered choice an id and keeps it in the store (for QUESTION_TTL_MS) so the card's buttons carry
   * ids only, and any instance, after any restart, can take the click.
   */
  private async offer(result: IntakeResult, requester: PartnerUser): Promise<IntakeResult> {
    const expiresAt = new Date(this.deps.clock.now().getTime() + QUESTION_TTL_MS).toISOString();
    const withIds = (choices: readonly Choice[]): Promise<Choice[]> =>
      Promise.all(choices.map(async (choice) => {
        const id = this.deps.newId();
        await this.deps.pending.put(`choice:${id}`, { choice, userId: requester.id, expiresAt }, expiresAt);
        return { ...choice, id };
      }));
    if (result.kind === 'ambiguous') return { ...result, choices: await withIds(result.choices) };
    if (result.kind === 'not_found' && result.suggestions.length > 0) return { ...result, suggestions: await withIds(result.suggestions) };
    return result;
  }

  /** One understood request → its answer; `text` is what the person wrote (or the chosen sentence), for the audit trail. */
  private async handle(parsed: ParsedMessage, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    try {
      switch (parsed.kind) {
        case 'grant':
          return await this.grant(parsed, text, requester, options);
        case 'revoke':
          return await this.existing.revoke(parsed, text, requester);
        case 'list':
          return await this.existing.list(parsed, requester);
        case 'history': {
          const scope = await this.existing.scopeFor({ kind: 'list', locale: parsed.locale, targets: parsed.targets }, requester);
          if (!scope.ok) return scope.result;
          const requests = await this.deps.requests.listRequests({ customerTenantId: scope.value.customer.tenantId, subscriptionId: scope.value.subscription.subscriptionId, limit: 20 });
          return { kind: 'history', locale: parsed.locale, ...scope.value, requests };
        }
        case 'status':
          return { kind: 'status', locale: parsed.locale, which: parsed.which, requests: await this.statusOf(parsed.which, requester) };
        case 'extend':
          return await this.existing.extend(parsed, text, requester, options);
        case 'relationship_request':
          return await this.relationshipRequest(parsed.locale, parsed.customer, requester);
        case 'missing':
          await this.deps.pending.put(`question:${requester.id}`, { question: parsed }, new Date(this.deps.clock.now().getTime() + QUESTION_TTL_MS).toISOString());
          return { kind: 'missing', locale: parsed.locale, action: parsed.action, missing: parsed.missing };
        default:
          return parsed;
      }
    } catch (error) {
      // Microsoft refusing is never "did not answer": it is what is missing (the partner's sign-in, most often).
      const refusal = refusalOf(error);
      if (refusal) {
        const gap = this.deps.readiness.gapOf(refusal);
        if (gap.kind === 'sign_in_required') this.deps.alerts?.signInMissing();
        return { kind: 'not_ready', locale: parsed.locale, customer: '', gap };
      }
      if (error instanceof CloudUnavailableError) return { kind: 'cloud_unavailable', locale: parsed.locale, service: error.service };
      if (error instanceof StoreUnavailableError) return { kind: 'not_recorded', locale: parsed.locale };
      throw error;
    }
  }

  /** A message that is not a request by itself may answer the question we asked this person just before. */
  private async withOpenQuestion(parsed: ParsedMessage, text: string, requester: PartnerUser): Promise<ParsedMessage> {
    const open = (await this.deps.pending.take(`question:${requester.id}`, this.deps.clock.now().toISOString())) as { question: Question } | undefined;
    if (!open) return parsed;
    if (parsed.kind !== 'not_understood' && !(parsed.kind === 'missing' && parsed.action === open.question.action && Object.keys(parsed.partial).length <= 1)) return parsed;
    return completeWith(open.question, text) ?? parsed;
  }

  /** The last ten, oldest first: the requester's own open requests, or the others' awaiting approval. */
  private async statusOf(which: 'mine' | 'pending', requester: PartnerUser): Promise<AccessRequest[]> {
    if (which === 'mine') return (await this.deps.requests.listRequests({ requesterId: requester.id, states: OPEN_STATES, limit: 10 })).reverse();
    // The newest few, not every request waiting (the asker's own among them are left out, so a few more are read).
    const open = await this.deps.requests.listRequests({ states: ['pending_approval'], limit: 50 });
    return open.filter((r) => r.requester.id !== requester.id).slice(0, 10).reverse();
  }

  private async grant(parsed: GrantRequest, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    const { locale } = parsed;
    const now = this.deps.clock.now();
    const end = parsed.duration ? endReading(parsed.duration, now, options) : undefined;
    if (parsed.duration && !(end instanceof Date)) return unclearDuration(locale, parsed.duration.text, end);
    const expires = end instanceof Date ? end : undefined;

    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return target.failure;
    // What the bot may do for this customer now. A missing piece someone can close keeps the request: drafted anyway,
    // it waits after Confirm and goes on to approval by itself once the piece is there.
    const readiness = await readinessOf(this.deps.readiness, target.value, true);
    const gap = readiness.ready ? undefined : readiness.gap;
    if (gap && !WAITABLE_GAPS.has(gap.kind)) return notReady(this.deps.alerts, locale, target.value, gap, requester);
    let user: Step<DirectoryUser> | undefined;
    try {
      user = await this.resolver.resolveUser(parsed, parsed.principal, target.value);
    } catch (error) {
      // The customer's directory is closed to the bot until the gap is closed: the user is looked up then.
      if (!gap || !refusalOf(error)) throw error;
    }
    if (user && !user.ok) return user.failure;
    let fromArm: Step<RoleDefinition> | undefined;
    try {
      fromArm = await this.resolver.resolveRole(parsed, parsed.role, target.value, user?.value.userPrincipalName);
    } catch (error) {
      if (!refusalOf(error)) throw error;
    }
    // ARM cannot be read before the bot may act there: built-in roles are known by their fixed GUIDs.
    const known = fromArm ? undefined : builtInRole(parsed.role, target.value.subscription.subscriptionId);
    const role =
      fromArm ??
      (known
        ? { ok: true as const, value: known }
        : { ok: false as const, failure: { kind: 'not_found' as const, locale, what: 'role' as const, text: parsed.role, within: `${target.value.subscription.displayName} (${BUILT_IN_ROLE_NAMES.slice(0, 5).join(', ')})`, suggestions: [] } });
    if (!role.ok) return role.failure;

    const { customer, subscription } = target.value;
    const justification = [parsed.justification, parsed.ticket && !parsed.justification?.includes(parsed.ticket) ? parsed.ticket : undefined].filter(Boolean).join(' — ');
    const refused = { kind: 'policy_refused', locale, role: role.value.roleName, customer: customer.companyName } as const;
    const policy = await this.deps.access.checkRequest(requester, requestRole(role.value), { tenantId: customer.tenantId, name: customer.companyName }, justification);
    if (!policy.ok) return { ...refused, code: policy.code };
    const maxHours = policy.rule.maxDurationHours;
    if (maxHours !== undefined && expires && expires.getTime() - now.getTime() > maxHours * 3_600_000) return { ...refused, code: 'too_long', maxDurationHours: maxHours };
    // Time-bound access: the end asked for, or the policy's maximum when the role has one and none was asked for.
    const endsAt = expires ?? (maxHours !== undefined ? new Date(now.getTime() + maxHours * 3_600_000) : undefined);
    return saveDraft(this.deps, 
      (id) => ({
        action: 'grant',
        ...(endsAt ? { expiresAt: endsAt.toISOString(), ...(options.timeZone ? { timeZone: options.timeZone } : {}) } : {}),
        requester,
        locale,
        customer: { tenantId: customer.tenantId, name: customer.companyName },
        subscription: { id: subscription.subscriptionId, name: subscription.displayName },
        scope: scopeOf(target.value, parsed.resourceGroup),
        principal: user
          ? { id: user.value.id, displayName: user.value.displayName, userPrincipalName: user.value.userPrincipalName, principalType: 'User' }
          : { id: principalId(''), displayName: parsed.principal, userPrincipalName: '', principalType: 'User' },
        ...(user ? {} : { principalQuery: parsed.principal }),
        role: requestRole(role.value),
        ...(justification ? { justification } : {}),
        requiredApprovals: policy.rule.approvals,
        assignmentName: uuidv5(id, ASSIGNMENT_NAMESPACE),
        ...(gap ? { relationship: { mode: this.deps.relationships?.modeFor(gap.kind === 'no_relationship' ? gap.reseller : true) ?? 'reseller', ...(gap.kind === 'no_relationship' ? {} : { missing: gap }) } } : {}),
      }),
      'requested',
      { text, ...(expires ? { expiresAt: expires.toISOString() } : {}) },
    );
  }

  /**
   * "send Northwind a relationship request": the invitation card alone (GDAP mode: the customer's pending relationship,
   * or a new one locked for approval — also when the relationship they have holds no directory-reading role).
   */
  private async relationshipRequest(locale: Locale, text: string, requester: PartnerUser): Promise<IntakeResult> {
    const rewrite = (domain: string) => (locale === 'fr' ? `envoie une demande de relation à ${domain}` : `send ${domain} a relationship request`);
    const customer = await this.resolver.resolveCustomer(locale, text, rewrite);
    if (!customer.ok) return customer.failure;
    const { companyName, tenantId } = customer.value;
    const readiness = await this.deps.readiness.check({ tenantId }, { fresh: true });
    if (readiness.ready) return { kind: 'relationship_exists', locale, customer: companyName };
    const { gap } = readiness;
    const newRelationshipHelps = gap.kind === 'no_relationship' || (gap.kind === 'no_directory_role' && !gap.inRelationship && this.deps.relationships?.modeFor(true) === 'gdap');
    if (!newRelationshipHelps) return notReady(this.deps.alerts, locale, { customer: customer.value }, gap, requester);
    if (!(await this.deps.access.mayRequest(requester.id))) return { kind: 'policy_refused', locale, code: 'not_a_requester', role: '', customer: companyName };
    // A customer with a relationship lacking the directory role is a reseller customer: a new GDAP relationship helps.
    const wanted = gap.kind === 'no_relationship' ? gap : { reseller: true };
    const prepared = this.deps.relationships
      ? await this.deps.relationships.prepare({ tenantId, name: companyName }, requester, undefined, wanted)
      : { ok: true as const, invitation: { customer: { tenantId, name: companyName }, mode: 'reseller' as const, url: await this.deps.partnerCenter.getRelationshipRequestUrl() } };
    if (!prepared.ok) return notReady(this.deps.alerts, locale, { customer: customer.value }, prepared.gap, requester);
    const { invitation } = prepared;
    await this.deps.changes.record({ audit: { event: 'relationship_requested', actor: requester.id, at: this.deps.clock.now().toISOString(), detail: { customer: tenantId, mode: invitation.mode }, customer: { tenantId, name: invitation.customer.name } } });
    return { kind: 'relationship_invitation', locale, invitation };
  }
}
