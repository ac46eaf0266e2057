// Sends what the outbox holds, after the change that caused it is stored: in order per request, each recipient once.
import type { AccessRequest } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { Outbox, PendingMessage } from '../store/ports';
import { ALONE, nextTurn, type JobGate, type LeaseRun } from './job-leases';
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
  /**
   * Bot instances sharing the store: only the holder of the lease `outbox` sends (two senders would both send a
   * message before either records it). Default: alone on the store.
   */
  readonly jobs?: JobGate;
  /** Another instance is sending: look again this soon (it sends what it read, not what was recorded after). Default 1 s. */
  readonly busyRetryInMs?: number;
}

const BATCH = 100;
/**
 * The lease `outbox` is renewed every third of this while a drain lasts. Short, because a holder killed mid-drain
 * (a crash right after a change is stored) holds every instance's messages back until it runs out, the restarted
 * one's included; a pause longer than this (the process frozen) lets another instance send, and the paused one
 * stops before its next message.
 */
export const OUTBOX_LEASE_TTL_MS = 15_000;
/**
 * After a drain the lease `outbox` is kept this long (JobLeases' keepInMs): a busy instance drains after every change
 * (a click's approval, provisioning's start and outcome come within a few hundred ms), and each drain within this time
 * asks the store nothing for the lease. Short, because another instance's kicked drain is refused meanwhile (its
 * messages wait up to this much longer) and the sending stays on one instance: kept 2 s, the two-instance race
 * (test/component/two-instances) settled in ~50 s instead of ~40 s, all sends on one process's core.
 */
export const OUTBOX_LEASE_KEEP_MS = 500;

/**
 * One drain at a time per process, and per store through the lease `outbox`. A kick during a drain asks for one more
 * round after it, so a message recorded while others are being sent is never left waiting for the next poll.
 */
export class OutboxSender {
  private draining: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly failures = new Map<string, number>();
  private readonly jobs: JobGate;
  /** The last send's place in the line of event-loop turns (see `turn`). */
  private turns: Promise<void> = Promise.resolve();

  constructor(private readonly options: OutboxSenderOptions) {
    this.jobs = options.jobs ?? ALONE;
  }

  start(): void {
    this.stopped = false;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.options.pollIntervalInMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.idle();
  }

  /** Something was recorded: send it now (without making the caller wait). */
  kick(): void {
    this.drain(false);
  }

  /** Resolves once nothing is being sent. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** The timer's look: the lease is only asked for when something is pending (most polls find nothing). */
  private poll(): void {
    this.drain(true);
  }

  private drain(onlyIfPending: boolean): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainRounds(onlyIfPending).finally(() => {
      this.draining = undefined;
    });
  }

  private async drainRounds(onlyIfPending: boolean): Promise<void> {
    try {
      if (onlyIfPending && (await this.options.outbox.pending(1)).length === 0 && !this.again) return;
      do {
        const run = await this.jobs.run('outbox', (lease) => this.drainHeld(lease), { ttlInMs: OUTBOX_LEASE_TTL_MS, keepInMs: OUTBOX_LEASE_KEEP_MS });
        // Another instance sends (or took over while this one was paused): what it did not read is looked for soon.
        if (!run.ran || run.value === 'lost') {
          this.retryLater();
          return;
        }
        // A kick while the lease was being released: one more round.
      } while (this.again);
    } catch (error) {
      this.options.onError?.(error, { id: '', kind: 'read', requestId: '' }, false);
    }
  }

  /** Rounds while the lease is ours. Messages are read after it is taken: what another holder sent is done by then. */
  private async drainHeld(lease: LeaseRun): Promise<'done' | 'lost'> {
    do {
      this.again = false;
      const pending = await this.options.outbox.pending(BATCH);
      if (pending.length === 0) return 'done';
      // Messages of one request go one after another (cards never step back to an older state); requests in parallel.
      const byRequest = new Map<string, PendingMessage[]>();
      for (const message of pending) byRequest.set(message.requestId, [...(byRequest.get(message.requestId) ?? []), message]);
      const results = await Promise.all([...byRequest.values()].map((messages) => this.sendInOrder(messages, lease)));
      // A full batch that moved on: there may be more. Failures wait for the next poll or kick (no busy retry).
      if (pending.length === BATCH && results.some((progress) => progress)) this.again = true;
    } while (this.again && !lease.lost);
    return lease.lost ? 'lost' : 'done';
  }

  /** Another instance holds the lease: it sends what it read; what was recorded after is looked for again soon. */
  private retryLater(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.kick();
    }, this.options.busyRetryInMs ?? 1_000);
    this.retry.unref();
  }

  /** true when every message was sent; stops at the first failure so the order holds. */
  private async sendInOrder(messages: readonly PendingMessage[], lease: LeaseRun): Promise<boolean> {
    for (const message of messages) {
      if (lease.lost) return false;
      try {
        await this.turn();
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

  /**
   * Resolves in an event-loop turn of its own, after the earlier callers' turns: a batch of messages (each a few card
   * renders and HTTP sends of synchronous work) starts one message per turn, so a click that arrives meanwhile is
   * answered between two of them instead of after all of them. Costs one loop turn per message.
   */
  private turn(): Promise<void> {
    const mine = this.turns.then(() => nextTurn());
    this.turns = mine;
    return mine;
  }

  private send(message: PendingMessage): Promise<void> {
    const payload = message.payload as { request?: AccessRequest; invitation?: Omit<RelationshipInvitation, 'request'>; gap?: ReadinessGap; approverId?: unknown };
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
      case 'approval_for_approver':
        if (typeof payload.approverId !== 'string') throw new Error(`outbox message ${message.id} names no approver`);
        return notifier.approvalForApprover(request, payload.approverId, delivery);
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
