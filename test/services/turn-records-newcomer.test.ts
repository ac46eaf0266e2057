// A new chat is told apart from a known one by the store (not by memory): what waits for it is recorded before the
// chat is stored, so a failure in between leaves the person new and it is tried again at their next turn.
import type { ConversationDirectory } from '../../src/store/ports';
import type { StoredConversation } from '../../src/store/request-store';
import { TurnRecords } from '../../src/services/turn-records';

const AT = new Date('2025-03-01T10:00:00.000Z');
const ADA = { userId: 'ada', channelUserId: '29:ada', reference: '{"conversation":{"id":"a:ada"}}', locale: 'en' as const };

/** A conversation directory in memory that can be made to fail its reads or writes. */
function directory() {
  const rows = new Map<string, StoredConversation>();
  const faults = { get: false, save: false };
  const port: ConversationDirectory = {
    get: async (userId) => {
      if (faults.get) throw new Error('store down');
      return rows.get(userId);
    },
    save: async (conversation) => {
      if (faults.save) throw new Error('store down');
      rows.set(conversation.userId, conversation);
    },
  };
  return { rows, faults, port };
}

function recordsOn(conversations: ConversationDirectory, before: (userId: string) => Promise<boolean>) {
  const calls: string[] = [];
  const errors: string[] = [];
  const records = new TurnRecords({
    conversations,
    cards: { list: async () => [], add: async () => undefined },
    changes: { record: async () => true },
    onError: (_error, what) => errors.push(what),
    newcomer: {
      before: async (userId) => {
        calls.push(`before ${userId}`);
        return before(userId);
      },
      after: () => calls.push('after'),
    },
  });
  return { records, calls, errors };
}

describe('turn records telling a new chat', () => {
  it('when Ada is new, then what waits for her is recorded before her chat is stored, and the sender is kicked after; her next turns, and another process, find her known', async () => {
    const store = directory();
    let storedWhenAsked: boolean | undefined;
    const { records, calls } = recordsOn(store.port, async () => {
      storedWhenAsked = store.rows.has('ada');
      return true;
    });
    await records.remember(ADA, AT);
    await records.remember(ADA, AT);
    await recordsOn(store.port, async () => true).records.remember(ADA, AT);
    expect(storedWhenAsked).toBe(false);
    expect(calls).toEqual(['before ada', 'after']);
    expect(store.rows.get('ada')?.reference).toBe(ADA.reference);
  });

  it('when recording what waits for her fails, then her chat is not stored, and her next turn tries both again', async () => {
    const store = directory();
    let fail = true;
    const { records, calls, errors } = recordsOn(store.port, async () => {
      if (fail) throw new Error('store down');
      return true;
    });
    await records.remember(ADA, AT);
    expect(store.rows.has('ada')).toBe(false);
    expect(errors).toHaveLength(1);
    fail = false;
    await records.remember(ADA, AT);
    expect(store.rows.has('ada')).toBe(true);
    expect(calls).toEqual(['before ada', 'before ada', 'after']);
  });

  it('when the store cannot say whether it knows her, then her chat is stored as before and nothing is recorded for her', async () => {
    const store = directory();
    const { records, calls } = recordsOn(store.port, async () => true);
    store.faults.get = true;
    await records.remember(ADA, AT);
    expect(store.rows.has('ada')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('when her chat was forgotten as closed (the app removed) and she comes back in it, then it counts as new; a forget for a chat that changed since is ignored', async () => {
    const store = directory();
    const { records, calls } = recordsOn(store.port, async () => true);
    await records.remember(ADA, AT);
    await records.forget('ada', 'another chat', AT);
    expect(store.rows.get('ada')?.reference).toBe(ADA.reference);
    await records.forget('ada', ADA.reference, AT);
    expect(store.rows.get('ada')).toMatchObject({ reference: '', locale: 'en' });
    await records.remember(ADA, AT);
    expect(store.rows.get('ada')?.reference).toBe(ADA.reference);
    expect(calls).toEqual(['before ada', 'after', 'before ada', 'after']);
  });
});
