// Every Action.Execute verb a card template carries is one the bot handles (and an unknown verb is refused).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCardsDir, VERBS } from '../../src/teams/cards';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, SAM } from '../support/teams-users';

function verbsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(verbsIn);
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const own = record.type === 'Action.Execute' && typeof record.verb === 'string' ? [record.verb] : [];
    return [...own, ...Object.values(record).flatMap(verbsIn)];
  }
  return [];
}

describe('card verbs', () => {
  const dir = findCardsDir();
  const used = [...new Set(readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((f) => verbsIn(JSON.parse(readFileSync(join(dir, f), 'utf8')))))];

  it('when the templates are read, then every verb in them is one of the named verbs', () => {
    expect(used.length).toBeGreaterThan(0);
    for (const verb of used) expect(Object.values(VERBS)).toContain(verb);
  });

  describe('through the real endpoint', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => h.stop());

    it.each(Object.values(VERBS))('when a "%s" click arrives, then a handler of its own answers it (not the refusal of unknown verbs)', async (verb) => {
      const response = await h.post(actionFrom(SAM, verb, { requestId: '00000000-0000-4000-8000-0000000000ff' }, { serviceUrl: h.connector.serviceUrl }));
      expect(response.status).toBe(200);
      expect((await h.bot.store.audit.list()).filter((e) => e.event === 'refused_action' && (e.detail as { verb?: string } | undefined)?.verb === verb)).toHaveLength(0);
    });

    it('when an unknown verb arrives, then it is refused and audited', async () => {
      await h.post(actionFrom(SAM, 'grantEverything', { requestId: '00000000-0000-4000-8000-0000000000ff' }, { serviceUrl: h.connector.serviceUrl }));
      expect((await h.bot.store.audit.list()).some((e) => e.event === 'refused_action' && (e.detail as { verb?: string } | undefined)?.verb === 'grantEverything')).toBe(true);
    });
  });
});
