import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayerEvent } from '../domain/player/player.ts';
import { sqlBackends } from '../infrastructure/consumers/crash-testing.ts';
import { untyped } from '../infrastructure/database.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { ProcessLease } from '../infrastructure/process-lease.ts';
import { PresenceProjection } from '../projections/presence.ts';
import type { PlayerSessions } from './player-session.ts';
import { SessionReaper } from './session-reaper.ts';

const GRACE_MS = 30_000;

let position = 0n;
function stored(event: PlayerEvent): StoredEvent {
  position += 1n;
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { timestamp: new Date().toISOString() },
    streamId: `player-${(event.data as { playerId: string }).playerId}`,
    revision: 0n,
    position,
  };
}

/** Presence with one online player per session, and sessions whose leave presence hears at once. */
function world() {
  const presence = new PresenceProjection();
  const ended: string[] = [];
  const sessions = {
    leave: async (playerId: string, sessionId: string) => {
      ended.push(sessionId);
      presence.apply(stored({ type: 'PlayerLeftWorld', data: { playerId, sessionId } }));
    },
  } as unknown as PlayerSessions;
  const online = (sessionId: string, processId?: string) => {
    const playerId = `player-of-${sessionId}`;
    presence.apply(stored({ type: 'PlayerRegistered', data: { playerId, username: playerId } }));
    presence.apply(
      stored({ type: 'PlayerSpawned', data: { playerId, locationId: 'square', hp: 10, maxHp: 10 } }),
    );
    presence.apply(
      stored({
        type: 'PlayerEnteredWorld',
        data: { playerId, sessionId, ...(processId ? { processId } : {}) },
      }),
    );
  };
  return { presence, sessions, ended, online };
}

for (const backend of sqlBackends()) {
  describe(`the session reaper (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(() => opened?.close());

    const db = () => untyped(opened.database.db);
    /** A process whose lease ran out `agoMs` ago (negative: runs out in that long). */
    const diedAgo = (processId: string, agoMs: number) =>
      sql`
        insert into process_leases (process_id, expires_at)
        values (${processId}, now() - ${`${agoMs} milliseconds`}::interval)
        on conflict (process_id) do update set expires_at = excluded.expires_at`.execute(db());

    async function reaperOf(alone: boolean) {
      const lease = new ProcessLease(db(), {
        processId: `me-${randomUUID()}`,
        ttlMs: 60_000,
        renewEveryMs: 60_000,
        alone,
      });
      await lease.start();
      const { presence, sessions, ended, online } = world();
      const reaper = new SessionReaper(
        lease,
        presence,
        sessions,
        createLogger('silent', false),
        60_000,
        GRACE_MS,
      );
      return { lease, reaper, ended, online, presence };
    }

    it('keeps the sessions of a process dead for less than the grace, and ends them once it has passed', async () => {
      const { lease, reaper, ended, online } = await reaperOf(false);
      const recent = `recent-${randomUUID()}`;
      const longGone = `long-gone-${randomUUID()}`;
      await diedAgo(recent, 5_000);
      await diedAgo(longGone, GRACE_MS + 5_000);
      online('mine', lease.processId);
      online('of-recent', recent);
      online('of-long-gone', longGone);
      online('of-unknown', `never-leased-${randomUUID()}`);
      online('of-none');

      expect(await reaper.reap()).toBe(3);
      expect(ended.sort()).toEqual(['of-long-gone', 'of-none', 'of-unknown']);

      await diedAgo(recent, GRACE_MS + 1_000);
      expect(await reaper.reap()).toBe(1);
      expect(ended).toContain('of-recent');
      expect(ended).not.toContain('mine');
      await lease.stop();
    });

    it('a player who came back elsewhere in time keeps a session open when the old one ends', async () => {
      const { lease, reaper, online, presence } = await reaperOf(false);
      const crashed = `crashed-${randomUUID()}`;
      await diedAgo(crashed, 1_000);
      online('before-crash', crashed);
      presence.apply(
        stored({
          type: 'PlayerEnteredWorld',
          data: { playerId: 'player-of-before-crash', sessionId: 'after-return', processId: lease.processId },
        }),
      );
      expect(await reaper.reap()).toBe(0);
      expect(presence.isOnline('player-of-before-crash')).toBe(true);

      await diedAgo(crashed, GRACE_MS + 1_000);
      expect(await reaper.reap()).toBe(1);
      expect(presence.isOnline('player-of-before-crash')).toBe(true);
      await lease.stop();
    });

    it('alone (the embedded database), an earlier run that crashed is given the same grace', async () => {
      const { lease, reaper, ended, online } = await reaperOf(true);
      // It crashed a moment ago: its lease, renewed just before, has not even run out yet.
      const justCrashed = `earlier-run-${randomUUID()}`;
      const crashedLongAgo = `earlier-run-${randomUUID()}`;
      await diedAgo(justCrashed, -8_000);
      await diedAgo(crashedLongAgo, GRACE_MS + 60_000);
      online('of-just-crashed', justCrashed);
      online('of-crashed-long-ago', crashedLongAgo);

      expect(await reaper.reap()).toBe(1);
      expect(ended).toEqual(['of-crashed-long-ago']);
      expect(await lease.liveProcesses()).toEqual(new Set([lease.processId]));

      await diedAgo(justCrashed, GRACE_MS + 1);
      expect(await reaper.reap()).toBe(1);
      expect(ended).toEqual(['of-crashed-long-ago', 'of-just-crashed']);
      await lease.stop();
    });
  });
}
