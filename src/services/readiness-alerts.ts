// Telling the people who can act what is missing, once: a customer's gap once a day at most, the partner's sign-in once per loss.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { Clock } from './clock';
import type { GapContext, ReadinessNotifier } from './relationships-ports';

export interface ReadinessAlertsOptions {
  readonly notifier: ReadinessNotifier;
  readonly clock: Clock;
  /** The same gap of the same customer is told again after this long: a day by default. */
  readonly repeatAfterInMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Gaps the approvers cannot close (the customer must accept; Microsoft refused for its own reasons) are not theirs to
 * hear. An access assignment the bot created again is theirs to hear (once): someone removed it, maybe on purpose.
 */
const NOT_FOR_APPROVERS: ReadonlySet<ReadinessGap['kind']> = new Set(['no_relationship', 'subscription_unavailable']);

export class ReadinessAlerts {
  private readonly told = new Map<string, number>();
  private signInLost = false;
  private readonly restoredListeners: (() => void)[] = [];

  constructor(private readonly options: ReadinessAlertsOptions) {}

  /** Whether the partner's sign-in was found missing and has not worked since. */
  get signInRequired(): boolean {
    return this.signInLost;
  }

  /** A gap found for `customer`: the approvers hear of it unless they were told in the last day. */
  gap(customer: { readonly tenantId: string; readonly name: string }, gap: ReadinessGap, context: { readonly subscription?: string; readonly requester?: PartnerUser } = {}): void {
    if (gap.kind === 'sign_in_required') return this.signInMissing();
    if (NOT_FOR_APPROVERS.has(gap.kind)) return;
    this.once(`${customer.tenantId.toLowerCase()}|${gap.kind}`, () => this.options.notifier.gapToApprovers(customer, gap, context));
  }

  /**
   * An approved change waits: the bot's access to `customer` is gone (GDAP relationship ended, access assignment
   * removed). The approvers hear it whatever the gap (a relationship too: they approved a change that did not happen),
   * once a day per customer and kind of change at most; a grant (the default) comes back to them for approval.
   */
  accessLost(customer: { readonly tenantId: string; readonly name: string }, gap: ReadinessGap, context: GapContext = {}): void {
    if (gap.kind === 'sign_in_required') return this.signInMissing();
    const lost = context.lost ?? 'grant';
    this.once(`${customer.tenantId.toLowerCase()}|access_lost|${lost}|${gap.kind}`, () => this.options.notifier.gapToApprovers(customer, gap, { ...context, lost }));
  }

  /**
   * A token refused at provisioning for a reason the partner's admins fix; the request waits. The service account's
   * sign-in (delegated): told once per loss. The app's own credential (app model): the approvers hear what to renew,
   * once a day at most (it is the partner's credential, whatever the customer); the bot resumes at its restart.
   */
  credentialRefused(refusal: { readonly reason: string }, request: Pick<AccessRequest, 'customer' | 'subscription' | 'requester'>): void {
    if (refusal.reason === 'sign_in_required') return this.signInMissing();
    if (refusal.reason !== 'app_credential_invalid') return;
    const context = { subscription: request.subscription.name, requester: request.requester };
    this.once('app_credential_invalid', () => this.options.notifier.gapToApprovers(request.customer, { kind: 'app_credential_invalid' }, context));
  }

  /** The refresh token was refused: the approvers are told once, until it works again. */
  signInMissing(): void {
    if (this.signInLost) return;
    this.signInLost = true;
    this.send(() => this.options.notifier.signInRequired());
  }

  /** A call on the partner's behalf worked: if the sign-in had been lost, the approvers hear it is back and waiting work goes on. */
  signInWorks(): void {
    if (!this.signInLost) return;
    this.signInLost = false;
    this.send(() => this.options.notifier.signInRestored());
    for (const listener of this.restoredListeners) listener();
  }

  /** Called each time the sign-in works again (provisioning and the watcher take their waiting requests up). */
  onSignInRestored(listener: () => void): void {
    this.restoredListeners.push(listener);
  }

  /** Sends unless the same `key` was sent within the repeat window. */
  private once(key: string, job: () => Promise<void>): void {
    const now = this.options.clock.now().getTime();
    const last = this.told.get(key);
    if (last !== undefined && now - last < (this.options.repeatAfterInMs ?? 86_400_000)) return;
    this.told.set(key, now);
    this.send(job);
  }

  private send(job: () => Promise<void>): void {
    job().catch((error: unknown) => this.options.onError?.(error));
  }
}
