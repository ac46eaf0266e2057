// Folding text for comparison: lower case, accents off, one kind of apostrophe, single spaces.

/** Nothing but ASCII (no accent to take off, no curly apostrophe): the folds take a shortcut. */
const ASCII = /^[ -~\t\n\r]*$/;

/** "Propriétaire  d’Accès" → "proprietaire d'acces". Length may change (accents removed), so never index into the original with it. */
export function foldText(text: string): string {
  // Plain ASCII has no accents to take off: the same result without decomposing (most messages and names).
  if (ASCII.test(text)) return text.toLowerCase().replace(/`/g, "'").replace(/\s+/g, ' ').trim();
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
  if (ASCII.test(text)) return text.toLowerCase().replace(/`/g, "'");
  let out = '';
  for (const ch of text) {
    const folded = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const one = folded.length === 1 ? folded : ch.length === 1 ? ch.toLowerCase().slice(0, 1) : ch;
    out += /[’‘`´]/.test(one) ? "'" : one;
  }
  return out;
}
