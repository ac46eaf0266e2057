// An approver's chat with the bot became known: each request already waiting for approval is shown to them (outbox).
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { ApproverStatus } from './access-control';
import type { Clock } from './clock';
import { outboxMessage } from './outbox-sender';

export interface ApproverMetDependencies {
  readonly requests: Pick<RequestRepository, 'listRequests'>;
  /** The store's own: nothing is sent before the chat is stored (whoever stores it then kicks the sender). */
  readonly changes: ChangeLog;
  /** 'yes' for the approvals channel too: it shows what waits once the bot is added to its team. */
  readonly approverStatus: (userId: string) => Promise<ApproverStatus>;
  readonly clock: Clock;
  /**
   * Waiting requests shown, newest first. Default 50 (as many cards as a new chat should take at once): requests wait
   * at most the approval window (then time out), and older ones are still listed under "pending approvals".
   */
  readonly limit?: number;
}

export class ApproverMet {
  constructor(private readonly deps: ApproverMetDependencies) {}

  /**
   * Records one message per waiting request (not their own), in one change with its audit entry; true when there was
   * any. Someone who is surely not an approver costs one approver check; 'unknown' (a group not readable just now)
   * records them anyway, and the send checks again.
   */
  async met(userId: string): Promise<boolean> {
    if ((await this.deps.approverStatus(userId)) === 'no') return false;
    const waiting = (await this.deps.requests.listRequests({ states: ['pending_approval'], limit: this.deps.limit ?? 50 }))
      .filter((request) => request.requester.id.toLowerCase() !== userId.toLowerCase());
    if (waiting.length === 0) return false;
    await this.deps.changes.record({
      audit: { event: 'approver_chat_known', actor: userId, at: this.deps.clock.now().toISOString(), detail: { waiting: waiting.length } },
      outbox: waiting.map((request) => outboxMessage('approval_for_approver', request, { approverId: userId })),
    });
    return true;
  }
}
