import { describe, it } from 'vitest';
import { reportSkipped, testServices } from '../testing/services.ts';
import { eventStoreContract } from './event-store.contract.ts';
import { openEventStoreDb } from './eventstoredb-event-store.ts';
import { workGroupContract } from './work-group.contract.ts';

const url = testServices.eventStoreDb.url;
if (url) {
  eventStoreContract({
    name: 'EventStoreDB',
    open: () => openEventStoreDb(url),
  });
  workGroupContract({ name: 'EventStoreDB', open: () => openEventStoreDb(url) });
} else {
  describe('EventStore contract: EventStoreDB', () => {
    it.skip(`skipped: no EventStoreDB (set ${testServices.eventStoreDb.variable})`, () => {});
  });
  reportSkipped('EventStoreDB', testServices.eventStoreDb.variable);
}
