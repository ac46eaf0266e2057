// Who may request and who may approve (APPROVERS, policy users, Entra groups read through Graph), and the policy rule.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import { tenantId, type TenantId } from '../domain/ids';
import { ruleFor, type AccessPolicy, type EffectiveRule, type PolicyRole, type Principals } from '../domain/policy';
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

/** Is a user an approver: yes, no, or not known now (an approver group could not be read within its bounds). */
export type ApproverStatus = 'yes' | 'no' | 'unknown';

const DEFAULT_GROUP_TTL_MS = 300_000;
/** No older than the cache itself: a Graph outage never lets someone removed from an approver group decide longer. */
const DEFAULT_STALE_BOUND_MS = DEFAULT_GROUP_TTL_MS;
const DEFAULT_GROUP_READ_DEADLINE_MS = 5_000;

/** One group's members as last read, and the re-read under way (callers wait for it until `waitUntil`, real time). */
interface GroupEntry {
  ids?: ReadonlySet<string>;
  readAt?: number;
  reading?: Promise<void>;
  waitUntil?: number;
}

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
  /**
   * How old a membership may be and still be used when Graph does not answer a re-read in time (or fails); default
   * the cache's own 5 minutes (a later re-read that Graph answers late then means "try again", never a stale yes). Older, and whoever is only in that group is not known to be an approver (or requester): refused.
   */
  readonly staleBoundInMs?: number;
  /** How long a caller (a click) waits for a membership re-read before using the older one; default 5 s. */
  readonly groupReadDeadlineInMs?: number;
  readonly onDirectoryError?: (error: unknown) => void;
}

export type RequestCheck =
  | { readonly ok: true; readonly rule: EffectiveRule }
  | { readonly ok: false; readonly code: 'not_a_requester' | 'forbidden' | 'justification_required' };

export class AccessControl {
  private readonly groups = new Map<string, GroupEntry>();
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

  /** Everyone known to approve: APPROVERS, the policy's approver users and the members of its approver groups read in bounds. */
  async approverIds(): Promise<ReadonlySet<string>> {
    const { ids } = await this.members(this.deps.policy.approvers);
    return new Set([...this.deps.approvers.map((id) => id.toLowerCase()), ...ids]);
  }

  /** Fail closed: 'unknown' counts as no. */
  async isApprover(userId: string): Promise<boolean> {
    return (await this.approverStatus(userId)) === 'yes';
  }

  /** 'unknown' when the user is in no list read and an approver group could not be read within its bounds. */
  async approverStatus(userId: string): Promise<ApproverStatus> {
    const id = userId.toLowerCase();
    if (this.deps.approvers.some((approver) => approver.toLowerCase() === id)) return 'yes';
    const { ids, complete } = await this.members(this.deps.policy.approvers);
    if (ids.has(id)) return 'yes';
    return complete ? 'no' : 'unknown';
  }

  async mayRequest(userId: string): Promise<boolean> {
    const { users, groups } = this.deps.policy.requesters;
    if (users.length === 0 && groups.length === 0) return true;
    return (await this.members(this.deps.policy.requesters)).ids.has(userId.toLowerCase());
  }

  /**
   * May a user hear about access at all (their requests, a customer's history, who holds which role): the requesters
   * (anyone, when the policy names none) and the approvers, who must see what they decide on. 'unknown' when a group
   * could not be read within its bounds and the user is in no list read.
   */
  async readerStatus(userId: string): Promise<ApproverStatus> {
    const { users, groups } = this.deps.policy.requesters;
    if (users.length === 0 && groups.length === 0) return 'yes';
    const requesters = await this.members(this.deps.policy.requesters);
    if (requesters.ids.has(userId.toLowerCase())) return 'yes';
    const approver = await this.approverStatus(userId);
    if (approver === 'yes') return 'yes';
    return requesters.complete && approver === 'no' ? 'no' : 'unknown';
  }

  /** The policy's rule for a role (its name, and whether it hands out access) on a customer. */
  rule(role: PolicyRole, customer: { tenantId: string; name: string }): EffectiveRule {
    return ruleFor(this.deps.policy, role, customer);
  }

  /** May `requester` ask for `role` on `customer`, and what does it then need? */
  async checkRequest(requester: PartnerUser, role: PolicyRole, customer: { tenantId: string; name: string }, justification?: string): Promise<RequestCheck> {
    if (!(await this.mayRequest(requester.id))) return { ok: false, code: 'not_a_requester' };
    const rule = ruleFor(this.deps.policy, role, customer);
    if (rule.forbidden) return { ok: false, code: 'forbidden' };
    if (rule.justificationRequired && !justification?.trim()) return { ok: false, code: 'justification_required' };
    return { ok: true, rule };
  }

  /**
   * Users plus group members (lower case). `complete` false: a group could not be read within its bounds and counts
   * as empty (fail closed).
   */
  private async members(principals: Principals): Promise<{ ids: ReadonlySet<string>; complete: boolean }> {
    const ids = new Set(principals.users.map((id) => id.toLowerCase()));
    const groups = await Promise.all(principals.groups.map((groupId) => this.groupMembers(groupId)));
    let complete = true;
    for (const group of groups) {
      if (group === 'unknown') complete = false;
      else for (const id of group) ids.add(id);
    }
    return { ids, complete };
  }

  /**
   * A group's members, read from Graph at most every cacheTtlInMs. A caller waits for a re-read until its deadline
   * (shared by every caller of that re-read: a click asking three times waits once); then, while Graph is late or
   * failing, the last read serves until it is staleBoundInMs old, and after that the group is 'unknown'.
   */
  private async groupMembers(groupId: string): Promise<ReadonlySet<string> | 'unknown'> {
    const ttl = this.deps.cacheTtlInMs ?? DEFAULT_GROUP_TTL_MS;
    const entry = this.groups.get(groupId) ?? {};
    this.groups.set(groupId, entry);
    const fresh = () => entry.ids !== undefined && entry.readAt !== undefined && this.deps.clock.now().getTime() - entry.readAt < ttl;
    if (fresh() && entry.ids) return entry.ids;
    if (!entry.reading) {
      const startedAt = this.deps.clock.now().getTime();
      entry.waitUntil = Date.now() + (this.deps.groupReadDeadlineInMs ?? DEFAULT_GROUP_READ_DEADLINE_MS);
      entry.reading = this.deps.directory.listGroupUserIds(this.partnerTenant, groupId).then(
        (list) => {
          entry.ids = new Set(list.map((id) => id.toLowerCase()));
          entry.readAt = startedAt;
        },
        (error: unknown) => this.deps.onDirectoryError?.(error),
      ).finally(() => {
        entry.reading = undefined;
      });
    }
    const left = (entry.waitUntil ?? 0) - Date.now();
    if (entry.reading && left > 0) await withinDeadline(entry.reading, left);
    const age = entry.readAt === undefined ? Infinity : this.deps.clock.now().getTime() - entry.readAt;
    return entry.ids && age < (this.deps.staleBoundInMs ?? DEFAULT_STALE_BOUND_MS) ? entry.ids : 'unknown';
  }
}
