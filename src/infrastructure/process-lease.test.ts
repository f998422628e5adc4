import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlBackends, waitUntil } from './consumers/crash-testing.ts';
import { untyped } from './database.ts';
import { ProcessLease } from './process-lease.ts';

for (const backend of sqlBackends()) {
  describe(`a process's lease (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(() => opened?.close());

    const expire = (processId: string) =>
      sql`update process_leases set expires_at = now() - interval '1 second' where process_id = ${processId}`.execute(
        untyped(opened.database.db),
      );

    it('is renewed while it holds, and a process whose lease ran out learns it instead of coming back', async () => {
      const db = untyped(opened.database.db);
      let lost = 0;
      const lease = new ProcessLease(db, {
        processId: 'stalled',
        ttlMs: 60_000,
        renewEveryMs: 20,
        onLost: () => lost++,
      });
      await lease.start();
      const other = new ProcessLease(db, { processId: 'other', ttlMs: 60_000, renewEveryMs: 20 });
      await other.start();
      expect(await other.liveProcesses()).toEqual(new Set(['stalled', 'other']));
      await expire('stalled');
      await waitUntil(() => lost === 1, 'lease lost');
      expect(await other.liveProcesses()).toEqual(new Set(['other']));
      await lease.stop();
      await other.stop();
    });

    it('lists the processes alive, or whose lease ran out less than a given time ago', async () => {
      const db = untyped(opened.database.db);
      const lease = new ProcessLease(db, { processId: 'watcher', ttlMs: 60_000, renewEveryMs: 60_000 });
      await lease.start();
      const ranOutAgo = (processId: string, seconds: number) =>
        sql`insert into process_leases (process_id, expires_at)
            values (${processId}, now() - ${`${seconds} seconds`}::interval)`.execute(db);
      await ranOutAgo('just-died', 5);
      await ranOutAgo('died-a-while-ago', 40);
      expect(await lease.processesAliveWithin(30_000)).toEqual(new Set(['watcher', 'just-died']));
      expect(await lease.processesAliveWithin(60_000)).toEqual(
        new Set(['watcher', 'just-died', 'died-a-while-ago']),
      );
      expect(await lease.processesAliveWithin(0)).toEqual(new Set(['watcher']));
      await lease.stop();
      await sql`delete from process_leases where process_id in ('just-died', 'died-a-while-ago')`.execute(db);
    });

    it('alone (the embedded database), it is simply taken again', async () => {
      const db = untyped(opened.database.db);
      let lost = 0;
      const lease = new ProcessLease(db, {
        processId: 'alone',
        ttlMs: 60_000,
        renewEveryMs: 20,
        alone: true,
        onLost: () => lost++,
      });
      await lease.start();
      await expire('alone');
      await waitUntil(async () => {
        const { rows } = await sql<{ live: boolean }>`
          select expires_at > now() as live from process_leases where process_id = 'alone'`.execute(db);
        return rows[0]?.live === true;
      }, 'renewed');
      expect(lost).toBe(0);
      await lease.stop();
    });
  });
}
