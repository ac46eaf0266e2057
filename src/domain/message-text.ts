// The words of a message before they are read: its language, and the text less Teams markup, greetings and politeness.
import type { Locale } from './access-request';

const FRENCH_WORDS =
  /(?:^|[\s'])(donne|donner|accorde|accorder|ajoute|ajouter|attribue|attribuer|affecte|mets|octroie|retire|retirer|enl[eè]ve|supprime|r[ée]voque|rôle|statut|sur|abonnement|bonjour|salut|aide|merci|qui|quels?|pour|pendant|parce|jusqu|besoin|acc[eè]s|mes|demandes|en attente|lecteur|contributeur|propri[ée]taire|stp|svp|heures?|jours?)(?=$|[\s,.!?'])|(?:^|\s)à\s|^l'|\sl'/i;
const ENGLISH_WORDS = /\b(give|grant|add|assign|make|needs?|help|who|on|the|please|to|remove|revoke|take|away|my|requests?|pending|status|role|for|hours?|days?|because|access|of|with|and)\b/i;

/** The user's language: French when French words are there, English when English ones are, else `fallback`. */
export function detectLocale(text: string, fallback: Locale = 'en'): Locale {
  const french = text.match(new RegExp(FRENCH_WORDS.source, 'gi'))?.length ?? 0;
  const english = text.match(new RegExp(ENGLISH_WORDS.source, 'gi'))?.length ?? 0;
  if (french === english) return fallback;
  return french > english ? 'fr' : 'en';
}

/** Tags of Teams' message HTML (and what rich-text clients add); anything else between "<" and ">" is text. */
const TEAMS_TAGS =
  /<\/?(?:p|div|span|br|at|a|b|i|u|s|strong|em|ul|ol|li|img|emoji|code|pre|blockquote|h[1-6]|table|thead|tbody|tr|td|th|hr|font|sub|sup|del|strike|ins|systemmessage|attachment|readonly)(?:\s+[a-z][\w:-]*\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=]+))*\s*\/?>/gi;

/** Removes what is not the request: Teams mentions, greetings, politeness, trailing punctuation, extra spaces. */
export function clean(text: string): string {
  let out = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<a\s[^>]*href="mailto:([^"]+)"[^>]*>[^<]*<\/a>/gi, ' $1 ')
    // Only the tags Teams puts in a message's HTML: "<for 8 hours>" typed by someone is words, not a tag to drop.
    .replace(TEAMS_TAGS, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const prefixes = [
    /^@\S+\s+/,
    /^(?:hi|hello|hey|yo|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut|coucou|hello there)\b(?:\s+(?:there|team|bot|all|tout le monde))?\s*[,!.]?\s*/i,
    /^(?:please|pls|plz|kindly|s'il te pla[iî]t|s'il vous pla[iî]t|stp|svp|merci de|merci d')\s*[,]?\s*/i,
    /^(?:can|could|would|will) you (?:please |kindly )?/i,
    /^(?:peux-tu|peux tu|pourrais-tu|pourrais tu|pouvez-vous|pouvez vous|pourriez-vous|pourriez vous|tu peux|vous pouvez)\s+(?:s'il te pla[iî]t\s+|stp\s+|svp\s+)?/i,
    /^(?:i'd like to|i would like to|i want to|i need to|i need you to|we need to|i'd like you to|let's|lets|je voudrais|je souhaite|j'aimerais|je veux|il faut|on doit|nous devons)\s+/i,
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of prefixes) {
      const next = out.replace(prefix, '');
      if (next !== out) {
        out = next.trim();
        changed = true;
      }
    }
  }
  return out
    .replace(/[\s,]*\b(?:please|pls|thanks|thank you|thx|merci(?: beaucoup)?|stp|svp|s'il te pla[iî]t|s'il vous pla[iî]t)\b[\s.!?]*$/i, '')
    .replace(/[\s.!?;:]+$/, '')
    .replace(/\s*\?\s*$/, '')
    .trim();
}
