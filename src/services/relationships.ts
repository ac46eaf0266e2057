// Customers without delegated access: the partner's relationship request (reseller link or a GDAP relationship), prepared once per request.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { RequestEvent } from '../domain/request-state';
import type { RequestStore } from '../store/request-store';
import type { Clock } from './clock';
import type { PartnerCenterGateway } from './ports';
import type { GdapGateway, RelationshipInvitation, RelationshipNotifier } from './relationships-ports';

export type RelationshipMode = 'reseller' | 'gdap';

export interface GdapSettings {
  /** ISO 8601, e.g. P730D. */
  readonly duration: string;
  /** Microsoft Entra role template ids the relationship asks for. */
  readonly roleDefinitionIds: readonly string[];
  readonly autoExtendDuration?: string;
  /** The admin-center page where the customer approves relationship `{id}`. */
  readonly approvalUrl: (relationshipId: string) => string;
}

/** The system changes the relationship use cases make; ApprovalService.advance stores them by compare-and-set, audited. */
export type RelationshipEvent = Extract<RequestEvent, { type: 'relationship_sent' | 'relationship_accepted' | 'relationship_reminded' | 'time_out' }>;
export interface RequestAdvancer {
  advance(id: RequestId, event: RelationshipEvent): Promise<{ readonly ok: boolean; readonly request?: AccessRequest }>;
}

export interface RelationshipServiceDependencies {
  readonly mode: RelationshipMode;
  readonly partnerCenter: PartnerCenterGateway;
  readonly gdap?: GdapGateway;
  readonly gdapSettings?: GdapSettings;
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly requests: RequestAdvancer;
  readonly notifier: RelationshipNotifier;
  readonly onError?: (error: unknown, context: { readonly requestId?: string; readonly customer?: string }) => void;
}

/** The admin-center page of a GDAP relationship (what the customer's global administrator opens to approve it). */
export const ADMIN_CENTER_GDAP_URL = (relationshipId: string): string =>
  `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(relationshipId)}`;

/** The GDAP roles asked for by default: enough to read the directory and consent the bot's app (see README). */
export const DEFAULT_GDAP_ROLES = ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', '158c047a-c907-4556-b7ef-446551a6b5f7'] as const;

export class RelationshipService {
  private urlCache: Promise<string> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: RelationshipServiceDependencies) {}

  get mode(): RelationshipMode {
    return this.deps.mode;
  }

  /** Partner Center's relationship-request URL: one per partner, so asked once (a failure is not kept). */
  relationshipUrl(): Promise<string> {
    if (!this.urlCache) {
      const loading = this.deps.partnerCenter.getRelationshipRequestUrl();
      this.urlCache = loading;
      loading.catch(() => {
        if (this.urlCache === loading) this.urlCache = undefined;
      });
    }
    return this.urlCache;
  }

  /**
   * What to send `customer`: the reseller link, or (GDAP mode) a new relationship with the configured roles, created
   * and locked for approval, and its admin-center link. Throws CloudUnavailableError when a cloud does not answer.
   */
  async prepare(customer: { readonly tenantId: string; readonly name: string }, requestedBy: PartnerUser, request?: AccessRequest): Promise<RelationshipInvitation> {
    const withRequest = request ? { request } : {};
    if (this.deps.mode === 'reseller' || !this.deps.gdap || !this.deps.gdapSettings) {
      return { customer, mode: 'reseller', url: await this.relationshipUrl(), ...withRequest };
    }
    const settings = this.deps.gdapSettings;
    const day = this.deps.clock.now().toISOString().slice(0, 10);
    // displayName must be unique among the partner's relationships and at most 50 characters.
    const displayName = `${customer.name.slice(0, 24)} ${day} ${(request?.id ?? requestedBy.id).slice(0, 8)}`.slice(0, 50);
    const created = await this.deps.gdap.createRelationship({
      displayName,
      duration: settings.duration,
      customer: { tenantId: customer.tenantId, displayName: customer.name },
      roleDefinitionIds: settings.roleDefinitionIds,
      ...(settings.autoExtendDuration ? { autoExtendDuration: settings.autoExtendDuration } : {}),
    });
    await this.deps.gdap.lockForApproval(created.id);
    this.deps.store.appendAudit({
      ...(request ? { requestId: request.id } : {}),
      event: 'gdap_relationship_created',
      actor: requestedBy.id,
      at: this.deps.clock.now().toISOString(),
      detail: { customer: customer.tenantId, relationshipId: created.id, roles: [...settings.roleDefinitionIds], duration: settings.duration },
    });
    return {
      customer,
      mode: 'gdap',
      url: settings.approvalUrl(created.id),
      gdap: { relationshipId: created.id, roleDefinitionIds: settings.roleDefinitionIds, duration: settings.duration },
      ...withRequest,
    };
  }

  /** The invitation a waiting request already has (for reminders): its stored link, GDAP details from configuration. */
  invitationOf(request: AccessRequest): RelationshipInvitation | undefined {
    const wait = request.relationship;
    if (!wait?.url) return undefined;
    const customer = { tenantId: request.customer.tenantId, name: request.customer.name };
    const gdap = wait.relationshipId && this.deps.gdapSettings
      ? { gdap: { relationshipId: wait.relationshipId, roleDefinitionIds: this.deps.gdapSettings.roleDefinitionIds, duration: this.deps.gdapSettings.duration } }
      : {};
    return { customer, mode: wait.mode, url: wait.url, request, ...gdap };
  }

  /**
   * A confirmed request now waits for the customer: the relationship request is prepared, recorded on the request,
   * and the requester gets the invitation card. Runs after the click is answered (never inside it).
   */
  invite(request: AccessRequest): Promise<void> {
    const job = this.doInvite(request).catch((error: unknown) => this.deps.onError?.(error, { requestId: request.id }));
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
    return job;
  }

  private async doInvite(waiting: AccessRequest): Promise<void> {
    let invitation: RelationshipInvitation;
    try {
      invitation = await this.prepare(waiting.customer, waiting.requester, waiting);
    } catch (error) {
      this.deps.onError?.(error, { requestId: waiting.id, customer: waiting.customer.tenantId });
      await this.deps.notifier.invitationFailed(waiting);
      return;
    }
    const sent = await this.deps.requests.advance(waiting.id, { type: 'relationship_sent', url: invitation.url, ...(invitation.gdap ? { relationshipId: invitation.gdap.relationshipId } : {}) });
    if (!sent.ok || !sent.request) return; // cancelled meanwhile: nothing to send
    await this.deps.notifier.invitationReady(sent.request, { ...invitation, request: sent.request });
  }

  /** Resolves once no invitation is being prepared (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
