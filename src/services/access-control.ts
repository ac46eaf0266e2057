// Who may request and who may approve (APPROVERS, policy users, Entra groups read through Graph), and the policy rule.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import { tenantId, type TenantId } from '../domain/ids';
import { ruleFor, type AccessPolicy, type EffectiveRule, type Principals } from '../domain/policy';
import type { Clock } from './clock';
import { withinDeadline } from './deadline';
import type { DirectoryGateway } from './ports';
import { TtlCache } from './ttl-cache';

/** How long an approver's own addresses (UPN, mail) read from the partner's directory are kept: they rarely change. */
const ADDRESSES_TTL_MS = 3_600_000;
/** How long a click waits for them: well inside Teams' invoke limit, whatever Graph does. */
const ADDRESSES_DEADLINE_MS = 4_000;

/** Is the grant's user the approver: yes, no, or not known now (the approval is then refused: fail closed). */
export type OwnAccount = 'yes' | 'no' | 'unknown';

/**
 * The home address of a B2B guest, from its UPN: Entra writes the invited address with '@' as '_' before
 * '#EXT#@{the host tenant's domain}' (ada@litwarecsp.onmicrosoft.com → ada_litwarecsp.onmicrosoft.com#EXT#@contoso…).
 * The last '_' is the '@': a domain name has no '_'. Undefined for a user who is not a guest from elsewhere.
 */
export function guestHomeAddress(userPrincipalName: string): string | undefined {
  const upn = userPrincipalName.toLowerCase();
  const ext = upn.indexOf('#ext#@');
  if (ext <= 0) return undefined;
  const local = upn.slice(0, ext);
  const at = local.lastIndexOf('_');
  if (at <= 0 || at === local.length - 1) return undefined;
  return `${local.slice(0, at)}@${local.slice(at + 1)}`;
}

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
  /** Partner users' own addresses, lower case; 'unknown' answers (Graph failed or late) are not kept. */
  private readonly addresses: TtlCache<readonly string[] | 'unknown'>;

  constructor(private readonly deps: AccessControlDependencies) {
    this.partnerTenant = tenantId(deps.partnerTenantId);
    this.addresses = new TtlCache(deps.clock, ADDRESSES_TTL_MS, 1000);
  }

  /**
   * Is `principal` (the user a request gives a role to, in the customer's directory) `user`'s own account there? The
   * same object, or a B2B guest whose home address (see guestHomeAddress) is the partner user's UPN or mail: partner
   * staff are often guests in their customers' directories, and approving a grant to oneself is no four-eyes check.
   */
  async isOwnAccount(user: PartnerUser, principal: AccessRequest['principal']): Promise<OwnAccount> {
    if (principal.id.toLowerCase() === user.id.toLowerCase()) return 'yes';
    const home = guestHomeAddress(principal.userPrincipalName);
    if (!home) return 'no';
    const own = await this.addresses.get(user.id.toLowerCase(), () => this.readAddresses(user), (value) => value !== 'unknown');
    if (own === 'unknown') return 'unknown';
    return own.includes(home) ? 'yes' : 'no';
  }

  private async readAddresses(user: PartnerUser): Promise<readonly string[] | 'unknown'> {
    try {
      const found = await withinDeadline(this.deps.directory.getUser(this.partnerTenant, user.id), ADDRESSES_DEADLINE_MS);
      if (found === 'timed_out' || found === undefined) return 'unknown';
      return [found.userPrincipalName, ...(found.mail ? [found.mail] : [])].map((address) => address.toLowerCase());
    } catch (error) {
      this.deps.onDirectoryError?.(error);
      return 'unknown';
    }
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
