import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { SpectatorClient } from './support/spectator-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

type Result = Record<string, unknown> & { narration: string };
const resultOf = (frame: Frame) => {
  expect(frame.type, JSON.stringify(frame)).toBe('action_result');
  return frame.result as Result;
};
const statusOf = (result: Result) =>
  result.status as { inventory: { id: string }[]; wielding: { id: string } | null; hp: number };

/**
 * Three players in the starter world's village square over the real protocol: who, help, emote,
 * whisper (the third player must not hear it), equip, drink and eat.
 */
describe('who, help, emote, whisper, equip, drink and eat over the WebSocket protocol', () => {
  let server: TestSystem;
  const spectators: SpectatorClient[] = [];
  const players: Record<'ayla' | 'bram' | 'cora', GameClient> = {} as never;
  const act = async (who: keyof typeof players, data: Record<string, unknown>) =>
    resultOf(await players[who].act(data));
  const walk = async (who: keyof typeof players, ...directions: string[]) => {
    for (const direction of directions) {
      const moved = await act(who, { action_type: 'move', direction });
      expect(moved.moved, moved.narration).toBe(true);
    }
  };

  beforeAll(async () => {
    server = await startTestSystem();
    for (const name of ['ayla', 'bram', 'cora'] as const) {
      const { token } = await register(server.baseUrl, name);
      players[name] = await GameClient.connect(server.baseUrl, token);
      await players[name].waitFor((f) => f.type === 'welcome');
    }
    // Everyone has seen the others appear: all three are in the square.
    await players.ayla.waitFor((f) => f.type === 'event' && f.player === 'cora');
  });
  afterAll(async () => {
    await Promise.all(Object.values(players).map((client) => client.close()));
    await Promise.all(spectators.map((spectator) => spectator.close()));
    await server?.stop();
  });

  it('who names everyone online and where they stand', async () => {
    const who = await act('ayla', { action_type: 'who' });
    expect(who).toMatchObject({
      count: 3,
      players: [
        { name: 'ayla', location: 'Village Square', you: true },
        { name: 'bram', location: 'Village Square' },
        { name: 'cora', location: 'Village Square' },
      ],
    });
  });

  it('help gives an example of each verb from what is here', async () => {
    const help = await act('ayla', { action_type: 'help' });
    const examples = Object.fromEntries(
      (help.commands as { verb: string; example: string }[]).map((c) => [c.verb, c.example]),
    );
    expect(examples).toMatchObject({
      move: 'go north',
      take: 'take wooden bucket',
      whisper: 'whisper bram: hello',
      who: 'who',
    });
  });

  it('an emote is seen by the others here', async () => {
    const emote = await act('ayla', { action_type: 'emote', message: 'waves' });
    expect(emote.narration).toBe('ayla waves.');
    for (const other of [players.bram, players.cora])
      expect(await other.waitFor((f) => f.type === 'event' && f.event === 'player_emoted')).toMatchObject({
        player: 'ayla',
        text: 'ayla waves.',
      });
  });

  it('a whisper reaches its one listener: the third player here and a spectator get nothing of it', async () => {
    const spectator = (await SpectatorClient.open(server.baseUrl, 'village-square')).client!;
    const whisper = await act('ayla', { action_type: 'whisper', to: 'bra', message: 'the smithy, at dusk' });
    expect(whisper).toMatchObject({ to: 'bram', narration: 'You whisper to bram: "the smithy, at dusk"' });
    expect(
      await players.bram.waitFor((f) => f.type === 'event' && f.event === 'player_whispered'),
    ).toMatchObject({
      player: 'ayla',
      message: 'the smithy, at dusk',
      text: 'ayla whispers to you: "the smithy, at dusk"',
    });
    // Something said after the whisper reaches cora: by then the whisper had been told, to bram alone.
    await act('ayla', { action_type: 'say', message: 'fine weather' });
    await players.cora.waitFor((f) => f.type === 'event' && f.event === 'player_said');
    await spectator.waitFor((m) => m.event === 'PlayerSaid');
    spectators.push(spectator);
    for (const heard of [JSON.stringify(players.cora.frames), JSON.stringify(spectator.messages)]) {
      expect(heard).not.toContain('player_whispered');
      expect(heard).not.toContain('the smithy, at dusk');
    }
  });

  it('a whisper to someone elsewhere is refused, saying so', async () => {
    await walk('cora', 'east');
    const refused = await act('ayla', { action_type: 'whisper', to: 'cora', message: 'hello?' });
    expect(refused.narration).toBe('cora is not here: a whisper carries only to someone beside you.');
    expect(await act('ayla', { action_type: 'whisper', to: 'nobody', message: 'hello?' })).toMatchObject({
      narration: 'There is no one called nobody here to whisper to.',
    });
  });

  it('equips a weapon carried, and refuses what cannot be wielded or worn', async () => {
    await act('ayla', { action_type: 'take', item: 'wooden bucket' });
    const bucket = await act('ayla', { action_type: 'equip', item: 'bucket' });
    expect(bucket.narration).toBe('The wooden bucket is not something you can wield or wear.');
    await walk('ayla', 'east');
    await act('ayla', { action_type: 'take', item: 'rusty dagger' });
    const wield = await act('ayla', { action_type: 'equip', item: 'dagger' });
    expect(wield).toMatchObject({ slot: 'weapon', item: { id: 'rusty-dagger' } });
    expect(statusOf(wield).wielding).toMatchObject({ id: 'rusty-dagger' });
    const putAway = await act('ayla', { action_type: 'unequip', item: 'dagger' });
    expect(putAway.narration).toContain('You lower the rusty dagger.');
    expect(putAway).toMatchObject({ slot: 'weapon', now: { id: 'rusty-dagger' } });
    expect(await act('ayla', { action_type: 'unequip', item: 'dagger' })).toMatchObject({
      narration: 'You have not chosen the rusty dagger: you fight with the best you carry.',
    });
  });

  it('eats food and drinks a potion, each used up, and refuses the wrong way round', async () => {
    await walk('ayla', 'west', 'west');
    await act('ayla', { action_type: 'take', item: 'bread' });
    expect((await act('ayla', { action_type: 'drink', item: 'bread' })).narration).toBe(
      'You cannot drink the loaf of bread: eat it (eat loaf of bread).',
    );
    const eaten = await act('ayla', { action_type: 'eat', item: 'bread' });
    expect(eaten.narration).toContain('You tear into the warm bread.');
    expect(statusOf(eaten).inventory.map((item) => item.id)).not.toContain('bread-loaf');

    await walk('ayla', 'east', 'south', 'east');
    await act('ayla', { action_type: 'take', item: 'healing potion' });
    expect((await act('ayla', { action_type: 'eat', item: 'potion' })).narration).toBe(
      'You cannot eat the healing potion: drink it (drink healing potion).',
    );
    const drunk = await act('ayla', { action_type: 'drink', item: 'potion' });
    expect(drunk).toMatchObject({ action_type: 'drink', item: { id: 'healing-potion' } });
    expect(statusOf(drunk).inventory.map((item) => item.id)).not.toContain('healing-potion');
  });
});
