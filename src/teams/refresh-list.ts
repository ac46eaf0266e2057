// Who sees a request card's live updates (the Universal Actions refresh list): its requester's and approvers' Teams ids.
import type { AccessRequest } from '../domain/access-request';
import type { StoredConversation } from '../services/notifier';

/** Teams user ids kept (one per person the bot has met): the oldest is let go first. */
const TEAMS_IDS = 10_000;
/**
 * How long "this approver has no chat with the bot yet" is believed. Without it, every card's refresh list read the
 * store once per such approver; with it, an approver who opens a chat (on any instance) is on refresh lists a
 * minute later at most, and sees the card's state on opening it anyway (the refresh is also asked for on view).
 */
const NO_CHAT_KEPT_MS = 60_000;

export class RefreshList {
  /**
   * Each person's Teams user id ("29:…") once read: it is fixed per person and bot, so the refresh list of every new
   * card (requester and approvers) costs no store read after the first. People not met yet are read again each time.
   */
  private readonly teamsIds = new Map<string, string>();
  /** People found with no chat, and until when (Date.now()) that is believed; as bounded as teamsIds. */
  private readonly noChatUntil = new Map<string, number>();

  constructor(
    private readonly conversation: (userId: string) => Promise<StoredConversation | undefined>,
    private readonly approverIds: () => Promise<ReadonlySet<string>>,
  ) {}

  /** Teams user ids ("29:…") of everyone who should see live updates of the request: requester and approvers. */
  async of(request: AccessRequest): Promise<string[]> {
    const ids = [request.requester.id, ...(await this.approverIds())];
    const teamsIds = await Promise.all([...new Set(ids)].map((id) => this.teamsIdOf(id)));
    return teamsIds.filter((id): id is string => Boolean(id));
  }

  /** The person's chat is known now: their id is read again at the next list, not a minute later. */
  met(userId: string): void {
    this.noChatUntil.delete(userId);
  }

  private async teamsIdOf(userId: string): Promise<string | undefined> {
    const kept = this.teamsIds.get(userId);
    if (kept !== undefined) return kept;
    if ((this.noChatUntil.get(userId) ?? 0) > Date.now()) return undefined;
    const teamsId = (await this.conversation(userId))?.channelUserId;
    if (!teamsId) {
      keepBounded(this.noChatUntil, userId, Date.now() + NO_CHAT_KEPT_MS, TEAMS_IDS);
      return undefined;
    }
    this.noChatUntil.delete(userId);
    keepBounded(this.teamsIds, userId, teamsId, TEAMS_IDS);
    return teamsId;
  }
}

/** Sets `key` in `map`, letting the oldest entry go first once the map holds `most`. */
export function keepBounded<V>(map: Map<string, V>, key: string, value: V, most: number): void {
  if (!map.has(key) && map.size >= most) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
