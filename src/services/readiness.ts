// Readiness: may the bot act for this customer and subscription now? Found out from what it needs, never from a flag.
//
// delegated (Secure Application Model): an active GDAP relationship whose active access assignments give the service
// account's group roles (or legacy DAP), a directory-reading role confirmed by reading the directory, and the right to
// write role assignments on the subscription (ARM permissions). app: the reseller relationship, the app consented in
// the customer's tenant (its directory readable with the app's token), and the same ARM right for its service principal.
// Each missing piece is a ReadinessGap the Teams layer turns into its own answer. Only "ready" is remembered (briefly).
// An active relationship whose access assignment for the partner's groups is gone gets it again (GdapCompletion).
import type { SubscriptionId, TenantId } from '../domain/ids';
import type { AccessModel, GroupRef, ReadinessGap } from '../domain/readiness-gap';
import type { Clock } from './clock';
import type { AccessDeniedError } from './access-errors';
import type { CompletionResult } from './gdap-completion';
import type { AzureRbacGateway, DirectoryGateway, PartnerCenterGateway } from './ports';
import { assignmentGroups, leastDirectoryRole, mayConsentApps, readGdap, readsDirectory, type GdapVerdict } from './readiness-gdap';
import { entraRoleName } from './relationships-roles';
import { refusalOf } from './refusals';
import type { GdapAccessAssignment, GdapGateway } from './relationships-ports';
import { TtlCache } from './ttl-cache';

export type { AccessModel, GroupRef, ReadinessGap } from '../domain/readiness-gap';

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly gap: ReadinessGap };

export interface ReadinessTarget {
  readonly tenantId: TenantId;
  readonly subscription?: { readonly id: SubscriptionId; readonly status?: string };
}

export interface ReadinessOptions {
  /** Ask again even if "ready" is remembered (the watcher, after a customer's change). */
  readonly fresh?: boolean;
  /** Also check the right to assign roles on the subscription (default: when a subscription is given). */
  readonly azure?: boolean;
}

export interface ReadinessDependencies {
  readonly model: AccessModel;
  readonly partnerCenter: PartnerCenterGateway;
  readonly directory: DirectoryGateway;
  readonly rbac: AzureRbacGateway;
  /** delegated: Graph GDAP in the partner tenant. */
  readonly gdap?: GdapGateway;
  /** GDAP_SECURITY_GROUPS. */
  readonly securityGroupIds: readonly string[];
  /** The partner's multi-tenant app (AZURE_CLIENT_ID): consent links and the service principal to name. */
  readonly appId: string;
  /** Entra's base URL (AZURE_AUTHORITY_HOST): the admin-consent link is `{authorityHost}/{tenant}/adminconsent?client_id={appId}`. */
  readonly authorityHost: string;
  readonly clock: Clock;
  /** How long "ready" is remembered: 5 minutes by default. */
  readonly readyTtlInMs?: number;
  /** A refusal that someone must act on outside the customer (sign-in, app credential): told to the sign-in watch. */
  readonly onRefused?: (refusal: AccessDeniedError) => void;
  /**
   * delegated: gives an active relationship's roles to GDAP_SECURITY_GROUPS again when no access assignment reaches the
   * bot's account (a partner admin removed it in Partner Center), as when the relationship was first accepted.
   */
  readonly completion?: { complete(relationshipId: string, options?: { readonly restoring?: boolean }): Promise<CompletionResult> };
}

/** Microsoft Graph and Azure Service Management: the resource apps the bot's delegated consent names. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const AZURE_SERVICE_MANAGEMENT_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const DIRECTORY_READERS_NAME = 'Directory Readers';
/** Partner Center's entitlement statuses under which roles can still be given. */
const USABLE_SUBSCRIPTION = new Set(['active', 'unknown', '']);

const gap = (value: ReadinessGap): Readiness => ({ ready: false, gap: value });

export class ReadinessService {
  private readonly remembered: TtlCache<Readiness>;

  constructor(private readonly deps: ReadinessDependencies) {
    this.remembered = new TtlCache(deps.clock, deps.readyTtlInMs ?? 5 * 60_000, 20_000);
  }

  get model(): AccessModel {
    return this.deps.model;
  }

  /** The admin-consent link of the bot's app for a customer's tenant. */
  consentUrl(tenant: string): string {
    return `${this.deps.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/adminconsent?client_id=${encodeURIComponent(this.deps.appId)}`;
  }

  /** Throws CloudUnavailableError only when a cloud did not answer; every refusal is a gap. */
  check(target: ReadinessTarget, options: ReadinessOptions = {}): Promise<Readiness> {
    const azure = options.azure ?? target.subscription !== undefined;
    const key = `${target.tenantId.toLowerCase()}|${target.subscription?.id.toLowerCase() ?? ''}|${azure}`;
    if (options.fresh) this.remembered.forget(key);
    return this.remembered.get(key, () => this.find(target, azure), (r) => r.ready);
  }

