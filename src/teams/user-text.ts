// Text from people and directories made inert before Teams shows it to someone else: words only, never markup or links.
//
// Teams reads message text and Adaptive Card TextBlock / Fact values as Markdown (links, emphasis, lists), message text
// also as HTML, and it turns URLs into links by itself. So another person's words are escaped with backslashes
// (CommonMark: shown as the character itself), "<" and ">" become entities, and what a linkifier would catch is
// defanged the way security teams write it ("https[:]//evil[.]example"). The escaping is chosen so that even a
// renderer ignoring backslashes cannot build a link: every "(" and "]" is preceded by a backslash, so "](" never occurs.

/** Characters Markdown gives a meaning to anywhere in a line. */
const INLINE = /[\\`*_~[\]()|]/g;
/** Direction overrides and isolates (a name that reads backwards), and control characters. */
const INVISIBLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** "https://host", "ftp://host", "anything://host": the scheme and the host, up to the path. */
const SCHEME_HOST = /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s/?#]*)/gi;
const WWW_HOST = /\bwww\.([^\s/?#]*)/gi;
/** A host name a linkifier would take for a link ("evil.example/login"); not the domain of an e-mail address. */
const BARE_HOST = /(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi;

const defangDots = (host: string): string => host.replace(/\./g, '[.]');

/** The common part: one line, no invisible tricks, links defanged, Markdown and HTML escaped. */
function inert(text: string, bareHosts: boolean): string {
  let out = text
    .normalize('NFC')
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  // "scheme://host…" → "scheme[:]//host[.]…", "www.host" → "www[.]host"
  out = out.replace(SCHEME_HOST, (_all, scheme: string, host: string) => `${scheme}[:]//${defangDots(host)}`);
  out = out.replace(WWW_HOST, (_all, host: string) => `www[.]${defangDots(host)}`);
  if (bareHosts) out = out.replace(BARE_HOST, defangDots);
  return out
    .replace(INLINE, (ch) => `\\${ch}`)
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^([#+-]|\d+[.)])/, '\\$1');
}

/** A name from a directory, Partner Center or Teams (a person, customer, subscription, role): shown as written, inert. */
export const inertName = (text: string): string => inert(text, false);

/**
 * Words a person typed for someone else to read (a justification, a comment): inert like a name, and host names
 * without a scheme are defanged too ("evil.example/login" → "evil[.]example/login"), since Teams links those as well.
 */
export const inertText = (text: string): string => inert(text, true);
