import { afterAll, describe, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { dropSchema, reportSkipped, testServices, uniqueSchema } from '../testing/services.ts';
import { eventStoreContract } from './event-store.contract.ts';
import { type EventStoreTables, SqlEventStore } from './sql-event-store.ts';

eventStoreContract({
  name: 'embedded (PGlite)',
  open: async () => {
    const database = await openDatabase<EventStoreTables>({ kind: 'pglite' });
    return new SqlEventStore(database, { name: 'pglite' }, () => database.close());
  },
});

eventStoreContract({
  name: 'embedded (PGlite in a thread of its own, as the game server runs it)',
  open: async () => {
    const database = await openDatabase<EventStoreTables>({ kind: 'pglite', ownThread: true });
    return new SqlEventStore(database, { name: 'pglite' }, () => database.close());
  },
});

const postgresUrl = testServices.postgres.url;
if (postgresUrl) {
  const schema = uniqueSchema('es');
  eventStoreContract({
    name: 'PostgreSQL server',
    open: async () => {
      const database = await openDatabase<EventStoreTables>({ kind: 'postgres', url: postgresUrl, schema });
      return new SqlEventStore(database, { name: 'postgres' }, () => database.close());
    },
  });
  afterAll(() => dropSchema(postgresUrl, schema));
} else {
  describe('EventStore contract: PostgreSQL server', () => {
    it.skip(`skipped: no PostgreSQL (set ${testServices.postgres.variable})`, () => {});
  });
  reportSkipped('PostgreSQL', testServices.postgres.variable);
}
