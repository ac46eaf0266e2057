// Every sentence the bot says in French, the same keys as en.ts: Microsoft's French terms, « vous », and the French
// non-breaking spaces (before « : ; ! ? », inside « », between a number and its unit), checked by test/i18n.
import type { Messages } from './en';
import { frenchRoleLabel, frenchRoleName } from '../domain/role-catalog';
import { capitalised, counter, NBSP, serviceNamer, typeset } from './words';

const count = counter('fr', NBSP);
/** Services as Microsoft's French documentation names them, with their article: « l'Espace partenaires ». */
const service = serviceNamer({
  PartnerCenter: { plain: "l'Espace partenaires", precise: "l'Espace partenaires" },
  Graph: { plain: 'Microsoft Graph', precise: 'Microsoft Graph' },
  ARM: { plain: 'Azure', precise: 'Azure Resource Manager' },
  Entra: { plain: 'Microsoft Entra ID', precise: 'Microsoft Entra ID' },
});
/** A built-in Azure role by the name the French portal gives it (« Contributeur »); any other role as it is named. */
const roleFr = (role: string): string => frenchRoleName(role) ?? role;
/** « de » before a name, elided before a vowel: « l'annuaire d'Adatum », « l'annuaire de Contoso ». */
const de = (name: string): string => (/^[aeiouâàäéèêëîïôöûùüœæ]/i.test(name) ? `d'${name}` : `de ${name}`);
const hours = (n: number): string => count(n, { one: 'heure', other: 'heures' });
const days = (n: number): string => count(n, { one: 'jour', other: 'jours' });

