import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import starterContent from '../content/starter-world.json' with { type: 'json' };
import { routeBetween } from '../src/domain/world/routes.ts';
import { buildWorld } from '../src/domain/world/world.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { clockFromGameHour, startTestSystem, type TestSystem } from './support/start-test-system.ts';

const world = buildWorld(structuredClone(starterContent));

type Result = Record<string, unknown> & { narration: string };
const resultOf = (frame: Frame) => {
  expect(frame.type, JSON.stringify(frame)).toBe('action_result');
  return frame.result as Result;
};

describe('a new character plays the first quest chain over the WebSocket protocol', () => {
  let server: TestSystem;
  let player: GameClient;
  let here = '';

  const act = async (data: Record<string, unknown>) => resultOf(await player.act(data));
  const travelTo = async (destination: string) => {
    for (const direction of routeBetween(world, here, destination)) {
      const moved = await act({ action_type: 'move', direction });
      expect(moved.moved, moved.narration).toBe(true);
      here = (moved.location as { id: string }).id;
    }
    expect(here).toBe(destination);
  };

  beforeAll(async () => {
    // Midday in the game: Sylvi is at her camp, not in the tavern (her evening schedule).
    server = await startTestSystem({ clock: clockFromGameHour(11) });
    const { token } = await register(server.baseUrl, 'questor');
    player = await GameClient.connect(server.baseUrl, token);
    const welcome = await player.waitFor((f) => f.type === 'welcome');
    here = (welcome.location as { id: string }).id;
  });
  afterAll(async () => {
    await player?.close();
    await server?.stop();
  });

  it('plays from registration to the end of "The Elder\'s Prophecy"', async () => {
    expect(here).toBe('village-square');

    await travelTo('elders-hut');
    const first = await act({
      action_type: 'talk',
      npc: 'Zorathian',
      message: 'Tell me about the ancient prophecy',
    });
    expect(first).toMatchObject({
      npc: 'Elder Zorathian',
      npc_emotion: expect.any(String),
      relationship_change: expect.any(Number),
    });
    expect(first.npc_response).toMatch(/star|oath|prophec/i);

    const accepted = await act({ action_type: 'quest', op: 'accept', quest: "The Elder's Prophecy" });
    expect(accepted.narration).toMatch(/Quest accepted/);

    // The second talk draws on the first: the Elder remembers what this player asked about, in his
    // own words (never quoting theirs back).
    const second = await act({
      action_type: 'talk',
      npc: 'Elder Zorathian',
      message: 'Do you remember what I asked you?',
    });
    expect(second.memories_used).toBeGreaterThanOrEqual(1);
    expect(second.npc_response).toMatch(/We spoke of the prophecy/);
    expect(second.npc_response).not.toContain('Tell me about the ancient prophecy');

    await travelTo('smithy');
    const dagger = await act({ action_type: 'take', item: 'rusty dagger' });
    expect(dagger.narration).toMatch(/pick up the rusty dagger/);

    await travelTo('rangers-camp');
    const ranger = await act({ action_type: 'talk', npc: 'Sylvi', message: 'The Elder sent me.' });
    expect(ranger.quest_updates).toEqual([
      expect.objectContaining({ quest: 'elders-prophecy', step_completed: 0 }),
    ]);

    await travelTo('wolf-hollow');
    let fight: Result | undefined;
    for (let round = 0; round < 12 && !fight?.defeated; round++) {
      fight = await act({ action_type: 'attack', target: 'wolf' });
      expect(fight.damage_dealt).toBeGreaterThan(0);
      expect(fight.hp).toBeGreaterThan(0);
    }
    expect(fight?.defeated).toBe(true);
    expect(fight?.quest_updates).toEqual([
      expect.objectContaining({ quest: 'elders-prophecy', step_completed: 1 }),
    ]);

    const look = await act({ action_type: 'look' });
    expect((look.location as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
      'starglass-shard',
    );
    await act({ action_type: 'take', item: 'starglass shard' });
    const carried = await act({ action_type: 'inventory' });
    expect((carried.items as { id: string }[]).map((i) => i.id)).toEqual(
      expect.arrayContaining(['rusty-dagger', 'starglass-shard']),
    );

    await travelTo('elders-hut');
    const delivered = await act({ action_type: 'use', item: 'starglass shard', target: 'Zorathian' });
    expect(delivered.quest_updates).toEqual([
      expect.objectContaining({ step_completed: 2 }),
      expect.objectContaining({ quest: 'elders-prophecy', completed: true }),
    ]);
    expect(delivered.narration).toMatch(/Quest complete: The Elder's Prophecy!/);

    const status = await act({ action_type: 'quest', op: 'status' });
    expect(status.quests).toEqual([expect.objectContaining({ id: 'elders-prophecy', status: 'completed' })]);
    const rewards = await act({ action_type: 'inventory' });
    expect((rewards.items as { id: string }[]).map((i) => i.id)).toEqual(
      expect.arrayContaining(['iron-shortsword']),
    );
    expect(rewards.xp).toBeGreaterThanOrEqual(50);
  });
});
