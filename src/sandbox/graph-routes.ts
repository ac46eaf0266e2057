// Microsoft Graph v1.0 users subset: list with $filter (startswith / eq, joined by or), $search, $select, $top, $count;
// groups and user actions are routed to graph-group-routes.ts.
import { headerValue, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SandboxState } from './state';
import type { SeedUser } from './seed';
import {
  asProperty, findUser, graphError, invalidSelect, parseSelect, project, resourceNotFound, userPage, USERS_CONTEXT, type UserProperty,
} from './graph-user-pages';
import { groupRoute, userActionRoute } from './graph-group-routes';
import { authorizeUserRead } from './graph-access';

const STARTSWITH_PROPS: readonly UserProperty[] = ['displayName', 'givenName', 'surname', 'userPrincipalName', 'mail'];

type Predicate = (u: SeedUser) => boolean;
const lower = (v: string | null): string => (v ?? '').toLowerCase();

/** Splits on a keyword (" or ", " and ") outside single-quoted OData string literals. */
function splitOutsideQuotes(text: string, keyword: RegExp): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === "'") inQuote = !inQuote;
    if (!inQuote) {
      const m = keyword.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

const LITERAL = "'((?:[^']|'')*)'";
const unquote = (literal: string): string => literal.replace(/''/g, "'");

/** Parses the $filter forms we support; undefined when the clause is not understood. */
function parseFilter(filter: string): Predicate | undefined {
  const clauses = splitOutsideQuotes(filter, /^\s+or\s+/i).map((clause): Predicate | undefined => {
    const starts = new RegExp(`^startswith\\(\\s*(\\w+)\\s*,\\s*${LITERAL}\\s*\\)$`, 'i').exec(clause);
    if (starts?.[1] !== undefined && starts[2] !== undefined) {
      const prop = asProperty(starts[1]);
      const value = unquote(starts[2]).toLowerCase();
      if (!prop || !STARTSWITH_PROPS.includes(prop)) return undefined;
      return (u) => lower(u[prop]).startsWith(value);
    }
    const eq = new RegExp(`^(\\w+)\\s+eq\\s+${LITERAL}$`, 'i').exec(clause);
    if (eq?.[1] !== undefined && eq[2] !== undefined) {
      const prop = asProperty(eq[1]);
      const value = unquote(eq[2]).toLowerCase();
      if (!prop) return undefined;
      return (u) => lower(u[prop]) === value;
    }
    return undefined;
  });
  if (clauses.some((c) => c === undefined)) return undefined;
  const predicates = clauses.filter((c): c is Predicate => c !== undefined);
  return (u) => predicates.some((p) => p(u));
}

/** $search="displayName:ali" [OR|AND "mail:x"]: word-prefix match, as Graph's tokenized search does. */
function parseSearch(search: string): Predicate | undefined {
  const terms = [...search.matchAll(/"(\w+):([^"]*)"|\s+(OR|AND)\s+/g)];
  if (terms.length === 0) return undefined;
  let result: Predicate | undefined;
  let join: 'OR' | 'AND' = 'OR';
  for (const t of terms) {
    if (t[3]) {
      join = t[3] === 'AND' ? 'AND' : 'OR';
      continue;
    }
    const prop = asProperty(t[1] ?? '');
    if (!prop) return undefined;
    const value = (t[2] ?? '').toLowerCase();
    const term: Predicate = (u) => lower(u[prop]).split(/[\s\-_.@]+/).some((word) => word.startsWith(value)) || lower(u[prop]).startsWith(value);
    const previous = result;
    result = previous === undefined ? term : join === 'AND' ? (u) => previous(u) && term(u) : (u) => previous(u) || term(u);
  }
  return result;
}

function listUsers(state: SandboxState, req: SandboxRequest): SandboxResponse {
  let users = state.usersOf(req.token.tenantId);
  const filter = req.query.get('$filter');
  if (filter !== null) {
    const predicate = parseFilter(filter);
    if (!predicate) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
    users = users.filter(predicate);
  }
  const search = req.query.get('$search');
  if (search !== null) {
    if (headerValue(req.headers, 'consistencylevel')?.toLowerCase() !== 'eventual') {
      return graphError(400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
    }
    const predicate = parseSearch(search);
    if (!predicate) return graphError(400, 'Request_UnsupportedQuery', `Syntax error: invalid $search query: ${search}`);
    users = users.filter(predicate);
  }
  const select = parseSelect(req);
  if (select === 'invalid') return invalidSelect();
  if (req.query.get('$orderby')?.trim().toLowerCase() === 'displayname') {
    users = [...users].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }
  return userPage(req, users, select);
}

/** Handles /v1.0/… paths; undefined when no route matches. */
export function graphRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  const [, collection, key, ...rest] = req.segments;
  if (collection?.toLowerCase() === 'groups') return groupRoute(state, req);
  if (collection?.toLowerCase() !== 'users') return undefined;
  if (key !== undefined && rest.length > 0) return userActionRoute(state, req);
  if (req.method !== 'GET') return undefined;
  const refused = authorizeUserRead(state, req);
  if (refused) return refused;
  if (key === undefined) return listUsers(state, req);
  const user = findUser(state, req, key);
  if (!user) return resourceNotFound(key);
  const select = parseSelect(req);
  if (select === 'invalid') return invalidSelect();
  const context = select ? `${USERS_CONTEXT}(${select.join(',')})/$entity` : `${USERS_CONTEXT}/$entity`;
  return json(200, { '@odata.context': context, ...project(user, select) });
}
