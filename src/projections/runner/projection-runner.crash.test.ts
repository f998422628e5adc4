import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASHES, CrashPlan, sqlBackends } from '../../infrastructure/consumers/crash-testing.ts';
import { untyped } from '../../infrastructure/database.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { playersProjection } from '../read-models/players.ts';
import { event, rowsOf, twinOf } from '../testing/projection-harness.ts';
import type { SqlProjection } from './projection.ts';
import { ProjectionRunner } from './projection-runner.ts';

const quiet = createLogger('silent', false);

describe.each(sqlBackends())('SQL read model killed and restarted on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** Eight events per player; applying any of them twice changes the row (xp, sessions, slain). */
  const appendPlayer = async (n: number) => {
    const playerId = `p${n}`;
    await opened.store.appendToStream(
      `player-${playerId}`,
      [
        event('PlayerRegistered', { playerId, username: `player${n}` }),
        event('PlayerSpawned', { playerId, locationId: 'square', hp: 20, maxHp: 20 }),
        event('PlayerEnteredWorld', { playerId, sessionId: 's1' }),
        event('PlayerMoved', { playerId, from: 'square', to: 'woods', direction: 'south' }),
        event('EnemySlain', { playerId, enemyId: 'wolf', locationId: 'woods' }),
        event('XpGained', { playerId, amount: 10, xp: 10, reason: 'defeated:wolf' }),
        event('DamageTaken', { playerId, amount: 3, hp: 17, cause: 'wolf' }),
        event('PlayerLeftWorld', { playerId, sessionId: 's1' }),
      ],
      { expectedRevision: 'any' },
    );
  };

  it('loses and doubles nothing: the read model equals one rebuilt from zero', async () => {
    for (let n = 0; n < 3; n++) await appendPlayer(n);
    const plan = new CrashPlan();
    let runner!: ProjectionRunner;
    let normalBatches = 0;
    const crashing: SqlProjection = {
      ...playersProjection,
      async apply(trx, events, names) {
        const half = Math.floor(events.length / 2);
        await plan.batch(
          {
            all: async () => {
              await playersProjection.apply(trx, events, names);
              normalBatches++;
            },
            firstPart: () => playersProjection.apply(trx, events.slice(0, half), names),
            rest: () => playersProjection.apply(trx, events.slice(half), names),
          },
          () => runner.stop(),
        );
      },
    };
    const open = async () => {
      runner = new ProjectionRunner(crashing, untyped(opened.database.db), opened.store, quiet, {
        batchSize: 5,
        retryDelayMs: 5,
      });
      await runner.start();
    };

    const written = await plan.runWhileWriting({
      start: open, // a new runner after each stop: nothing kept in memory from the one that died
      running: () => runner,
      write: (n) => appendPlayer(n + 3),
      progress: () => normalBatches,
      progressName: 'batches after the crash',
    });
    const players = 3 + written;
    expect(plan.fired).toEqual([...CRASHES]);

    const fresh = new ProjectionRunner(
      twinOf(playersProjection, 'fresh'),
      untyped(opened.database.db),
      opened.store,
      quiet,
    );
    await fresh.start();
    await fresh.caughtUp();
    await fresh.stop();
    const live = await rowsOf(opened.database, 'rm_players', 'player_id');
    expect(live).toHaveLength(players);
    expect(await rowsOf(opened.database, 'rm_players_fresh', 'player_id')).toEqual(live);
    expect(live.every((row) => (row as { xp: number; sessions_total: number }).xp === 10)).toBe(true);
  });
});