export const fr: Messages = {
  help:
    typeset('J\'attribue des rôles Azure sur les abonnements de vos clients, après approbation. Essayez : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso ». ') +
    'Je vous montre ce que j\'ai compris, vous confirmez, puis je transmets la demande à un approbateur.',
  notUnderstood: typeset('Je n\'ai pas reconnu de demande d\'accès dans ce message. Essayez : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso », ou tapez « aide ».'),
  missingPrincipal: typeset('Qui doit recevoir le rôle ? Par exemple : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso ».'),
  missingRole: typeset('Quel rôle ? Par exemple Lecteur, Contributeur ou Propriétaire.'),
  missingTarget: typeset('Sur quel client et quel abonnement ? Par exemple : « … sur l\'abonnement prod de Contoso ».'),
  notFoundCustomer: (text) => typeset`Je ne trouve aucun client nommé « ${text} » dans l'Espace partenaires.`,
  notFoundSubscription: (text, within) => typeset`${within} n'a aucun abonnement Azure correspondant à « ${text} ».`,
  notFoundUser: (text, within) => typeset`Je ne trouve aucun utilisateur « ${text} » dans l'annuaire ${de(within)}.`,
  notFoundRole: (text, within) => typeset`Il n'y a pas de rôle « ${text} » sur ${within}.`,
  ambiguous: (what, text, options) => typeset`« ${text} » peut désigner plusieurs ${what} : ${options.join(typeset(' ; '))}. Précisez lequel.`,
  what: { customer: 'clients', subscription: 'abonnements', user: 'utilisateurs', role: 'rôles' },
  notRecorded: typeset`Je n'ai pas pu enregistrer votre demande pour le moment : rien n'a été conservé et personne n'a été sollicité. Réessayez dans quelques minutes.`,
  cloudUnavailable: (serviceId) => typeset`${capitalised(service(serviceId))} ne répond pas pour le moment. Rien n'a été modifié ; réessayez dans une minute.`,
  notIdentified: typeset('Je ne parviens pas à savoir qui vous êtes d\'après ce message : je ne peux donc pas y donner suite.'),
  wrongTenant: 'Ce bot est réservé à l\'organisation partenaire qui l\'exploite.',
  internalError: typeset('Une erreur s\'est produite de mon côté. Rien n\'a été modifié ; réessayez.'),
  messageTooLong: (maxChars) =>
    `Ce message est trop long pour moi (plus de ${count(maxChars, { one: 'caractère', other: 'caractères' })}). Envoyez la demande en un message plus court.`,
  invokeNotSupported: typeset('Ce bot n\'a ni boîte de dialogue ni recherche : écrivez-lui votre demande dans la conversation.'),
  rateLimited: 'Vous m\'avez envoyé beaucoup de messages en peu de temps. Patientez quelques minutes, puis réessayez.',
  welcome: typeset('Bonjour ! J\'attribue des rôles Azure sur les abonnements de vos clients, après approbation. Tapez « aide » pour savoir comment faire.'),
  noApproverReached: (user, role, subscription, channel) =>
    typeset`Aucun approbateur n'a encore pu recevoir votre demande (${user}, ${roleFr(role)} sur ${subscription}) : je ne peux joindre aucun d'entre eux dans Teams. Elle reste en attente d'approbation. ${typeset(channel ? "Demandez à un administrateur de m'ajouter à l'équipe du canal des approbations, ou à un approbateur d'ouvrir une conversation avec moi dans Teams : dès que ce sera fait" : "Demandez à un approbateur d'ouvrir une conversation avec moi dans Teams (ou de rajouter l'application s'il l'a supprimée) : dès qu'il le fera")}, je lui présenterai votre demande.`,
  policy: {
    not_a_requester: () => 'La politique du partenaire ne vous permet ni de demander un accès ni de voir qui en dispose. Demandez à un agent d\'administration de vous ajouter aux agents commerciaux.',
    forbidden: (role, customer) => `La politique du partenaire n'autorise pas le rôle ${roleFr(role)} chez ${customer}. Rien n'a été demandé.`,
    justification_required: (role, customer) => typeset`Le rôle ${roleFr(role)} chez ${customer} exige une justification : refaites la demande en ajoutant « parce que … » à la fin.`,
    too_long: (role, customer, n) => `La politique du partenaire autorise le rôle ${roleFr(role)} chez ${customer} pour ${hours(n)} au plus. Refaites la demande avec une durée plus courte.`,
  },
  extend: {
    nothing: (who) => typeset`Je ne trouve aucun accès temporaire en cours pour « ${who} » à prolonger. Pour redonner un accès, demandez par exemple « donne à ${who} le rôle Lecteur sur Contoso prod pour 8 heures ».`,
    several: (who) => typeset`« ${who} » a plusieurs accès temporaires en cours. Précisez lequel, par exemple « prolonge l'accès ${de(who)} sur Contoso prod de 4 heures ».`,
  },
  revoke: {
    nothing: (user, role, where) => typeset`${user} n'a ${role ? `pas le rôle ${roleFr(role)}` : 'aucun rôle'} attribué sur ${where} : il n'y a rien à retirer. Un rôle hérité d'une étendue supérieure se retire là où il est attribué.`,
    title: 'Retrait d\'accès Azure',
    confirmPrompt: typeset('Est-ce correct ? Confirmez pour soumettre le retrait à approbation.'),
    removed: (user, role, subscription) => typeset`C'est fait : ${user} n'a plus le rôle ${roleFr(role)} sur ${subscription}.`,
    alreadyGone: (user, role, subscription) => typeset`Le rôle ${roleFr(role)} ${de(user)} sur ${subscription} avait déjà été retiré : il n'y avait rien à modifier.`,
  },
  lists: {
    accessTitle: (where) => `Qui a accès à ${where}`,
    accessSubtitle: (n) => count(n, { one: 'attribution de rôle en vigueur', other: 'attributions de rôle en vigueur' }),
    accessEmpty: 'Personne n\'a de rôle ici.',
    viaBot: 'par le bot',
    inheritedFrom: (scope) => `hérité de ${scope}`,
    grantedThrough: (requester, approvers) => `demandé par ${requester}${approvers ? `, approuvé par ${approvers}` : ''}`,
    accessFooter: typeset('Pour retirer un rôle, demandez par exemple : « retire à Bob le rôle Lecteur sur Contoso prod ».'),
    mineTitle: 'Vos demandes',
    pendingTitle: 'Demandes en attente d\'approbation',
    historyTitle: (where) => `Historique ${de(where)}`,
    requestsEmpty: 'Aucune demande.',
    requestLine: (user, role, where) => `${user} — ${roleFr(role)} sur ${where}`,
    requestDetail: (requester, at) => `faite par ${requester} le ${at}`,
  },
  resolve: {
    chosen: (label, detail) => `✓ ${label} (${detail})`,
    ambiguous: {
      customer: (text, _within) => typeset`« ${text} » correspond à plusieurs clients. Lequel ?`,
      subscription: (text, within) =>
        text ? typeset`${within || 'Ce client'} a plusieurs abonnements correspondant à « ${text} ». Lequel ?` : typeset`${within || 'Ce client'} a plusieurs abonnements Azure. Lequel ?`,
      user: (text, within) => typeset`« ${text} » correspond à plusieurs utilisateurs dans l'annuaire ${de(within)}. Lequel ?`,
      role: (text, within) => typeset`« ${text} » correspond à plusieurs rôles sur ${within}. Lequel ?`,
    },
    didYouMean: typeset('Vouliez-vous dire l\'un de ceux-ci ?'),
    choiceHint: typeset('Votre choix renvoie la demande ainsi précisée ; vous devrez encore la confirmer avant que quoi que ce soit ne change.'),
    missingCustomer: typeset('Chez quel client se trouve cet abonnement ? Par exemple : « … de Contoso ».'),
    unclearDuration: (text) =>
      typeset`Je ne comprends pas quand « ${text} » doit se terminer. Écrivez par exemple « pour 8 heures », « pour 2 jours » ou « jusqu'à vendredi 18 h » (dans un an au plus).`,
    // Ne jamais élargir : ce qui est écrit mais non compris est redemandé, jamais omis (revue du 2026-12-02).
    pastDate: (text) =>
      typeset`La fin demandée (« ${text} ») est déjà passée cette année, et je ne la reporte pas à l'an prochain sans vous le demander. Écrivez la fin avec l'année (par exemple « jusqu'au 24 novembre 2027 ») ou comme une durée (« pour 8 heures »).`,
    dayOrMonth: (text) =>
      typeset`Je ne sais pas si « ${text} » donne d'abord le jour ou le mois. Écrivez le mois en lettres, par exemple « jusqu'au 5 décembre ».`,
    unreadWords: (text, within) =>
      typeset`Je n'ai pas compris « ${text} » dans « ${within} », et je ne l'écarte pas de la demande. Réécrivez-la en disant cette partie simplement : une limite de temps comme « pour 8 heures » ou « jusqu'à vendredi 18 h », un groupe de ressources comme « sur le groupe de ressources rg-web », une raison après « parce que ».`,
    timedRemoval: (text) =>
      typeset`Je ne peux retirer un rôle que définitivement, pas « ${text} ». Pour le retirer définitivement, réécrivez la demande sans la limite de temps ; pour le retrouver plus tard, demandez-le à nouveau à ce moment-là.`,
    severalRequests: (text) =>
      typeset`Je traite une personne et un rôle par message, et « ${text} » en demande davantage. Envoyez chaque demande dans son propre message, par exemple « donne à Bob le rôle Lecteur sur Contoso prod », puis « donne à Alice le rôle Propriétaire sur Contoso prod ».`,
    statusOnlyApprovers: 'Seuls les approbateurs voient les demandes en attente d\'approbation.',
  },
  helpCard: {
    title: 'Ce que je sais faire',
    intro: typeset('J\'attribue des rôles Azure sur les abonnements de vos clients, après accord d\'un approbateur. Écrivez comme à un collègue, en français ou en anglais :'),
    sections: [
      {
        heading: 'Demander un rôle',
        lines: [
          '• donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso',
          '• accorde le rôle Lecteur à bob@contoso.com sur Contoso Dev pour 8 heures',
          '• ajoute Alice comme Propriétaire sur le groupe de ressources rg-web de Contoso prod pour l\'incident INC123',
        ],
      },
      {
        heading: 'Autres demandes',
        lines: ['• retire à Bob le rôle Lecteur sur Contoso prod', typeset('• qui a accès à l\'abonnement prod de Contoso ?'), '• mes demandes · demandes en attente'],
      },
      {
        heading: 'Bon à savoir',
        lines: [
          typeset('Rôles : Propriétaire, Contributeur, Lecteur, Administrateur de l\'accès utilisateur, Administrateur du contrôle d\'accès en fonction du rôle, des formes courtes comme « lecture seule » ou « UAA », et les rôles propres au client, par leur nom.'),
          'Désignez les personnes par leur nom, leur adresse e-mail ou leur UPN, et les abonnements par leur nom ou leur ID. Si un nom correspond à plusieurs éléments, je vous propose les choix possibles. Rien ne change avant votre confirmation et l\'accord d\'un approbateur.',
        ],
      },
    ],
  },
  card: {
    title: 'Demande d\'accès Azure',
    requester: 'Demandeur',
    user: 'Utilisateur',
    role: 'Rôle',
    customer: 'Client',
    subscription: 'Abonnement',
    scope: 'Étendue',
    justification: 'Justification',
    approvals: 'Approbations',
    approvalsValue: (given, required) => `${given} sur ${required}`,
    status: 'Statut',
    statusLine: (state) => typeset`Statut : ${state}`,
    confirm: 'Confirmer',
    cancel: 'Annuler',
    approve: 'Approuver',
    reject: 'Refuser',
    commentPlaceholder: 'Commentaire (facultatif)',
    confirmPrompt: typeset('Est-ce correct ? Confirmez pour la soumettre à approbation.'),
    until: 'Fin de l\'accès',
    untilValue: (end) => `${end} — je retire alors le rôle`,
    approvePrompt: 'Merci d\'approuver ou de refuser cette demande.',
    privilegedNote: (user, customer, subscription) => `${user} (${customer}) pourra gérer ${subscription} et décider qui d'autre y a accès.`,
  },
  state: {
    draft: 'En attente de votre confirmation',
    awaiting_relationship: 'En attente de l\'acceptation de la relation par le client',
    pending_approval: 'En attente d\'approbation',
    approved: 'Approuvée — attribution du rôle…',
    provisioning: 'Approuvée — attribution du rôle…',
    active: 'Accordée',
    expired: 'Expirée',
    revoked: 'Révoquée',
    cancelled: 'Annulée',
    rejected: 'Refusée',
    failed: 'Échec',
    timed_out: 'Expirée sans décision',
  },
  refusal: {
    not_requester: 'Seule la personne à l\'origine de cette demande peut le faire.',
    not_approver: 'Seuls les approbateurs peuvent approuver ou refuser une demande.',
    self_approval: 'Vous ne pouvez ni approuver ni refuser votre propre demande.',
    already_voted: 'Vous avez déjà statué sur cette demande.',
    not_allowed_in_state: typeset('Cette demande a déjà changé d\'état ; voici où elle en est.'),
    system_only: 'Seul le bot lui-même peut le faire.',
    not_found: 'Je ne trouve pas cette demande.',
    invalid_action: 'Ce bouton n\'est plus valide.',
    forbidden_by_policy: 'La politique du partenaire n\'autorise pas ce rôle chez ce client.',
    justification_required: typeset('Cette demande exige une justification : refaites-la en ajoutant « parce que … » à la fin.'),
    store_unavailable: typeset('Je n\'ai pas pu enregistrer cette décision : rien n\'a été modifié et aucun accès n\'a été accordé. Réessayez dans quelques minutes.'),
    // Approvals refused before the state machine: own account (four eyes), or approver rights not known now.
    own_account: typeset('Vous ne pouvez pas approuver un accès pour vous-même : cet utilisateur est votre propre compte dans l\'annuaire du client. Un autre approbateur doit décider.'),
    own_account_unknown: typeset('Je n\'ai pas pu vérifier que cet utilisateur n\'est pas votre propre compte dans l\'annuaire du client, donc rien n\'a été approuvé. Réessayez dans une minute.'),
    approvers_unknown: typeset('Je n\'ai pas pu vérifier pour l\'instant que vous êtes approbateur (l\'annuaire du partenaire n\'a pas répondu à temps) : rien n\'a été modifié. Réessayez dans une minute.'),
    alreadyDecided: (state) => typeset`Demande déjà traitée : ${state}.`,
    alreadyDecidedBy: (state, who) => typeset`Demande déjà traitée : ${state} (par ${who}).`,
  },
  outcome: {
    created: (user, role, subscription) => typeset`C'est fait : ${user} a maintenant le rôle ${roleFr(role)} sur ${subscription}.`,
    alreadyExisted: (user, role, subscription) => typeset`${user} avait déjà le rôle ${roleFr(role)} sur ${subscription} : il n'y avait rien à modifier.`,
    failed: (user, role, subscription, reason) => typeset`Je n'ai pas pu attribuer le rôle ${roleFr(role)} à ${user} sur ${subscription} : ${reason}`,
    rejected: (by, comment) => `Refusée par ${by}${comment ? typeset` : « ${comment} »` : '.'}`,
    cancelled: (by) => `Annulée par ${by}.`,
    approvedBy: (names) => `Approuvée par ${names}.`,
    about: (user, role, subscription) => `${user}, ${roleFr(role)} sur ${subscription}`,
  },
  failureReason: {
    AuthorizationFailed:
      typeset('Azure a refusé : le bot ne peut pas (ou plus) attribuer de rôles sur l\'abonnement de ce client. Avec GDAP, le groupe de sécurité de son compte de service doit être membre du groupe AdminAgents (agents d\'administration), et AdminAgents doit avoir le rôle Propriétaire sur l\'abonnement ; avec le modèle application, le principal de service de l\'application doit y avoir le rôle Administrateur du contrôle d\'accès en fonction du rôle. Renvoyez ensuite la demande.'),
    PrincipalNotFound: 'Azure ne connaissait toujours pas cet utilisateur après plusieurs minutes de nouvelles tentatives (un nouveau compte peut mettre du temps à apparaître dans Azure). Renvoyez la demande plus tard.',
    RoleAssignmentLimitExceeded: 'l\'abonnement a atteint le nombre maximal d\'attributions de rôle autorisé par Azure. Le client doit supprimer des attributions inutilisées (ou passer par des groupes) avant d\'en ajouter une autre.',
    RoleAssignmentUpdateNotPermitted: typeset('Azure a déjà une autre attribution de rôle sous le nom de cette demande, et elle ne peut pas être modifiée. Rien n\'a été changé ; faites une nouvelle demande.'),
    ArmUnavailable: 'Azure Resource Manager n\'a pas répondu, même après plusieurs tentatives. Renvoyez la demande dans quelques minutes.',
    ExpiredBeforeGranted: typeset('la durée demandée a pris fin avant l\'approbation : rien n\'a été accordé.'),
    PrincipalNotResolved:
      typeset('une fois l\'annuaire du client accessible, je n\'y ai pas trouvé un et un seul utilisateur correspondant au nom donné : rien n\'a été soumis à approbation ni accordé. Refaites la demande : je vous montrerai les utilisateurs correspondants.'),
    other: 'Azure a refusé la modification.',
  },
  expiry: {
    reminder: (user, role, subscription, endsAt) =>
      typeset`Rappel : le rôle ${roleFr(role)} ${de(user)} sur ${subscription} prend fin le ${endsAt}. S'il est encore nécessaire, refaites une demande (par exemple « donne à ${user} le rôle ${roleFr(role)} … pour 8 heures »).`,
    removed: (user, role, subscription) => typeset`La durée est écoulée : j'ai retiré le rôle ${roleFr(role)} à ${user} sur ${subscription}.`,
    kept: (user, role, subscription) => typeset`La durée est écoulée. ${user} avait déjà le rôle ${roleFr(role)} sur ${subscription} avant cette demande : ce rôle reste en place.`,
  },
  relationship: {
    draftNote: (customer) =>
      typeset`${customer} ne nous a pas encore donné accès à son locataire (aucune relation GDAP active). Si vous confirmez, je prépare la demande de relation pour son administrateur général ; votre demande attend ensuite son acceptation, puis est transmise d'elle-même aux approbateurs.`,
    waitingNote: (customer) => `En attente de l'acceptation de notre demande de relation par ${customer}. Je vérifie régulièrement et transmets cette demande aux approbateurs dès l'acceptation.`,
    expired: (customer, n) =>
      typeset`${customer} n'a pas accepté notre demande de relation dans un délai de ${days(n)} : votre demande a été close et rien n'a été accordé. Refaites-la une fois la relation acceptée.`,
    accepted: (customer, user, role) => `${customer} a accepté notre demande de relation. Votre demande pour ${user} (${roleFr(role)}) a été transmise aux approbateurs.`,
    reminder: (customer, n) =>
      typeset`Rappel : ${customer} n'a pas encore accepté notre demande de relation (envoyée il y a ${days(n)}). La voici de nouveau ; votre demande sera close si elle n'est pas acceptée à temps.`,
    failed: (customer) =>
      typeset`Je n'ai pas pu préparer la demande de relation pour ${customer} (l'Espace partenaires ou Microsoft Graph n'a pas répondu). Votre demande est conservée ; écrivez « envoie une demande de relation à ${customer} » pour réessayer.`,
    exists: (customer) => typeset`Nous avons déjà avec ${customer} une relation active qui me permet d'y agir : il n'y a aucune demande de relation à envoyer. Demandez l'accès directement.`,
    cardTitle: (customer) => `Demande de relation pour ${customer}`,
    introReseller: (customer) =>
      `${customer} doit accepter notre relation de revendeur avant que je puisse y attribuer des rôles. Envoyez l'invitation ci-dessous à son administrateur général.`,
    introGdap: (customer) =>
      `J'ai créé une relation GDAP avec ${customer} et l'ai verrouillée pour approbation. Envoyez l'invitation ci-dessous à son administrateur général.`,
    waitingFor: (request) => typeset`Demande en attente : ${request}. Elle sera transmise d'elle-même aux approbateurs dès l'acceptation.`,
    linkLabel: 'Lien à envoyer (à copier tel quel)',
    emailHeading: 'Invitation prête à envoyer',
    subjectLabel: 'Objet',
    open: 'Ouvrir le lien',
    email: 'Envoyer l\'invitation par e-mail',
    emailOther: 'Envoyer l\'invitation en anglais',
    subject: (customer) => `Merci d'accepter notre demande de relation partenaire Microsoft – ${customer}`,
    bodyReseller: (customer, url, ask) =>
      `Bonjour,\n\nEn tant que fournisseur de solutions cloud (CSP) Microsoft, nous demandons à ${customer} d'accepter notre demande de relation partenaire. ` +
      `Elle fait de nous le revendeur de vos services cloud Microsoft, ce qui est nécessaire avant que nous puissions gérer vos accès Azure${ask ? typeset` (d'abord : ${ask})` : ''}.\n\n` +
      typeset`Marche à suivre (par un administrateur général ${de(customer)}, en deux minutes) :\n1. Ouvrez ce lien en vous connectant avec votre compte d'administrateur général : ${url}\n2. Lisez la demande et acceptez-la.\n\n` +
      `Vous pouvez revoir ou supprimer cette relation à tout moment dans le Centre d'administration Microsoft 365 (Paramètres > Relations avec les partenaires).\n\nMerci.`,
    bodyGdap: (customer, url, ask, roles, duration) =>
      `Bonjour,\n\nEn tant que fournisseur de solutions cloud (CSP) Microsoft, nous demandons à ${customer} d'approuver une relation d'administration granulaire (GDAP, privilèges d'administrateur délégué granulaires). ` +
      typeset`Elle ne nous donne que ces rôles Microsoft Entra : ${roles}, pour ${duration}, puis prend fin sauf renouvellement. Nous en avons besoin pour gérer vos accès Azure${ask ? typeset` (d'abord : ${ask})` : ''}.\n\n` +
      typeset`Marche à suivre (par un administrateur général ${de(customer)}) :\n1. Ouvrez ce lien en vous connectant avec votre compte d'administrateur général : ${url}\n2. Vérifiez les rôles et la durée, puis approuvez.\n\n` +
      `Vous pouvez mettre fin à la relation à tout moment dans le Centre d'administration Microsoft 365 (Paramètres > Relations avec les partenaires).\n\nMerci.`,
    days: (n) => days(n),
  },
  readiness: {
    noRelationship: (customer) =>
      typeset`Nous n'avons aucune relation avec ${customer} qui me permette d'agir dans son locataire (ni relation GDAP active, ni droits d'administrateur délégué). Son administrateur général doit accepter notre demande de relation : écrivez « envoie une demande de relation à ${customer} » pour l'obtenir.`,
    noGroupAssignment: (customer, groups, role) =>
      `Notre relation GDAP avec ${customer} est active, mais aucune de ses attributions d'accès ne donne de rôle à un groupe de sécurité dont le compte de service du bot est membre. Un administrateur du partenaire doit ajouter, dans l'Espace partenaires (Clients > ${customer} > Relations d'administration), une attribution d'accès pour ${groups} avec le rôle ${role === 'Directory Readers' ? "Lecteurs d'annuaire (Directory Readers)" : role}.`,
    assignmentRestored: (customer, groups) =>
      typeset`Notre relation GDAP avec ${customer} est active, mais l'attribution d'accès pour ${groups}, qui lui donne ses rôles chez ${customer}, avait été supprimée (dans l'Espace partenaires). Je l'ai recréée ; Microsoft l'active en quelques minutes.`,
    noDirectoryRoleAssign: (customer, role, groups) =>
      typeset`Je ne peux pas lire l'annuaire ${de(customer)} : dans notre relation GDAP, l'attribution d'accès pour ${groups} ne comprend aucun rôle de lecture de l'annuaire. Un administrateur du partenaire doit y ajouter ${role} (Espace partenaires > Clients > ${customer} > Relations d'administration).`,
    noDirectoryRoleRelationship: (customer, role, groups) =>
      typeset`Je ne peux pas lire l'annuaire ${de(customer)} : notre relation GDAP avec ${customer} ne comprend aucun rôle de lecture de l'annuaire. ${customer} doit approuver une relation GDAP qui comprend ${role} (écrivez « envoie une demande de relation à ${customer} »), et l'attribution d'accès pour ${groups} doit comprendre ${role}.`,
    noAzureRightsDelegated: (customer, subscription, groups) =>
      typeset`Le compte de service du bot ne peut pas attribuer de rôles sur ${subscription} (${customer}). Avec GDAP, les droits Azure viennent du groupe AdminAgents (agents d'administration) du partenaire, qui a le rôle Propriétaire sur les abonnements Azure du client : ${groups} doit être membre d'AdminAgents, et AdminAgents doit toujours avoir le rôle Propriétaire sur ${subscription} (le client a pu le lui retirer ; un propriétaire de cet abonnement peut le rétablir).`,
    noAzureRightsApp: (customer, subscription, appId) =>
      `L'application du bot ne peut pas attribuer de rôles sur ${subscription} (${customer}). Un propriétaire de cet abonnement (le client, ou un agent d'administration) doit donner au principal de service de l'application (ID d'application ${appId}) le rôle Administrateur du contrôle d'accès en fonction du rôle (Role Based Access Control Administrator) sur ${subscription}, limité aux rôles autorisés par la politique du partenaire et aux utilisateurs.`,
    subscriptionGone: (customer, subscription) => typeset`Azure ne connaît plus l'abonnement ${subscription} ${de(customer)} (résilié ou déplacé) : aucun rôle ne peut y être attribué. Rien n'a été demandé.`,
    subscriptionInactive: (customer, subscription, status) => typeset`D'après l'Espace partenaires, l'abonnement ${subscription} ${de(customer)} est à l'état « ${status} » : aucun rôle ne peut y être attribué. Rien n'a été demandé.`,
    notConsentedApp: (customer, url) =>
      typeset`L'application du bot n'a pas reçu de consentement dans l'annuaire ${de(customer)} (il lui faut l'autorisation d'application User.Read.All). Un administrateur général ou un administrateur de rôle privilégié ${de(customer)} doit ouvrir ce lien et accepter : ${url}`,
    notConsentedDelegated: (customer, url) =>
      typeset`L'application du bot n'a pas reçu de consentement dans l'annuaire ${de(customer)}, et je n'ai pas pu le donner via l'Espace partenaires (il faut pour cela le rôle Administrateur d'application cloud dans notre relation GDAP avec ce client). Un administrateur général ${de(customer)} peut donner son consentement avec ce lien : ${url}`,
    signInRequired:
      typeset('Je ne peux pas joindre Microsoft au nom du partenaire pour le moment : la connexion du compte de service du bot a expiré ou a été révoquée. Les approbateurs savent comment la renouveler ; refaites la demande ensuite.'),
    appCredentialInvalid:
      'Microsoft a refusé les informations d\'identification de l\'application du bot (secret client ou certificat erroné ou expiré). Un administrateur du partenaire doit les renouveler (AZURE_CLIENT_SECRET ou le certificat) puis redémarrer le bot.',
    missingRelationshipUrl: (customer) =>
      typeset`${customer} doit d'abord accepter notre relation de revendeur, mais le paramètre RELATIONSHIP_REQUEST_URL n'est pas défini : je n'ai aucun lien à lui donner. Un administrateur du partenaire doit copier le lien de demande de relation depuis l'Espace partenaires (Clients > Demander une relation de revendeur) dans le paramètre RELATIONSHIP_REQUEST_URL.`,
    missingSecurityGroups: (customer) =>
      typeset`${customer} a approuvé notre relation GDAP, mais le paramètre GDAP_SECURITY_GROUPS n'est pas défini : je ne peux pas attribuer ses rôles à un groupe de sécurité du partenaire. Un administrateur du partenaire doit y indiquer l'ID d'objet du groupe de sécurité dont le compte de service du bot est membre (le groupe imbriqué dans AdminAgents), puis redémarrer le bot ; les demandes en attente reprennent ensuite.`,
    refused: (customer, serviceId, code) =>
      `${capitalised(service(serviceId, 'precise'))} a refusé l'accès au bot${customer ? ` pour ${customer}` : ''} (${code}). Rien n'a été modifié. Un administrateur du partenaire doit vérifier les accès du bot${customer ? ` chez ${customer}` : ''}.`,
    group: (name, id) => typeset`le groupe de sécurité « ${name} » (${id})`,
    unnamedGroup: (id) => `le groupe de sécurité ${id}`,
    noGroup: 'le groupe de sécurité dont le compte de service du bot est membre (indiquez son ID d\'objet dans GDAP_SECURITY_GROUPS)',
    and: ' et ',
    draftWaits: 'Si vous confirmez, cette demande attend que ce soit fait, puis est transmise d\'elle-même aux approbateurs.',
    waitingNote: typeset('Cette demande attend que ce soit fait ; je vérifie régulièrement et la transmets aux approbateurs dès que c\'est le cas.'),
    waitingState: 'En attente de l\'accès du bot au client',
    waitingToRequester: (customer, user, role, what) => `Votre demande pour ${user} (${roleFr(role)}) chez ${customer} est en attente. ${what}`,
    lookedUpLater: (name, customer) => `${name} (recherché dans l'annuaire ${de(customer)} dès que je pourrai le lire)`,
    forApprovers: (customer, requester, what) => typeset`Action requise pour ${customer}${requester ? ` (demande ${de(requester)})` : ''} : ${what}`,
    signInRequiredApprovers:
      typeset('Action requise : la connexion partenaire du bot (le jeton d\'actualisation du compte de service) a expiré ou a été révoquée ; il ne peut plus joindre ni l\'Espace partenaires, ni Microsoft Graph, ni Azure. Sur l\'hôte du bot, lancez « npm run consent » et connectez-vous avec le compte de service, avec l\'authentification multifacteur. Les demandes en attente restent en attente et reprennent ensuite.'),
    signInRestored: typeset('La connexion partenaire du bot fonctionne de nouveau : les demandes en attente reprennent.'),
    accessGone: (customer) =>
      typeset`nous n'avons plus accès à ${customer} (notre relation GDAP avec ${customer} a pris fin ou a expiré, ou l'attribution d'accès qui donne ses rôles à notre groupe de sécurité a été supprimée)`,
    lostToRequester: (customer, user, role, gone, what) =>
      typeset`Votre demande pour ${user} (${roleFr(role)}) chez ${customer} avait été approuvée, mais je n'ai pas pu l'appliquer : ${gone}. ${what}`,
    lostNote: typeset('La demande reste en attente et reprend d\'elle-même dès que notre accès est rétabli ; les approbateurs devront alors l\'approuver de nouveau.'),
    lostForApprovers: (subscription, gone, what) =>
      typeset`une demande que vous aviez approuvée${subscription ? ` sur ${subscription}` : ''} n'a pas pu être appliquée : ${gone}. ${what} Elle reste en attente et reprend d'elle-même dès que l'accès est rétabli ; elle vous sera alors soumise de nouveau pour approbation.`,
    removalToRequester: (user, role, subscription, gone, what) =>
      typeset`Je n'ai pas encore pu retirer le rôle ${roleFr(role)} à ${user} sur ${subscription} : ${gone}. ${what}`,
    expiryToRequester: (user, role, subscription, gone, what) =>
      typeset`La durée prévue pour le rôle ${roleFr(role)} de ${user} sur ${subscription} est écoulée, mais je n'ai pas encore pu le retirer : ${gone}. ${what}`,
    removalNote: typeset('Le rôle reste attribué d\'ici là. Le retrait n\'est pas abandonné : je l\'effectue de moi-même dès que notre accès est rétabli, sans nouvelle approbation.'),
    removalForApprovers: (subscription, gone, what) =>
      typeset`le retrait d'un rôle${subscription ? ` sur ${subscription}` : ''} (un retrait que vous avez approuvé, ou un accès temporaire arrivé à échéance) est en attente : ${gone}. ${what} Le rôle reste attribué d'ici là ; je le retire de moi-même dès que l'accès est rétabli, sans nouvelle approbation.`,
  },
  roles: {
    name: roleFr,
    // On the card, the name Azure itself uses follows the French one: it is what the audit log, the CLI, the policy
    // file and English-speaking colleagues say, and it leaves no doubt about which role is approved.
    onCard: (role, definitionId) => frenchRoleLabel(role, definitionId),
  },
};
