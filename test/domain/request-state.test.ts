// Every (state, event, actor kind) pair of the request state machine, the refused ones included.
import { REQUEST_STATES, type AccessRequest, type RequestState } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { transition, type Actor, type RequestEvent } from '../../src/domain/request-state';

const NOW = new Date('2026-11-25T10:00:00Z');
const user = (n: number) => ({ id: principalId(`5a0e0001-0000-4000-8000-00000000000${n}`), name: `User ${n}` });
const REQUESTER = user(1);

function request(state: RequestState, changes: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: requestId('11111111-1111-4111-8111-111111111111'),
    version: 3,
    state,
    action: 'grant',
    requester: REQUESTER,
    locale: 'en',
    customer: { tenantId: tenantId('c0000001-0000-4000-8000-000000000001'), name: 'Contoso' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001',
    principal: { id: principalId('c0000001-0000-4000-8000-0000000000a1'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: '/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
    requiredApprovals: 1,
    approvals: [],
    assignmentName: '22222222-2222-5222-8222-222222222222',
    expiresAt: '2026-11-25T18:00:00.000Z',
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    ...changes,
  };
}

type ActorKind = 'requester' | 'approver' | 'requester-approver' | 'other' | 'system';
const ACTORS: Record<ActorKind, Actor> = {
  requester: { kind: 'user', user: REQUESTER, isApprover: false },
  'requester-approver': { kind: 'user', user: REQUESTER, isApprover: true },
  approver: { kind: 'user', user: user(2), isApprover: true },
  other: { kind: 'user', user: user(4), isApprover: false },
  system: { kind: 'system' },
};
const EVENTS: Record<string, RequestEvent> = {
  confirm: { type: 'confirm' },
  cancel: { type: 'cancel' },
  approve: { type: 'approve' },
  reject: { type: 'reject', comment: 'no' },
  start_provisioning: { type: 'start_provisioning' },
  provisioned: { type: 'provisioned', outcome: { kind: 'created', assignmentId: '/x' } },
  provisioning_failed: { type: 'provisioned', outcome: { kind: 'failed', code: 'AuthorizationFailed', reason: 'no rights' } },
  time_out: { type: 'time_out' },
  confirm_without_relationship: { type: 'confirm', needsRelationship: true },
  relationship_sent: { type: 'relationship_sent', url: 'https://admin.microsoft.com/x' },
  relationship_accepted: { type: 'relationship_accepted' },
  relationship_reminded: { type: 'relationship_reminded' },
  waiting_for: { type: 'waiting_for', missing: { kind: 'no_azure_rights', model: 'delegated', groups: [{ id: '5a0e0002-0000-4000-8000-000000000004' }], appId: 'app' } },
  // The table's request names a looked-up user: there is nothing to leave unresolved (see the test below).
  principal_unresolved: { type: 'principal_unresolved', reason: 'no user matches "Nina"' },
  remind: { type: 'remind' },
  expire: { type: 'expire' },
  access_lost: { type: 'access_lost', missing: { kind: 'no_relationship', reseller: true } },
  removal_waiting: { type: 'removal_waiting', missing: { kind: 'no_relationship', reseller: true } },
};

/** The allowed moves; every pair not listed here must be refused. */
const ALLOWED: Record<string, RequestState> = {
  'draft|confirm|requester': 'pending_approval',
  'draft|confirm|requester-approver': 'pending_approval',
  'draft|cancel|requester': 'cancelled',
  'draft|cancel|requester-approver': 'cancelled',
  'awaiting_relationship|cancel|requester': 'cancelled',
  'awaiting_relationship|cancel|requester-approver': 'cancelled',
  'pending_approval|cancel|requester': 'cancelled',
  'pending_approval|cancel|requester-approver': 'cancelled',
  'pending_approval|approve|approver': 'approved',
  'pending_approval|reject|approver': 'rejected',
  'draft|time_out|system': 'timed_out',
  'draft|confirm_without_relationship|requester': 'awaiting_relationship',
  'draft|confirm_without_relationship|requester-approver': 'awaiting_relationship',
  'awaiting_relationship|relationship_sent|system': 'awaiting_relationship',
  'awaiting_relationship|relationship_accepted|system': 'pending_approval',
  'awaiting_relationship|relationship_reminded|system': 'awaiting_relationship',
  'awaiting_relationship|waiting_for|system': 'awaiting_relationship',
  'awaiting_relationship|time_out|system': 'timed_out',
  'pending_approval|time_out|system': 'timed_out',
  'approved|start_provisioning|system': 'provisioning',
  'provisioning|start_provisioning|system': 'provisioning',
  'provisioning|provisioned|system': 'active',
  'provisioning|provisioning_failed|system': 'failed',
  'active|remind|system': 'active',
  'active|expire|system': 'expired',
  'provisioning|access_lost|system': 'awaiting_relationship',
  // The table's requests are grants with an end: only the end's removal waits (a revoke's is tested below).
  'active|removal_waiting|system': 'active',
};

const cases = REQUEST_STATES.flatMap((state) => Object.keys(EVENTS).flatMap((event) => (Object.keys(ACTORS) as ActorKind[]).map((actor) => [state, event, actor] as const)));

describe('transition', () => {
  it.each(cases)('when the request is %s and %s comes from the %s, then the table decides', (state, event, actor) => {
    const result = transition(request(state), EVENTS[event] as RequestEvent, ACTORS[actor], NOW);
    const expected = ALLOWED[`${state}|${event}|${actor}`];
    if (expected) {
      expect(result).toMatchObject({ ok: true, request: { state: expected, version: 4, updatedAt: NOW.toISOString() } });
    } else {
      expect(result).toMatchObject({ ok: false, state });
    }
  });

  it('when the requester is also an approver, then approving their own request is refused as self-approval', () => {
    expect(transition(request('pending_approval'), { type: 'approve' }, ACTORS['requester-approver'], NOW)).toEqual({ ok: false, reason: 'self_approval', state: 'pending_approval' });
  });

  it('when two approvals are needed, then the first keeps it pending and the same approver cannot vote twice', () => {
    const first = transition(request('pending_approval', { requiredApprovals: 2 }), { type: 'approve' }, ACTORS.approver, NOW);
    if (!first.ok) throw new Error('first approval refused');
    expect(first.request.state).toBe('pending_approval');
    expect(transition(first.request, { type: 'approve' }, ACTORS.approver, NOW)).toMatchObject({ ok: false, reason: 'already_voted' });
    const second = transition(first.request, { type: 'approve' }, { kind: 'user', user: user(3), isApprover: true }, NOW);
    expect(second).toMatchObject({ ok: true, request: { state: 'approved' } });
  });

  it('when access is time-bound, then the reminder is recorded once and only time-bound access expires', () => {
    const reminded = transition(request('active'), { type: 'remind' }, ACTORS.system, NOW);
    expect(reminded).toMatchObject({ ok: true, request: { state: 'active', reminderSentAt: NOW.toISOString() } });
    if (!reminded.ok) throw new Error('reminder refused');
    expect(transition(reminded.request, { type: 'remind' }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    expect(transition(reminded.request, { type: 'expire' }, ACTORS.system, NOW)).toMatchObject({ ok: true, request: { state: 'expired' } });
    const permanent = request('active', { expiresAt: undefined });
    expect(transition(permanent, { type: 'remind' }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    expect(transition(permanent, { type: 'expire' }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
  });

  it('when the customer has no relationship yet, then Confirm waits for it, a reminder goes once, and acceptance starts the approval window', () => {
    const draft = request('draft', { relationship: { mode: 'reseller', url: 'https://pc.example/invite' } });
    const waiting = transition(draft, { type: 'confirm' }, ACTORS.requester, NOW);
    expect(waiting).toMatchObject({ ok: true, request: { state: 'awaiting_relationship', relationship: { url: 'https://pc.example/invite', since: NOW.toISOString() } } });
    if (!waiting.ok) throw new Error('confirm refused');
    expect(transition(waiting.request, { type: 'approve' }, ACTORS.approver, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    const reminded = transition(waiting.request, { type: 'relationship_reminded' }, ACTORS.system, NOW);
    if (!reminded.ok) throw new Error('reminder refused');
    expect(transition(reminded.request, { type: 'relationship_reminded' }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(transition(reminded.request, { type: 'relationship_accepted' }, ACTORS.system, later)).toMatchObject({
      ok: true,
      request: { state: 'pending_approval', pendingSince: later.toISOString(), relationship: { acceptedAt: later.toISOString(), remindedAt: NOW.toISOString() } },
    });
    const gdap = transition(waiting.request, { type: 'relationship_sent', url: 'https://admin.microsoft.com/#/x/rel-1', relationshipId: 'rel-1' }, ACTORS.system, NOW);
    expect(gdap).toMatchObject({ ok: true, request: { state: 'awaiting_relationship', relationship: { mode: 'gdap', relationshipId: 'rel-1', url: 'https://admin.microsoft.com/#/x/rel-1' } } });
  });

  it('when the user could not be looked up before the customer was ready, then nobody is asked to approve until they are found; not found ends it', () => {
    const waiting = request('awaiting_relationship', { principalQuery: 'Nina', principal: { id: principalId(''), displayName: 'Nina', userPrincipalName: '', principalType: 'User' }, relationship: { mode: 'gdap', since: NOW.toISOString() } });
    expect(transition(waiting, { type: 'relationship_accepted' }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    const nina = { id: principalId('c0000004-0000-4000-8000-0000000000f1'), displayName: 'Nina Patel', userPrincipalName: 'nina@northwindtraders.onmicrosoft.com', principalType: 'User' as const };
    const found = transition(waiting, { type: 'relationship_accepted', principal: nina }, ACTORS.system, NOW);
    expect(found).toMatchObject({ ok: true, request: { state: 'pending_approval', principal: nina } });
    expect(found.ok && 'principalQuery' in found.request).toBe(false);
    expect(transition(waiting, { type: 'principal_unresolved', reason: 'no user matches "Nina"' }, ACTORS.system, NOW)).toMatchObject({
      ok: true,
      request: { state: 'failed', outcome: { kind: 'failed', code: 'PrincipalNotResolved', reason: 'no user matches "Nina"' } },
    });
    expect(transition(waiting, { type: 'principal_unresolved', reason: 'x' }, ACTORS.requester, NOW)).toMatchObject({ ok: false, reason: 'system_only' });
  });

  it('when the request waits for something else than the relationship, then that is recorded on it', () => {
    const missing = { kind: 'no_directory_role' as const, role: 'Directory Readers', groups: [], inRelationship: false };
    expect(transition(request('awaiting_relationship', { relationship: { mode: 'gdap' } }), { type: 'waiting_for', missing }, ACTORS.system, NOW)).toMatchObject({ ok: true, request: { relationship: { mode: 'gdap', missing } } });
  });

  it('when the access to the customer is lost after approval, then the request waits afresh and its approvals must be given again; a removal never waits', () => {
    const accepted = { mode: 'gdap' as const, url: 'https://admin.microsoft.com/x', relationshipId: 'r1', since: '2026-11-20T09:00:00.000Z', acceptedAt: '2026-11-21T09:00:00.000Z', remindedAt: '2026-11-20T10:00:00.000Z' };
    const provisioning = request('provisioning', { approvals: [{ by: user(2), at: '2026-11-25T09:30:00.000Z' }], pendingSince: '2026-11-25T09:00:00.000Z', relationship: accepted });
    const lost = transition(provisioning, EVENTS.access_lost as RequestEvent, ACTORS.system, NOW);
    expect(lost).toMatchObject({ ok: true, request: { state: 'awaiting_relationship', approvals: [], relationship: { mode: 'gdap', since: NOW.toISOString(), missing: { kind: 'no_relationship' } } } });
    const waiting = lost.ok ? lost.request : provisioning;
    expect(waiting.relationship).toEqual({ mode: 'gdap', since: NOW.toISOString(), missing: { kind: 'no_relationship', reseller: true }, lostAt: NOW.toISOString() });
    expect(waiting.pendingSince).toBeUndefined();
    expect(transition(waiting, { type: 'relationship_accepted' }, ACTORS.system, NOW)).toMatchObject({ ok: true, request: { state: 'pending_approval', approvals: [] } });
    expect(transition({ ...provisioning, action: 'revoke' }, EVENTS.access_lost as RequestEvent, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
  });

  it('when a removal finds the access to the customer gone, then it waits in its state, recorded once per thing missing, and the wait ends with the removal', () => {
    const gone = { kind: 'no_relationship' as const, reseller: true };
    const revoking = { ...request('provisioning'), action: 'revoke' as const };
    const waiting = transition(revoking, { type: 'removal_waiting', missing: gone }, ACTORS.system, NOW);
    expect(waiting).toMatchObject({ ok: true, request: { state: 'provisioning', removalWait: { since: NOW.toISOString(), missing: gone } } });
    const waited = waiting.ok ? waiting.request : revoking;
    expect(transition(waited, { type: 'removal_waiting', missing: gone }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    const later = new Date(NOW.getTime() + 60_000);
    const other = { kind: 'no_group_assignment' as const, groups: [] };
    expect(transition(waited, { type: 'removal_waiting', missing: other }, ACTORS.system, later)).toMatchObject({ ok: true, request: { removalWait: { since: NOW.toISOString(), missing: other } } });
    const removed = transition(waited, { type: 'provisioned', outcome: { kind: 'removed' } }, ACTORS.system, later);
    expect(removed).toMatchObject({ ok: true, request: { state: 'revoked' } });
    expect(removed.ok && 'removalWait' in removed.request).toBe(false);
    const ended = transition({ ...request('active'), removalWait: { since: NOW.toISOString(), missing: gone } }, { type: 'expire' }, ACTORS.system, later);
    expect(ended.ok && ended.request.state === 'expired' && !('removalWait' in ended.request)).toBe(true);
    expect(transition({ ...request('active'), expiresAt: undefined }, { type: 'removal_waiting', missing: gone }, ACTORS.system, NOW)).toMatchObject({ ok: false, reason: 'not_allowed_in_state' });
    expect(transition(revoking, { type: 'removal_waiting', missing: gone }, ACTORS.requester, NOW)).toMatchObject({ ok: false, reason: 'system_only' });
  });

  it('when confirmed, then the approval window starts at that moment', () => {
    expect(transition(request('draft'), { type: 'confirm' }, ACTORS.requester, NOW)).toMatchObject({ ok: true, request: { pendingSince: NOW.toISOString() } });
  });
});
