// Turns what a sales agent typed (English or French) into a structured request, or says what is missing.
import type { Locale } from './access-request';
import { extractDuration } from './durations';
import { clean, detectLocale } from './message-text';
import { parseList } from './parse-list';
import { MAX_MESSAGE_CHARS, type ParsedMessage } from './parsed-message';
import { extractReasons, extractResourceGroup, withLimitFromReasons } from './read-reasons';
import { FRAMES, missingOf, readSlots, REVOKE_FRAMES, type Slots } from './read-slots';
import { readTarget } from './read-target';
import { canonicalRoleName } from './role-catalog';
import { foldText } from './text';
import { joinedRequest } from './unread-words';

export { clean, detectLocale } from './message-text';
export { completeWith } from './complete-answer';
export { MAX_MESSAGE_CHARS, type GrantRequest, type ListRequest, type MissingPiece, type ParsedMessage, type RevokeRequest, type TargetPhrase } from './parsed-message';
export { readTarget, type TargetReading } from './read-target';

const HELP = /^(?:help|aide|\?|\/help|what can you do|how does (?:this|it) work|how do i use (?:this|you)|commands|usage|menu|que sais-tu faire|que peux-tu faire|comment (?:[çc]a|cela) marche|comment t'utiliser|au secours|help me|besoin d'aide)$/i;

