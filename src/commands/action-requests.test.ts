import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/decider.ts';
import { playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { ActionRequests } from './action-requests.ts';
import { CommandHandler } from './command-handler.ts';
import { PlayerSessions } from './player-session.ts';
import { WorldRuntime } from './world-runtime.ts';

const HOUR = 60 * 60_000;
const start = new Date('2026-11-25T12:00:00.000Z').getTime();
const at = (hours: number) => new Date(start + hours * HOUR);
const look = { action_type: 'look' } as const;

describe('action requests: the frame id as idempotency key', () => {
  let store: EventStore;
  let commands: CommandHandler;
  let runtime: WorldRuntime;
  let requests: ActionRequests;

  beforeAll(async () => {
    store = await openInMemoryEventStore();
    commands = new CommandHandler(store);
    runtime = await WorldRuntime.start(
      store,
      commands,
      fixtureWorld(),
      'fixture',
      createLogger('silent', false),
    );
    requests = new ActionRequests(new PlayerSessions(commands, runtime), store);
  });
  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
  });

  const registered = async (playerId: string) => {
    await commands.handle(
      playerStream(playerId),
      runtime.deciders.player,
      { type: 'RegisterPlayer', playerId, username: playerId },
      { commandId: `register-${playerId}` },
    );
  };
  const resolve = (playerId: string, actionId: string, narration: string) =>
    commands.handle(
      playerStream(playerId),
      runtime.deciders.player,
      {
        type: 'ResolveAction',
        actionId,
        effects: [],
        result: { action_type: 'look', narration },
        source: 'rules',
        at: at(0).toISOString(),
      },
      { commandId: `resolve-${actionId}`, timestamp: at(0) },
    );
  const requested = async (playerId: string) =>
    (await store.readStream(playerStream(playerId))).filter((e) => e.type === 'ActionRequested');

  it('derives the action id from the player and the frame id, and stamps the request with its arrival', async () => {
    await registered('p-derive');
    const first = await requests.request('p-derive', { frameId: 'f1', action: look, at: at(0) });
    expect(first).toEqual({ actionId: ActionRequests.actionId('p-derive', 'f1'), status: 'recorded' });
    expect(ActionRequests.actionId('p-other', 'f1')).not.toBe(first.actionId);
    const [event] = await requested('p-derive');
    expect(event!.metadata.timestamp).toBe(at(0).toISOString());
  });

  it('answers a repeat with the pending action, then with its outcome, and records it once', async () => {
    await registered('p-repeat');
    const first = await requests.request('p-repeat', { frameId: 'f1', action: look, at: at(0) });
    expect(await requests.request('p-repeat', { frameId: 'f1', action: look, at: at(1) })).toEqual({
      actionId: first.actionId,
      status: 'pending',
    });
    await resolve('p-repeat', first.actionId, 'You look around.');
    expect(await requests.request('p-repeat', { frameId: 'f1', action: look, at: at(2) })).toEqual({
      actionId: first.actionId,
      status: 'resolved',
      outcome: {
        result: { action_type: 'look', narration: 'You look around.' },
        source: 'rules',
        position: expect.any(BigInt),
      },
    });
    expect(await requested('p-repeat')).toHaveLength(1);
  });

  it('refuses the same id with a different action, pending or resolved', async () => {
    await registered('p-reuse');
    const first = await requests.request('p-reuse', { frameId: 'f1', action: look, at: at(0) });
    const other = { frameId: 'f1', action: { action_type: 'inventory' } as const, at: at(0) };
    await expect(requests.request('p-reuse', other)).rejects.toMatchObject({ code: 'id_reused' });
    await resolve('p-reuse', first.actionId, 'Seen.');
    const refused = await requests.request('p-reuse', other).catch((error) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused.code).toBe('id_reused');
  });

  it('takes the same id after 24 hours as a new action', async () => {
    await registered('p-later');
    const first = await requests.request('p-later', { frameId: 'f1', action: look, at: at(0) });
    await resolve('p-later', first.actionId, 'Day one.');
    const nextDay = await requests.request('p-later', { frameId: 'f1', action: look, at: at(25) });
    expect(nextDay.status).toBe('recorded');
    expect(nextDay.actionId).not.toBe(first.actionId);
    // …which is itself the key's action for the next 24 hours.
    expect(await requests.request('p-later', { frameId: 'f1', action: look, at: at(26) })).toEqual({
      actionId: nextDay.actionId,
      status: 'pending',
    });
    expect(await requested('p-later')).toHaveLength(2);
  });

  it('never deduplicates requests without a frame id', async () => {
    await registered('p-noid');
    const a = await requests.request('p-noid', { action: look, at: at(0) });
    const b = await requests.request('p-noid', { action: look, at: at(0) });
    expect(a.status).toBe('recorded');
    expect(b.status).toBe('recorded');
    expect(a.actionId).not.toBe(b.actionId);
    expect(await requested('p-noid')).toHaveLength(2);
  });
});
