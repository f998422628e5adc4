import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untyped } from '../../infrastructure/database.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { playersProjection } from '../read-models/players.ts';
import { event, openProjectionHarness, rowsOf, twinOf } from '../testing/projection-harness.ts';
import { ProjectionRunner } from './projection-runner.ts';

const waitUntil = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
};

describe('projection runner', () => {
  let harness: Awaited<ReturnType<typeof openProjectionHarness>>;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = new ProjectionRunner(
      playersProjection,
      untyped(harness.database.db),
      harness.store,
      createLogger('silent', false),
      { batchSize: 7, retryDelayMs: 10 },
    );
    await runner.start();
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  const appendPlayer = async (n: number) => {
    const playerId = `p${n}`;
    await harness.store.appendToStream(
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

  it('applies events in batches, with the checkpoint in the same transaction', async () => {
    for (let n = 0; n < 5; n++) await appendPlayer(n);
    await waitUntil(async () => (await runner.describe()).lag_events === 0);
    const rows = (await rowsOf(harness.database, 'rm_players', 'player_id')) as Record<string, unknown>[];
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      player_id: 'p0',
      username: 'player0',
      location_id: 'woods',
      hp: 17,
      max_hp: 20,
      xp: 10,
      enemies_slain: 1,
      sessions_open: 0,
      sessions_total: 1,
    });
    const status = await runner.describe();
    expect(status).toMatchObject({ name: 'players', status: 'running', lag_events: 0 });
  });

  it('rebuilds into a shadow copy while live writes go on, and the result is identical row for row', async () => {
    const writing = (async () => {
      for (let n = 5; n < 25; n++) await appendPlayer(n);
    })();
    const rebuilding = runner.rebuildInShadow();
    await Promise.all([writing, rebuilding]);
    await waitUntil(async () => (await runner.describe()).lag_events === 0);
    const rebuilt = await rowsOf(harness.database, 'rm_players', 'player_id');
    expect(rebuilt).toHaveLength(25);

    // The same events applied from zero by a second runner, as a live read model would be.
    const fresh = new ProjectionRunner(
      twinOf(playersProjection, 'check'),
      untyped(harness.database.db),
      harness.store,
      createLogger('silent', false),
    );
    await fresh.start();
    await waitUntil(async () => (await fresh.describe()).lag_events === 0);
    await fresh.stop();
    expect(await rowsOf(harness.database, 'rm_players_check', 'player_id')).toEqual(rebuilt);
    // Events appended after the switch-over are the live consumer's, not the rebuild's.
    const progress = (await runner.describe()).rebuild!;
    expect(progress.phase).toBe('done');
    expect(progress.processed).toBeGreaterThanOrEqual(5 * 8);
    expect(progress.processed).toBeLessThanOrEqual(25 * 8);
  });

  it('pauses and resumes', async () => {
    runner.pause();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await appendPlayer(99);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await runner.describe()).lag_events).toBe(8);
    expect((await runner.describe()).status).toBe('paused');
    runner.resume();
    await waitUntil(async () => (await runner.describe()).lag_events === 0);
  });
});
