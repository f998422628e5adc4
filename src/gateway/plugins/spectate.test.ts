import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpectatorClient } from '../../../test/support/spectator-client.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { EventStore } from '../../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from '../../projections/presence.ts';
import { spectatePlugin } from './spectate.ts';

const runtime = {
  world: { locations: new Map([['square', { name: 'Square' }]]), enemies: new Map() },
} as unknown as WorldRuntime;

describe('spectatePlugin', () => {
  let store: EventStore;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    store = await openInMemoryEventStore();
    app = Fastify();
    await app.register(spectatePlugin, {
      store,
      presence: new PresenceProjection(),
      runtime,
      keepAliveMs: 50,
      streams: 2,
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const say = (message: string) =>
    store.appendToStream(
      `player-${randomUUID()}`,
      [
        {
          id: randomUUID(),
          type: 'PlayerSaid',
          data: { playerId: 'p1', locationId: 'square', message },
          metadata: { timestamp: new Date().toISOString() },
        },
      ],
      { expectedRevision: 'any' },
    );

  it('keeps a quiet stream alive with comments, refuses streams past the total with 503, and ends them on close', async () => {
    const first = (await SpectatorClient.open(baseUrl, 'square')).client!;
    await first.waitFor((m) => m.comment === 'keep-alive');

    const second = (await SpectatorClient.open(baseUrl, 'square')).client!;
    const refused = await SpectatorClient.open(baseUrl, 'square');
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'spectators_full' } } });

    const { position } = await say('anyone there?');
    for (const client of [first, second]) {
      const heard = await client.waitFor((m) => m.event === 'PlayerSaid');
      expect(heard.id).toBe(String(position));
      expect(JSON.parse(heard.data!)).toEqual({
        event: 'player_said',
        player: 'someone',
        message: 'anyone there?',
        text: 'someone says: "anyone there?"',
      });
    }

    await app.close();
    await Promise.all([first.ended, second.ended]);
    expect([first.endedBy, second.endedBy]).toEqual(['server', 'server']);
  });
});