const STATUS_MINE = /^(?:(?:show|list|what are|check|see|get)\s+)?(?:the\s+)?(?:status(?: of)?\s+)?(?:my|mes)\s+(?:open\s+|pending\s+|current\s+|en cours\s+)?(?:requests?|demandes?|access requests?|demandes d'acc[eè]s)(?:\s+en cours)?$|^(?:status|statut|[ée]tat|where are my requests|o[uù] en sont mes demandes|what did i ask for|qu'ai-je demand[ée]|(?:quel est )?l'[ée]tat de mes demandes|(?:le )?statut de mes demandes|(?:montre|affiche|liste)(?:-moi)? mes demandes)$/i;
const STATUS_PENDING = /^(?:(?:show|list|what are|any|see)\s+)?(?:the\s+)?(?:pending|open|waiting)\s+(?:approvals?|requests?)(?:\s+for me)?$|^(?:what(?:'s| is) waiting for (?:my approval|me)|anything (?:for me )?to approve|what do i (?:need|have) to approve|(?:les )?(?:demandes|approbations) en attente(?: d'approbation)?|qu'est-ce que j'ai à approuver|qu'ai-je à approuver|(?:quelles sont les )?demandes à approuver|à approuver)$/i;

const GRANT_VERBS_EN = 'give|grant|assign|add|provide|set up|setup|put|allow|make|create|enable|onboard';
const GRANT_VERBS_FR = "donne|donner|donnez|accorde|accorder|accordez|attribue|attribuer|attribuez|ajoute|ajouter|ajoutez|mets|mettre|mettez|octroie|octroyer|affecte|affecter|assigne|assigner|fournis|fournir|cr[ée]e|cr[ée]er";
const REVOKE_VERBS_EN = 'revoke|remove|take away|take back|withdraw|delete|drop|retract|strip|unassign|kill|cancel';
const REVOKE_VERBS_FR = "retire|retirer|retirez|enl[eè]ve|enlever|enlevez|supprime|supprimer|supprimez|r[ée]voque|r[ée]voquer|r[ée]voquez|[oô]te|[oô]ter";
const NEED_EN = /^(.+?)\s+(?:needs|need|requires|wants|should get|should have|must have|has to have|needs to have|needs to get|needs to be|should be|must be|has to be)\s+(?:an?\s+)?(.+)$/i;
const NEED_FR = /^(.+?)\s+(?:a besoin|aurait besoin|doit avoir|devrait avoir|veut|voudrait|doit [êe]tre|devrait [êe]tre)\s+(?:(?:du|de la|de l'|des|de|d'|d'un|d'une|un|une)\s*)?(.+)$/i;

const EXTEND_EN = /^extend\s+(.+?)'s?\s+(?:access|role|rights)(?:\s+(?:on|to)\s+(.+?))?\s+(?:by|for)\s+(?:another\s+|an?\s+extra\s+|more\s+)?(.+)$/i;
const EXTEND_FR = /^prolonge[rz]?\s+l'acc[eè]s\s+(?:de\s+|d')(.+?)(?:\s+sur\s+(.+?))?\s+(?:de|pour)\s+(.+)$/i;
const MANAGE_EN = /^(?:let|allow)\s+(.+?)\s+(?:to\s+)?manage\s+(?:their|its|her|his)\s+(?:own\s+)?(.+?)(?:\s+(?:azure\s+)?subscription)?$/i;
const MANAGE_FR = /^(?:laisse|laissez|permets?\s+à|permettez\s+à)\s+(.+?)\s+(?:de\s+)?g[ée]rer\s+(?:son|sa|leur)\s+(?:propre\s+)?(?:abonnement\s+)?(.+)$/i;
/** "make Contoso's admin bob@contoso.com Owner of prod" */
const MAKE_ADMIN_EN = /^make\s+(.+?)'s?\s+(?:global\s+)?(?:admin|administrator|it\s+admin)\s+(\S+)\s+(?:an?\s+)?(.+?)\s+(?:of|on|for)\s+(?:their\s+|the\s+)?(.+?)(?:\s+subscription)?$/i;
const HISTORY_EN = /^(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:history|audit(?:\s+trail)?|log)\s+(?:of|for|on)\s+(?:the\s+)?(.+)$/i;
const HISTORY_FR = /^(?:montre(?:-moi)?\s+)?(?:l')?historique\s+(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d')(.+)$/i;

/** "send Northwind a relationship request", "invite Northwind to a GDAP relationship", "envoie une demande de relation à Northwind". */
const RELATIONSHIP_EN = /^(?:re-?send|send|email|e-mail|mail)\s+(.+?)\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+)?(?:partner\s+|reseller\s+|gdap\s+|delegated admin\s+)?(?:relationship|invitation)(?:\s+(?:request|invitation|link))?$/i;
const RELATIONSHIP_EN_TO = /^(?:re-?send|send|create|invite)\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+)?(?:partner\s+|reseller\s+|gdap\s+|delegated admin\s+)?(?:relationship(?:\s+(?:request|invitation|link))?|invitation)\s+(?:to|for|with)\s+(.+)$|^invite\s+(?!.*\b(?:as|to be)\b)(.+?)\s+to\s+(?:a\s+|our\s+)?(?:partner\s+|reseller\s+|gdap\s+)?relationship$/i;
const RELATIONSHIP_FR = /^(?:r?envoie|r?envoyer|envoyez|cr[ée]e|cr[ée]er)\s+(?:une\s+|la\s+)?(?:nouvelle\s+)?(?:demande|invitation)\s+de\s+relation(?:\s+(?:partenaire|revendeur|gdap))?\s+(?:[àa]\s+|au\s+|aux\s+|pour\s+)(?:l'|la\s+|le\s+)?(?:client\s+)?(.+)$|^invite\s+(.+?)\s+[àa]\s+une\s+relation(?:\s+(?:partenaire|revendeur|gdap))?$/i;

const REVOKE_VERB = new RegExp(`^(?:${REVOKE_VERBS_EN}|${REVOKE_VERBS_FR})\\b\\s*`, 'i');
const GRANT_VERB = new RegExp(`^(?:${GRANT_VERBS_EN}|${GRANT_VERBS_FR})\\b\\s*`, 'i');

export function parseMessage(written: string, fallbackLocale: Locale = 'en'): ParsedMessage {
  // Far over the cap, not even the markup is cleaned; the language is told from the start of the message.
  const tooLong = (): ParsedMessage => ({ kind: 'message_too_long', locale: detectLocale(written.slice(0, MAX_MESSAGE_CHARS), fallbackLocale), maxChars: MAX_MESSAGE_CHARS });
  if (written.length > 8 * MAX_MESSAGE_CHARS) return tooLong();
  // Composed form first: "Le\u0301a" (as some keyboards and macOS send it) is the same name as "Léa".
  const raw = written.normalize('NFC');
  const text = clean(raw).replace(/^([\p{L}]+)-(moi|nous)\b/iu, '$1 $2');
  if (text.length > MAX_MESSAGE_CHARS) return tooLong();
  const locale = detectLocale(text || raw, fallbackLocale);
  if (text === '' && /^\W*(?:thanks|thank you|thx|merci|ok|okay)\b/i.test(raw.trim())) return { kind: 'not_understood', locale };
  if (text === '' || HELP.test(text)) return { kind: 'help', locale };
  if (STATUS_PENDING.test(text)) return { kind: 'status', locale, which: 'pending' };
  if (STATUS_MINE.test(text)) return { kind: 'status', locale, which: 'mine' };

  const relationship = RELATIONSHIP_EN.exec(text) ?? RELATIONSHIP_EN_TO.exec(text) ?? RELATIONSHIP_FR.exec(text);
  const relationshipCustomer = (relationship?.[1] ?? relationship?.[2])?.replace(/'s$/i, '').replace(/^(?:the\s+)?customer\s+/i, '').trim();
  if (relationshipCustomer) return { kind: 'relationship_request', locale: RELATIONSHIP_FR.test(text) ? 'fr' : locale, customer: relationshipCustomer };

  const extend = EXTEND_EN.exec(text) ?? EXTEND_FR.exec(text);
  if (extend?.[1] && extend[3]) {
    const extendLocale = EXTEND_FR.test(text) ? 'fr' : locale;
    const { duration, rest } = extractDuration(`${extendLocale === 'fr' ? 'pour' : 'for'} ${extend[3]}`);
    // Anything after the length that is not part of it ("by 4 hours tomorrow") is a question, not a guess.
    if (duration && rest !== '') return { kind: 'unclear_duration', locale: extendLocale, text: extend[3] };
    if (duration) return { kind: 'extend', locale: extendLocale, principal: extend[1], duration, targets: extend[2] ? readTarget(extend[2]) : [] };
  }

  // Customer self-management: the customer's own user becomes Owner of their subscription (Owner policy applies).
  // These frames read the whole sentence, so the reasons and a time limit are taken out first (and kept) rather than
  // read as part of a name.
  const framedReasons = extractReasons(text);
  const framed = withLimitFromReasons(extractDuration(framedReasons.body), framedReasons.justification);
  const manage = MANAGE_EN.exec(framed.rest) ?? MANAGE_FR.exec(framed.rest);
  const admin = manage ? undefined : MAKE_ADMIN_EN.exec(framed.rest);
  if ((manage?.[1] && manage[2]) || (admin?.[1] && admin[2] && admin[3] && admin[4])) {
    if (framed.duration?.kind === 'unreadable') return { kind: 'unclear_duration', locale, text: framed.duration.text };
    const extras = {
      ...(framed.duration ? { duration: framed.duration } : {}),
      ...(framedReasons.justification ? { justification: framedReasons.justification } : {}),
      ...(framedReasons.ticket ? { ticket: framedReasons.ticket } : {}),
    };
    if (manage?.[1] && manage[2]) {
      const manageLocale = MANAGE_FR.test(framed.rest) ? 'fr' : locale;
      return { kind: 'missing', locale: manageLocale, action: 'grant', missing: 'principal', partial: { role: 'Owner', targets: readTarget(`${manage[1]} ${manage[2]}`), ...extras } };
    }
    if (admin?.[1] && admin[2] && admin[3] && admin[4]) {
      // "… Owner of prod resource group rg-web": the resource group narrows the grant, it is not part of the name.
      const where = extractResourceGroup(`on ${admin[4]}`);
      const subscription = where.body.replace(/^on\s+/i, '');
      const scoped = where.resourceGroup ? { resourceGroup: where.resourceGroup } : {};
      return { kind: 'grant', locale, principal: admin[2], role: canonicalRoleName(admin[3]), targets: [{ customer: admin[1], subscription }, ...readTarget(`${admin[1]} ${subscription}`)], ...scoped, ...extras };
    }
  }

  const history = HISTORY_EN.exec(text) ?? HISTORY_FR.exec(text);
  if (history?.[1]) return { kind: 'history', locale: HISTORY_FR.test(text) ? 'fr' : locale, targets: readTarget(history[1]) };

  const list = parseList(text, locale);
  if (list) return list;

  const verb = REVOKE_VERB.exec(text) ?? GRANT_VERB.exec(text);
  const need = verb ? undefined : (NEED_EN.exec(text) ?? NEED_FR.exec(text));
  if (!verb && !need) return { kind: 'not_understood', locale };
  const action: 'grant' | 'revoke' = verb && REVOKE_VERB.test(verb[0]) ? 'revoke' : 'grant';
  const afterVerb = verb ? text.slice(verb[0].length) : `${need?.[1] ?? ''} ${need?.[2] ?? ''}`.trim();

  const reasons = extractReasons(afterVerb);
  const timed = withLimitFromReasons(extractDuration(reasons.body), reasons.justification);
  const scoped = extractResourceGroup(timed.rest);
  const read = readSlots(scoped.body, action === 'grant' ? FRAMES : REVOKE_FRAMES, action === 'revoke');
  // Cutting a phrase out of the middle can join words that were apart; a name or role must be written as read.
  const folded = foldText(text);
  const slots: Slots = {
    ...(read.target ? { target: read.target } : {}),
    ...(read.principal && folded.includes(foldText(read.principal)) ? { principal: read.principal } : {}),
    ...(read.role && (read.roleText === undefined || folded.includes(foldText(read.roleText))) ? { role: read.role } : {}),
  };
  if (need && !slots.role && !slots.target) return { kind: 'not_understood', locale };
  const joined = joinedRequest(scoped.body, read.principal);
  if (joined) return { kind: 'several_requests', locale, text: joined };
  // A removal cannot end: the time written is named back, not dropped (a removal for good is not what was asked).
  if (action === 'revoke' && timed.duration) return { kind: 'timed_removal', locale, text: timed.duration.text };
  if (timed.duration?.kind === 'unreadable') return { kind: 'unclear_duration', locale, text: timed.duration.text };

  const readings = slots.target ? readTarget(slots.target) : [];
  if (readings.length === 0) delete slots.target;
  const missing = missingOf(action, slots, action === 'grant');
  const extras = {
    ...(scoped.resourceGroup ? { resourceGroup: scoped.resourceGroup } : {}),
    ...(timed.duration && action === 'grant' ? { duration: timed.duration } : {}),
    ...(reasons.justification ? { justification: reasons.justification } : {}),
    ...(reasons.ticket ? { ticket: reasons.ticket } : {}),
  };
  const customerMissing = readings.length > 0 && readings.every((r) => r.customer === '');
  if (missing || customerMissing) {
    const partial = {
      ...(slots.principal ? { principal: slots.principal } : {}),
      ...(slots.role ? { role: slots.role } : {}),
      ...(readings.length ? { targets: readings } : {}),
      ...extras,
    };
    if (!slots.principal && !slots.role && !slots.target && !verb) return { kind: 'not_understood', locale };
    return { kind: 'missing', locale, action, missing: missing ?? 'customer', partial };
  }
  const principal = slots.principal ?? '';
  if (action === 'revoke') return { kind: 'revoke', locale, principal, ...(slots.role ? { role: slots.role } : {}), targets: readings, ...extras };
  return { kind: 'grant', locale, principal, role: slots.role ?? '', targets: readings, ...extras };
}
