// Intake: a sales agent's message → parsed → resolved against Partner Center, Graph and ARM → a stored draft or a question.
import { isRestError } from '@azure/core-rest-pipeline';
import { v5 as uuidv5 } from 'uuid';
import type { AccessRequest, Locale, PartnerUser, RequestState } from '../domain/access-request';
import { endOf, type UserClock } from '../domain/end-time';
import { requestId, roleDefinitionGuid, type RequestId } from '../domain/ids';
import { matchScore } from '../domain/matching';
import { completeWith, parseMessage, type GrantRequest, type ListRequest, type MissingPiece, type ParsedMessage, type RevokeRequest } from '../domain/parse-request';
import type { RequestStore } from '../store/request-store';
import type { AccessControl } from './access-control';
import type { Clock, IdGenerator } from './clock';
import { DirectoryCache, type DirectoryCacheOptions } from './directory-cache';
import { CloudUnavailableError, type AzureRbacGateway, type AzureSubscription, type Customer, type DirectoryGateway, type DirectoryUser, type PartnerCenterGateway, type RoleDefinition } from './ports';
import { choiceOf, RequestResolver, scopeOf, type Choice, type ResolutionFailure } from './resolution';
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
  | { readonly kind: 'unclear_duration'; readonly locale: Locale; readonly text: string }
  | { readonly kind: 'message_too_long'; readonly locale: Locale; readonly maxChars: number }
  | { readonly kind: 'status'; readonly locale: Locale; readonly which: 'mine' | 'pending'; readonly requests: readonly AccessRequest[] }
  | { readonly kind: 'nothing_to_revoke'; readonly locale: Locale; readonly user: string; readonly role?: string; readonly where: string }
  | { readonly kind: 'nothing_to_extend'; readonly locale: Locale; readonly principal: string; readonly several: boolean }
  | ({ readonly kind: 'list'; readonly locale: Locale; readonly user?: DirectoryUser; readonly role?: RoleDefinition } & ResolvedScope)
  | ({ readonly kind: 'history'; readonly locale: Locale; readonly requests: readonly AccessRequest[] } & ResolvedScope)
  | ResolutionFailure
  | { readonly kind: 'policy_refused'; readonly locale: Locale; readonly code: 'not_a_requester' | 'forbidden' | 'justification_required' | 'too_long'; readonly role: string; readonly customer: string; readonly maxDurationHours?: number }
  | { readonly kind: 'cloud_unavailable'; readonly locale: Locale; readonly service: string }
  /** "send Northwind a relationship request" (or a request whose user cannot be read before the relationship exists). */
  | { readonly kind: 'relationship_invitation'; readonly locale: Locale; readonly invitation: RelationshipInvitation }
  | { readonly kind: 'relationship_exists'; readonly locale: Locale; readonly customer: string };

export interface IntakeDependencies {
  readonly partnerCenter: PartnerCenterGateway;
  readonly directory: DirectoryGateway;
  readonly rbac: AzureRbacGateway;
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Who may request what, and how many approvals it needs (the policy file). */
  readonly access: AccessControl;
  readonly cache?: DirectoryCacheOptions;
  /** Customers without delegated access: relationship requests (reseller link or GDAP). */
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
  private readonly questions = new Map<string, { readonly question: Question; readonly until: number }>();

  constructor(private readonly deps: IntakeDependencies) {
    const cache = new DirectoryCache(deps, deps.cache);
    this.resolver = new RequestResolver(cache, () => deps.relationships?.relationshipUrl() ?? deps.partnerCenter.getRelationshipRequestUrl());
  }

  /** Choices offered on choice cards, by id: the rewritten request stays here, the button carries only the id. */
  private readonly offered = new Map<string, { readonly choice: Choice; readonly userId: string; readonly until: number }>();

  /**
   * A choice card's button was clicked: the stored request (structured, with that candidate pinned) is taken up again
   * for the person it was offered to. It is not re-read from words, so nothing understood the first time (a time
   * limit, a resource group, a justification) can be lost on the way.
   */
  async choose(id: string, requester: PartnerUser, _fallbackLocale: Locale, options: SubmitOptions = {}): Promise<{ choice: Choice; result: IntakeResult } | undefined> {
    const now = this.deps.clock.now().getTime();
    for (const [key, entry] of this.offered) if (entry.until < now) this.offered.delete(key);
    const entry = this.offered.get(id);
    if (!entry || entry.userId !== requester.id) return undefined;
    this.offered.delete(id);
    return { choice: entry.choice, result: this.offer(await this.handle(entry.choice.request, entry.choice.text, requester, options), requester) };
  }

