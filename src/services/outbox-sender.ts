// Sends what the outbox holds, after the change that caused it is stored: in order per request, each recipient once.
import type { AccessRequest } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { Outbox, PendingMessage } from '../store/ports';
import type { Delivery, Notifier } from './notifier';
import type { RelationshipInvitation, RelationshipNotifier } from './relationships-ports';

export interface OutboxSenderOptions {
  readonly outbox: Outbox;
  readonly notifier: Notifier;
  readonly relationships: RelationshipNotifier;
  /** A send failed (it is tried again at the next drain) or was given up on. */
  readonly onError?: (error: unknown, message: { readonly id: string; readonly kind: string; readonly requestId: string }, gaveUp: boolean) => void;
  /** How often pending messages are looked for without a kick (another instance's, or ones that failed). Default 30 s. */
  readonly pollIntervalInMs?: number;
  /** Tries per message before it is dropped (logged). Default 5. */
  readonly maxAttempts?: number;
}

const BATCH = 100;

/**
 * One drain at a time per process. A kick during a drain asks for one more round after it, so a message recorded
 * while others are being sent is never left waiting for the next poll.
 */
export class OutboxSender {
  private draining: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: OutboxSenderOptions) {}

  start(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalInMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.idle();
  }

  /** Something was recorded: send it now (without making the caller wait). */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainRounds().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves once nothing is being sent. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drainRounds(): Promise<void> {
    do {
      this.again = false;
      let pending: PendingMessage[];
      try {
        pending = await this.options.outbox.pending(BATCH);
      } catch (error) {
        this.options.onError?.(error, { id: '', kind: 'read', requestId: '' }, false);
        return;
      }
      if (pending.length === 0) return;
      // Messages of one request go one after another (cards never step back to an older state); requests in parallel.
      const byRequest = new Map<string, PendingMessage[]>();
      for (const message of pending) byRequest.set(message.requestId, [...(byRequest.get(message.requestId) ?? []), message]);
      const results = await Promise.all([...byRequest.values()].map((messages) => this.sendInOrder(messages)));
      // A full batch that moved on: there may be more. Failures wait for the next poll or kick (no busy retry).
      if (pending.length === BATCH && results.some((progress) => progress)) this.again = true;
    } while (this.again);
  }

  /** true when every message was sent; stops at the first failure so the order holds. */
  private async sendInOrder(messages: readonly PendingMessage[]): Promise<boolean> {
    for (const message of messages) {
      try {
        await this.send(message);
        await this.options.outbox.done(message.id);
        this.failures.delete(message.id);
      } catch (error) {
        const failures = (this.failures.get(message.id) ?? 0) + 1;
        const gaveUp = failures >= (this.options.maxAttempts ?? 5);
        this.options.onError?.(error, message, gaveUp);
        if (!gaveUp) {
          this.failures.set(message.id, failures);
          return false;
        }
        this.failures.delete(message.id);
        await this.options.outbox.done(message.id).catch(() => undefined);
      }
    }
    return true;
  }

  private send(message: PendingMessage): Promise<void> {
    const payload = message.payload as { request?: AccessRequest; invitation?: Omit<RelationshipInvitation, 'request'>; gap?: ReadinessGap };
    const request = payload.request;
    if (!request || request.id !== message.requestId) throw new Error(`outbox message ${message.id} holds no request`);
    const done = new Set(message.delivered);
    const delivery: Delivery = {
      has: (recipient) => done.has(recipient),
      sent: async (recipient, card) => {
        await this.options.outbox.delivered(message.id, recipient, card);
        done.add(recipient);
      },
    };
    const { notifier, relationships } = this.options;
    switch (message.kind) {
      case 'approval_requested':
        return notifier.approvalRequested(request, delivery);
      case 'request_changed':
        return notifier.requestChanged(request, delivery);
      case 'expiry_reminder':
        return notifier.expiryReminder(request, delivery);
      case 'relationship_accepted':
        return relationships.accepted(request, delivery);
      case 'relationship_failed':
        return relationships.invitationFailed(request, delivery);
      case 'relationship_waiting':
        if (!payload.gap) throw new Error(`outbox message ${message.id} holds no gap`);
        return relationships.waiting(request, payload.gap, delivery);
      case 'relationship_invitation':
      case 'relationship_reminder': {
        if (!payload.invitation) throw new Error(`outbox message ${message.id} holds no invitation`);
        const invitation = { ...payload.invitation, request };
        return message.kind === 'relationship_invitation' ? relationships.invitationReady(request, invitation, delivery) : relationships.reminder(request, invitation, delivery);
      }
    }
  }
}

/** The message a change causes, carrying the request as of that change. */
export const outboxMessage = (kind: PendingMessage['kind'], request: AccessRequest, extra: Readonly<Record<string, unknown>> = {}) =>
  ({ kind, requestId: request.id, payload: { ...extra, request } });
