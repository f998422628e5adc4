import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

/** /metrics is behind the admin token. */
const METRICS_TOKEN = 'metrics-reader-0123456789';

const ROUNDS = 6;

describe('broadcasts over the real server', () => {
  let server: TestSystem;
  const clients: GameClient[] = [];

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN: METRICS_TOKEN } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
  });

  const join = async (username: string) => {
    const { token } = await register(server.baseUrl, username);
    const client = await GameClient.connect(server.baseUrl, token);
    clients.push(client);
    await client.waitFor((f) => f.type === 'welcome');
    return client;
  };

  it('gathers what several players say in one place into batch frames, without the speaker’s own words', async () => {
    const watcher = await join('warden');
    const speakers = [await join('sorrel'), await join('tamsin'), await join('ulric')];
    const names = ['sorrel', 'tamsin', 'ulric'];

    const look = await watcher.act({ action_type: 'look' });
    expect(look.result).toMatchObject({
      location: { id: 'village-square', players: names, players_count: 3 },
    });

    // The speakers speak at once; their words land in the same tick in most rounds, not all
    // (each action takes its own way through the lanes), so a few rounds are played.
    let largestBatch = 0;
    for (let round = 0; round < ROUNDS && largestBatch < 2; round++) {
      const line = (speaker: number) => `round ${round}, voice ${speaker}`;
      const from = watcher.frames.length;
      await Promise.all(speakers.map((speaker, i) => speaker.act({ action_type: 'say', message: line(i) })));
      for (let i = 0; i < speakers.length; i++) {
        await watcher.waitFor((f) => f.type === 'event' && f.message === line(i));
        for (let j = 0; j < speakers.length; j++)
          if (j !== i) await speakers[j]!.waitFor((f) => f.type === 'event' && f.message === line(i));
      }
      const batches = watcher.frames.slice(from).filter((f) => f.type === 'events');
      for (const batch of batches) {
        const spoken = (batch.events as Frame[]).filter(
          (e) => e.event === 'player_said' && String(e.message).startsWith(`round ${round},`),
        );
        largestBatch = Math.max(largestBatch, spoken.length);
      }
    }
    expect(largestBatch).toBeGreaterThanOrEqual(2);

    // Every broadcast came in a batch frame; nobody heard their own voice.
    for (const client of [watcher, ...speakers]) {
      expect(client.frames.some((f) => f.type === 'events')).toBe(true);
      const batched = client.frames
        .filter((f) => f.type === 'events')
        .reduce((sum, f) => sum + (f.events as unknown[]).length, 0);
      expect(client.frames.filter((f) => f.type === 'event')).toHaveLength(batched);
    }
    speakers.forEach((speaker, i) => {
      const heard = speaker.frames.filter((f) => f.type === 'event' && f.event === 'player_said');
      expect(heard.some((f) => f.player === names[i])).toBe(false);
      expect(heard.length).toBeGreaterThan(0);
    });

    const metrics = await (
      await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/langomni_broadcast_frames_total [1-9]/);
    expect(metrics).toMatch(/langomni_broadcast_events_total [1-9]/);
  });
});