  async submit(text: string, requester: PartnerUser, fallbackLocale: Locale, options: SubmitOptions = {}): Promise<IntakeResult> {
    const parsed = this.withOpenQuestion(parseMessage(text, fallbackLocale), text, requester);
    return this.offer(await this.handle(parsed, text, requester, options), requester);
  }

  /** Gives each offered choice an id and keeps it (for QUESTION_TTL_MS) so the card's buttons carry ids only. */
  private offer(result: IntakeResult, requester: PartnerUser): IntakeResult {
    const until = this.deps.clock.now().getTime() + QUESTION_TTL_MS;
    const withIds = (choices: readonly Choice[]): Choice[] =>
      choices.map((choice) => {
        const id = this.deps.newId();
        this.offered.set(id, { choice, userId: requester.id, until });
        return { ...choice, id };
      });
    if (result.kind === 'ambiguous') return { ...result, choices: withIds(result.choices) };
    if (result.kind === 'not_found' && result.suggestions.length > 0) return { ...result, suggestions: withIds(result.suggestions) };
    return result;
  }

  /** One understood request → its answer; `text` is what the person wrote (or the chosen sentence), for the audit trail. */
  private async handle(parsed: ParsedMessage, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    try {
      switch (parsed.kind) {
        case 'grant':
          return await this.grant(parsed, text, requester, options);
        case 'revoke':
          return await this.revoke(parsed, text, requester);
        case 'list':
          return await this.list(parsed);
        case 'history': {
          const scope = await this.scopeFor({ kind: 'list', locale: parsed.locale, targets: parsed.targets });
          if (!scope.ok) return scope.result;
          const requests = this.deps.store.listRequests({ customerTenantId: scope.value.customer.tenantId, subscriptionId: scope.value.subscription.subscriptionId, limit: 20 });
          return { kind: 'history', locale: parsed.locale, ...scope.value, requests };
        }
        case 'status':
          return { kind: 'status', locale: parsed.locale, which: parsed.which, requests: this.statusOf(parsed.which, requester) };
        case 'extend':
          return await this.extend(parsed, text, requester, options);
        case 'relationship_request':
          return await this.relationshipRequest(parsed.locale, parsed.customer, requester);
        case 'missing':
          this.questions.set(requester.id, { question: parsed, until: this.deps.clock.now().getTime() + QUESTION_TTL_MS });
          return { kind: 'missing', locale: parsed.locale, action: parsed.action, missing: parsed.missing };
        default:
          return parsed;
      }
    } catch (error) {
      if (error instanceof CloudUnavailableError) return { kind: 'cloud_unavailable', locale: parsed.locale, service: error.service };
      throw error;
    }
  }

  /** A message that is not a request by itself may answer the question we asked this person just before. */
  private withOpenQuestion(parsed: ParsedMessage, text: string, requester: PartnerUser): ParsedMessage {
    const open = this.questions.get(requester.id);
    this.questions.delete(requester.id);
    if (!open || open.until < this.deps.clock.now().getTime()) return parsed;
    if (parsed.kind !== 'not_understood' && !(parsed.kind === 'missing' && parsed.action === open.question.action && Object.keys(parsed.partial).length <= 1)) return parsed;
    return completeWith(open.question, text) ?? parsed;
  }

  private statusOf(which: 'mine' | 'pending', requester: PartnerUser): AccessRequest[] {
    const open = this.deps.store.listByState(which === 'mine' ? OPEN_STATES : ['pending_approval']);
    return open.filter((r) => (which === 'mine' ? r.requester.id === requester.id : r.requester.id !== requester.id)).slice(-10);
  }

