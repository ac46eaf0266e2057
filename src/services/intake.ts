// Intake: a sales agent's message → parsed → resolved against Partner Center, Graph and ARM → a stored draft.
import { v5 as uuidv5 } from 'uuid';
import type { AccessRequest, Locale, PartnerUser } from '../domain/access-request';
import { requestId } from '../domain/ids';
import { pickOne, rank, type Pick } from '../domain/matching';
import { parseMessage, type TargetReading } from '../domain/parse-request';
import type { RequestStore } from '../store/request-store';
import type { Clock, IdGenerator } from './clock';
import {
  CloudUnavailableError,
  type AzureRbacGateway,
  type AzureSubscription,
  type Customer,
  type DirectoryGateway,
  type PartnerCenterGateway,
} from './ports';

/** Namespace of role assignment names: UUID v5(request id) gives each request one stable assignment GUID. */
export const ASSIGNMENT_NAMESPACE = '0f6c3b1e-5d2a-4c8e-9b7a-3e1d2c4b5a69';

export type Resolvable = 'customer' | 'subscription' | 'user' | 'role';

export type IntakeResult =
  | { readonly kind: 'draft'; readonly request: AccessRequest }
  | { readonly kind: 'help'; readonly locale: Locale }
  | { readonly kind: 'not_understood'; readonly locale: Locale }
  | { readonly kind: 'missing'; readonly locale: Locale; readonly missing: 'principal' | 'role' | 'target' }
  | { readonly kind: 'not_found'; readonly locale: Locale; readonly what: Resolvable; readonly text: string; readonly within?: string }
  | { readonly kind: 'ambiguous'; readonly locale: Locale; readonly what: Resolvable; readonly text: string; readonly options: readonly string[] }
  | { readonly kind: 'no_delegated_access'; readonly locale: Locale; readonly customer: string; readonly relationshipUrl: string }
  | { readonly kind: 'cloud_unavailable'; readonly locale: Locale; readonly service: string };

export interface IntakeDependencies {
  readonly partnerCenter: PartnerCenterGateway;
  readonly directory: DirectoryGateway;
  readonly rbac: AzureRbacGateway;
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly result: IntakeResult };

export class IntakeService {
  constructor(private readonly deps: IntakeDependencies) {}

  async submit(text: string, requester: PartnerUser, fallbackLocale: Locale): Promise<IntakeResult> {
    const parsed = parseMessage(text, fallbackLocale);
    if (parsed.kind !== 'grant') return parsed;
    const { locale } = parsed;
    try {
      const target = await this.resolveTarget(parsed.targets, locale);
      if (!target.ok) return target.result;
      const { customer, subscription } = target.value;

      const record = await this.deps.partnerCenter.getCustomer(customer.id);
      if (record?.allowDelegatedAccess !== true) {
        const relationshipUrl = await this.deps.partnerCenter.getRelationshipRequestUrl();
        return { kind: 'no_delegated_access', locale, customer: customer.companyName, relationshipUrl };
      }

      const users = await this.deps.directory.findUsers(customer.tenantId, parsed.principal);
      const user = this.decide('user', parsed.principal, locale, pickOne(rank(parsed.principal, users, (u) => [u.displayName, u.givenName, u.userPrincipalName, u.mail, u.id])), (u) => `${u.displayName} (${u.userPrincipalName})`, customer.companyName);
      if (!user.ok) return user.result;

      const roles = await this.deps.rbac.listRoleDefinitions(customer.tenantId, subscription.subscriptionId);
      const role = this.decide('role', parsed.role, locale, pickOne(rank(parsed.role, roles, (r) => [r.roleName])), (r) => r.roleName, subscription.displayName);
      if (!role.ok) return role.result;

      const now = this.deps.clock.now().toISOString();
      const id = requestId(this.deps.newId());
      const request: AccessRequest = {
        id,
        version: 1,
        state: 'draft',
        action: 'grant',
        requester,
        locale,
        customer: { tenantId: customer.tenantId, name: customer.companyName },
        subscription: { id: subscription.subscriptionId, name: subscription.displayName },
        scope: `/subscriptions/${subscription.subscriptionId}`,
        principal: { id: user.value.id, displayName: user.value.displayName, userPrincipalName: user.value.userPrincipalName, principalType: 'User' },
        role: { definitionId: role.value.id, name: role.value.roleName },
        ...(parsed.justification ? { justification: parsed.justification } : {}),
        requiredApprovals: 1,
        approvals: [],
        assignmentName: uuidv5(id, ASSIGNMENT_NAMESPACE),
        createdAt: now,
        updatedAt: now,
      };
      this.deps.store.insert(request);
      this.deps.store.appendAudit({ requestId: id, event: 'requested', actor: requester.id, at: now, detail: { text } });
      return { kind: 'draft', request };
    } catch (error) {
      if (error instanceof CloudUnavailableError) return { kind: 'cloud_unavailable', locale, service: error.service };
      throw error;
    }
  }

  /** Tries the readings of the target phrase in order; the first whose customer is known decides. */
  private async resolveTarget(readings: readonly TargetReading[], locale: Locale): Promise<Step<{ customer: Customer; subscription: AzureSubscription }>> {
    const customers = await this.deps.partnerCenter.listCustomers();
    let firstFailure: IntakeResult | undefined;
    for (const reading of readings) {
      const customer = this.decide('customer', reading.customer, locale, pickOne(rank(reading.customer, customers, (c) => [c.companyName, c.domain, c.tenantId])), (c) => c.companyName);
      if (!customer.ok) {
        firstFailure ??= customer.result;
        continue;
      }
      const subscriptions = await this.deps.partnerCenter.listAzureSubscriptions(customer.value.id);
      const pick: Pick<AzureSubscription> = reading.subscription
        ? pickOne(rank(reading.subscription, subscriptions, (s) => [s.displayName, s.subscriptionId]))
        : subscriptions.length === 1 && subscriptions[0]
          ? { kind: 'one', item: subscriptions[0] }
          : subscriptions.length === 0
            ? { kind: 'none' }
            : { kind: 'many', candidates: subscriptions };
      const subscription = this.decide('subscription', reading.subscription ?? '', locale, pick, (s) => s.displayName, customer.value.companyName);
      if (!subscription.ok) return subscription;
      return { ok: true, value: { customer: customer.value, subscription: subscription.value } };
    }
    return { ok: false, result: firstFailure ?? { kind: 'not_found', locale, what: 'customer', text: '' } };
  }

  private decide<T>(what: Resolvable, text: string, locale: Locale, pick: Pick<T>, label: (item: T) => string, within?: string): Step<T> {
    if (pick.kind === 'one') return { ok: true, value: pick.item };
    if (pick.kind === 'many') return { ok: false, result: { kind: 'ambiguous', locale, what, text, options: pick.candidates.slice(0, 5).map(label) } };
    return { ok: false, result: { kind: 'not_found', locale, what, text, ...(within ? { within } : {}) } };
  }
}