  private async find(target: ReadinessTarget, azure: boolean): Promise<Readiness> {
    const status = target.subscription?.status?.toLowerCase() ?? '';
    if (azure && !USABLE_SUBSCRIPTION.has(status)) return gap({ kind: 'subscription_unavailable', status });
    try {
      return this.deps.model === 'app' ? await this.forApp(target, azure) : await this.delegated(target, azure);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return gap(this.gapOf(refusal, target.tenantId));
    }
  }

  /** What a refusal means is missing (the sign-in, the app's credential, consent in `tenant`, or Microsoft's own code). */
  gapOf(refusal: AccessDeniedError, tenant: string = refusal.tenantId ?? 'organizations'): ReadinessGap {
    if (refusal.reason === 'sign_in_required' || refusal.reason === 'app_credential_invalid') this.deps.onRefused?.(refusal);
    switch (refusal.reason) {
      case 'sign_in_required':
        return { kind: 'sign_in_required' };
      case 'app_credential_invalid':
        return { kind: 'app_credential_invalid' };
      case 'app_not_consented':
        return { kind: 'not_consented', model: this.deps.model, consentUrl: this.consentUrl(tenant) };
      case 'not_in_customer_tenant':
        return this.deps.model === 'app' ? { kind: 'not_consented', model: this.deps.model, consentUrl: this.consentUrl(tenant) } : { kind: 'no_relationship' };
      default:
        return { kind: 'refused', service: refusal.service, code: refusal.code ?? (refusal.aadsts !== undefined ? `AADSTS${refusal.aadsts}` : String(refusal.statusCode ?? refusal.reason)) };
    }
  }

  private async delegated(target: ReadinessTarget, azure: boolean): Promise<Readiness> {
    const { tenantId } = target;
    const [customer, { verdict, active }] = await Promise.all([this.deps.partnerCenter.getCustomer(tenantId), this.gdapVerdict(tenantId)]);
    // Legacy DAP still counts: the partner's Admin Agents are Global Administrators there.
    const dap = customer?.allowDelegatedAccess === true;
    const roles = verdict.kind === 'roles' ? verdict.roles : new Set<string>();
    if (!dap) {
      if (verdict.kind === 'none') {
        // GDAP needs the reseller relationship first: without it, the reseller link; with it, a GDAP relationship.
        const reseller = customer?.relationshipToPartner.toLowerCase() === 'reseller';
        return gap({ kind: 'no_relationship', reseller, ...(verdict.pendingRelationshipId ? { pendingRelationshipId: verdict.pendingRelationshipId } : {}) });
      }
      if (verdict.kind === 'no_group') {
        if (await this.restoreAssignments(active)) return gap({ kind: 'access_assignment_restored', groups: await this.named(this.deps.securityGroupIds) });
        // An access assignment can only give roles its relationship holds: the admins are asked for one it holds (the
        // least that reads the directory), or, when it holds none, the customer must approve a relationship that does.
        const role = leastDirectoryRole(verdict.relationshipRoles);
        if (role === undefined) return this.noDirectoryRole(verdict);
        return gap({ kind: 'no_group_assignment', groups: await this.named(this.deps.securityGroupIds), role: entraRoleName(role) });
      }
      if (!readsDirectory(roles)) return this.noDirectoryRole(verdict);
    }
    const directory = await this.readDirectory(tenantId, dap || mayConsentApps(roles));
    if (directory !== 'ok') {
      if (directory.reason === 'app_not_consented') return gap({ kind: 'not_consented', model: this.deps.model, consentUrl: this.consentUrl(tenantId) });
      if (directory.reason === 'sign_in_required' || directory.reason === 'app_credential_invalid') return gap(this.gapOf(directory, tenantId));
      // The relationship says the role is there, the directory says no: the role does not reach the account.
      return verdict.kind === 'roles' && !dap ? this.noDirectoryRole(verdict, true) : gap({ kind: 'no_group_assignment', groups: await this.named(this.deps.securityGroupIds) });
    }
    if (azure && target.subscription) {
      const groups = verdict.kind === 'roles' ? verdict.groups : this.deps.securityGroupIds;
      const azureGap = await this.azureGap(tenantId, target.subscription.id, groups);
      if (azureGap) return gap(azureGap);
    }
    return { ready: true };
  }