  private async grant(parsed: GrantRequest, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    const { locale } = parsed;
    const now = this.deps.clock.now();
    const expires = parsed.duration ? endOf(parsed.duration, now, options) : undefined;
    if (parsed.duration && !expires) return { kind: 'unclear_duration', locale, text: parsed.duration.text };

    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return target.failure;
    // No delegated access yet: the request is drafted anyway, and after Confirm it waits for the customer's relationship.
    const access = await this.resolver.checkDelegatedAccess(target.value.customer, locale);
    let needsRelationship = !access.ok && access.failure.kind === 'no_delegated_access';
    if (!access.ok && !needsRelationship) return access.failure;
    let user;
    try {
      user = await this.resolver.resolveUser(parsed, parsed.principal, target.value);
    } catch (error) {
      // Without a relationship the customer's directory may not answer: the invitation alone, the request later.
      if (!(needsRelationship && error instanceof CloudUnavailableError)) throw error;
      return this.relationshipRequest(locale, target.value.customer.domain, requester);
    }
    if (!user.ok) return user.failure;
    // Partner Center saying yes is not enough: if ARM refuses us on the subscription (401/403), we have no usable
    // delegated access there either — unknown is not yes, so the customer gets the relationship request too.
    let fromArm: Awaited<ReturnType<RequestResolver['resolveRole']>> | undefined;
    if (!needsRelationship) {
      try {
        fromArm = await this.resolver.resolveRole(parsed, parsed.role, target.value, user.value.userPrincipalName);
      } catch (error) {
        if (!(isRestError(error) && (error.statusCode === 401 || error.statusCode === 403))) throw error;
        needsRelationship = true;
      }
    }
    // ARM cannot be read before the relationship exists: built-in roles are known by their fixed GUIDs.
    const known = needsRelationship ? builtInRole(parsed.role, target.value.subscription.subscriptionId) : undefined;
    const role =
      fromArm ??
      (known
        ? { ok: true as const, value: known }
        : { ok: false as const, failure: { kind: 'not_found' as const, locale, what: 'role' as const, text: parsed.role, within: `${target.value.subscription.displayName} (${BUILT_IN_ROLE_NAMES.slice(0, 5).join(', ')})`, suggestions: [] } });
    if (!role.ok) return role.failure;

    const { customer, subscription } = target.value;
    const justification = [parsed.justification, parsed.ticket && !parsed.justification?.includes(parsed.ticket) ? parsed.ticket : undefined].filter(Boolean).join(' — ');
    const refused = { kind: 'policy_refused', locale, role: role.value.roleName, customer: customer.companyName } as const;
    const policy = await this.deps.access.checkRequest(requester, role.value.roleName, { tenantId: customer.tenantId, name: customer.companyName }, justification);
    if (!policy.ok) return { ...refused, code: policy.code };
    const maxHours = policy.rule.maxDurationHours;
    if (maxHours !== undefined && expires && expires.getTime() - now.getTime() > maxHours * 3_600_000) return { ...refused, code: 'too_long', maxDurationHours: maxHours };
    // Time-bound access: the end asked for, or the policy's maximum when the role has one and none was asked for.
    const endsAt = expires ?? (maxHours !== undefined ? new Date(now.getTime() + maxHours * 3_600_000) : undefined);
    return this.saveDraft(
      (id) => ({
        action: 'grant',
        ...(endsAt ? { expiresAt: endsAt.toISOString(), ...(options.timeZone ? { timeZone: options.timeZone } : {}) } : {}),
        requester,
        locale,
        customer: { tenantId: customer.tenantId, name: customer.companyName },
        subscription: { id: subscription.subscriptionId, name: subscription.displayName },
        scope: scopeOf(target.value, parsed.resourceGroup),
        principal: { id: user.value.id, displayName: user.value.displayName, userPrincipalName: user.value.userPrincipalName, principalType: 'User' },
        role: { definitionId: role.value.id, name: role.value.roleName },
        ...(justification ? { justification } : {}),
        requiredApprovals: policy.rule.approvals,
        assignmentName: uuidv5(id, ASSIGNMENT_NAMESPACE),
        ...(needsRelationship ? { relationship: { mode: this.deps.relationships?.mode ?? 'reseller' } } : {}),
      }),
      'requested',
      { text, ...(expires ? { expiresAt: expires.toISOString() } : {}) },
    );
  }

  /** "send Northwind a relationship request": the invitation card alone (GDAP mode: a new relationship, locked for approval). */
  private async relationshipRequest(locale: Locale, text: string, requester: PartnerUser): Promise<IntakeResult> {
    const rewrite = (domain: string) => (locale === 'fr' ? `envoie une demande de relation à ${domain}` : `send ${domain} a relationship request`);
    const customer = await this.resolver.resolveCustomer(locale, text, rewrite);
    if (!customer.ok) return customer.failure;
    const { companyName, tenantId } = customer.value;
    const access = await this.resolver.checkDelegatedAccess(customer.value, locale);
    if (access.ok) return { kind: 'relationship_exists', locale, customer: companyName };
    if (!(await this.deps.access.mayRequest(requester.id))) return { kind: 'policy_refused', locale, code: 'not_a_requester', role: '', customer: companyName };
    const invitation = this.deps.relationships
      ? await this.deps.relationships.prepare({ tenantId, name: companyName }, requester)
      : { customer: { tenantId, name: companyName }, mode: 'reseller' as const, url: await this.deps.partnerCenter.getRelationshipRequestUrl() };
    this.deps.store.appendAudit({ event: 'relationship_requested', actor: requester.id, at: this.deps.clock.now().toISOString(), detail: { customer: tenantId, mode: invitation.mode } });
    return { kind: 'relationship_invitation', locale, invitation };
  }

