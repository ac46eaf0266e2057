// Requests that wait until the bot may act for their customer: the relationship request (reseller link or a GDAP
// relationship, one per customer), what else is missing, and going on to approval once the customer is ready.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { pickOne, rank } from '../domain/matching';
import { foldText } from '../domain/text';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { RequestEvent } from '../domain/request-state';
import type { ChangeLog, OutboxMessage, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { outboxMessage } from './outbox-sender';
import type { DirectoryGateway, PartnerCenterGateway } from './ports';
import type { ReadinessAlerts } from './readiness-alerts';
import type { AccessModel, ReadinessService } from './readiness';
import { openGdapRelationship } from './relationships-gdap';
import type { GdapGateway, RelationshipInvitation } from './relationships-ports';

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
export type RelationshipEvent = Extract<RequestEvent, { type: 'relationship_sent' | 'relationship_accepted' | 'relationship_reminded' | 'time_out' | 'waiting_for' | 'principal_unresolved' }>;
export interface RequestAdvancer {
  /** `tell`: the messages the change causes (besides card updates), written with it. */
  advance(id: RequestId, event: RelationshipEvent, tell?: (next: AccessRequest) => readonly OutboxMessage[]): Promise<{ readonly ok: boolean; readonly request?: AccessRequest }>;
}

export interface RelationshipServiceDependencies {
  readonly mode: RelationshipMode;
  /** delegated: the partner's own Partner Center link or GDAP; app: RELATIONSHIP_REQUEST_URL. */
  readonly accessModel?: AccessModel;
  /** app: the relationship-request link copied once from Partner Center (it serves it to App+User callers only). */
  readonly relationshipRequestUrl?: string;
  readonly partnerCenter: PartnerCenterGateway;
  readonly gdap?: GdapGateway;
  readonly gdapSettings?: GdapSettings;
  readonly readiness: ReadinessService;
  /** Looks up a user named before the customer's directory could be read. */
  readonly directory: DirectoryGateway;
  readonly alerts?: ReadinessAlerts;
  readonly stored: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly requests: RequestAdvancer;
  readonly onError?: (error: unknown, context: { readonly requestId?: string; readonly customer?: string }) => void;
}

/** The invitation, or the setting without which there is none. */
export type Prepared = { readonly ok: true; readonly invitation: RelationshipInvitation } | { readonly ok: false; readonly gap: Extract<ReadinessGap, { kind: 'missing_setting' }> };

/** The admin-center page of a GDAP relationship (what the customer's global administrator opens to approve it). */
export const ADMIN_CENTER_GDAP_URL = (relationshipId: string): string =>
  `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(relationshipId)}`;

/**
 * The GDAP roles asked for by default. Directory Readers: the bot reads the customer's users (and any GDAP role lets
 * the Admin Agents' AOBO Owner reach Azure). Cloud Application Administrator: the bot consents its own app in the
 * customer's tenant through Partner Center `applicationconsents`, which needs it; without the app there, the customer
 * tenant issues the bot no token at all (AADSTS65001).
 */
export const DEFAULT_GDAP_ROLES = ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', '158c047a-c907-4556-b7ef-446551a6b5f7'] as const;

export class RelationshipService {
  private urlCache: Promise<string> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** One GDAP relationship being opened per customer at a time (two confirmations at once share it). */
  private readonly opening = new Map<string, Promise<RelationshipInvitation>>();

  constructor(private readonly deps: RelationshipServiceDependencies) {}

  get mode(): RelationshipMode {
    return this.deps.accessModel === 'app' || !this.deps.gdap || !this.deps.gdapSettings ? 'reseller' : this.deps.mode;
  }

  /**
   * What a customer is invited to. App model: the reseller link (RELATIONSHIP_REQUEST_URL). Delegated: the reseller
   * link while they are not the partner's reseller customer (GDAP needs that first), then a GDAP relationship — also
   * under RELATIONSHIP_MODE=reseller, since DAP's retirement the link gives a reseller customer no admin rights.
   * `reseller` unknown: RELATIONSHIP_MODE decides.
   */
  modeFor(reseller: boolean | undefined): RelationshipMode {
    if (this.deps.accessModel === 'app' || !this.deps.gdap || !this.deps.gdapSettings) return 'reseller';
    if (reseller === undefined) return this.deps.mode;
    return reseller ? 'gdap' : 'reseller';
  }

  /** The reseller link: app model, RELATIONSHIP_REQUEST_URL; delegated, Partner Center's (asked once; a failure is not kept). */
  relationshipUrl(): Promise<string | undefined> {
    if (this.deps.accessModel === 'app') return Promise.resolve(this.deps.relationshipRequestUrl);
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
   * What to send `customer`: the reseller link, or (GDAP mode) the relationship waiting for them — the one they
   * already have pending, or a new one with the configured roles, created and locked for approval. Throws
   * CloudUnavailableError when a cloud does not answer.
   */
  async prepare(customer: { readonly tenantId: string; readonly name: string }, requestedBy: PartnerUser, request?: AccessRequest, wanted: { readonly pendingRelationshipId?: string; readonly reseller?: boolean } = {}): Promise<Prepared> {
    const withRequest = request ? { request } : {};
    const pendingRelationshipId = wanted.pendingRelationshipId;
    if (this.modeFor(wanted.reseller) === 'reseller' || !this.deps.gdap || !this.deps.gdapSettings) {
      const url = await this.relationshipUrl();
      if (url === undefined) return { ok: false, gap: { kind: 'missing_setting', setting: 'RELATIONSHIP_REQUEST_URL' } };
      return { ok: true, invitation: { customer, mode: 'reseller', url, ...withRequest } };
    }
    const settings = this.deps.gdapSettings;
    const key = customer.tenantId.toLowerCase();
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.openGdap(customer, requestedBy, request, pendingRelationshipId).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    const invitation = await opening;
    const gdap = invitation.gdap ?? { relationshipId: '', roleDefinitionIds: settings.roleDefinitionIds, duration: settings.duration };
    return { ok: true, invitation: { customer, mode: 'gdap', url: invitation.url, gdap, ...withRequest } };
  }

  /** The request's own relationship if Graph holds it already, else the customer's pending one, else a new one. */
  private openGdap(customer: { readonly tenantId: string; readonly name: string }, requestedBy: PartnerUser, request: AccessRequest | undefined, pendingId: string | undefined): Promise<RelationshipInvitation> {
    const gdap = this.deps.gdap;
    const settings = this.deps.gdapSettings;
    if (!gdap || !settings) throw new Error('GDAP mode without a GDAP gateway');
    const known = async () => (await this.deps.stored.listByState(['awaiting_relationship']))
      .filter((r) => r.customer.tenantId.toLowerCase() === customer.tenantId.toLowerCase() && r.relationship?.relationshipId)
      .map((r) => r.relationship?.relationshipId ?? '');
    return openGdapRelationship({ gdap, settings, changes: this.deps.changes, clock: this.deps.clock, known }, customer, requestedBy, request, pendingId);
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
   * A confirmed request now waits: what it waits for is found out afresh. Ready already → on to approval; no
   * relationship → the invitation goes out; anything else → the requester and the approvers hear what is missing.
   * Runs after the click is answered (never inside it).
   */
  invite(request: AccessRequest, options: { readonly retry?: boolean } = {}): Promise<void> {
    const job = this.doInvite(request, options.retry === true).catch((error: unknown) => this.deps.onError?.(error, { requestId: request.id }));
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
    return job;
  }

  /** `retry`: the watcher trying again; the requester already heard of a failure once and is not told again. */
  private async doInvite(waiting: AccessRequest, retry: boolean): Promise<void> {
    const failed = async (error: unknown): Promise<void> => {
      this.deps.onError?.(error, { requestId: waiting.id, customer: waiting.customer.tenantId });
      // Told once, with the failure on record; the watcher tries again quietly.
      if (!retry) {
        await this.deps.changes.record({
          audit: { requestId: waiting.id, event: 'relationship_invitation_failed', actor: 'system', at: this.deps.clock.now().toISOString(), detail: { customer: waiting.customer.tenantId } },
          outbox: [outboxMessage('relationship_failed', waiting)],
        });
      }
    };
    let readiness;
    try {
      readiness = await this.deps.readiness.check(targetOf(waiting), { fresh: true });
    } catch (error) {
      return failed(error);
    }
    if (readiness.ready) return this.resume(waiting);
    if (readiness.gap.kind !== 'no_relationship') return this.waitFor(waiting, readiness.gap);
    let prepared: Prepared;
    try {
      prepared = await this.prepare(waiting.customer, waiting.requester, waiting, readiness.gap);
    } catch (error) {
      return failed(error);
    }
    if (!prepared.ok) return this.waitFor(waiting, prepared.gap);
    const { invitation } = prepared;
    // Cancelled meanwhile: the change is refused and nothing is sent.
    await this.deps.requests.advance(
      waiting.id,
      { type: 'relationship_sent', url: invitation.url, ...(invitation.gdap?.relationshipId ? { relationshipId: invitation.gdap.relationshipId } : {}) },
      (next) => [outboxMessage('relationship_invitation', next, { invitation: invitationPayload(invitation) })],
    );
  }

  /** The request waits for `gap` now: recorded on it, told to its requester, and to the approvers who can close it. */
  async waitFor(request: AccessRequest, gap: ReadinessGap): Promise<void> {
    const moved = await this.deps.requests.advance(request.id, { type: 'waiting_for', missing: gap }, (next) => [outboxMessage('relationship_waiting', next, { gap })]);
    if (!moved.ok || !moved.request) return;
    this.deps.alerts?.gap(request.customer, gap, { subscription: request.subscription.name, requester: request.requester });
  }

  /**
   * The customer is ready: the request goes on to approval. A user named before the directory could be read is looked
   * up now; not exactly one match → the request ends there (nothing is asked or granted) and the requester is told.
   */
  async resume(request: AccessRequest): Promise<void> {
    let event: RelationshipEvent = { type: 'relationship_accepted' };
    if (request.principalQuery !== undefined) {
      const query = request.principalQuery;
      const users = await this.deps.directory.findUsers(request.customer.tenantId, query);
      const namesOf = (u: (typeof users)[number]) => [u.displayName, `${u.givenName ?? ''} ${u.surname ?? ''}`.trim(), u.userPrincipalName, u.mail, u.id];
      // The requester confirmed the words, never a person: only a user named exactly as written is taken ("Nin" is
      // not Nina Patel). A closer look (a prefix, a typo) would pick someone nobody saw before the approvers do; the
      // acceptance message then names who was taken.
      // A first or last name alone counts when it is the whole name written ("Nina" is Nina Patel, if she is the only Nina).
      const exact = users.filter((u) => [...namesOf(u), u.givenName, u.surname].some((name) => name !== undefined && foldText(name) === foldText(query)));
      const pick = exact.length > 0 ? pickOne(rank(query, exact, namesOf)) : undefined;
      const candidates = (list: readonly { userPrincipalName: string }[]) => list.slice(0, 5).map((u) => u.userPrincipalName).join(', ');
      event = pick?.kind === 'one'
        ? { type: 'relationship_accepted', principal: { id: pick.item.id, displayName: pick.item.displayName, userPrincipalName: pick.item.userPrincipalName, principalType: 'User' } }
        : { type: 'principal_unresolved', reason: pick?.kind === 'many' ? `several users of ${request.customer.name} are named "${query}": ${candidates(pick.candidates)}` : users.length > 0 ? `no user of ${request.customer.name} is named exactly "${query}" (close: ${candidates(users)}); ask again with the full name or address` : `no user of ${request.customer.name} matches "${query}"` };
    }
    await this.deps.requests.advance(request.id, event, (next) => (event.type === 'relationship_accepted' ? [outboxMessage('relationship_accepted', next)] : []));
  }

  /** Resolves once no invitation is being prepared (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

/** What an outbox message keeps of an invitation: everything but the request (the message carries that itself). */
export function invitationPayload(invitation: RelationshipInvitation): Omit<RelationshipInvitation, 'request'> {
  const { request: _request, ...rest } = invitation;
  return rest;
}

/** What readiness is asked about for a request: its customer and subscription. */
export const targetOf = (request: AccessRequest) => ({ tenantId: request.customer.tenantId, subscription: { id: request.subscription.id } });
