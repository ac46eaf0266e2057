// Cached, indexed reads of Partner Center, Graph and ARM: directory answers reused for a while, looked up without scans.
import { NameIndex } from '../domain/name-index';
import type { SubscriptionId, TenantId } from '../domain/ids';
import type { Clock } from './clock';
import { TtlCache } from './ttl-cache';
import type { AzureRbacGateway, AzureSubscription, Customer, DirectoryGateway, DirectoryUser, PartnerCenterGateway, RoleDefinition } from './ports';

export interface DirectoryCacheOptions {
  /** The partner's customer list changes rarely (a new customer a day): 15 minutes by default. */
  readonly customersTtlMs?: number;
  /** A customer's Azure subscriptions: 15 minutes. */
  readonly subscriptionsTtlMs?: number;
  /** Role definitions at a subscription (built-in ones never change, custom ones rarely): 1 hour. */
  readonly rolesTtlMs?: number;
  /** One user lookup (tenant + text): 5 minutes, so a user added to the directory is found soon after. */
  readonly usersTtlMs?: number;
  /** Entries per kind kept at most; the oldest go first. */
  readonly maxEntries?: number;
}

export interface DirectoryCacheDependencies {
  readonly partnerCenter: PartnerCenterGateway;
  readonly directory: DirectoryGateway;
  readonly rbac: AzureRbacGateway;
  readonly clock: Clock;
}

const MINUTE = 60_000;
/** Distinct role name lists whose index is kept for reuse. */
const MAX_ROLE_NAME_LISTS = 200;

export class DirectoryCache {
  private readonly customerIndex: TtlCache<NameIndex<Customer>>;
  private readonly subscriptionLists: TtlCache<AzureSubscription[]>;
  private readonly roleIndexes: TtlCache<NameIndex<RoleDefinition>>;
  private readonly userLookups: TtlCache<DirectoryUser[]>;
  /** Role name lists seen (most subscriptions share one or a few) → an index to reuse for another list with the same names. */
  private readonly roleNameIndexes = new Map<string, NameIndex<RoleDefinition>>();

  constructor(
    private readonly deps: DirectoryCacheDependencies,
    options: DirectoryCacheOptions = {},
  ) {
    const max = options.maxEntries ?? 20_000;
    this.customerIndex = new TtlCache(deps.clock, options.customersTtlMs ?? 15 * MINUTE, 1);
    this.subscriptionLists = new TtlCache(deps.clock, options.subscriptionsTtlMs ?? 15 * MINUTE, max);
    this.roleIndexes = new TtlCache(deps.clock, options.rolesTtlMs ?? 60 * MINUTE, Math.min(max, 2_000));
    this.userLookups = new TtlCache(deps.clock, options.usersTtlMs ?? 5 * MINUTE, max);
  }

  /** Every customer, indexed by company name, domain and tenant id. */
  customers(): Promise<NameIndex<Customer>> {
    return this.customerIndex.get('all', async () => new NameIndex(await this.deps.partnerCenter.listCustomers(), (c) => [c.companyName, c.domain, c.tenantId]));
  }

  subscriptions(customerId: TenantId): Promise<AzureSubscription[]> {
    return this.subscriptionLists.get(customerId.toLowerCase(), () => this.deps.partnerCenter.listAzureSubscriptions(customerId));
  }

  /** Role definitions at the subscription, indexed by role name. */
  roles(tenant: TenantId, subscriptionId: SubscriptionId): Promise<NameIndex<RoleDefinition>> {
    return this.roleIndexes.get(`${tenant.toLowerCase()}/${subscriptionId.toLowerCase()}`, async () => this.roleIndexOf(await this.deps.rbac.listRoleDefinitions(tenant, subscriptionId)));
  }

  /**
   * Every subscription lists the same built-in roles (with its own ids) and a few custom ones: an index is built once
   * per distinct list of names and reused over each subscription's own definitions.
   */
  private roleIndexOf(roles: RoleDefinition[]): NameIndex<RoleDefinition> {
    const names = JSON.stringify(roles.map((r) => r.roleName));
    const known = this.roleNameIndexes.get(names);
    if (known) return known.withItems(roles);
    const index = new NameIndex(roles, (r) => [r.roleName]);
    this.roleNameIndexes.set(names, index);
    if (this.roleNameIndexes.size > MAX_ROLE_NAME_LISTS) {
      const oldest = this.roleNameIndexes.keys().next().value;
      if (oldest !== undefined) this.roleNameIndexes.delete(oldest);
    }
    return index;
  }

  findUsers(tenant: TenantId, text: string): Promise<DirectoryUser[]> {
    return this.userLookups.get(`${tenant.toLowerCase()}|${text.trim().toLowerCase()}`, () => this.deps.directory.findUsers(tenant, text));
  }
}
