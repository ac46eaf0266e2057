// Tells the sales agent about a customer's relationship: the invitation card, a reminder, acceptance, a failure.
import { MessageFactory } from 'botbuilder';
import type { AccessRequest } from '../domain/access-request';
import { messagesFor } from '../i18n';
import type { RelationshipInvitation, RelationshipNotifier } from '../services/relationships-ports';
import { asAttachment, relationshipInvitationCard } from './cards';
import type { TeamsNotifier } from './teams-notifier';

const daysSince = (iso: string | undefined, now: Date): number => (iso ? Math.max(1, Math.round((now.getTime() - Date.parse(iso)) / 86_400_000)) : 0);

export class TeamsRelationshipNotifier implements RelationshipNotifier {
  constructor(
    private readonly notifier: TeamsNotifier,
    private readonly now: () => Date,
  ) {}

  invitationReady(request: AccessRequest, invitation: RelationshipInvitation): Promise<void> {
    return this.notifier.toRequester(request, (locale) => MessageFactory.attachment(asAttachment(relationshipInvitationCard(invitation, locale))));
  }

  invitationFailed(request: AccessRequest): Promise<void> {
    return this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.failed(request.customer.name));
  }

  async reminder(request: AccessRequest, invitation: RelationshipInvitation): Promise<void> {
    const days = daysSince(request.relationship?.since, this.now());
    await this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.reminder(request.customer.name, days));
    await this.invitationReady(request, invitation);
  }

  accepted(request: AccessRequest): Promise<void> {
    return this.notifier.toRequester(request, (locale) => messagesFor(locale).relationship.accepted(request.customer.name, request.principal.displayName, request.role.name));
  }
}
