// Every sentence the bot says in English. fr.ts has the same keys (checked by a test).
import { counter, serviceNamer } from './words';

const count = counter('en');
/** Services as a partner's staff say them: never a gateway's identifier ("PartnerCenter", "ARM"). */
const service = serviceNamer({
  PartnerCenter: { plain: 'Partner Center', precise: 'Partner Center' },
  Graph: { plain: 'Microsoft Graph', precise: 'Microsoft Graph' },
  ARM: { plain: 'Azure', precise: 'Azure Resource Manager' },
  Entra: { plain: 'Microsoft Entra ID', precise: 'Microsoft Entra ID' },
});
export const en = {
  help:
    'I grant Azure roles on your customers\' subscriptions, with an approval. Try: "give Alice Contributor on Contoso\'s prod subscription". ' +
    'I will show you what I understood, ask you to confirm, and send it to an approver.',
  notUnderstood: 'I did not understand that as an access request. Try: "give Alice Contributor on Contoso\'s prod subscription", or type "help".',
  missingPrincipal: 'Who should get the role? Try: "give Alice Contributor on Contoso\'s prod subscription".',
  missingRole: 'Which role? For example Reader, Contributor or Owner.',
  missingTarget: 'On which customer and subscription? For example: "… on Contoso\'s prod subscription".',
  notFoundCustomer: (text: string) => `I found no customer named "${text}" in Partner Center.`,
  notFoundSubscription: (text: string, within: string) => `${within} has no Azure subscription matching "${text}".`,
  notFoundUser: (text: string, within: string) => `I found no user "${text}" in ${within}'s directory.`,
  notFoundRole: (text: string, within: string) => `There is no role "${text}" on ${within}.`,
  ambiguous: (what: string, text: string, options: readonly string[]) =>
    `"${text}" could be more than one ${what}: ${options.join('; ')}. Please say which one.`,
  what: { customer: 'customer', subscription: 'subscription', user: 'user', role: 'role' },
  notRecorded: 'I could not record your request just now, so nothing was saved and nobody was asked. Please try again in a few minutes.',
  cloudUnavailable: (serviceId: string) => `${service(serviceId)} did not answer just now. Nothing was changed; please try again in a minute.`,
  notIdentified: 'I could not tell who you are from this message, so I cannot take a request from it.',
  wrongTenant: 'This bot only works for the partner organisation that runs it.',
  internalError: 'Something went wrong on my side. Nothing was changed; please try again.',
  messageTooLong: (maxChars: number) =>
    `That message is too long for me (more than ${count(maxChars, { one: 'character', other: 'characters' })}). Please send the request in a shorter message.`,
  invokeNotSupported: 'This bot has no dialogs or search: write your request in the chat.',
  rateLimited: 'You have sent me a lot of messages in a short time. Please wait a few minutes, then try again.',
  welcome: 'Hello! I grant Azure roles on your customers\' subscriptions, with an approval. Type "help" to see how.',
  /** The request went out for approval and no approver could be shown it (none reachable in Teams): told once. */
  noApproverReached: (user: string, role: string, subscription: string, channel: boolean) =>
    `No approver could be shown your request (${user}, ${role} on ${subscription}) yet: I cannot reach any of them in Teams. It stays waiting for approval. ${channel ? 'Ask an admin to add me to the team of the approvals channel, or an approver to open a chat with me in Teams' : 'Ask an approver to open a chat with me in Teams (or to add the app again if they removed it)'}: as soon as they do, I will show them your request.`,
  policy: {
    not_a_requester: (_role: string, _customer: string, _hours: number) => 'The partner\'s policy does not let you request access or see who holds it. Ask an admin agent to add you to the sales agents.',
    forbidden: (role: string, customer: string, _hours: number) => `The partner's policy does not allow ${role} on ${customer}. Nothing was requested.`,
    justification_required: (role: string, customer: string, _hours: number) => `${role} on ${customer} needs a justification: ask again with "because …" at the end.`,
    too_long: (role: string, customer: string, hours: number) => `The partner's policy allows ${role} on ${customer} for at most ${count(hours, { one: 'hour', other: 'hours' })}. Ask again with a shorter time.`,
  },
  extend: {
    nothing: (who: string) => `I found no time-bound access of "${who}" in force to extend. To give access again, ask for example "give ${who} Reader on Contoso prod for 8 hours".`,
    several: (who: string) => `"${who}" has more than one time-bound access in force. Say which one, for example "extend ${who}'s access on Contoso prod by 4 hours".`,
  },
  revoke: {
    nothing: (user: string, role: string | undefined, where: string) => `${user} has ${role ? `no ${role} role` : 'no role'} assigned on ${where}, so there is nothing to remove. Roles inherited from a higher scope are removed where they are assigned.`,
    title: 'Azure access removal',
    confirmPrompt: 'Is this right? Confirm to send the removal for approval.',
    removed: (user: string, role: string, subscription: string) => `Done: ${user} no longer has ${role} on ${subscription}.`,
    alreadyGone: (user: string, role: string, subscription: string) => `${user}'s ${role} on ${subscription} had already been removed; nothing needed changing.`,
  },
  lists: {
    accessTitle: (where: string) => `Who has access to ${where}`,
    accessSubtitle: (n: number) => `${count(n, { one: 'role assignment', other: 'role assignments' })} in force`,
    accessEmpty: 'Nobody has a role here.',
    viaBot: 'via the bot',
    inheritedFrom: (scope: string) => `inherited from ${scope}`,
    grantedThrough: (requester: string, approvers: string) => `requested by ${requester}${approvers ? `, approved by ${approvers}` : ''}`,
    accessFooter: 'To take a role away, ask for example: "remove Bob\'s Reader on Contoso prod".',
    mineTitle: 'Your requests',
    pendingTitle: 'Requests waiting for approval',
    historyTitle: (where: string) => `History of ${where}`,
    requestsEmpty: 'No requests.',
    requestLine: (user: string, role: string, where: string) => `${user} — ${role} on ${where}`,
    requestDetail: (requester: string, at: string) => `requested by ${requester} on ${at}`,
  },
  resolve: {
    chosen: (label: string, detail: string) => `✓ ${label} (${detail})`,
    ambiguous: {
      customer: (text: string, _within: string) => `"${text}" matches more than one customer. Which one do you mean?`,
      subscription: (text: string, within: string) =>
        text ? `${within || 'This customer'} has more than one subscription matching "${text}". Which one?` : `${within || 'This customer'} has more than one Azure subscription. Which one?`,
      user: (text: string, within: string) => `"${text}" matches more than one user in ${within}'s directory. Which one?`,
      role: (text: string, within: string) => `"${text}" matches more than one role on ${within}. Which one?`,
    },
    didYouMean: 'Did you mean one of these?',
    choiceHint: 'Choosing one sends your request again with it spelled out; you still confirm before anything happens.',
    missingCustomer: 'Which customer is that subscription in? For example: "… of Contoso".',
    unclearDuration: (text: string) =>
      `I could not tell when "${text}" ends. Write it like "for 8 hours", "for 2 days" or "until Friday 18:00" (at most a year from now).`,
    // Never widen: what was written and not read is asked back, never left out (review findings, 2026-12-02).
    pastDate: (text: string) =>
      `The end you asked for ("${text}") has already passed this year, and I will not move it to next year without asking. Write the end with its year (for example "until 24 November 2027") or as a length ("for 8 hours").`,
    dayOrMonth: (text: string) =>
      `I cannot tell whether "${text}" gives the day or the month first. Write the month in words, for example "until 5 December".`,
    unreadWords: (text: string, within: string) =>
      `I did not understand "${text}" in "${within}", and I will not leave it out of the request. Write the request again with that part said plainly: a time limit as "for 8 hours" or "until Friday 18:00", a resource group as "on resource group rg-web", a reason after "because".`,
    timedRemoval: (text: string) =>
      `I can only remove a role for good, not "${text}". To remove it for good, write the request again without the time limit; to have it back later, ask for it again then.`,
    severalRequests: (text: string) =>
      `I take one person and one role per message, and "${text}" asks for more. Send each as its own message, for example "give Bob Reader on Contoso prod", then "give Alice Owner on Contoso prod".`,
    statusOnlyApprovers: 'Only approvers can see what is waiting for approval.',
  },
  helpCard: {
    title: 'What I can do',
    intro: 'I grant Azure roles on your customers\' subscriptions once an approver agrees. Write the way you would to a colleague, in English or French:',
    sections: [
      {
        heading: 'Ask for a role',
        lines: [
          '• give Alice Contributor on Contoso\'s prod subscription',
          '• grant bob@contoso.com Reader on Contoso Dev for 8 hours',
          '• add Alice as Owner on resource group rg-web in Contoso prod because of INC123',
        ],
      },
      {
        heading: 'Other requests',
        lines: ['• remove Bob\'s Reader role on Contoso prod', '• who has access to Contoso prod?', '• my requests · pending approvals'],
      },
      {
        heading: 'Good to know',
        lines: [
          'Roles: Owner, Contributor, Reader, User Access Administrator, RBAC Administrator, short forms such as "read-only" or "UAA", and the customer\'s own roles by name.',
          'People by name, e-mail or UPN; subscriptions by name or id. When a name fits several, I show you the choices. Nothing changes until you confirm and an approver approves.',
        ],
      },
    ],
  },
  card: {
    title: 'Azure access request',
    requester: 'Requested by',
    user: 'User',
    role: 'Role',
    customer: 'Customer',
    subscription: 'Subscription',
    scope: 'Scope',
    justification: 'Justification',
    approvals: 'Approvals',
    /** How many approvals a request has, of how many it needs: "1 of 2". */
    approvalsValue: (given: number, required: number) => `${given} of ${required}`,
    status: 'Status',
    /** The status line at the top of the card. */
    statusLine: (state: string) => `Status: ${state}`,
    confirm: 'Confirm',
    cancel: 'Cancel',
    approve: 'Approve',
    reject: 'Reject',
    commentPlaceholder: 'Comment (optional)',
    confirmPrompt: 'Is this right? Confirm to send it for approval.',
    until: 'Until',
    untilValue: (end: string) => `${end} — then I remove it`,
    approvePrompt: 'Please approve or reject this request.',
    privilegedNote: (user: string, customer: string, subscription: string) =>
      `${user} (${customer}) will be able to manage ${subscription} and decide who else has access to it.`,
  },
  state: {
    draft: 'Waiting for your confirmation',
    awaiting_relationship: 'Waiting for the customer to accept the relationship',
    pending_approval: 'Waiting for approval',
    approved: 'Approved — granting the role…',
    provisioning: 'Approved — granting the role…',
    active: 'Granted',
    expired: 'Expired',
    revoked: 'Revoked',
    cancelled: 'Cancelled',
    rejected: 'Rejected',
    failed: 'Failed',
    timed_out: 'Timed out (no decision in time)',
  },
  refusal: {
    not_requester: 'Only the person who made this request can do that.',
    not_approver: 'Only approvers can approve or reject requests.',
    self_approval: 'You cannot approve or reject your own request.',
    already_voted: 'You have already decided on this request.',
    not_allowed_in_state: 'This request has already moved on; this is its current state.',
    system_only: 'Only the bot itself can do that.',
    not_found: 'I cannot find this request.',
    invalid_action: 'This button is not valid any more.',
    forbidden_by_policy: 'The partner\'s policy does not allow this role on this customer.',
    justification_required: 'This request needs a justification: ask again with "because …" at the end.',
    store_unavailable: 'I could not record this decision, so nothing was changed and no access was granted. Please try again in a few minutes.',
    // Approvals refused before the state machine: own account (four eyes), or approver rights not known now.
    own_account: 'You cannot approve access for yourself: this user is your own account in the customer\'s directory. Another approver must decide.',
    own_account_unknown: 'I could not check that this user is not your own account in the customer\'s directory, so nothing was approved. Please try again in a minute.',
    approvers_unknown: 'I could not check right now that you are an approver (the partner\'s directory did not answer in time), so nothing was changed. Please try again in a minute.',
    alreadyDecided: (state: string) => `Already decided: ${state}.`,
    alreadyDecidedBy: (state: string, who: string) => `Already decided: ${state} by ${who}.`,
  },
  outcome: {
    created: (user: string, role: string, subscription: string) => `Done: ${user} now has ${role} on ${subscription}.`,
    alreadyExisted: (user: string, role: string, subscription: string) => `${user} already had ${role} on ${subscription}; nothing needed changing.`,
    failed: (user: string, role: string, subscription: string, reason: string) => `I could not give ${user} ${role} on ${subscription}: ${reason}`,
    rejected: (by: string, comment?: string) => `Rejected by ${by}${comment ? `: "${comment}"` : '.'}`,
    cancelled: (by: string) => `Cancelled by ${by}.`,
    approvedBy: (names: string) => `Approved by ${names}.`,
    /** Which request an outcome message is about, when its sentence names nothing (rejected, cancelled, timed out). */
    about: (user: string, role: string, subscription: string) => `${user}, ${role} on ${subscription}`,
  },
  failureReason: {
    AuthorizationFailed:
      'Azure refused: the bot may not assign roles on this customer\'s subscription (any more). With GDAP, its service account\'s security group must be a member of Admin Agents and Admin Agents must hold Owner on the subscription; with the app model, the app\'s service principal needs Role Based Access Control Administrator there. Then send the request again.',
    PrincipalNotResolved:
      'once I could read the customer\'s directory, I did not find exactly one user by the name you gave, so nothing was sent for approval or granted. Ask again: I will show you the matching users.',
    PrincipalNotFound: 'Azure still did not know this user after several minutes of retrying (new users can take a while to appear in Azure). Please send the request again later.',
    RoleAssignmentLimitExceeded: 'the subscription has reached Azure\'s limit of role assignments. The customer must remove unused role assignments (or use groups) before another one can be added.',
    RoleAssignmentUpdateNotPermitted: 'Azure already holds a different role assignment under this request\'s name, and it cannot be changed. Nothing was changed; please send a new request.',
    ArmUnavailable: 'Azure Resource Manager did not answer, even after several retries. Please send the request again in a few minutes.',
    ExpiredBeforeGranted: 'the time you asked for ended before the request was approved, so nothing was granted.',
    other: 'Azure refused the change.',
  },
  expiry: {
    reminder: (user: string, role: string, subscription: string, endsAt: string) =>
      `Reminder: ${user}'s ${role} role on ${subscription} ends on ${endsAt}. If it is still needed, ask again (for example "give ${user} ${role} … for 8 hours").`,
    removed: (user: string, role: string, subscription: string) => `The time is up: I removed ${role} from ${user} on ${subscription}.`,
    kept: (user: string, role: string, subscription: string) =>
      `The time is up. ${user} already had ${role} on ${subscription} before this request, so that role stays.`,
  },
  relationship: {
    draftNote: (customer: string) =>
      `${customer} has not given us access to their tenant yet (no active GDAP relationship). When you confirm, I prepare the relationship request for their global administrator; this request then waits until they accept and goes to the approvers on its own.`,
    waitingNote: (customer: string) => `Waiting for ${customer} to accept our relationship request. I check regularly and send this request for approval as soon as they accept.`,
    expired: (customer: string, days: number) =>
      `${customer} did not accept our relationship request within ${count(days, { one: 'day', other: 'days' })}, so this request was closed and nothing was granted. Ask again once they have accepted.`,
    accepted: (customer: string, user: string, role: string) =>
      `${customer} accepted our relationship request. Your request for ${user} (${role}) has gone to the approvers.`,
    reminder: (customer: string, days: number) =>
      `Reminder: ${customer} has not accepted our relationship request yet (sent ${count(days, { one: 'day', other: 'days' })} ago). Here it is again; the request is closed if they have not accepted in time.`,
    failed: (customer: string) =>
      `I could not prepare the relationship request for ${customer} (Partner Center or Microsoft Graph did not answer). Your request is kept; send "send ${customer} a relationship request" to try again.`,
    exists: (customer: string) => `We already have an active relationship with ${customer} that lets me act there: there is no relationship request to send. Ask for access directly.`,
    cardTitle: (customer: string) => `Relationship request for ${customer}`,
    introReseller: (customer: string) =>
      `${customer} must accept our reseller relationship before I can grant roles there. Send their global administrator the invitation below.`,
    introGdap: (customer: string) =>
      `I created a GDAP relationship with ${customer} and locked it for their approval. Send their global administrator the invitation below.`,
    waitingFor: (request: string) => `Waiting request: ${request}. It goes to the approvers on its own once they accept.`,
    linkLabel: 'Link to send (copy it as it is)',
    emailHeading: 'Ready-to-send invitation',
    subjectLabel: 'Subject',
    open: 'Open the link',
    email: 'E-mail the invitation',
    emailOther: 'E-mail it in French',
    subject: (customer: string) => `Please accept our Microsoft partner relationship request – ${customer}`,
    bodyReseller: (customer: string, url: string, ask: string) =>
      `Hello,\n\nAs your Microsoft Cloud Solution Provider, we ask ${customer} to accept our partner relationship request. ` +
      `It makes us the reseller of your Microsoft cloud services, which we need before we can manage Azure access for you${ask ? ` (first: ${ask})` : ''}.\n\n` +
      `What to do (a global administrator of ${customer} must do it; it takes two minutes):\n1. Open this link, signed in with your global administrator account: ${url}\n2. Read the request and accept it.\n\n` +
      `You can review or remove this relationship at any time in the Microsoft 365 admin center (Settings > Partner relationships).\n\nThank you.`,
    bodyGdap: (customer: string, url: string, ask: string, roles: string, duration: string) =>
      `Hello,\n\nAs your Microsoft Cloud Solution Provider, we ask ${customer} to approve a granular delegated admin privileges (GDAP) relationship. ` +
      `It gives us only these Microsoft Entra roles: ${roles}, for ${duration}, after which it ends unless renewed. We need it to manage Azure access for you${ask ? ` (first: ${ask})` : ''}.\n\n` +
      `What to do (a global administrator of ${customer} must do it):\n1. Open this link, signed in with your global administrator account: ${url}\n2. Review the roles and the duration, then approve.\n\n` +
      `You can end the relationship at any time in the Microsoft 365 admin center (Settings > Partner relationships).\n\nThank you.`,
    days: (days: number) => count(days, { one: 'day', other: 'days' }),
  },
  readiness: {
    noRelationship: (customer: string) =>
      `We have no relationship with ${customer} that lets me act in their tenant (no active GDAP relationship, no delegated admin rights). Their global administrator must accept our relationship request: send "send ${customer} a relationship request" to get it.`,
    noGroupAssignment: (customer: string, groups: string, role: string) =>
      `Our GDAP relationship with ${customer} is active, but none of its access assignments gives a role to a security group the bot's service account is in. A partner admin must add an access assignment for ${groups} with the ${role} role (Partner Center > Customers > ${customer} > Admin relationships).`,
    assignmentRestored: (customer: string, groups: string) =>
      `Our GDAP relationship with ${customer} is active, but the access assignment that gives ${groups} its roles there had been removed (in Partner Center). I created it again; Microsoft activates it within a few minutes.`,
    noDirectoryRoleAssign: (customer: string, role: string, groups: string) =>
      `I cannot read ${customer}'s directory: the roles our GDAP relationship gives ${groups} include no directory-reading role. A partner admin must add ${role} to the access assignment of ${groups} for ${customer} (Partner Center > Customers > ${customer} > Admin relationships).`,
    noDirectoryRoleRelationship: (customer: string, role: string, groups: string) =>
      `I cannot read ${customer}'s directory: our GDAP relationship with ${customer} has no directory-reading role. ${customer} must approve a GDAP relationship that includes ${role} (send "send ${customer} a relationship request"), and its access assignment must give ${role} to ${groups}.`,
    noAzureRightsDelegated: (customer: string, subscription: string, groups: string) =>
      `The bot's service account may not assign roles on ${subscription} (${customer}). Under GDAP, Azure rights come from the partner's Admin Agents group, which holds Owner on the customer's Azure subscriptions: ${groups} must be a member of Admin Agents, and Admin Agents must still hold Owner on ${subscription} (the customer may have removed it; an Owner of that subscription can give it back).`,
    noAzureRightsApp: (customer: string, subscription: string, appId: string) =>
      `The bot's app may not assign roles on ${subscription} (${customer}). An Owner of that subscription (the customer, or an admin agent) must give the app's service principal (application id ${appId}) the role Role Based Access Control Administrator on ${subscription}, constrained to the roles the partner's policy allows and to users.`,
    subscriptionGone: (customer: string, subscription: string) => `Azure no longer knows ${customer}'s subscription ${subscription} (cancelled or moved), so no role can be granted on it. Nothing was requested.`,
    subscriptionInactive: (customer: string, subscription: string, status: string) => `Partner Center says ${customer}'s subscription ${subscription} is ${status}, so no role can be granted on it. Nothing was requested.`,
    notConsentedApp: (customer: string, url: string) =>
      `The bot's app is not consented in ${customer}'s directory (it needs the application permission User.Read.All there). A global administrator or privileged role administrator of ${customer} must open this link and accept: ${url}`,
    notConsentedDelegated: (customer: string, url: string) =>
      `The bot's app is not consented in ${customer}'s directory, and I could not consent it through Partner Center (that needs Cloud Application Administrator in our GDAP relationship with them). A global administrator of ${customer} can consent it with this link: ${url}`,
    signInRequired:
      'I cannot reach Microsoft on the partner\'s behalf right now: the sign-in of the bot\'s service account has expired or was revoked. The approvers have been told how to renew it; ask again once they have.',
    appCredentialInvalid:
      'Microsoft refused the bot\'s own app credential (its client secret or certificate is wrong or expired). A partner admin must renew it (AZURE_CLIENT_SECRET or the certificate) and restart the bot.',
    missingRelationshipUrl: (customer: string) =>
      `${customer} must first accept our reseller relationship, but RELATIONSHIP_REQUEST_URL is not set, so I have no link to give them. A partner admin must copy the relationship-request link from Partner Center (Customers > Request a reseller relationship) into the RELATIONSHIP_REQUEST_URL setting.`,
    missingSecurityGroups: (customer: string) =>
      `${customer} approved our GDAP relationship, but GDAP_SECURITY_GROUPS is not set, so I cannot give its roles to a partner security group. A partner admin must set GDAP_SECURITY_GROUPS to the object id of the security group the bot's service account is in (the group nested under Admin Agents) and restart the bot; waiting requests then resume.`,
    refused: (customer: string, serviceId: string, code: string) =>
      `${service(serviceId, 'precise')} refused the bot${customer ? ` for ${customer}` : ''} (${code}). Nothing was changed. A partner admin should check the bot's access${customer ? ` to ${customer}` : ''}.`,
    /** A partner security group, by name and id. */
    group: (name: string, id: string) => `the security group "${name}" (${id})`,
    unnamedGroup: (id: string) => `the security group ${id}`,
    noGroup: 'the security group the bot\'s service account is in (set GDAP_SECURITY_GROUPS to its object id)',
    and: ' and ',
    draftWaits: 'If you confirm, this request waits until then and goes to the approvers on its own.',
    waitingNote: 'This request waits until then; I check regularly and send it for approval as soon as it is done.',
    waitingState: 'Waiting until the bot may act for the customer',
    waitingToRequester: (customer: string, user: string, role: string, what: string) => `Your request for ${user} (${role}) on ${customer} waits. ${what}`,
    lookedUpLater: (name: string, customer: string) => `${name} (looked up in ${customer}'s directory once I may read it)`,
    forApprovers: (customer: string, requester: string, what: string) => `Action needed for ${customer}${requester ? ` (request from ${requester})` : ''}: ${what}`,
    signInRequiredApprovers:
      'Action needed: the bot\'s partner sign-in (the service account\'s refresh token) has expired or was revoked, so it cannot reach Partner Center, Microsoft Graph or Azure. On the bot\'s host, run "npm run consent" and sign in as the service account, with MFA. Waiting requests stay on hold and resume afterwards.',
    signInRestored: 'The bot\'s partner sign-in works again: waiting requests resume.',
    /** Why an approved change could not be made: the partner's access to the customer is gone. */
    accessGone: (customer: string) =>
      `our access to ${customer} is gone (the GDAP relationship with ${customer} ended or expired, or the access assignment that gives our security group its roles there was removed)`,
    lostToRequester: (customer: string, user: string, role: string, gone: string, what: string) =>
      `Your request for ${user} (${role}) on ${customer} had been approved, but I could not grant it: ${gone}. ${what}`,
    lostNote: 'The request waits and goes on by itself once our access is back; the approvers will then need to approve it again.',
    lostForApprovers: (subscription: string, gone: string, what: string) =>
      `a request you had approved${subscription ? ` on ${subscription}` : ''} could not be granted: ${gone}. ${what} It waits and goes on by itself once access is back; it will then come back to you to be approved again.`,
    removalToRequester: (user: string, role: string, subscription: string, gone: string, what: string) =>
      `I could not remove ${role} from ${user} on ${subscription} yet: ${gone}. ${what}`,
    expiryToRequester: (user: string, role: string, subscription: string, gone: string, what: string) =>
      `The time is up for ${user}'s ${role} role on ${subscription}, but I could not remove it yet: ${gone}. ${what}`,
    removalNote: 'The role stays until then. The removal is not dropped: I carry it out by myself as soon as our access is back, with no new approval.',
    removalForApprovers: (subscription: string, gone: string, what: string) =>
      `a role removal${subscription ? ` on ${subscription}` : ''} (a removal you approved, or time-bound access that ended) waits: ${gone}. ${what} The role stays until then; I remove it by myself as soon as access is back, with no new approval.`,
  },
  roles: {
    /** An Azure role in a line of text or a list, from its ARM name: English shows the ARM name itself. */
    name: (role: string) => role,
    /**
     * An Azure role on a request card's "Role" line, where the requester confirms and the approver decides: the ARM
     * name. `definitionId` (the role definition's id) tells a built-in role by its GUID.
     */
    onCard: (role: string, _definitionId?: string) => role,
  },
};

export type Messages = typeof en;