  private async scopeFor(parsed: RevokeRequest | ListRequest): Promise<{ ok: true; value: ResolvedScope } | { ok: false; result: IntakeResult }> {
    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return { ok: false, result: target.failure };
    const access = await this.resolver.checkDelegatedAccess(target.value.customer, parsed.locale);
    if (!access.ok) return { ok: false, result: access.failure };
    const { customer, subscription } = target.value;
    return { ok: true, value: { customer, subscription, scope: scopeOf(target.value, parsed.resourceGroup), ...(parsed.resourceGroup ? { resourceGroup: parsed.resourceGroup } : {}) } };
  }

  /**
   * "extend Alice's access by 4 hours": the one time-bound grant of that person in force (optionally on a target)
   * becomes a new request for the same assignment (same name, so ARM keeps one assignment) ending later.
   */
  private async extend(parsed: Extract<ParsedMessage, { kind: 'extend' }>, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    const { locale } = parsed;
    const now = this.deps.clock.now();
    const wanted = parsed.targets[0];
    const candidates = this.deps.store
      .listByState(['active'])
      .filter((r) => r.action === 'grant' && r.expiresAt !== undefined && Date.parse(r.expiresAt) > now.getTime())
      .filter((r) => Math.max(matchScore(parsed.principal, r.principal.displayName), matchScore(parsed.principal, r.principal.userPrincipalName)) >= 0.75)
      .filter((r) => !wanted || (matchScore(wanted.customer, r.customer.name) >= 0.75 && (!wanted.subscription || matchScore(wanted.subscription, r.subscription.name) >= 0.75 || wanted.subscription.toLowerCase() === r.subscription.id.toLowerCase())));
    const [current] = candidates;
    if (!current || candidates.length > 1) return { kind: 'nothing_to_extend', locale, principal: parsed.principal, several: candidates.length > 1 };
    const base = new Date(Math.max(now.getTime(), Date.parse(current.expiresAt ?? '')));
    const end = endOf(parsed.duration, parsed.duration.kind === 'for' ? base : now, options);
    if (!end) return { kind: 'unclear_duration', locale, text: parsed.duration.text };
    const customer = { tenantId: current.customer.tenantId, name: current.customer.name };
    const policy = await this.deps.access.checkRequest(requester, current.role.name, customer, current.justification ?? `extension of ${current.id}`);
    if (!policy.ok) return { kind: 'policy_refused', locale, code: policy.code, role: current.role.name, customer: customer.name };
    const maxHours = policy.rule.maxDurationHours;
    if (maxHours !== undefined && end.getTime() - now.getTime() > maxHours * 3_600_000) return { kind: 'policy_refused', locale, code: 'too_long', role: current.role.name, customer: customer.name, maxDurationHours: maxHours };
    return this.saveDraft(
      () => ({
        action: 'grant',
        requester,
        locale,
        customer: current.customer,
        subscription: current.subscription,
        scope: current.scope,
        principal: current.principal,
        role: current.role,
        ...(current.justification ? { justification: current.justification } : {}),
        requiredApprovals: policy.rule.approvals,
        assignmentName: current.assignmentName,
        extendsRequestId: current.id,
        expiresAt: end.toISOString(),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      }),
      'extension_requested',
      { text, extends: current.id, expiresAt: end.toISOString() },
    );
  }

