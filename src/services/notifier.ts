// How the use cases reach people: the Teams layer implements it (approval cards out, cards refreshed, outcomes told).
import type { AccessRequest } from '../domain/access-request';

export interface Notifier {
  /** The request awaits approval: show it to every approver who can be reached. */
  approvalRequested(request: AccessRequest): Promise<void>;
  /** The request changed: every message that shows it is brought up to date; final outcomes are told. */
  requestChanged(request: AccessRequest): Promise<void>;
  /** Time-bound access ends soon (`request.expiresAt`): the requester is reminded, once. */
  expiryReminder(request: AccessRequest): Promise<void>;
}
