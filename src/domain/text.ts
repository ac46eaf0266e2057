// Folding text for comparison: lower case, accents off, one kind of apostrophe, single spaces.

/** "Propriétaire  d’Accès" → "proprietaire d'acces". Length may change (accents removed), so never index into the original with it. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** Folds one character at a time so positions in the result match positions in `text` (accents off, lower case). */
export function foldSameLength(text: string): string {
  let out = '';
  for (const ch of text) {
    const folded = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const one = folded.length === 1 ? folded : ch.length === 1 ? ch.toLowerCase().slice(0, 1) : ch;
    out += /[’‘`´]/.test(one) ? "'" : one;
  }
  return out;
}
