// Adaptive Cards from the templates in cards/: parsed once, expanded per viewer with the request's current state.
import type * as ACData from 'adaptivecards-templating';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { FINAL_STATES, type AccessRequest, type Locale } from '../domain/access-request';
import type { GroupRef, ReadinessGap } from '../domain/readiness-gap';
import { isPrivilegedRole } from '../domain/role-catalog';
import { formatEnd, messagesFor } from '../i18n';
import { entraRoleName } from '../services/relationships-roles';
import { inertName, inertText } from './user-text';

/** Every Action.Execute verb our cards carry; each has a handler in bot.ts (checked by a test). */
export const VERBS = { confirm: 'confirm', cancel: 'cancel', approve: 'approve', reject: 'reject', refresh: 'refresh', choose: 'choose' } as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

/** The cards/ folder, found from this file whether it runs from src/ (tests) or dist/src/ (built). */
export function findCardsDir(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'cards');
    if (existsSync(join(candidate, 'access-request.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cards/ not found above ${start}`);
  }
}

/** The templates in cards/, one per card the bot sends. */
export const CARD_TEMPLATES = ['access-request', 'choice', 'help', 'item-list', 'relationship-invitation'] as const;
type CardTemplate = (typeof CARD_TEMPLATES)[number];

const templates = new Map<CardTemplate, ACData.Template>();
/**
 * The parsed template. The templating library (adaptive-expressions and antlr4ts: ~370 modules, two thirds of what
 * the bot loads beyond a bare Teams bot) is loaded here on first use rather than at import, so that it is not on the
 * way to listening; `warmCards` loads it right after. `require` rather than `import()`: the build is CommonJS and jest
 * has no ESM VM; the types come from the type-only import above.
 */
function template(name: CardTemplate): ACData.Template {
  let cached = templates.get(name);
  if (!cached) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use on purpose (see above)
    const { Template } = require('adaptivecards-templating') as typeof ACData;
    cached = new Template(JSON.parse(readFileSync(join(findCardsDir(), `${name}.json`), 'utf8')));
    templates.set(name, cached);
  }
  return cached;
}

/** Loads the templating library and parses every template now, so that no one's first card waits for either. */
export function warmCards(): void {
  for (const name of CARD_TEMPLATES) template(name);
}

export interface Viewer {
  readonly userId: string;
  readonly isApprover: boolean;
  readonly locale: Locale;
  /** Their Teams language tag ("en-US", "fr-CA"), for dates written their way; else the language's usual form. */
  readonly languageTag?: string;
}

const STATUS_COLOR: Record<AccessRequest['state'], string> = {
  draft: 'accent',
  awaiting_relationship: 'warning',
  pending_approval: 'warning',
  approved: 'accent',
  provisioning: 'accent',
  active: 'good',
  expired: 'default',
  revoked: 'default',
  cancelled: 'default',
  rejected: 'attention',
  failed: 'attention',
  timed_out: 'attention',
};

