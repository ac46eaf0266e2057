// For service tests: the store's change log, with what each change causes sent to the test's notifiers before record() returns.
import type { Notifier } from '../../src/services/notifier';
import { OutboxSender } from '../../src/services/outbox-sender';
import type { RelationshipNotifier } from '../../src/services/relationships-ports';
import type { ChangeLog, Store } from '../../src/store/ports';

const silent = async (): Promise<void> => undefined;
export const quietNotifier: Notifier = { approvalRequested: silent, approvalForApprover: silent, requestChanged: silent, expiryReminder: silent };
export const quietRelationshipNotifier: RelationshipNotifier = { invitationReady: silent, invitationFailed: silent, reminder: silent, accepted: silent, waiting: silent };

export function sendingChanges(store: Store, notifier: Notifier = quietNotifier, relationships: RelationshipNotifier = quietRelationshipNotifier): { changes: ChangeLog; sender: OutboxSender } {
  const sender = new OutboxSender({ outbox: store.outbox, notifier, relationships });
  const changes: ChangeLog = {
    async record(change) {
      const stored = await store.changes.record(change);
      sender.kick();
      await sender.idle();
      return stored;
    },
  };
  return { changes, sender };
}
