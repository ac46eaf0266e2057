// Intake's shared steps: what a customer lacks as an answer (the approvers told), readiness asked, a draft stored.
import type { AccessRequest, Locale, PartnerUser } from '../domain/access-request';
import type { NoEnd } from '../domain/end-time';
import { requestId, type RequestId } from '../domain/ids';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { IntakeDependencies, IntakeResult } from './intake';
import type { AzureSubscription, Customer } from './ports';
import type { Readiness, ReadinessService } from './readiness';
import type { ReadinessAlerts } from './readiness-alerts';

/** Readiness for a customer and subscription (`azure`: with the right to assign roles there). */
export function readinessOf(readiness: ReadinessService, target: { readonly customer: Customer; readonly subscription: AzureSubscription }, azure: boolean): Promise<Readiness> {
  return readiness.check({ tenantId: target.customer.tenantId, subscription: { id: target.subscription.subscriptionId, status: target.subscription.status } }, { azure });
}

/** The answer for what is missing; the approvers hear of it too when it is theirs to close. */
export function notReady(alerts: ReadinessAlerts | undefined, locale: Locale, target: { readonly customer: Customer; readonly subscription?: AzureSubscription }, gap: ReadinessGap, requester: PartnerUser): IntakeResult {
  const customer = { tenantId: target.customer.tenantId, name: target.customer.companyName };
  alerts?.gap(customer, gap, { ...(target.subscription ? { subscription: target.subscription.displayName } : {}), requester });
  return { kind: 'not_ready', locale, customer: customer.name, ...(target.subscription ? { subscription: target.subscription.displayName } : {}), gap };
}

/** Stores a new draft (version 1, no votes yet) with its audit entry; `fields` gets the new id (for a derived name). */
export async function saveDraft(deps: Pick<IntakeDependencies, 'changes' | 'clock' | 'newId'>, fields: (id: RequestId) => Omit<AccessRequest, 'id' | 'version' | 'state' | 'approvals' | 'createdAt' | 'updatedAt'>, event: string, detail: Record<string, unknown>): Promise<IntakeResult> {
  const at = deps.clock.now().toISOString();
  const id = requestId(deps.newId());
  const request: AccessRequest = { ...fields(id), id, version: 1, state: 'draft', approvals: [], createdAt: at, updatedAt: at };
  // The draft and its audit entry in one write; a new id cannot be taken (it is random), so false is not expected.
  if (!(await deps.changes.record({ request, audit: { requestId: id, event, actor: request.requester.id, at, detail } }))) {
    throw new Error(`request id ${id} already stored`);
  }
  return { kind: 'draft', request };
}

/** The question back for an end that cannot be placed, saying why when it is a date. */
export const unclearDuration = (locale: Locale, text: string, problem: NoEnd | undefined): IntakeResult =>
  ({ kind: 'unclear_duration', locale, text, ...(problem && problem !== 'unreadable' ? { problem } : {}) });
