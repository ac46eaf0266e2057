// Requests about access already granted: extend it, remove it, list who has it (and the scope a history is read for).
import { endReading } from '../domain/end-time';
import { roleDefinitionGuid } from '../domain/ids';
import { matchScore } from '../domain/matching';
import type { ListRequest, ParsedMessage, RevokeRequest } from '../domain/parse-request';
import type { PartnerUser } from '../domain/access-request';
import type { IntakeDependencies, IntakeResult, ResolvedScope, SubmitOptions } from './intake';
import { notReady, readinessOf, saveDraft, unclearDuration } from './intake-support';
import type { DirectoryUser, RoleDefinition } from './ports';
import { choiceOf, requestRole, scopeOf, type RequestResolver } from './resolution';

/** Time-bound grants in force read for an "extend" (all of a large partner's, many times over). */
const EXTEND_READ_LIMIT = 10_000;

export class ExistingAccessIntake {
  constructor(
    private readonly deps: IntakeDependencies,
    private readonly resolver: RequestResolver,
  ) {}

  async scopeFor(parsed: RevokeRequest | ListRequest, requester: PartnerUser): Promise<{ ok: true; value: ResolvedScope } | { ok: false; result: IntakeResult }> {
    const target = await this.resolver.resolveTarget(parsed);
    if (!target.ok) return { ok: false, result: target.failure };
    // Removing needs the right to assign roles; listing needs the directory only.
    const readiness = await readinessOf(this.deps.readiness, target.value, parsed.kind === 'revoke');
    if (!readiness.ready) return { ok: false, result: notReady(this.deps.alerts, parsed.locale, target.value, readiness.gap, requester) };
    const { customer, subscription } = target.value;
    return { ok: true, value: { customer, subscription, scope: scopeOf(target.value, parsed.resourceGroup), ...(parsed.resourceGroup ? { resourceGroup: parsed.resourceGroup } : {}) } };
  }

  /**
   * "extend Alice's access by 4 hours": the one time-bound grant of that person in force (optionally on a target)
   * becomes a new request for the same assignment (same name, so ARM keeps one assignment) ending later.
   */
  async extend(parsed: Extract<ParsedMessage, { kind: 'extend' }>, text: string, requester: PartnerUser, options: SubmitOptions): Promise<IntakeResult> {
    const { locale } = parsed;
    const now = this.deps.clock.now();
    const wanted = parsed.targets[0];
    // Only time-bound grants can be extended: read through the index of ends (grants for good, which pile up with
    // history, are not read). Past the bound the bot cannot tell which one is meant and says so rather than guess.
    const timeBound = await this.deps.requests.listDue(['active'], '9999-12-31T23:59:59.999Z', EXTEND_READ_LIMIT);
    if (timeBound.length >= EXTEND_READ_LIMIT) return { kind: 'nothing_to_extend', locale, principal: parsed.principal, several: true };
    const candidates = timeBound
      .filter((r) => r.action === 'grant' && r.expiresAt !== undefined && Date.parse(r.expiresAt) > now.getTime())
      .filter((r) => Math.max(matchScore(parsed.principal, r.principal.displayName), matchScore(parsed.principal, r.principal.userPrincipalName)) >= 0.75)
      .filter((r) => !wanted || (matchScore(wanted.customer, r.customer.name) >= 0.75 && (!wanted.subscription || matchScore(wanted.subscription, r.subscription.name) >= 0.75 || wanted.subscription.toLowerCase() === r.subscription.id.toLowerCase())));
    const [current] = candidates;
    if (!current || candidates.length > 1) return { kind: 'nothing_to_extend', locale, principal: parsed.principal, several: candidates.length > 1 };
    const base = new Date(Math.max(now.getTime(), Date.parse(current.expiresAt ?? '')));
    const end = endReading(parsed.duration, parsed.duration.kind === 'for' ? base : now, options);
    if (!(end instanceof Date)) return unclearDuration(locale, parsed.duration.text, end);
    const customer = { tenantId: current.customer.tenantId, name: current.customer.name };
    const policy = await this.deps.access.checkRequest(requester, current.role, customer, current.justification ?? `extension of ${current.id}`);
    if (!policy.ok) return { kind: 'policy_refused', locale, code: policy.code, role: current.role.name, customer: customer.name };
    const maxHours = policy.rule.maxDurationHours;
    if (maxHours !== undefined && end.getTime() - now.getTime() > maxHours * 3_600_000) return { kind: 'policy_refused', locale, code: 'too_long', role: current.role.name, customer: customer.name, maxDurationHours: maxHours };
    return saveDraft(this.deps, 
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
  async revoke(parsed: RevokeRequest, text: string, requester: PartnerUser): Promise<IntakeResult> {
    const { locale } = parsed;
    const scope = await this.scopeFor(parsed, requester);
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
    const removed = heldRole ? { ...requestRole(heldRole), definitionId: assignment.roleDefinitionId } : { definitionId: assignment.roleDefinitionId, name: roleName };
    const rule = this.deps.access.rule(removed, { tenantId: customer.tenantId, name: customer.companyName });
    const justification = [parsed.justification, parsed.ticket && !parsed.justification?.includes(parsed.ticket) ? parsed.ticket : undefined].filter(Boolean).join(' — ');
    return saveDraft(this.deps, 
      () => ({
        action: 'revoke',
        requester,
        locale,
        customer: { tenantId: customer.tenantId, name: customer.companyName },
        subscription: { id: subscription.subscriptionId, name: subscription.displayName },
        scope: assignment.scope,
        principal: { id: user.value.id, displayName: user.value.displayName, userPrincipalName: user.value.userPrincipalName, principalType: 'User' },
        role: removed,
        ...(justification ? { justification } : {}),
        requiredApprovals: rule.approvals,
        assignmentName: assignment.name,
      }),
      'revoke_requested',
      { text, assignment: assignment.id },
    );
  }

  async list(parsed: ListRequest, requester: PartnerUser): Promise<IntakeResult> {
    const scope = await this.scopeFor(parsed, requester);
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