/** The request as `viewer` should see it now: facts, status, and only the buttons they may use. */
export function accessRequestCard(request: AccessRequest, viewer: Viewer, refreshUserIds: readonly string[], notice?: string): AdaptiveCardJson {
  const m = messagesFor(viewer.locale);
  const isRequester = viewer.userId === request.requester.id;
  const hasVoted = request.approvals.some((vote) => vote.by.id === viewer.userId);
  const showDecision = request.state === 'pending_approval' && viewer.isApprover && !isRequester && !hasVoted;
  // Every value below comes from a person or a directory and is shown to others: inert (src/teams/user-text.ts).
  const facts = [
    { title: m.card.user, value: request.principalQuery !== undefined ? m.readiness.lookedUpLater(inertName(request.principalQuery), inertName(request.customer.name)) : `${inertName(request.principal.displayName)} (${inertName(request.principal.userPrincipalName)})` },
    { title: m.card.role, value: m.roles.onCard(inertName(request.role.name), request.role.definitionId) },
    { title: m.card.customer, value: inertName(request.customer.name) },
    { title: m.card.subscription, value: `${inertName(request.subscription.name)} (${inertName(request.subscription.id)})` },
    ...(request.scope.toLowerCase() !== `/subscriptions/${request.subscription.id}`.toLowerCase() ? [{ title: m.card.scope, value: inertName(request.scope.split('/').slice(3).join('/')) }] : []),
    { title: m.card.requester, value: inertName(request.requester.name) },
    ...(request.justification ? [{ title: m.card.justification, value: inertText(request.justification) }] : []),
    ...(request.action === 'grant' && request.expiresAt ? [{ title: m.card.until, value: m.card.untilValue(formatEnd(new Date(request.expiresAt), viewer.locale, request.timeZone, viewer.languageTag)) }] : []),
    ...(request.requiredApprovals > 1 || request.approvals.length > 0
      ? [{ title: m.card.approvals, value: `${m.card.approvalsValue(request.approvals.length, request.requiredApprovals)}${request.approvals.length ? ` — ${request.approvals.map((v) => inertName(v.by.name)).join(', ')}` : ''}` }]
      : []),
  ];
  const revoke = request.action === 'revoke';
  const prompt = request.state === 'draft' && isRequester ? (revoke ? m.revoke.confirmPrompt : m.card.confirmPrompt) : showDecision ? m.card.approvePrompt : '';
  const data = {
    requestId: request.id,
    refreshUserIds: [...refreshUserIds].slice(0, 60),
    labels: revoke ? { ...m.card, title: m.revoke.title } : m.card,
    statusText: m.card.statusLine(request.state === 'awaiting_relationship' && request.relationship?.missing && request.relationship.missing.kind !== 'no_relationship' ? m.readiness.waitingState : m.state[request.state]),
    statusColor: STATUS_COLOR[request.state],
    facts,
    note: [notice, privilegedNote(request, viewer.locale), relationshipNote(request, viewer.locale), outcomeNote(request, viewer.locale)].filter(Boolean).join(' '),
    prompt,
    showConfirm: request.state === 'draft' && isRequester,
    showCancel: isRequester && (request.state === 'draft' || request.state === 'awaiting_relationship' || request.state === 'pending_approval'),
    showDecision,
  };
  return template('access-request').expand({ $root: data }) as AdaptiveCardJson;
}

/** Owner-like roles (by name, or by permissions: a custom role) hand out the subscription's access: the card says so plainly. */
function privilegedNote(request: AccessRequest, locale: Locale): string | undefined {
  if (request.action !== 'grant' || !isPrivilegedRole(request.role) || FINAL_STATES.has(request.state) || request.state === 'active') return undefined;
  return messagesFor(locale).card.privilegedNote(inertName(request.principal.displayName), inertName(request.customer.name), inertName(request.subscription.name));
}

/** One sentence saying how it ended (or undefined while it is still going); on cards and in messages, so inert. */
export function outcomeNote(request: AccessRequest, locale: Locale): string {
  const m = messagesFor(locale);
  const user = inertName(request.principal.displayName);
  const role = inertName(request.role.name);
  const subscription = inertName(request.subscription.name);
  const approvedBy = request.approvals.length ? m.outcome.approvedBy(request.approvals.map((v) => inertName(v.by.name)).join(', ')) : '';
  const outcome = request.outcome;
  switch (request.state) {
    case 'active':
      if (!outcome) return approvedBy;
      return `${outcome.kind === 'already_existed' ? m.outcome.alreadyExisted(user, role, subscription) : m.outcome.created(user, role, subscription)} ${approvedBy}`.trim();
    case 'expired':
      return m.expiry.removed(user, role, subscription);
    case 'revoked':
      if (outcome?.kind === 'removed') return `${m.revoke.removed(user, role, subscription)} ${approvedBy}`.trim();
      if (outcome?.kind === 'already_gone') return `${m.revoke.alreadyGone(user, role, subscription)} ${approvedBy}`.trim();
      return approvedBy;
    case 'failed':
      return m.outcome.failed(user, role, subscription, failureReason(outcome?.kind === 'failed' ? outcome.code : 'Other', locale));
    case 'rejected':
      return request.rejection ? m.outcome.rejected(inertName(request.rejection.by.name), request.rejection.comment === undefined ? undefined : inertText(request.rejection.comment)) : '';
    case 'cancelled':
      return request.cancelledBy ? m.outcome.cancelled(inertName(request.cancelledBy.name)) : '';
    case 'timed_out':
      return request.relationship && !request.relationship.acceptedAt && !request.pendingSince
        ? m.relationship.expired(inertName(request.customer.name), Math.round((Date.parse(request.updatedAt) - Date.parse(request.relationship.since ?? request.createdAt)) / 86_400_000))
        : '';
    default:
      return approvedBy;
  }
}

function failureReason(code: string, locale: Locale): string {
  const reasons = messagesFor(locale).failureReason;
  return code in reasons ? reasons[code as keyof typeof reasons] : reasons.other;
}

