import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsCheckpointOf, SHARED_ACTIONS_CHECKPOINT, SqlActionPartitions } from './action-partitions.ts';
import { SqlCheckpointStore } from './checkpoint-store.ts';
import { sqlBackends } from './consumers/crash-testing.ts';
import { untyped } from './database.ts';

for (const backend of sqlBackends()) {
  describe(`per-process action checkpoints and their adoption (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    let partitions: SqlActionPartitions;
    let checkpoints: SqlCheckpointStore;
    beforeAll(async () => {
      opened = await backend.open();
      const db = untyped(opened.database.db);
      partitions = new SqlActionPartitions(db);
      checkpoints = SqlCheckpointStore.on(db);
    });
    afterAll(() => opened?.close());

    const names = (orphans: { name: string }[]) => orphans.map((orphan) => orphan.name).sort();

    it('opens a process’s checkpoint at the head once; a later open leaves it where it is', async () => {
      await partitions.open(actionsCheckpointOf('p-open'), 10n);
      await partitions.open(actionsCheckpointOf('p-open'), 99n);
      expect(await checkpoints.load(actionsCheckpointOf('p-open'))).toBe(10n);
      await partitions.release(actionsCheckpointOf('p-open'));
    });

    it('a live process claims the checkpoints of dead ones (and the ownerless one), never a live one’s', async () => {
      await partitions.open(actionsCheckpointOf('dead'), 5n);
      await partitions.open(actionsCheckpointOf('alive'), 6n);
      await partitions.open(actionsCheckpointOf('me'), 7n);
      await checkpoints.save(SHARED_ACTIONS_CHECKPOINT, 4n);
      const claimed = await partitions.claimOrphans('me', ['alive']);
      expect(names(claimed)).toEqual([SHARED_ACTIONS_CHECKPOINT, actionsCheckpointOf('dead')].sort());
      expect(claimed.find((orphan) => orphan.owner === 'dead')?.position).toBe(5n);
      expect(claimed.find((orphan) => orphan.owner === undefined)?.position).toBe(4n);
      // Claimed by a live process: another live one gets nothing; the claimer may take them again.
      expect(await partitions.claimOrphans('alive', ['me'])).toEqual([]);
      expect(names(await partitions.claimOrphans('me', ['alive']))).toEqual(names(claimed));
      for (const orphan of claimed) await partitions.release(orphan.name);
      expect(await checkpoints.load(actionsCheckpointOf('dead'))).toBeUndefined();
      expect(await partitions.claimOrphans('me', ['alive'])).toEqual([]);
      for (const id of ['alive', 'me']) await partitions.release(actionsCheckpointOf(id));
    });

    it('of two survivors claiming at once, exactly one gets a dead process’s checkpoint', async () => {
      for (let round = 0; round < 10; round++) {
        const dead = actionsCheckpointOf(`dead-${round}`);
        await partitions.open(dead, 1n);
        const [x, y] = await Promise.all([
          partitions.claimOrphans('survivor-x', ['survivor-y']),
          partitions.claimOrphans('survivor-y', ['survivor-x']),
        ]);
        expect([...names(x!), ...names(y!)]).toEqual([dead]);
        await partitions.release(dead);
      }
    });

    it('says how long ago the owner’s lease ran out, and moves a kept checkpoint forward only', async () => {
      const db = untyped(opened.database.db);
      const name = actionsCheckpointOf('recently-dead');
      await sql`insert into process_leases (process_id, expires_at) values ('recently-dead', now() - interval '5 seconds')`.execute(
        db,
      );
      await partitions.open(name, 2n);
      const [orphan] = await partitions.claimOrphans('watcher', []);
      expect(orphan?.name).toBe(name);
      expect(orphan?.expiredForMs).toBeGreaterThanOrEqual(4_900);
      await partitions.advance(name, 9n);
      await partitions.advance(name, 4n);
      expect(await checkpoints.load(name)).toBe(9n);
      await partitions.release(name);
    });

    it('a claim whose adopter died in turn is taken by another', async () => {
      const dead = actionsCheckpointOf('dead-again');
      await partitions.open(dead, 3n);
      expect(names(await partitions.claimOrphans('first-adopter', []))).toEqual([dead]);
      expect(await partitions.claimOrphans('second-adopter', ['first-adopter'])).toEqual([]);
      // first-adopter is gone: it is no longer among the live.
      expect(names(await partitions.claimOrphans('second-adopter', []))).toEqual([dead]);
      await partitions.release(dead);
    });
  });
}
