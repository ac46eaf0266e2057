// Who may request and who may approve (APPROVERS, policy users, Entra groups read through Graph), and the policy rule.
import type { PartnerUser } from '../domain/access-request';
import { tenantId, type TenantId } from '../domain/ids';
import { ruleFor, type AccessPolicy, type EffectiveRule, type Principals } from '../domain/policy';
import type { Clock } from './clock';
import type { DirectoryGateway } from './ports';

export interface AccessControlDependencies {
  readonly policy: AccessPolicy;
  /** APPROVERS from the environment. */
  readonly approvers: readonly string[];
  readonly directory: DirectoryGateway;
  readonly partnerTenantId: string;
  readonly clock: Clock;
  /** How long group memberships read from Graph are trusted; default 5 minutes. */
  readonly cacheTtlInMs?: number;
  readonly onDirectoryError?: (error: unknown) => void;
}

export type RequestCheck =
  | { readonly ok: true; readonly rule: EffectiveRule }
  | { readonly ok: false; readonly code: 'not_a_requester' | 'forbidden' | 'justification_required' };

export class AccessControl {
  private readonly cache = new Map<string, { at: number; ids: Promise<ReadonlySet<string>> }>();
  private readonly partnerTenant: TenantId;

  constructor(private readonly deps: AccessControlDependencies) {
    this.partnerTenant = tenantId(deps.partnerTenantId);
  }

  /** Everyone who may approve: APPROVERS, the policy's approver users and the members of its approver groups. */
  async approverIds(): Promise<ReadonlySet<string>> {
    const fromGroups = await this.members(this.deps.policy.approvers);
    return new Set([...this.deps.approvers, ...fromGroups].map((id) => id.toLowerCase()));
  }

  async isApprover(userId: string): Promise<boolean> {
    return (await this.approverIds()).has(userId.toLowerCase());
  }

  async mayRequest(userId: string): Promise<boolean> {
    const { users, groups } = this.deps.policy.requesters;
    if (users.length === 0 && groups.length === 0) return true;
    return (await this.members(this.deps.policy.requesters)).has(userId.toLowerCase());
  }

  /** The policy's rule for a role on a customer. */
  rule(roleName: string, customer: { tenantId: string; name: string }): EffectiveRule {
    return ruleFor(this.deps.policy, roleName, customer);
  }

  /** May `requester` ask for `roleName` on `customer`, and what does it then need? */
  async checkRequest(requester: PartnerUser, roleName: string, customer: { tenantId: string; name: string }, justification?: string): Promise<RequestCheck> {
    if (!(await this.mayRequest(requester.id))) return { ok: false, code: 'not_a_requester' };
    const rule = ruleFor(this.deps.policy, roleName, customer);
    if (rule.forbidden) return { ok: false, code: 'forbidden' };
    if (rule.justificationRequired && !justification?.trim()) return { ok: false, code: 'justification_required' };
    return { ok: true, rule };
  }

  /** Users plus group members (lower case); a group Graph cannot read counts as empty: fail closed. */
  private async members(principals: Principals): Promise<ReadonlySet<string>> {
    const ids = new Set(principals.users.map((id) => id.toLowerCase()));
    const groups = await Promise.all(principals.groups.map((groupId) => this.groupMembers(groupId)));
    for (const group of groups) for (const id of group) ids.add(id);
    return ids;
  }

  private groupMembers(groupId: string): Promise<ReadonlySet<string>> {
    const now = this.deps.clock.now().getTime();
    const cached = this.cache.get(groupId);
    if (cached && now - cached.at < (this.deps.cacheTtlInMs ?? 300_000)) return cached.ids;
    const ids = this.deps.directory.listGroupUserIds(this.partnerTenant, groupId).then(
      (list) => new Set(list.map((id) => id.toLowerCase())) as ReadonlySet<string>,
      (error: unknown) => {
        this.deps.onDirectoryError?.(error);
        this.cache.delete(groupId);
        return new Set<string>() as ReadonlySet<string>;
      },
    );
    this.cache.set(groupId, { at: now, ids });
    return ids;
  }
}