/** While the bot may not act for the customer: what is missing, what Confirm will do, then what the request waits for. */
function relationshipNote(request: AccessRequest, locale: Locale): string {
  const m = messagesFor(locale);
  const wait = request.relationship;
  if (!wait || wait.acceptedAt || (request.state !== 'draft' && request.state !== 'awaiting_relationship')) return '';
  if (!wait.missing || wait.missing.kind === 'no_relationship') {
    return request.state === 'draft' ? m.relationship.draftNote(inertName(request.customer.name)) : m.relationship.waitingNote(inertName(request.customer.name));
  }
  const what = gapSentence(wait.missing, { customer: inertName(request.customer.name), subscription: inertName(request.subscription.name) }, locale);
  return `${what} ${request.state === 'draft' ? m.readiness.draftWaits : m.readiness.waitingNote}`;
}

/** Partner security groups as a phrase: names with their ids, or what to set when none is known. */
function groupsPhrase(groups: readonly GroupRef[], locale: Locale): string {
  const m = messagesFor(locale).readiness;
  if (groups.length === 0) return m.noGroup;
  return groups.map((g) => (g.name ? m.group(inertName(g.name), g.id) : m.unnamedGroup(g.id))).join(m.and);
}

/** The answer for a missing piece: what is missing and what to do, naming the role, the group, the link or the setting. */
export function gapSentence(gap: ReadinessGap, where: { readonly customer: string; readonly subscription?: string }, locale: Locale): string {
  const m = messagesFor(locale).readiness;
  const { customer } = where;
  const subscription = where.subscription ?? '';
  switch (gap.kind) {
    case 'no_relationship':
      return m.noRelationship(customer);
    case 'no_group_assignment':
      return m.noGroupAssignment(customer, groupsPhrase(gap.groups, locale), gap.role ?? 'Directory Readers');
    case 'access_assignment_restored':
      return m.assignmentRestored(customer, groupsPhrase(gap.groups, locale));
    case 'no_directory_role':
      return (gap.inRelationship ? m.noDirectoryRoleAssign : m.noDirectoryRoleRelationship)(customer, gap.role, groupsPhrase(gap.groups, locale));
    case 'no_azure_rights':
      return gap.model === 'app' ? m.noAzureRightsApp(customer, subscription, gap.appId) : m.noAzureRightsDelegated(customer, subscription, groupsPhrase(gap.groups, locale));
    case 'subscription_unavailable':
      return gap.status === 'not_found' ? m.subscriptionGone(customer, subscription) : m.subscriptionInactive(customer, subscription, gap.status);
    case 'not_consented':
      return (gap.model === 'app' ? m.notConsentedApp : m.notConsentedDelegated)(customer, gap.consentUrl);
    case 'sign_in_required':
      return m.signInRequired;
    case 'app_credential_invalid':
      return m.appCredentialInvalid;
    case 'missing_setting':
      return gap.setting === 'RELATIONSHIP_REQUEST_URL' ? m.missingRelationshipUrl(customer) : m.missingSecurityGroups(customer);
    case 'refused':
      return m.refused(customer, gap.service, gap.code);
  }
}

/** The invitation for the customer's global administrator: link as given, subject and body, pre-filled e-mails (EN and FR). */
export function relationshipInvitationCard(invitation: RelationshipInvitationView, locale: Locale): AdaptiveCardJson {
  const m = messagesFor(locale).relationship;
  const other: Locale = locale === 'fr' ? 'en' : 'fr';
  // The e-mails carry the names as written (plain text); the card shows them inert.
  const mine = invitationText(invitation, locale);
  const theirs = invitationText(invitation, other);
  const shown = invitationText(invitation, locale, inertName);
  const request = invitation.request;
  const customer = inertName(invitation.customer.name);
  const data = {
    title: m.cardTitle(customer),
    intro: invitation.mode === 'gdap' ? m.introGdap(customer) : m.introReseller(customer),
    waiting: request ? m.waitingFor(inertName(`${request.principal.displayName} — ${messagesFor(locale).roles.name(request.role.name)} — ${request.subscription.name}`)) : '',
    linkLabel: m.linkLabel,
    url: invitation.url,
    emailHeading: m.emailHeading,
    subjectLabel: m.subjectLabel,
    subject: shown.subject,
    body: shown.body.replace(/\n/g, '\n\n'),
    openLabel: m.open,
    emailLabel: m.email,
    mailto: mailto(mine),
    otherEmailLabel: m.emailOther,
    otherMailto: mailto(theirs),
  };
  return template('relationship-invitation').expand({ $root: data }) as AdaptiveCardJson;
}

