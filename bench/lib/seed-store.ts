// Fills a SQLite store file with a partner's history before a bench starts the bot on it: requests with realistic
// bodies, their hash-chained audit entries, card messages and conversations — written with SQL on the file, not
// through the store's API, so the seeding survives the store's move to async ports. The one place that knows the
// table layout: if the store gains a column, teach `requestColumns` (below) what to put in it.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { AccessRequest, RequestState, Vote } from '../../src/domain/access-request';
import { dueAtOf } from '../../src/domain/due';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { AUDIT_GENESIS_HASH, canonicalJson, hashEntry } from '../../src/store/audit-chain';
import { openSqliteStore } from '../../src/store/sqlite-store';

export type SeedShape =
  /** Years of use: mostly finished requests, a fifth active, a few drafts and pending approvals, none due for hours. */
  | { readonly kind: 'history' }
  /** Every request pending approval; `due` of them waited longer than the approval window, the rest did not. */
  | { readonly kind: 'pending'; readonly due: number; readonly approvalTtlInMs: number };

export interface SeedPlan {
  readonly requests: number;
  /** The time the bench runs at (the bot's clock): due times are placed relative to it. */
  readonly now: Date;
  readonly shape: SeedShape;
}

export interface SeedReport {
  readonly requests: number;
  readonly audit: number;
  readonly cards: number;
  readonly byState: Partial<Record<RequestState, number>>;
  readonly ms: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Creates the store's schema (by opening it as the bot would), then writes the plan's rows in one transaction. */
export async function seedStore(path: string, plan: SeedPlan): Promise<SeedReport> {
  const started = Date.now();
  // The bot's own opener creates tables, indexes and triggers exactly as the bot expects them.
  // TODO(lead, store ports): when openSqliteStore returns the new `Store`, this line stays valid (close() may be async).
  await Promise.resolve(openSqliteStore(path).close());

  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insertRequest = requestInsert(db);
    const audit = auditAppender(db);
    const insertCard = db.prepare('INSERT OR IGNORE INTO card_messages (request_id, user_id, conversation_id, activity_id, role) VALUES (?, ?, ?, ?, ?)');
    const insertConversation = db.prepare(
      'INSERT OR REPLACE INTO conversations (user_id, channel_user_id, reference, locale, updated_at) VALUES (?, ?, ?, ?, ?)',
    );
    const byState: Partial<Record<RequestState, number>> = {};
    let cards = 0;
    db.transaction(() => {
      for (const person of PEOPLE) {
        const reference = { bot: { id: '28:csp-access-bot', name: 'CSP Access Bot' }, conversation: { id: `a:seed-personal-${person.index}`, conversationType: 'personal', tenantId: PARTNER_TENANT }, channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', user: { id: `29:seed-${person.index}`, name: person.user.name, aadObjectId: person.user.id } };
        insertConversation.run(person.user.id, `29:seed-${person.index}`, JSON.stringify(reference), person.index % 5 === 0 ? 'fr' : 'en', plan.now.toISOString());
      }
      for (let i = 0; i < plan.requests; i++) {
        const { request, trail } = makeRequest(i, plan);
        insertRequest(request);
        byState[request.state] = (byState[request.state] ?? 0) + 1;
        for (const entry of trail) audit(entry);
        const requesterPerson = PEOPLE.find((p) => p.user.id === request.requester.id);
        insertCard.run(request.id, request.requester.id, `a:seed-personal-${requesterPerson?.index ?? 0}`, `1:${hex(i, 'card')}`, 'requester');
        cards++;
        if (request.state !== 'draft') {
          for (const approverId of APPROVER_IDS) {
            insertCard.run(request.id, approverId, `a:seed-approver-${approverId.slice(-1)}`, `1:${hex(i, approverId)}`, 'approver');
            cards++;
          }
        }
      }
    })();
    const auditCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit').get()?.n ?? 0;
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { requests: plan.requests, audit: auditCount, cards, byState, ms: Date.now() - started };
  } finally {
    db.close();
  }
}

/**
 * The INSERT for `requests`, built from the table's columns as they are: the known ones are filled, and a new NOT
 * NULL column without a default stops the seeding with its name (rather than seeding something the bot misreads).
 */
function requestInsert(db: Database.Database): (request: AccessRequest) => void {
  const columns = db.prepare<[], { name: string; notnull: number; dflt_value: unknown; pk: number }>("SELECT name, \"notnull\", dflt_value, pk FROM pragma_table_info('requests')").all();
  const requestColumns: Record<string, (request: AccessRequest) => string | number | null> = {
    id: (r) => r.id,
    version: (r) => r.version,
    state: (r) => r.state,
    body: (r) => JSON.stringify(r),
    updated_at: (r) => r.updatedAt,
    created_at: (r) => r.createdAt,
    // The due time periodic jobs select on (src/domain/due.ts), under whichever name the store gives its column.
    due_at: (r) => dueAtOf(r) ?? null,
    due: (r) => dueAtOf(r) ?? null,
  };
  const unknown = columns.filter((c) => !(c.name in requestColumns) && c.notnull === 1 && c.dflt_value === null && c.pk === 0);
  if (unknown.length > 0) throw new Error(`bench/lib/seed-store.ts: the requests table has new required columns (${unknown.map((c) => c.name).join(', ')}); say in requestColumns how to fill them`);
  const used = columns.filter((c) => c.name in requestColumns).map((c) => c.name);
  const statement = db.prepare(`INSERT INTO requests (${used.join(', ')}) VALUES (${used.map(() => '?').join(', ')})`);
  const fill = used.map((name) => requestColumns[name] as (request: AccessRequest) => string | number | null);
  return (request) => void statement.run(...fill.map((f) => f(request)));
}

interface TrailEntry { readonly requestId: string; readonly event: string; readonly actor: string; readonly at: string; readonly detail: Record<string, unknown>; readonly customer: AccessRequest['customer'] }

/** Appends entries to the audit chain as the store does (seq, prev_hash → hash), continuing whatever is there. */
function auditAppender(db: Database.Database): (entry: TrailEntry) => void {
  const last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const insert = db.prepare(
    'INSERT INTO audit (seq, request_id, event, actor, at, detail, customer_tenant_id, customer_name, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return (entry) => {
    seq++;
    const detailText = canonicalJson(entry.detail);
    const fields = { seq, requestId: entry.requestId, event: entry.event, actor: entry.actor, at: entry.at, customerTenantId: entry.customer.tenantId, customerName: entry.customer.name, detail: JSON.parse(detailText) as unknown, prevHash };
    const hash = hashEntry(fields);
    insert.run(seq, entry.requestId, entry.event, entry.actor, entry.at, detailText, entry.customer.tenantId, entry.customer.name, prevHash, hash);
    prevHash = hash;
  };
}

/** A stable GUID-shaped id from a number and a salt (the same plan seeds the same file). */
function hex(i: number, salt: string): string {
  const h = createHash('sha1').update(`${salt}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const PARTNER_TENANT = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const APPROVER_IDS = ['5a0e0001-0000-4000-8000-000000000002', '5a0e0001-0000-4000-8000-000000000003'];
const FIRST = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Grace', 'Hugo', 'Inès', 'Jonas', 'Keiko', 'Liam'];
const LAST = ['Martin', 'Nguyen', 'Okafor', 'Petit', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga'];
const PEOPLE = Array.from({ length: 60 }, (_, index) => ({
  index,
  user: { id: principalId(hex(index, 'agent')), name: `${FIRST[index % FIRST.length] ?? 'Sam'} ${LAST[index % LAST.length] ?? 'Seller'}` },
}));
const APPROVERS = APPROVER_IDS.map((id, n) => ({ id: principalId(id), name: n === 0 ? 'Ada Approver' : 'Alex Approver' }));
const COMPANIES = ['Contoso', 'Fabrikam', 'Northwind Traders', 'Tailspin Toys', 'Wingtip Toys', 'Adventure Works', 'Alpine Ski House', 'Blue Yonder Airlines', 'Coho Winery', 'Datum Corporation', 'Fourth Coffee', 'Litware Health', 'Lucerne Publishing', 'Margie Travel', 'Proseware', 'Relecloud', 'Southridge Video', 'Trey Research', 'VanArsdel', 'Woodgrove Bank'];
const ENVS = ['prod', 'dev', 'test', 'staging', 'sandbox'];
const ROLES = [
  { name: 'Reader', guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' },
  { name: 'Contributor', guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c' },
  { name: 'Virtual Machine Contributor', guid: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c' },
  { name: 'Storage Blob Data Reader', guid: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' },
  { name: 'Owner', guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' },
];
const REASONS = ['migration of the billing database', 'incident 4711: VM does not start', 'quarterly cost review', 'new landing zone', undefined, undefined];

/** What share of a partner's history each state holds (sums to 100), for the `history` shape. */
const HISTORY_MIX: readonly (readonly [RequestState, number])[] = [
  ['expired', 30], ['revoked', 10], ['cancelled', 10], ['rejected', 8], ['timed_out', 8], ['failed', 5],
  ['active', 20], ['draft', 6], ['pending_approval', 3],
];

function stateFor(i: number, plan: SeedPlan): RequestState {
  if (plan.shape.kind === 'pending') return 'pending_approval';
  let slot = (i * 37) % 100; // spreads states evenly over the ids
  for (const [state, share] of HISTORY_MIX) {
    if (slot < share) return state;
    slot -= share;
  }
  return 'expired';
}

/** Request number `i` of the plan, as the bot would have stored it after its last change, and its audit trail. */
function makeRequest(i: number, plan: SeedPlan): { request: AccessRequest; trail: TrailEntry[] } {
  const now = plan.now.getTime();
  const timeBound = i % 3 !== 0;
  const drawn = stateFor(i, plan);
  // Only time-bound access expires; the rest of that share was removed by hand.
  const state: RequestState = drawn === 'expired' && !timeBound ? 'revoked' : drawn;
  const person = PEOPLE[i % PEOPLE.length] ?? { index: 0, user: { id: principalId(hex(0, 'agent')), name: 'Sam Seller' } };
  const approver = APPROVERS[i % APPROVERS.length] ?? { id: principalId(APPROVER_IDS[0] ?? ''), name: 'Ada Approver' };
  const company = `${COMPANIES[i % COMPANIES.length] ?? 'Contoso'} ${Math.floor(i / COMPANIES.length) % 50}`;
  const env = ENVS[i % ENVS.length] ?? 'prod';
  const role = ROLES[i % 7 === 0 ? 4 : i % 4] ?? { name: 'Reader', guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' };
  const customerTenant = tenantId(hex(i % 1000, 'tenant'));
  const subscription = subscriptionId(hex(i % 5000, 'subscription'));
  const first = FIRST[(i * 7) % FIRST.length] ?? 'Alice';
  const last = LAST[(i * 3) % LAST.length] ?? 'Martin';
  const reason = REASONS[i % REASONS.length];
  const id = requestId(hex(i, 'request'));

  // When it was asked: spread over two years for history; for pending, inside or past the approval window.
  let createdAt: number;
  if (plan.shape.kind === 'pending') {
    const ttl = plan.shape.approvalTtlInMs;
    createdAt = i < plan.shape.due ? now - ttl - HOUR - i * 60_000 : now - (((i * 7919) % 1000) / 1000) * (ttl / 2) - 60_000;
  } else if (state === 'active' || state === 'pending_approval' || state === 'draft') {
    createdAt = state === 'pending_approval' ? now - (((i * 7919) % 1000) / 1000) * 6 * HOUR - 60_000 : now - (1 + (i % 60)) * DAY;
  } else {
    createdAt = now - 2 * 365 * DAY + (i % 700) * DAY + (i % 1440) * 60_000;
  }
  const at = (offset: number) => new Date(createdAt + offset).toISOString();
  const vote: Vote = { by: approver, at: at(2 * HOUR), ...(i % 5 === 0 ? { comment: 'ok for this week' } : {}) };
  const base: AccessRequest = {
    id,
    version: 1,
    state: 'draft',
    action: i % 25 === 24 ? 'revoke' : 'grant',
    requester: person.user,
    locale: person.index % 5 === 0 ? 'fr' : 'en',
    customer: { tenantId: customerTenant, name: company },
    subscription: { id: subscription, name: `${company} ${env}` },
    scope: `/subscriptions/${subscription}${i % 6 === 0 ? `/resourceGroups/rg-${env}-${i % 40}` : ''}`,
    principal: { id: principalId(hex(i % 20000, 'principal')), displayName: `${first} ${last}`, userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}@${company.split(' ')[0]?.toLowerCase() ?? 'contoso'}${i % 1000}.onmicrosoft.com`, principalType: 'User' },
    role: { definitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role.guid}`, name: role.name },
    ...(reason ? { justification: reason } : {}),
    requiredApprovals: role.name === 'Owner' ? 2 : 1,
    approvals: [],
    assignmentName: hex(i, 'assignment'),
    ...(timeBound ? { expiresAt: at(8 * HOUR), timeZone: person.index % 5 === 0 ? 'Europe/Paris' : 'Europe/London' } : {}),
    createdAt: at(0),
    updatedAt: at(0),
  };
  const text = base.locale === 'fr'
    ? `donne à ${first} ${last} le rôle ${role.name} sur l'abonnement ${env} de ${company}${timeBound ? ' pour 8 heures' : ''}`
    : `give ${first} ${last} ${role.name} on ${company} ${env}${timeBound ? ' for 8 hours' : ''}`;
  const trail: TrailEntry[] = [];
  const log = (event: string, actor: string, offset: number, detail: Record<string, unknown>) =>
    trail.push({ requestId: id, event, actor, at: at(offset), detail, customer: base.customer });
  const decisionDetail = { customer: customerTenant, subscription, role: role.name, principal: base.principal.id };
  log('requested', person.user.id, 0, { text, ...(base.expiresAt ? { expiresAt: base.expiresAt } : {}) });
  if (state === 'draft') return { request: base, trail };

  log('confirmed', person.user.id, 60_000, decisionDetail);
  const pending: AccessRequest = { ...base, version: 2, state: 'pending_approval', pendingSince: at(60_000), updatedAt: at(60_000) };
  if (state === 'pending_approval') return { request: pending, trail };
  if (state === 'cancelled') {
    log('cancelled', person.user.id, HOUR, decisionDetail);
    return { request: { ...pending, version: 3, state, cancelledBy: person.user, updatedAt: at(HOUR) }, trail };
  }
  if (state === 'timed_out') {
    log('timed_out', 'system', DAY + 60_000, decisionDetail);
    return { request: { ...pending, version: 3, state, updatedAt: at(DAY + 60_000) }, trail };
  }
  if (state === 'rejected') {
    log('rejected', approver.id, 2 * HOUR, { ...decisionDetail, comment: 'not without a ticket' });
    return { request: { ...pending, version: 3, state, rejection: { ...vote, comment: 'not without a ticket' }, updatedAt: at(2 * HOUR) }, trail };
  }
  log('approved', approver.id, 2 * HOUR, decisionDetail);
  const assignmentId = `${base.scope}/providers/Microsoft.Authorization/roleAssignments/${base.assignmentName}`;
  if (state === 'failed') {
    const outcome = { kind: 'failed', code: 'AuthorizationFailed', reason: 'The client does not have authorization to perform action' } as const;
    log('provisioning_failed', 'system', 2 * HOUR + 5_000, { ...outcome, attempts: 1, assignmentName: base.assignmentName, scope: base.scope });
    return { request: { ...pending, version: 5, state, approvals: [vote], outcome, updatedAt: at(2 * HOUR + 5_000) }, trail };
  }
  log('provisioned', 'system', 2 * HOUR + 5_000, { kind: 'created', assignmentId, attempts: 1, assignmentName: base.assignmentName, scope: base.scope });
  const active: AccessRequest = {
    ...pending, version: 5, state: 'active', approvals: [vote], outcome: { kind: 'created', assignmentId }, updatedAt: at(2 * HOUR + 5_000),
    // Active grants end days to weeks from now (never inside a bench, so no reminder or removal runs during it).
    ...(base.expiresAt ? { expiresAt: new Date(now + (7 + (i % 50)) * DAY).toISOString() } : {}),
  };
  if (state === 'active') return { request: active, trail };
  if (state === 'revoked') {
    log('revoked', person.user.id, 3 * DAY, { assignmentName: base.assignmentName, scope: base.scope });
    const { expiresAt: _ended, timeZone: _zone, ...removed } = active;
    return { request: { ...removed, version: 7, state, updatedAt: at(3 * DAY) }, trail };
  }
  log('expired', 'system', 8 * HOUR, { assignmentName: base.assignmentName, scope: base.scope });
  return { request: { ...active, version: 7, state: 'expired', expiresAt: at(8 * HOUR), reminderSentAt: at(7 * HOUR), updatedAt: at(8 * HOUR) }, trail };
}
