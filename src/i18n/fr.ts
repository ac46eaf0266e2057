// Every sentence the bot says in French, the same keys as en.ts.
import type { Messages } from './en';

export const fr: Messages = {
  help:
    'J\'attribue des rôles Azure sur les abonnements de vos clients, après approbation. Essayez : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso ». ' +
    'Je vous montre ce que j\'ai compris, vous confirmez, et la demande part chez un approbateur.',
  notUnderstood: 'Je n\'ai pas reconnu une demande d\'accès. Essayez : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso », ou tapez « aide ».',
  missingPrincipal: 'Qui doit recevoir le rôle ? Par exemple : « donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso ».',
  missingRole: 'Quel rôle ? Par exemple Lecteur, Contributeur ou Propriétaire.',
  missingTarget: 'Sur quel client et quel abonnement ? Par exemple : « … sur l\'abonnement prod de Contoso ».',
  notFoundCustomer: (text) => `Je ne trouve aucun client nommé « ${text} » dans l'Espace partenaires.`,
  notFoundSubscription: (text, within) => `${within} n'a aucun abonnement Azure correspondant à « ${text} ».`,
  notFoundUser: (text, within) => `Je ne trouve aucun utilisateur « ${text} » dans l'annuaire de ${within}.`,
  notFoundRole: (text, within) => `Il n'y a pas de rôle « ${text} » sur ${within}.`,
  ambiguous: (what, text, options) => `« ${text} » peut désigner plusieurs ${what} : ${options.join(' ; ')}. Précisez lequel, s'il vous plaît.`,
  what: { customer: 'clients', subscription: 'abonnements', user: 'utilisateurs', role: 'rôles' },
  cloudUnavailable: (service) => `${service} ne répond pas pour le moment. Rien n'a été modifié ; réessayez dans une minute.`,
  notIdentified: 'Je ne peux pas savoir qui vous êtes à partir de ce message, je ne peux donc pas prendre de demande.',
  wrongTenant: 'Ce bot sert uniquement son organisation partenaire.',
  internalError: 'Une erreur s\'est produite de mon côté. Rien n\'a été modifié ; réessayez.',
  messageTooLong: (maxChars) =>
    `Ce message est trop long pour moi (plus de ${new Intl.NumberFormat('fr-FR').format(maxChars)} caractères). Envoyez la demande en un message plus court.`,
  invokeNotSupported: "Ce bot n'a pas de fenêtre ni de recherche : écrivez-lui votre demande dans la conversation.",
  rateLimited: 'Vous m\'avez envoyé beaucoup de messages en peu de temps. Patientez quelques minutes, puis réessayez.',
  welcome: 'Bonjour ! J\'attribue des rôles Azure sur les abonnements de vos clients, après approbation. Tapez « aide » pour savoir comment.',
  policy: {
    not_a_requester: () => 'La politique du partenaire ne vous permet pas de demander un accès. Demandez à un agent administrateur de vous ajouter aux commerciaux.',
    forbidden: (role, customer) => `La politique du partenaire n'autorise pas le rôle ${role} chez ${customer}. Aucune demande n'a été faite.`,
    justification_required: (role, customer) => `Le rôle ${role} chez ${customer} doit être justifié : refaites la demande en ajoutant « parce que … » à la fin.`,
    too_long: (role, customer, hours) => `La politique du partenaire autorise le rôle ${role} chez ${customer} pour ${hours} heures au plus. Refaites la demande avec une durée plus courte.`,
  },
  extend: {
    nothing: (who) => `Je ne trouve aucun accès à durée limitée de « ${who} » en cours à prolonger. Pour redonner un accès, demandez par exemple « donne à ${who} le rôle Lecteur sur Contoso prod pour 8 heures ».`,
    several: (who) => `« ${who} » a plusieurs accès à durée limitée en cours. Précisez lequel, par exemple « prolonge l'accès de ${who} sur Contoso prod de 4 heures ».`,
  },
  revoke: {
    nothing: (user, role, where) => `${user} n'a ${role ? `pas le rôle ${role}` : 'aucun rôle'} attribué sur ${where} : il n'y a rien à retirer. Les rôles hérités d'une étendue supérieure se retirent là où ils sont attribués.`,
    title: 'Retrait d\'accès Azure',
    confirmPrompt: 'Est-ce correct ? Confirmez pour envoyer le retrait en approbation.',
    removed: (user, role, subscription) => `C'est fait : ${user} n'a plus le rôle ${role} sur ${subscription}.`,
    alreadyGone: (user, role, subscription) => `Le rôle ${role} de ${user} sur ${subscription} avait déjà été retiré ; rien à changer.`,
  },
  lists: {
    accessTitle: (where) => `Qui a accès à ${where}`,
    accessSubtitle: (count) => (count === 1 ? '1 attribution de rôle en vigueur' : `${count} attributions de rôle en vigueur`),
    accessEmpty: 'Personne n\'a de rôle ici.',
    viaBot: 'par le bot',
    inheritedFrom: (scope) => `hérité de ${scope}`,
    grantedThrough: (requester, approvers) => `demandé par ${requester}${approvers ? `, approuvé par ${approvers}` : ''}`,
    accessFooter: 'Pour retirer un rôle, demandez par exemple : « retire à Bob le rôle Lecteur sur Contoso prod ».',
    mineTitle: 'Vos demandes',
    pendingTitle: 'Demandes en attente d\'approbation',
    historyTitle: (where) => `Historique de ${where}`,
    requestsEmpty: 'Aucune demande.',
    requestLine: (user, role, where) => `${user} — ${role} sur ${where}`,
    requestDetail: (requester, at) => `demandé par ${requester}, le ${at} UTC`,
  },
  resolve: {
    chosen: (label, detail) => `✓ ${label} (${detail})`,
    ambiguous: {
      customer: (text, _within) => `« ${text} » correspond à plusieurs clients. Lequel ?`,
      subscription: (text, within) =>
        text ? `${within || 'Ce client'} a plusieurs abonnements correspondant à « ${text} ». Lequel ?` : `${within || 'Ce client'} a plusieurs abonnements Azure. Lequel ?`,
      user: (text, within) => `« ${text} » correspond à plusieurs utilisateurs dans l'annuaire de ${within}. Lequel ?`,
      role: (text, within) => `« ${text} » correspond à plusieurs rôles sur ${within}. Lequel ?`,
    },
    didYouMean: 'Vouliez-vous dire l\'un de ceux-ci ?',
    choiceHint: 'Votre choix renvoie la demande en le précisant ; vous confirmerez encore avant que quoi que ce soit ne se passe.',
    missingCustomer: 'Chez quel client se trouve cet abonnement ? Par exemple : « … de Contoso ».',
    unclearDuration: (text) =>
      `Je ne sais pas quand « ${text} » se termine. Écrivez par exemple « pour 8 heures », « pour 2 jours » ou « jusqu'au 30/06/2025 18h » (un an au plus).`,
    statusOnlyApprovers: 'Seuls les approbateurs voient les demandes en attente d\'approbation.',
  },
  helpCard: {
    title: 'Ce que je sais faire',
    intro: 'J\'attribue des rôles Azure sur les abonnements de vos clients, après accord d\'un approbateur. Écrivez comme à un collègue, en français ou en anglais :',
    sections: [
      {
        heading: 'Demander un rôle',
        lines: [
          '• donne à Alice le rôle Contributeur sur l\'abonnement prod de Contoso',
          '• accorde Lecteur à bob@contoso.com sur Contoso Dev pour 8 heures',
          '• ajoute Alice comme Propriétaire sur le groupe de ressources rg-web de Contoso prod parce que INC123',
        ],
      },
      {
        heading: 'Autres demandes',
        lines: ['• retire à Bob le rôle Lecteur sur Contoso prod', '• qui a accès à l\'abonnement prod de Contoso ?', '• mes demandes · demandes en attente'],
      },
      {
        heading: 'Bon à savoir',
        lines: [
          'Rôles : Propriétaire, Contributeur, Lecteur, Administrateur de l\'accès utilisateur, Administrateur du contrôle d\'accès en fonction du rôle, formes courtes (« lecture seule », « UAA ») et les rôles propres au client par leur nom.',
          'Les personnes par nom, e-mail ou UPN ; les abonnements par nom ou identifiant. Si un nom en désigne plusieurs, je vous montre les choix. Rien ne change avant votre confirmation et l\'accord d\'un approbateur.',
        ],
      },
    ],
  },
  card: {
    title: 'Demande d\'accès Azure',
    requester: 'Demandé par',
    user: 'Utilisateur',
    role: 'Rôle',
    customer: 'Client',
    subscription: 'Abonnement',
    scope: 'Étendue',
    justification: 'Justification',
    approvals: 'Approbations',
    status: 'Statut',
    confirm: 'Confirmer',
    cancel: 'Annuler',
    approve: 'Approuver',
    reject: 'Rejeter',
    commentPlaceholder: 'Commentaire (facultatif)',
    confirmPrompt: 'Est-ce correct ? Confirmez pour l\'envoyer en approbation.',
    until: 'Jusqu\'au',
    untilValue: (end) => `${end} — puis je le retire`,
    approvePrompt: 'Merci d\'approuver ou de rejeter cette demande.',
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
    rejected: 'Rejetée',
    failed: 'Échec',
    timed_out: 'Expirée sans décision',
  },
  refusal: {
    not_requester: 'Seule la personne qui a fait cette demande peut faire cela.',
    not_approver: 'Seuls les approbateurs peuvent approuver ou rejeter une demande.',
    self_approval: 'Vous ne pouvez pas approuver ni rejeter votre propre demande.',
    already_voted: 'Vous avez déjà statué sur cette demande.',
    not_allowed_in_state: 'Cette demande a déjà avancé ; voici son état actuel.',
    system_only: 'Seul le bot peut faire cela.',
    not_found: 'Je ne trouve pas cette demande.',
    invalid_action: 'Ce bouton n\'est plus valide.',
    forbidden_by_policy: 'La politique du partenaire n\'autorise pas ce rôle chez ce client.',
    justification_required: 'Cette demande doit être justifiée : refaites-la en ajoutant « parce que … » à la fin.',
    store_unavailable: 'Je n\'ai pas pu enregistrer cette décision : rien n\'a été modifié et aucun accès n\'a été accordé. Réessayez dans quelques minutes.',
    alreadyDecidedBy: (state, who) => `Déjà décidé : ${state} par ${who}.`,
  },
  outcome: {
    created: (user, role, subscription) => `C'est fait : ${user} a maintenant le rôle ${role} sur ${subscription}.`,
    alreadyExisted: (user, role, subscription) => `${user} avait déjà le rôle ${role} sur ${subscription} ; rien à changer.`,
    failed: (user, role, subscription, reason) => `Je n'ai pas pu donner le rôle ${role} à ${user} sur ${subscription} : ${reason}`,
    rejected: (by, comment) => `Rejetée par ${by}${comment ? ` : « ${comment} »` : '.'}`,
    cancelled: (by) => `Annulée par ${by}.`,
    approvedBy: (names) => `Approuvée par ${names}.`,
  },
  failureReason: {
    AuthorizationFailed:
      'Azure a refusé : le bot ne peut pas (ou plus) attribuer de rôles sur l\'abonnement de ce client. Avec GDAP, le groupe de sécurité de son compte de service doit être membre d\'Admin Agents, et Admin Agents doit être Propriétaire de l\'abonnement ; avec le modèle application, le principal de service de l\'application doit y avoir le rôle Administrateur du contrôle d\'accès en fonction du rôle. Renvoyez ensuite la demande.',
    PrincipalNotFound: 'Azure ne connaissait toujours pas cet utilisateur après plusieurs minutes d\'essais (les nouveaux comptes peuvent mettre du temps à apparaître dans Azure). Renvoyez la demande plus tard.',
    RoleAssignmentLimitExceeded: 'l\'abonnement a atteint la limite d\'attributions de rôle d\'Azure. Le client doit supprimer des attributions inutilisées (ou passer par des groupes) avant d\'en ajouter une autre.',
    RoleAssignmentUpdateNotPermitted: 'Azure a déjà une autre attribution de rôle sous le nom de cette demande, et elle ne peut pas être modifiée. Rien n\'a été changé ; faites une nouvelle demande.',
    ArmUnavailable: 'Azure Resource Manager n\'a pas répondu, même après plusieurs essais. Renvoyez la demande dans quelques minutes.',
    ExpiredBeforeGranted: 'la durée demandée s\'est terminée avant l\'approbation ; rien n\'a été accordé.',
    PrincipalNotResolved:
      'une fois l\'annuaire du client lisible, je n\'y ai pas trouvé exactement un utilisateur portant le nom donné : rien n\'a été envoyé en approbation ni accordé. Refaites la demande : je vous montrerai les utilisateurs correspondants.',
    other: 'Azure a refusé la modification.',
  },
  expiry: {
    reminder: (user, role, subscription, endsAt) =>
      `Rappel : le rôle ${role} de ${user} sur ${subscription} se termine le ${endsAt}. S'il est encore nécessaire, refaites une demande (par exemple « donne à ${user} le rôle ${role} … pour 8 heures »).`,
    removed: (user, role, subscription) => `Le temps est écoulé : j'ai retiré le rôle ${role} à ${user} sur ${subscription}.`,
    kept: (user, role, subscription) => `Le temps est écoulé. ${user} avait déjà le rôle ${role} sur ${subscription} avant cette demande ; ce rôle reste en place.`,
  },
  relationship: {
    draftNote: (customer) =>
      `${customer} ne nous a pas encore donné accès à son locataire (aucune relation GDAP active). Si vous confirmez, je prépare la demande de relation pour son administrateur général ; cette demande attend ensuite son acceptation, puis part d'elle-même en approbation.`,
    waitingNote: (customer) => `En attente de l'acceptation de notre demande de relation par ${customer}. Je vérifie régulièrement et envoie cette demande en approbation dès qu'elle est acceptée.`,
    expired: (customer, days) =>
      `${customer} n'a pas accepté notre demande de relation en ${days} jours : cette demande est close et rien n'a été accordé. Refaites-la une fois la relation acceptée.`,
    accepted: (customer, user, role) => `${customer} a accepté notre demande de relation. Votre demande pour ${user} (${role}) est partie chez les approbateurs.`,
    reminder: (customer, days) =>
      `Rappel : ${customer} n'a pas encore accepté notre demande de relation (envoyée il y a ${days} jours). La voici de nouveau ; la demande sera close si elle n'est pas acceptée à temps.`,
    failed: (customer) =>
      `Je n'ai pas pu préparer la demande de relation pour ${customer} (Partner Center ou Microsoft Graph n'a pas répondu). Votre demande est conservée ; écrivez « envoie une demande de relation à ${customer} » pour réessayer.`,
    exists: (customer) => `Nous avons déjà avec ${customer} une relation active qui me permet d'y agir : aucune demande de relation à envoyer. Demandez l'accès directement.`,
    cardTitle: (customer) => `Demande de relation pour ${customer}`,
    introReseller: (customer) =>
      `${customer} doit accepter notre relation de revendeur avant que je puisse y attribuer des rôles. Envoyez l'invitation ci-dessous à son administrateur général.`,
    introGdap: (customer) =>
      `J'ai créé une relation GDAP avec ${customer} et l'ai verrouillée pour son approbation. Envoyez l'invitation ci-dessous à son administrateur général.`,
    waitingFor: (request) => `Demande en attente : ${request}. Elle part en approbation d'elle-même dès l'acceptation.`,
    linkLabel: 'Lien à envoyer (à copier tel quel)',
    emailHeading: 'Invitation prête à envoyer',
    subjectLabel: 'Objet',
    open: 'Ouvrir le lien',
    email: "Envoyer l'invitation par e-mail",
    emailOther: 'L\'envoyer en anglais',
    subject: (customer) => `Merci d'accepter notre demande de relation partenaire Microsoft – ${customer}`,
    bodyReseller: (customer, url, ask) =>
      `Bonjour,\n\nEn tant que fournisseur de solutions cloud (CSP) Microsoft, nous demandons à ${customer} d'accepter notre demande de relation partenaire. ` +
      `Elle fait de nous le revendeur de vos services cloud Microsoft, ce qu'il nous faut avant de pouvoir gérer vos accès Azure${ask ? ` (d'abord : ${ask})` : ''}.\n\n` +
      `Marche à suivre (par un administrateur général de ${customer} ; deux minutes) :\n1. Ouvrez ce lien, connecté avec votre compte d'administrateur général : ${url}\n2. Lisez la demande et acceptez-la.\n\n` +
      `Vous pouvez revoir ou supprimer cette relation à tout moment dans le centre d'administration Microsoft 365 (Paramètres > Relations avec les partenaires).\n\nMerci.`,
    bodyGdap: (customer, url, ask, roles, duration) =>
      `Bonjour,\n\nEn tant que fournisseur de solutions cloud (CSP) Microsoft, nous demandons à ${customer} d'approuver une relation GDAP (privilèges d'administration délégués granulaires). ` +
      `Elle ne nous donne que ces rôles Microsoft Entra : ${roles}, pour ${duration}, puis prend fin sauf renouvellement. Nous en avons besoin pour gérer vos accès Azure${ask ? ` (d'abord : ${ask})` : ''}.\n\n` +
      `Marche à suivre (par un administrateur général de ${customer}) :\n1. Ouvrez ce lien, connecté avec votre compte d'administrateur général : ${url}\n2. Vérifiez les rôles et la durée, puis approuvez.\n\n` +
      `Vous pouvez mettre fin à la relation à tout moment dans le centre d'administration Microsoft 365 (Paramètres > Relations avec les partenaires).\n\nMerci.`,
    days: (days) => `${days} jours`,
  },
  readiness: {
    noRelationship: (customer) =>
      `Nous n'avons aucune relation avec ${customer} qui me permette d'agir dans son locataire (ni relation GDAP active, ni droits d'administration délégués). Son administrateur général doit accepter notre demande de relation : envoyez « envoie une demande de relation à ${customer} » pour l'obtenir.`,
    noGroupAssignment: (customer, groups) =>
      `Notre relation GDAP avec ${customer} est active, mais aucune de ses attributions d'accès ne donne de rôle à un groupe de sécurité dont le compte de service du bot est membre. Un administrateur du partenaire doit ajouter une attribution d'accès pour ${groups} avec le rôle Directory Readers (Lecteurs de répertoire) (Espace partenaires > Clients > ${customer} > Relations d'administration).`,
    noDirectoryRoleAssign: (customer, role, groups) =>
      `Je ne peux pas lire l'annuaire de ${customer} : les rôles que notre relation GDAP donne à ${groups} ne comprennent aucun rôle de lecture de l'annuaire. Un administrateur du partenaire doit ajouter ${role} à l'attribution d'accès de ${groups} pour ${customer} (Espace partenaires > Clients > ${customer} > Relations d'administration).`,
    noDirectoryRoleRelationship: (customer, role, groups) =>
      `Je ne peux pas lire l'annuaire de ${customer} : notre relation GDAP avec ${customer} ne comprend aucun rôle de lecture de l'annuaire. ${customer} doit approuver une relation GDAP qui comprend ${role} (envoyez « envoie une demande de relation à ${customer} »), et son attribution d'accès doit donner ${role} à ${groups}.`,
    noAzureRightsDelegated: (customer, subscription, groups) =>
      `Le compte de service du bot ne peut pas attribuer de rôles sur ${subscription} (${customer}). Avec GDAP, les droits Azure viennent du groupe Admin Agents du partenaire, Propriétaire des abonnements Azure du client : ${groups} doit être membre d'Admin Agents, et Admin Agents doit toujours être Propriétaire de ${subscription} (le client a pu le retirer ; un Propriétaire de cet abonnement peut le rétablir).`,
    noAzureRightsApp: (customer, subscription, appId) =>
      `L'application du bot ne peut pas attribuer de rôles sur ${subscription} (${customer}). Un Propriétaire de cet abonnement (le client, ou un agent administrateur) doit donner au principal de service de l'application (ID d'application ${appId}) le rôle Administrateur du contrôle d'accès en fonction du rôle (Role Based Access Control Administrator) sur ${subscription}, limité aux rôles que la politique du partenaire autorise et aux utilisateurs.`,
    subscriptionGone: (customer, subscription) => `Azure ne connaît plus l'abonnement ${subscription} de ${customer} (résilié ou déplacé) : aucun rôle ne peut y être attribué. Rien n'a été demandé.`,
    subscriptionInactive: (customer, subscription, status) => `D'après l'Espace partenaires, l'abonnement ${subscription} de ${customer} est à l'état « ${status} » : aucun rôle ne peut y être attribué. Rien n'a été demandé.`,
    notConsentedApp: (customer, url) =>
      `L'application du bot n'a pas le consentement de l'annuaire de ${customer} (il lui faut l'autorisation d'application User.Read.All). Un administrateur général ou administrateur de rôle privilégié de ${customer} doit ouvrir ce lien et accepter : ${url}`,
    notConsentedDelegated: (customer, url) =>
      `L'application du bot n'a pas le consentement de l'annuaire de ${customer}, et je n'ai pas pu le donner via l'Espace partenaires (il faut pour cela le rôle Cloud Application Administrator dans notre relation GDAP avec ce client). Un administrateur général de ${customer} peut donner son consentement avec ce lien : ${url}`,
    signInRequired:
      'Je ne peux pas joindre Microsoft au nom du partenaire pour le moment : la connexion du compte de service du bot a expiré ou a été révoquée. Les approbateurs savent comment la renouveler ; refaites la demande ensuite.',
    appCredentialInvalid:
      'Microsoft a refusé les informations d\'identification de l\'application du bot (secret client ou certificat erroné ou expiré). Un administrateur du partenaire doit les renouveler (AZURE_CLIENT_SECRET ou le certificat) puis redémarrer le bot.',
    missingRelationshipUrl: (customer) =>
      `${customer} doit d'abord accepter notre relation de revendeur, mais le paramètre RELATIONSHIP_REQUEST_URL n'est pas défini : je n'ai aucun lien à lui donner. Un administrateur du partenaire doit copier le lien de demande de relation depuis l'Espace partenaires (Clients > Demander une relation de revendeur) dans le paramètre RELATIONSHIP_REQUEST_URL.`,
    missingSecurityGroups: (customer) =>
      `${customer} a approuvé notre relation GDAP, mais le paramètre GDAP_SECURITY_GROUPS n'est pas défini : je ne peux pas donner ses rôles à un groupe de sécurité du partenaire. Un administrateur du partenaire doit y mettre l'ID d'objet du groupe de sécurité dont le compte de service du bot est membre (le groupe imbriqué dans Admin Agents), puis redémarrer le bot ; les demandes en attente reprennent ensuite.`,
    refused: (customer, service, code) =>
      `${service} a refusé le bot${customer ? ` pour ${customer}` : ''} (${code}). Rien n'a été modifié. Un administrateur du partenaire doit vérifier l'accès du bot${customer ? ` à ${customer}` : ''}.`,
    group: (name, id) => `le groupe de sécurité « ${name} » (${id})`,
    unnamedGroup: (id) => `le groupe de sécurité ${id}`,
    noGroup: 'le groupe de sécurité dont le compte de service du bot est membre (indiquez son ID d\'objet dans GDAP_SECURITY_GROUPS)',
    and: ' et ',
    draftWaits: 'Si vous confirmez, cette demande attend que ce soit fait, puis part en approbation d\'elle-même.',
    waitingNote: 'Cette demande attend que ce soit fait ; je vérifie régulièrement et l\'envoie en approbation dès que c\'est le cas.',
    waitingState: 'En attente de l\'accès du bot au client',
    waitingToRequester: (customer, user, role, what) => `Votre demande pour ${user} (${role}) sur ${customer} est en attente. ${what}`,
    lookedUpLater: (name, customer) => `${name} (recherché dans l'annuaire de ${customer} dès que je pourrai le lire)`,
    forApprovers: (customer, requester, what) => `Action requise pour ${customer}${requester ? ` (demande de ${requester})` : ''} : ${what}`,
    signInRequiredApprovers:
      'Action requise : la connexion partenaire du bot (le jeton d\'actualisation du compte de service) a expiré ou a été révoquée ; il ne peut plus joindre l\'Espace partenaires, Graph ni Azure. Sur l\'hôte du bot, lancez « npm run consent » et connectez-vous avec le compte de service, avec MFA. Les demandes en attente restent en attente et reprennent ensuite.',
    signInRestored: 'La connexion partenaire du bot fonctionne de nouveau : les demandes en attente reprennent.',
  },
};