/** What the card needs of an invitation (see services/relationships-ports.ts). */
export interface RelationshipInvitationView {
  readonly customer: { readonly name: string };
  readonly mode: 'reseller' | 'gdap';
  readonly url: string;
  readonly gdap?: { readonly roleDefinitionIds: readonly string[]; readonly duration: string };
  readonly request?: AccessRequest;
}

/** Subject and plain-text body of the invitation, in `locale`; `name` writes each name (inert for a card). */
export function invitationText(invitation: RelationshipInvitationView, locale: Locale, name: (text: string) => string = (text) => text): { subject: string; body: string } {
  const m = messagesFor(locale).relationship;
  const r = invitation.request;
  const ask = r ? name(`${messagesFor(locale).roles.name(r.role.name)} — ${r.principal.displayName} — ${r.subscription.name}`) : '';
  const customer = name(invitation.customer.name);
  if (invitation.mode === 'gdap' && invitation.gdap) {
    const roles = invitation.gdap.roleDefinitionIds.map(entraRoleName).join(', ');
    const days = /^P(\d+)D$/i.exec(invitation.gdap.duration)?.[1];
    return { subject: m.subject(customer), body: m.bodyGdap(customer, invitation.url, ask, roles, days ? m.days(Number(days)) : invitation.gdap.duration) };
  }
  return { subject: m.subject(customer), body: m.bodyReseller(customer, invitation.url, ask) };
}

const mailto = (text: { subject: string; body: string }): string =>
  `mailto:?subject=${encodeURIComponent(text.subject)}&body=${encodeURIComponent(text.body.replace(/\n/g, '\r\n'))}`;

export const asAttachment = (card: AdaptiveCardJson): Attachment => CardFactory.adaptiveCard(card);

/** One candidate on a choice card: its name, what tells it apart, and the request rewritten with it. */
export interface ChoiceView {
  readonly label: string;
  readonly detail: string;
  /** The server-side id of this choice: the only thing its button carries. */
  readonly id?: string;
}

/**
 * A question with one button per candidate. Each button is an Action.Execute carrying only the choice's id; the
 * server kept the rewritten request under that id, so a choice goes through parsing and resolution again like typed
 * text and nothing on the card is trusted.
 */
export function choiceCard(question: string, choices: readonly ChoiceView[], hint: string): AdaptiveCardJson {
  const counts = new Map<string, number>();
  for (const c of choices) counts.set(c.label, (counts.get(c.label) ?? 0) + 1);
  // Only what the card shows and the id: the request behind a choice stays on the server.
  // Button titles are plain text in Teams; the facts are Markdown, so inert.
  const items = choices.map((c) => ({ id: c.id ?? '', label: inertName(c.label), detail: inertName(c.detail), button: (counts.get(c.label) ?? 0) > 1 ? `${c.label} (${c.detail})` : c.label }));
  return template('choice').expand({ $root: { question, hint, choices: items } }) as AdaptiveCardJson;
}

/** The choice card after a click: what was chosen, no buttons (the answer follows as a message). */
export function choiceMadeCard(choice: { label: string; detail: string }, locale: Locale): AdaptiveCardJson {
  return template('choice').expand({ $root: { question: messagesFor(locale).resolve.chosen(inertName(choice.label), inertName(choice.detail)), hint: '', choices: [] } }) as AdaptiveCardJson;
}

/** What the bot can do, with examples, in the user's language. */
export function helpCard(locale: Locale): AdaptiveCardJson {
  return template('help').expand({ $root: messagesFor(locale).helpCard }) as AdaptiveCardJson;
}

export interface ListItemView {
  readonly heading: string;
  readonly detail?: string;
  readonly badge?: string;
  readonly badgeColor?: string;
}

/** A compact list: who has access somewhere, my requests, pending approvals, a subscription's history. */
export function itemListCard(view: { title: string; subtitle?: string; empty: string; items: readonly ListItemView[]; footer?: string }): AdaptiveCardJson {
  // Titles, headings and details are made of names (people, customers, subscriptions, roles, resource groups): inert.
  const items = view.items.map((item) => ({ heading: inertName(item.heading), detail: inertName(item.detail ?? ''), badge: item.badge ?? '', badgeColor: item.badgeColor ?? 'default' }));
  return template('item-list').expand({ $root: { title: inertName(view.title), subtitle: inertName(view.subtitle ?? ''), empty: view.empty, items, footer: view.footer ?? '' } }) as AdaptiveCardJson;
}