  /** "remove Bob's Reader on Contoso prod": the assignment in force there becomes a revoke draft, through approval. */
  private async revoke(parsed: RevokeRequest, text: string, requester: PartnerUser): Promise<IntakeResult> {
    const { locale } = parsed;
    const scope = await this.scopeFor(parsed);
    if (!scope.ok) return scope.result;
    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return target.failure;
    const user = await this.resolver.resolveUser(parsed, parsed.principal, target.value);
    if (!user.ok) return user.failure;
    let role: RoleDefinition | undefined;
    if (parsed.role) {
      const found = await this.resolver.resolveRole(parsed, parsed.role, target.value, user.value.userPrincipalName);
      if (!found.ok) return found.failure;
      role = found.value;
    }
    const { customer, subscription } = scope.value;
    const tenant = customer.tenantId;
    const [assignments, roles] = await Promise.all([this.deps.rbac.listRoleAssignments(tenant, scope.value.scope), this.deps.rbac.listRoleDefinitions(tenant, subscription.subscriptionId)]);
    const roleById = new Map(roles.map((r) => [roleDefinitionGuid(r.id), r]));
    // Only what is assigned at exactly this scope can be removed here; inherited roles are removed where they are assigned.
    const held = assignments.filter(
      (a) =>
        a.scope.toLowerCase() === scope.value.scope.toLowerCase() &&
        a.principalId.toLowerCase() === user.value.id.toLowerCase() &&
        (!role || roleDefinitionGuid(a.roleDefinitionId) === roleDefinitionGuid(role.id)),
    );
    const where = `${customer.companyName} / ${subscription.displayName}${scope.value.resourceGroup ? ` / ${scope.value.resourceGroup}` : ''}`;
    if (held.length === 0) return { kind: 'nothing_to_revoke', locale, user: user.value.displayName, ...(role ? { role: role.roleName } : {}), where };
    if (held.length > 1) {
      const choices = held.map((a) => {
        const name = roleById.get(roleDefinitionGuid(a.roleDefinitionId))?.roleName ?? roleDefinitionGuid(a.roleDefinitionId);
        return choiceOf(name, user.value.userPrincipalName, { ...parsed, principal: user.value.userPrincipalName, role: name, targets: [{ customer: customer.domain, subscription: subscription.subscriptionId }] });
      });
      return { kind: 'ambiguous', locale, what: 'role', text: user.value.displayName, within: where, choices };
    }
    const [assignment] = held;
    if (!assignment) return { kind: 'nothing_to_revoke', locale, user: user.value.displayName, where };
    const heldRole = roleById.get(roleDefinitionGuid(assignment.roleDefinitionId));
    const roleName = heldRole?.roleName ?? roleDefinitionGuid(assignment.roleDefinitionId);
    // Taking access away is never forbidden, but it goes through the same approvals as granting that role.
    if (!(await this.deps.access.mayRequest(requester.id))) return { kind: 'policy_refused', locale, code: 'not_a_requester', role: roleName, customer: customer.companyName };
    const rule = this.deps.access.rule(roleName, { tenantId: customer.tenantId, name: customer.companyName });
    return this.saveDraft(
      () => ({
        action: 'revoke',
        requester,
        locale,
        customer: { tenantId: customer.tenantId, name: customer.companyName },
        subscription: { id: subscription.subscriptionId, name: subscription.displayName },
        scope: assignment.scope,
        principal: { id: user.value.id, displayName: user.value.displayName, userPrincipalName: user.value.userPrincipalName, principalType: 'User' },
        role: { definitionId: assignment.roleDefinitionId, name: roleName },
        requiredApprovals: rule.approvals,
        assignmentName: assignment.name,
      }),
      'revoke_requested',
      { text, assignment: assignment.id },
    );
  }

  /** Stores a new draft (version 1, no votes yet) with its audit entry; `fields` gets the new id (for a derived name). */
  private saveDraft(fields: (id: RequestId) => Omit<AccessRequest, 'id' | 'version' | 'state' | 'approvals' | 'createdAt' | 'updatedAt'>, event: string, detail: Record<string, unknown>): IntakeResult {
    const at = this.deps.clock.now().toISOString();
    const id = requestId(this.deps.newId());
    const request: AccessRequest = { ...fields(id), id, version: 1, state: 'draft', approvals: [], createdAt: at, updatedAt: at };
    this.deps.store.insert(request);
    this.deps.store.appendAudit({ requestId: id, event, actor: request.requester.id, at, detail });
    return { kind: 'draft', request };
  }

  private async list(parsed: ListRequest): Promise<IntakeResult> {
    const scope = await this.scopeFor(parsed);
    if (!scope.ok) return scope.result;
    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return target.failure;
    let user: DirectoryUser | undefined;
    if (parsed.principal) {
      const found = await this.resolver.resolveUser(parsed, parsed.principal, target.value);
      if (!found.ok) return found.failure;
      user = found.value;
    }
    let role: RoleDefinition | undefined;
    if (parsed.role) {
      const found = await this.resolver.resolveRole(parsed, parsed.role, target.value);
      if (!found.ok) return found.failure;
      role = found.value;
    }
    return { kind: 'list', locale: parsed.locale, ...scope.value, ...(user ? { user } : {}), ...(role ? { role } : {}) };
  }
}