  private async forApp(target: ReadinessTarget, azure: boolean): Promise<Readiness> {
    const { tenantId } = target;
    const customer = await this.deps.partnerCenter.getCustomer(tenantId);
    const relationship = customer?.relationshipToPartner.toLowerCase() ?? 'none';
    if (relationship === 'none' || relationship === '') return gap({ kind: 'no_relationship' });
    const directory = await this.readDirectory(tenantId, false);
    if (directory !== 'ok') {
      if (directory.reason === 'sign_in_required' || directory.reason === 'app_credential_invalid') return gap(this.gapOf(directory, tenantId));
      // No service principal (AADSTS700016/65001), or one without the User.Read.All application permission (403).
      return gap({ kind: 'not_consented', model: this.deps.model, consentUrl: this.consentUrl(tenantId) });
    }
    if (azure && target.subscription) {
      const azureGap = await this.azureGap(tenantId, target.subscription.id, []);
      if (azureGap) return gap(azureGap);
    }
    return { ready: true };
  }

  /** The customer's relationships and what their assignments give the signed-in account; the active ones' ids. */
  private async gdapVerdict(tenantId: TenantId): Promise<{ readonly verdict: GdapVerdict; readonly active: readonly string[] }> {
    const gdap = this.deps.gdap;
    if (!gdap) return { verdict: { kind: 'none' }, active: [] };
    const relationships = await gdap.listRelationships(tenantId);
    const active = relationships.filter((r) => r.status.toLowerCase() === 'active');
    const lists = await Promise.all(active.map(async (r): Promise<[string, GdapAccessAssignment[]]> => [r.id, await gdap.listAccessAssignments(r.id)]));
    const assignments = new Map(lists);
    const groups = assignmentGroups({ assignments });
    const accountGroups = groups.length > 0 ? await gdap.accountGroups(groups) : [];
    return { verdict: readGdap({ relationships, assignments, accountGroups, configuredGroups: this.deps.securityGroupIds }), active: active.map((r) => r.id) };
  }

  /**
   * Active relationships, but no active access assignment reaches the bot's account: each configured group without a
   * live assignment gets one again (POST accessAssignments). True when one was created (or still waits to be active);
   * false without completion, with every group assigned already, or when Graph refused (the gap then asks an admin).
   */
  private async restoreAssignments(relationshipIds: readonly string[]): Promise<boolean> {
    const completion = this.deps.completion;
    let restoring = false;
    for (const id of completion ? relationshipIds : []) {
      try {
        if ((await completion?.complete(id, { restoring: true }))?.kind === 'pending') restoring = true;
      } catch {
        // A relationship Graph will not assign (read-only MLT, roles it refuses): the partner's admins are asked instead.
      }
    }
    return restoring;
  }

  private async noDirectoryRole(verdict: GdapVerdict, confirmed = false): Promise<Readiness> {
    const inRelationship = verdict.kind === 'roles' && (confirmed || readsDirectory(verdict.relationshipRoles));
    const groups = verdict.kind === 'roles' && verdict.groups.length > 0 ? verdict.groups : this.deps.securityGroupIds;
    return gap({ kind: 'no_directory_role', role: DIRECTORY_READERS_NAME, groups: await this.named(groups), inRelationship });
  }

  /**
   * Reads one user of the customer: 'ok', or Microsoft's refusal. In delegated mode, an app not consented there is
   * consented through Partner Center first when the account holds a role that may (Cloud Application Administrator).
   */
  private async readDirectory(tenantId: TenantId, mayConsent: boolean): Promise<'ok' | AccessDeniedError> {
    const attempt = async (): Promise<'ok' | AccessDeniedError> => {
      try {
        await this.deps.directory.probeDirectory(tenantId);
        return 'ok';
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        return refusal;
      }
    };
    const first = await attempt();
    if (first === 'ok' || first.reason !== 'app_not_consented' || !mayConsent || this.deps.model !== 'delegated') return first;
    await this.deps.partnerCenter.consentApplication(tenantId, {
      applicationId: this.deps.appId,
      grants: [
        { enterpriseApplicationId: GRAPH_APP_ID, scopes: ['User.Read.All'] },
        { enterpriseApplicationId: AZURE_SERVICE_MANAGEMENT_APP_ID, scopes: ['user_impersonation'] },
      ],
    });
    return attempt();
  }

  private async azureGap(tenantId: TenantId, subscription: SubscriptionId, groups: readonly string[]): Promise<ReadinessGap | undefined> {
    let permission;
    try {
      permission = await this.deps.rbac.canAssignRoles(tenantId, `/subscriptions/${subscription}`);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      if (refusal.reason === 'sign_in_required' || refusal.reason === 'app_credential_invalid') return this.gapOf(refusal, tenantId);
      permission = 'denied' as const;
    }
    if (permission === 'allowed') return undefined;
    if (permission === 'not_found') return { kind: 'subscription_unavailable', status: 'not_found' };
    return { kind: 'no_azure_rights', model: this.deps.model, groups: await this.named(groups), appId: this.deps.appId };
  }

  private named(groupIds: readonly string[]): Promise<GroupRef[]> {
    return Promise.all(groupIds.map(async (id) => {
      const name = await this.deps.gdap?.groupName(id);
      return name ? { id, name } : { id };
    }));
  }
}

