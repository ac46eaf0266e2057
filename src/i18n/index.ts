// Picks the words for a locale.
import type { Locale } from '../domain/access-request';
import { en, type Messages } from './en';
import { fr } from './fr';

export type { Messages };
export const messagesFor = (locale: Locale): Messages => (locale === 'fr' ? fr : en);

/** A Teams locale such as "fr-FR" or "en-US" → the bot's locale. */
export const localeOf = (teamsLocale: string | undefined): Locale => (teamsLocale?.toLowerCase().startsWith('fr') ? 'fr' : 'en');
