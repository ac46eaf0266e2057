// Tells people about a customer's readiness: the sales agent (invitation card, reminder, acceptance, what a request
// waits for) and the approvers (what is missing and how to fix it; the partner's sign-in lost and back).
import { MessageFactory } from 'botbuilder';
import type { Delivery } from '../services/notifier';
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import { messagesFor } from '../i18n';
import type { ReadinessNotifier, RelationshipInvitation, RelationshipNotifier } from '../services/relationships-ports';
import { asAttachment, gapSentence, relationshipInvitationCard } from './cards';
import { inertName } from './user-text';
import type { TeamsNotifier } from './teams-notifier';

const daysSince = (iso: string | undefined, now: Date): number => (iso ? Math.max(1, Math.round((now.getTime() - Date.parse(iso)) / 86_400_000)) : 0);

export class TeamsRelationshipNotifier implements RelationshipNotifier, ReadinessNotifier {
  constructor(
    private readonly notifier: TeamsNotifier,
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
      return `${m.waitingToRequester(where.customer, user, inertName(request.role.name), gapSentence(gap, where, locale))} ${m.waitingNote}`;
    }, delivery);
  }

  gapToApprovers(customer: { readonly tenantId: string; readonly name: string }, gap: ReadinessGap, context: { readonly subscription?: string; readonly requester?: PartnerUser }): Promise<void> {
    const where = { customer: inertName(customer.name), ...(context.subscription ? { subscription: inertName(context.subscription) } : {}) };
    return this.notifier.toApprovers((locale) => messagesFor(locale).readiness.forApprovers(where.customer, inertName(context.requester?.name ?? ''), gapSentence(gap, where, locale)), context.requester?.id);
  }

  signInRequired(): Promise<void> {
    return this.notifier.toApprovers((locale) => messagesFor(locale).readiness.signInRequiredApprovers);
  }

  signInRestored(): Promise<void> {
    return this.notifier.toApprovers((locale) => messagesFor(locale).readiness.signInRestored);
  }
}
