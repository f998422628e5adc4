import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import starterContent from '../content/starter-world.json' with { type: 'json' };
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

type Result = Record<string, unknown> & { narration: string; location?: { items: { id: string }[] } };
const resultOf = (frame: Frame) => {
  expect(frame.type, JSON.stringify(frame)).toBe('action_result');
  return frame.result as Result;
};
const itemsIn = (result: Result) => (result.location?.items ?? []).map((item) => item.id);

describe('a world that does not run dry, played by two players over the WebSocket protocol', () => {
  let server: TestSystem;
  let folder: string;
  let alice: GameClient;
  let bob: GameClient;
  /** The world's clock runs ahead of real time by this much: the test moves world time on. */
  let ahead = 0;

  const act = async (player: GameClient, data: Record<string, unknown>) => resultOf(await player.act(data));
  const look = (player: GameClient) => act(player, { action_type: 'look' });
  const carried = async (player: GameClient) =>
    ((await act(player, { action_type: 'inventory' })).items as { id: string }[]).map((item) => item.id);

  beforeAll(async () => {
    // The shipped world's quest items all fall from enemies: this one places one in the square.
    const content = structuredClone(starterContent);
    (content.locations.find((l) => l.id === 'village-square')!.items as string[]).push('starglass-shard');
    folder = await mkdtemp(join(tmpdir(), 'langomni-world-'));
    const worldFile = join(folder, 'world.json');
    await writeFile(worldFile, JSON.stringify(content));
    server = await startTestSystem({
      env: { WORLD_FILE: worldFile },
      clock: () => new Date(Date.now() + ahead),
    });
    alice = await GameClient.connect(server.baseUrl, (await register(server.baseUrl, 'alice')).token);
    bob = await GameClient.connect(server.baseUrl, (await register(server.baseUrl, 'bob')).token);
    for (const player of [alice, bob]) {
      const welcome = await player.waitFor((f) => f.type === 'welcome');
      expect((welcome.location as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
        'starglass-shard',
      );
    }
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('lets each player take their own quest item: Alice takes it, Bob still can, Alice not a second', async () => {
    const taken = await act(alice, { action_type: 'take', item: 'starglass shard' });
    expect(taken.narration).toMatch(/pick up the starglass shard/);
    expect(itemsIn(await look(alice))).not.toContain('starglass-shard');
    const again = await act(alice, { action_type: 'take', item: 'starglass shard' });
    expect(again.narration).toMatch(/already have the starglass shard/i);
    expect(await carried(alice)).toEqual(['starglass-shard']);

    expect(itemsIn(await look(bob))).toContain('starglass-shard');
    const bobs = await act(bob, { action_type: 'take', item: 'starglass shard' });
    expect(bobs.narration).toMatch(/pick up the starglass shard/);
    expect(await carried(bob)).toEqual(['starglass-shard']);
    expect(itemsIn(await look(bob))).not.toContain('starglass-shard');
  });

  it('brings the loaf Alice took back to the tavern after its respawn time, once', async () => {
    for (const player of [alice, bob])
      expect((await act(player, { action_type: 'move', direction: 'west' })).moved).toBe(true);
    const loaf = await act(alice, { action_type: 'take', item: 'loaf of bread' });
    expect(loaf.narration).toMatch(/pick up the loaf of bread/);
    expect(itemsIn(await look(bob))).not.toContain('bread-loaf');
    expect((await act(bob, { action_type: 'take', item: 'loaf of bread' })).narration).toMatch(
      /no loaf of bread/i,
    );

    const respawnSeconds = starterContent.locations.find((l) => l.id === 'tavern')!.itemRespawns![
      'bread-loaf'
    ]!;
    ahead += respawnSeconds * 1000;
    const back = itemsIn(await look(bob));
    expect(back.filter((id) => id === 'bread-loaf')).toHaveLength(1);
    expect((await act(bob, { action_type: 'take', item: 'loaf of bread' })).narration).toMatch(
      /pick up the loaf of bread/,
    );
    expect(itemsIn(await look(alice))).not.toContain('bread-loaf');
  });
});
