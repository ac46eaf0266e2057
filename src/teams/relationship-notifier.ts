// Tells people about a customer's readiness: the sales agent (invitation card, reminder, acceptance, what a request
// waits for) and the approvers (what is missing and how to fix it; the partner's sign-in lost and back).
import { MessageFactory } from 'botbuilder';
import type { Delivery } from '../services/notifier';
import type { AccessRequest } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import { messagesFor } from '../i18n';
import type { GapContext, ReadinessNotifier, RelationshipInvitation, RelationshipNotifier } from '../services/relationships-ports';
import { asAttachment, gapSentence, relationshipInvitationCard } from './cards';
import { inertName } from './user-text';
import type { TeamsNotifier } from './teams-notifier';

const daysSince = (iso: string | undefined, now: Date): number => (iso ? Math.max(1, Math.round((now.getTime() - Date.parse(iso)) / 86_400_000)) : 0);

export class TeamsRelationshipNotifier implements RelationshipNotifier, ReadinessNotifier {
  constructor(
    /** Only its two ways of reaching people (a test sees the words without a Teams connector). */
    private readonly notifier: Pick<TeamsNotifier, 'toRequester' | 'toApprovers'>,
    private readonly now: () => Date,
  ) {}

  invitationReady(request: AccessRequest, invitation: RelationshipInvitation, delivery: Delivery): Promise<void> {
    return this.notifier.toRequester(request, (locale) => MessageFactory.attachment(asAttachment(relationshipInvitationCard(invitation, locale))), delivery, 'invitation');
  }

  invitationFailed(request: AccessRequest, delivery: Delivery): Promise<void> {
    return this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.failed(inertName(request.customer.name)), delivery);
  }

  async reminder(request: AccessRequest, invitation: RelationshipInvitation, delivery: Delivery): Promise<void> {
    const days = daysSince(request.relationship?.since, this.now());
    await this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.reminder(inertName(request.customer.name), days), delivery, 'reminder');
    await this.invitationReady(request, invitation, delivery);
  }

  accepted(request: AccessRequest, delivery: Delivery): Promise<void> {
    return this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.accepted(inertName(request.customer.name), inertName(request.principal.displayName), inertName(request.role.name)), delivery);
  }

  waiting(request: AccessRequest, gap: ReadinessGap, delivery: Delivery): Promise<void> {
    // Names come from Partner Center and the customer's directory; Teams reads message text as Markdown: inert.
    const where = { customer: inertName(request.customer.name), subscription: inertName(request.subscription.name) };
    return this.notifier.toRequester(request, (locale) => {
      const m = messagesFor(locale).readiness;
      const user = inertName(request.principalQuery ?? request.principal.displayName);
      const [displayName, role, subscription] = [request.principal.displayName, request.role.name, request.subscription.name].map(inertName) as [string, string, string];
      const what = gapSentence(gap, where, locale);
      const gone = m.accessGone(where.customer);
      // A removal (approved, or the end of time-bound access) waits with the role in place; it needs no new approval.
      if (request.removalWait !== undefined) {
        const removal = request.action === 'revoke' ? m.removalToRequester : m.expiryToRequester;
        return `${removal(displayName, role, subscription, gone, what)} ${m.removalNote}`;
      }
      // Approved, then refused because the access is gone: not the intake's wait, and the approvers must approve again.
      if (request.relationship?.lostAt !== undefined) return `${m.lostToRequester(where.customer, user, role, gone, what)} ${m.lostNote}`;
      return `${m.waitingToRequester(where.customer, user, role, what)} ${m.waitingNote}`;
    }, delivery);
  }

  gapToApprovers(customer: { readonly tenantId: string; readonly name: string }, gap: ReadinessGap, context: GapContext): Promise<void> {
    const where = { customer: inertName(customer.name), ...(context.subscription ? { subscription: inertName(context.subscription) } : {}) };
    return this.notifier.toApprovers((locale) => {
      const m = messagesFor(locale).readiness;
      const what = gapSentence(gap, where, locale);
      const said = context.lost === undefined ? what : (context.lost === 'grant' ? m.lostForApprovers : m.removalForApprovers)(where.subscription ?? '', m.accessGone(where.customer), what);
      return m.forApprovers(where.customer, inertName(context.requester?.name ?? ''), said);
    }, context.requester?.id);
  }

  signInRequired(): Promise<void> {
    return this.notifier.toApprovers((locale) => messagesFor(locale).readiness.signInRequiredApprovers);
  }

  signInRestored(): Promise<void> {
    return this.notifier.toApprovers((locale) => messagesFor(locale).readiness.signInRestored);
  }
}
