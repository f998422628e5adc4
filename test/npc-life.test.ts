import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { SpectatorClient } from './support/spectator-client.ts';
import { clockFromGameHour, startTestSystem, type TestSystem } from './support/start-test-system.ts';

const TAVERN_IN_THE_EVENING = ['Old Tom', 'Brenna the Blacksmith', 'Sylvi the Ranger'];

describe('NPCs talking to each other, over the real server', () => {
  let server: TestSystem;
  const clock = clockFromGameHour(19);
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // 19:00 in the game: Brenna and Sylvi have joined Old Tom in his tavern.
    server = await startTestSystem({ clock });
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await server?.stop();
  });

  /** A player's fall in the tavern, recorded as the rules record one. */
  const fallInTheTavern = (playerId: string) =>
    server.system.store.appendToStream(
      `player-${playerId}`,
      [
        {
          id: randomUUID(),
          type: 'PlayerDefeated',
          data: { playerId, locationId: 'tavern', by: 'grey-wolf' },
          metadata: { timestamp: clock().toISOString(), playerId },
        },
      ],
      { expectedRevision: 'any' },
    );

  it('tells a player in the tavern, and its spectators, what the NPCs there say to each other', async () => {
    const opened = await SpectatorClient.open(server.baseUrl, 'tavern');
    const spectator = opened.client!;
    closers.push(() => spectator.close());
    const { token } = await register(server.baseUrl, 'rowan');
    const player = await GameClient.connect(server.baseUrl, token);
    closers.push(() => player.close());
    await player.waitFor((f) => f.type === 'welcome');
    // Nobody hears NPCs talk in the square: nobody is in the tavern yet, so nothing is said there.
    expect(spectator.events.filter((m) => m.event === 'NpcsConversed')).toEqual([]);

    const moved = await player.act({ action_type: 'move', direction: 'west' });
    expect(moved.result).toMatchObject({ location: { id: 'tavern' } });
    const heard = await player.waitFor((f: Frame) => f.type === 'event' && f.event === 'npc_conversation');
    const lines = heard.lines as { npc: string; to: string; text: string }[];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(TAVERN_IN_THE_EVENING).toContain(line.npc);
      expect(TAVERN_IN_THE_EVENING).toContain(line.to);
      expect(line.npc).not.toBe(line.to);
      expect(String(heard.text)).toContain(`${line.npc} says to ${line.to}: "${line.text}"`);
    }

    const seen = await spectator.waitFor((m) => m.event === 'NpcsConversed');
    // The same news, less the frame's own fields.
    const { type: _type, position: _position, ...told } = heard;
    expect(JSON.parse(seen.data!)).toMatchObject(told);
  });

  it('tells the players there how the NPCs take a fall in the tavern, the fallen one included', async () => {
    const { token, player_id: playerId } = await register(server.baseUrl, 'wren');
    const player = await GameClient.connect(server.baseUrl, token);
    closers.push(() => player.close());
    await player.waitFor((f) => f.type === 'welcome');
    expect((await player.act({ action_type: 'move', direction: 'west' })).result).toMatchObject({
      location: { id: 'tavern' },
    });
    // A fall as the rules record one (no enemy reaches the tavern, so it is written here directly).
    await fallInTheTavern(playerId);
    const reactions = new Map<string, Frame>();
    for (const npc of TAVERN_IN_THE_EVENING) {
      const frame = await player.waitFor(
        (f: Frame) => f.type === 'event' && f.event === 'npc_reaction' && f.npc === npc,
      );
      reactions.set(npc, frame);
    }
    for (const [npc, frame] of reactions) {
      expect(frame).toMatchObject({ reaction: 'shaken' });
      expect(String(frame.line)).toContain('wren');
      expect(frame.text).toBe(`${npc} says: "${frame.line}"`);
    }
  });

  it('tells the fallen player, woken elsewhere, how the NPCs where they fell take it, once each', async () => {
    const { token, player_id: playerId } = await register(server.baseUrl, 'ember');
    const fallen = await GameClient.connect(server.baseUrl, token);
    closers.push(() => fallen.close());
    await fallen.waitFor((f) => f.type === 'welcome');
    const witness = await GameClient.connect(
      server.baseUrl,
      (await register(server.baseUrl, 'tamsin')).token,
    );
    closers.push(() => witness.close());
    await witness.waitFor((f) => f.type === 'welcome');
    await witness.act({ action_type: 'move', direction: 'west' });
    // Fallen in the tavern, ember already stands in the Village Square (where the fallen wake).
    await fallInTheTavern(playerId);
    const reactionOf = (npc: string) => (f: Frame) =>
      f.type === 'event' && f.event === 'npc_reaction' && f.npc === npc && String(f.line).includes('ember');
    for (const npc of TAVERN_IN_THE_EVENING) {
      await fallen.waitFor(reactionOf(npc));
      await witness.waitFor(reactionOf(npc));
    }
    await fallen.act({ action_type: 'look' });
    for (const npc of TAVERN_IN_THE_EVENING) expect(fallen.frames.filter(reactionOf(npc))).toHaveLength(1);
  });
});
