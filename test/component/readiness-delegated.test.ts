// Readiness in the delegated model (the partner service account, GDAP), through the real endpoint, a fake connector and
// the sandbox with its Entra: each customer's state gets its own answer, to the requester and to the approvers; what is
// ready is granted, what is missing is waited for.
import { request as httpsRequest } from 'node:https';
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const PARTNER_ID = '7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const CLOUD_APPLICATION_ADMINISTRATOR = '158c047a-c907-4556-b7ef-446551a6b5f7';

type Action = { type?: string; url?: string; verb?: string; data?: Record<string, unknown> };

describe('readiness, delegated model: each customer state has its own answer', () => {
  let h: Harness;
  const { opts, posts, textsTo, lastCard, samAsks, click } = conversation(() => h);
  const stateOf = async (id: string) => (await h.bot.store.requests.get(id as never))?.state;
  const assignmentsOf = (principalId: string, scope: string) =>
    h.sandbox.state.roleAssignments.filter((a) => a.principalId === principalId && a.scope === scope && a.roleDefinitionName === CONTRIBUTOR);


  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when Contoso has GDAP only (no DAP flag), then the request is granted end to end', async () => {
    expect(h.sandbox.state.customer('c0000001-0000-4000-8000-000000000001')?.allowDelegatedAccess).toBe(false);
    const { requestId } = await samAsks("give Alice Contributor on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);

    expect((await stateOf(requestId))).toBe('active');
    expect(assignmentsOf('c0000001-0000-4000-8000-0000000000a1', '/subscriptions/c0000001-5b50-4000-8000-000000000001')).toHaveLength(1);
  });

  it('when Contoso Pharma has legacy DAP and no GDAP, then the request is granted end to end', async () => {
    const { requestId } = await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);

    expect((await stateOf(requestId))).toBe('active');
    expect(assignmentsOf('c0000002-0000-4000-8000-0000000000e1', '/subscriptions/c0000002-5b50-4000-8000-000000000001')).toHaveLength(1);
  });

  it('when Tailspin\'s GDAP has no directory-reading role, then Sam and the approvers are told to get Directory Readers for the group, and the request waits', async () => {
    // Act: Sam asks (Tailspin's directory cannot be read: Tom is looked up later)
    const { card, requestId } = await samAsks('give Tom Contributor on Tailspin Toys Tailspin Web');

    // Assert: the draft names what is missing and what to do
    const draft = cardText(card);
    expect(draft).toContain("I cannot read Tailspin Toys's directory");
    expect(draft).toContain('Directory Readers');
    expect(draft).toContain(AZURE_MANAGERS);
    expect(draft).toContain('Tom (looked up in Tailspin Toys\'s directory once I may read it)');

    // Act: Sam confirms
    const confirmed = await click(SAM, 'confirm', requestId);

    // Assert: it waits; the approvers (who can fix it) hear it, in their language, naming the role and the group
    expect(confirmed).toContain('Waiting until the bot may act for the customer');
    expect((await stateOf(requestId))).toBe('awaiting_relationship');
    for (const approver of [ADA, ALEX]) {
      const told = textsTo(approver).filter((t) => t.startsWith('Action needed for Tailspin Toys'));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('Directory Readers');
      expect(told[0]).toContain(AZURE_MANAGERS);
    }
    expect(textsTo(SAM).some((t) => t.includes('Your request for Tom (Contributor) on Tailspin Toys waits'))).toBe(true);
    // Nobody was asked to approve anything, nothing was assigned
    expect(posts(ADA).some((a) => (cardOf(a)?.actions as Action[] | undefined)?.some((x) => x.verb === 'approve'))).toBe(false);
  });

  it('when Wingtip removed the Admin Agents\' Owner, then the answer names the group that must be under Admin Agents, to Sam and the approvers', async () => {
    const { card, requestId } = await samAsks('give Wanda Contributor on Wingtip Toys Wingtip Shop');

    const draft = cardText(card);
    expect(draft).toContain('Wanda Wright (wanda@wingtiptoys.onmicrosoft.com)');
    expect(draft).toContain('may not assign roles on Wingtip Shop (Wingtip Toys)');
    expect(draft).toContain(`the security group "Litware Azure Managers" (${AZURE_MANAGERS}) must be a member of Admin Agents`);

    await click(SAM, 'confirm', requestId);
    expect((await stateOf(requestId))).toBe('awaiting_relationship');
    expect(textsTo(ADA).filter((t) => t.startsWith('Action needed for Wingtip Toys') && t.includes('Admin Agents'))).toHaveLength(1);
  });

  it('when Northwind has no relationship, then a GDAP invitation goes out; once approved on the sandbox page its roles go to Azure Managers and the request is resumed and granted', async () => {
    // Act: Sam asks and confirms
    const { requestId } = await samAsks("give Nina Contributor on Northwind's subscription");
    await click(SAM, 'confirm', requestId);

    // Assert: one GDAP relationship with the default roles, locked for approval; Sam has its invitation
    const created = h.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId === 'c0000004-0000-4000-8000-000000000004');
    expect(created).toHaveLength(1);
    const relationship = created[0];
    expect(relationship?.status).toBe('approvalPending');
    expect([...(relationship?.roles ?? [])].sort()).toEqual([DIRECTORY_READERS, CLOUD_APPLICATION_ADMINISTRATOR].sort());
    const invitation = cardText(lastCard(SAM));
    expect(invitation).toContain('Relationship request for Northwind Traders');
    expect(invitation).toContain(`granularAdminRelationships/${relationship?.id ?? ''}`);
    expect((await stateOf(requestId))).toBe('awaiting_relationship');

    // Act: the customer's global administrator approves on the sandbox's page; the watcher checks, and again 5 minutes later
    const page = await acceptOnSandboxPage('relationship', relationship?.id ?? '');
    expect(page).toBe(200);
    await h.bot.relationships.pollNow();
    h.clock.advance(5 * 60_000);
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: the access assignment gives Azure Managers the relationship's roles; the request went to approval with Nina found
    const assignments = h.sandbox.state.gdapRelationships.find((r) => r.id === relationship?.id)?.accessAssignments ?? [];
    expect(assignments.map((a) => [a.groupId, a.status])).toEqual([[AZURE_MANAGERS, 'active']]);
    expect((await stateOf(requestId))).toBe('pending_approval');
    expect((await h.bot.store.requests.get(requestId as never))?.principal.userPrincipalName).toBe('nina@northwindtraders.onmicrosoft.com');
    expect(textsTo(SAM).some((t) => t.includes('Northwind Traders accepted our relationship request'))).toBe(true);

    // Act + Assert: Ada approves; Nina has Contributor on Northwind Main
    await click(ADA, 'approve', requestId);
    expect((await stateOf(requestId))).toBe('active');
    expect(assignmentsOf('c0000004-0000-4000-8000-0000000000f1', '/subscriptions/c0000004-5b50-4000-8000-000000000001')).toHaveLength(1);
  });

  /** The customer's global administrator clicks Accept on the sandbox's relationship page (a form POST). */
  function acceptOnSandboxPage(field: string, value: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const body = new URLSearchParams({ [field]: value }).toString();
      const url = `${h.sandbox.url}/_sandbox/relationship/${PARTNER_ID}/accept`;
      const req = httpsRequest(url, { method: 'POST', ca: h.sandbox.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
});
