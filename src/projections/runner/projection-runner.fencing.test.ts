import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepWriting, sqlBackends, waitUntil } from '../../infrastructure/consumers/crash-testing.ts';
import { untyped } from '../../infrastructure/database.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { playersProjection } from '../read-models/players.ts';
import { event, rowsOf, twinOf } from '../testing/projection-harness.ts';
import type { SqlProjection } from './projection.ts';
import { ProjectionRunner } from './projection-runner.ts';

const quiet = createLogger('silent', false);

/*
 * Two runners of one read model on one database: what a leader deposed without noticing yet and its
 * successor amount to. Each batch's checkpoint is a compare-and-set, so the late one is refused.
 */
describe.each(sqlBackends())('two runners of one SQL read model on $name', (backend) => {
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

  const runner = (projection: SqlProjection, batchSize = 5) =>
    new ProjectionRunner(projection, untyped(opened.database.db), opened.store, quiet, {
      batchSize,
      retryDelayMs: 5,
      lingerMs: 0,
    });

  /** The rows one runner alone makes of the same events. */
  const freshRows = async (suffix: string, table: string) => {
    const fresh = runner(twinOf(playersProjection, suffix), 2_000);
    await fresh.start();
    await fresh.caughtUp();
    await fresh.stop();
    return rowsOf(opened.database, `rm_${table}_${suffix}`, 'player_id');
  };

  it('a runner that comes back after another moved the checkpoint is refused, applies nothing and stops', async () => {
    const projection = twinOf(playersProjection, 'late');
    for (let n = 0; n < 4; n++) await appendPlayer(n);
    // The deposed leader: it has read its checkpoint and holds events, but has not applied them yet.
    const late = runner(projection);
    late.pause();
    await late.start();
    const successor = runner(projection);
    await successor.start();
    await successor.caughtUp();
    for (let n = 4; n < 8; n++) await appendPlayer(n);
    late.resume();
    await waitUntil(async () => (await late.describe()).status === 'stopped', 'the late runner stops');
    await successor.caughtUp();
    await successor.stop();
    await late.stop();

    const live = await rowsOf(opened.database, 'rm_players_late', 'player_id');
    expect(live).toHaveLength(8);
    expect(live.every((row) => (row as { xp: number; sessions_total: number }).xp === 10)).toBe(true);
    expect(await freshRows('late_fresh', 'players')).toEqual(live);
  });

  it('two runners racing on the same events apply each exactly once', async () => {
    const projection = twinOf(playersProjection, 'race');
    const writer = keepWriting((n) => appendPlayer(100 + n), 2);
    const runners = [runner(projection), runner(projection)];
    let written: number;
    try {
      // One after the other: the first creates the tables, then both follow the same events.
      for (const r of runners) await r.start();
      // Each new batch is a race; let a number of them happen.
      let polls = 0;
      await waitUntil(async () => {
        const statuses = await Promise.all(runners.map((r) => r.describe()));
        return statuses.some((s) => s.status === 'stopped') || ++polls > 200;
      }, 'a race');
    } finally {
      written = await writer.stop();
    }
    for (const r of runners) await r.caughtUp();
    for (const r of runners) await r.stop();

    const live = await rowsOf(opened.database, 'rm_players_race', 'player_id');
    expect(live.length).toBeGreaterThanOrEqual(written);
    expect(live.every((row) => (row as { xp: number }).xp === 10)).toBe(true);
    expect(await freshRows('race_fresh', 'players')).toEqual(
      await rowsOf(opened.database, 'rm_players_race', 'player_id'),
    );
  });
});
