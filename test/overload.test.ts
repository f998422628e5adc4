import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRequests } from '../src/commands/action-requests.ts';
import type { EventStore } from '../src/infrastructure/event-store/event-store.ts';
import { limits } from '../src/limits.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

/** /metrics is behind the admin token. */
const METRICS_TOKEN = 'metrics-reader-0123456789';

const RECORD_DELAY_MS = 80;

/** Makes recording an action slow, as a saturated store would (other appends pass untouched). */
function slowActionRequests(store: EventStore): { restore(): void } {
  const original = store.appendToStream.bind(store);
  Object.defineProperty(store, 'appendToStream', {
    configurable: true,
    writable: true,
    value: (async (streamId, events, options) => {
      if (events.some((e) => e.type === 'ActionRequested'))
        await new Promise((resolve) => setTimeout(resolve, RECORD_DELAY_MS));
      return original(streamId, events, options);
    }) satisfies EventStore['appendToStream'],
  });
  return { restore: () => Object.defineProperty(store, 'appendToStream', { value: original }) };
}

describe('overload: the excess is refused at once, never left to time out', () => {
  let server: TestSystem;
  const clients: GameClient[] = [];
  const players: { id: string; client: GameClient }[] = [];

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN: METRICS_TOKEN } });
    // Overload is a crowd: more players than limits.admissionMinInFlight acting at once.
    for (let i = 0; i < limits.admissionMinInFlight + 4; i++) {
      const account = await register(server.baseUrl, `busy${i}${randomUUID().slice(0, 4)}`);
      const client = await GameClient.connect(server.baseUrl, account.token);
      await client.waitFor((f) => f.type === 'welcome');
      clients.push(client);
      players.push({ id: account.player_id, client });
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  it('answers server_busy with retry_after_ms while actions queue to be recorded, takes nothing for it, and takes the same frame again later', async () => {
    const slow = slowActionRequests(server.system.store);
    let refused: { frame: Frame; id: string; playerId: string } | undefined;
    try {
      for (let round = 0; round < 12 && !refused; round++) {
        const answers = await Promise.all(
          players.map(async ({ id: playerId, client }) => {
            const id = randomUUID();
            return { frame: await client.act({ action_type: 'inventory' }, id), id, playerId };
          }),
        );
        refused = answers.find((a) => a.frame.type === 'error' && a.frame.code === 'server_busy');
      }
    } finally {
      slow.restore();
    }
    expect(refused).toBeDefined();
    expect(refused!.frame.retry_after_ms).toBeGreaterThan(0);
    const stream = await server.system.store.readStream(`player-${refused!.playerId}`);
    const refusedActionId = ActionRequests.actionId(refused!.playerId, refused!.id);
    expect(stream.filter((e) => (e.data as { actionId?: string }).actionId === refusedActionId)).toEqual([]);

    // Once the queue has drained, the same frame is a new action (a refusal is not remembered).
    await new Promise((resolve) => setTimeout(resolve, Number(refused!.frame.retry_after_ms)));
    const client = players.find((p) => p.id === refused!.playerId)!.client;
    const again = await client.act({ action_type: 'inventory' }, refused!.id);
    expect(again).toMatchObject({ type: 'action_result', id: refused!.id });
    expect(again.replayed).toBeUndefined();
    const metrics = await (
      await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/langomni_actions_refused_total\{code="server_busy"\} [1-9]/);
  });
});
