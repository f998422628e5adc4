import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { clockFromGameHour, startTestSystem, type TestSystem } from './support/start-test-system.ts';

type Result = Record<string, unknown> & { action_type: string; narration: string };

/**
 * Three players over the real WebSocket protocol: a gift from one player to another, a trade accepted
 * and one declined, two players fighting one wolf and both credited with its defeat (XP and the
 * quest step), and a quest delivery made with `give … to <NPC>`.
 */
describe('players together: giving, trading and sharing a kill over the WebSocket protocol', () => {
  let server: TestSystem;
  const players: Record<'aldric' | 'bea' | 'cato', GameClient> = {} as never;

  const act = async (who: keyof typeof players, data: Record<string, unknown>): Promise<Result> => {
    const frame = await players[who].act(data);
    expect(frame.type, JSON.stringify(frame)).toBe('action_result');
    return frame.result as Result;
  };
  /** A result the player did not ask for (someone else's action reached them), from `since` on. */
  const notice = (who: keyof typeof players, match: (result: Result) => boolean, since: number) =>
    players[who]
      .waitFor(
        (f) => f.type === 'action_result' && f.id === undefined && match(f.result as Result),
        10_000,
        since,
      )
      .then((f: Frame) => f.result as Result);
  const news = (who: keyof typeof players, kind: string, since: number) =>
    players[who].waitFor((f) => f.type === 'event' && f.event === kind, 10_000, since);
  const mark = (who: keyof typeof players) => players[who].frames.length;
  const walk = async (who: keyof typeof players, ...directions: string[]) => {
    for (const direction of directions) {
      const moved = await act(who, { action_type: 'move', direction });
      expect(moved.moved, moved.narration).toBe(true);
    }
  };
  const carried = async (who: keyof typeof players) =>
    ((await act(who, { action_type: 'inventory' })).items as { id: string }[]).map((item) => item.id);

  beforeAll(async () => {
    // Midday: Sylvi is at her camp.
    server = await startTestSystem({ clock: clockFromGameHour(11) });
    for (const name of ['aldric', 'bea', 'cato'] as const) {
      const { token } = await register(server.baseUrl, name);
      players[name] = await GameClient.connect(server.baseUrl, token);
      await players[name].waitFor((f) => f.type === 'welcome');
    }
  }, 60_000);
  afterAll(async () => {
    for (const client of Object.values(players)) await client?.close();
    await server?.stop();
  });

  it('gives an item to a player here: both are told, and the others see it happen', async () => {
    await act('aldric', { action_type: 'take', item: 'bucket' });
    const [beaSince, catoSince] = [mark('bea'), mark('cato')];
    const given = await act('aldric', { action_type: 'give', item: 'the bucket', to: 'be' });
    expect(given.narration).toBe('You give bea a wooden bucket.');
    const received = await notice('bea', (r) => r.action_type === 'receive', beaSince);
    expect(received.narration).toBe('aldric gives you a wooden bucket.');
    expect((received.status as { inventory: { id: string }[] }).inventory.map((i) => i.id)).toEqual([
      'wooden-bucket',
    ]);
    expect((await news('cato', 'item_given', catoSince)).text).toBe('aldric gives bea a wooden bucket.');
    expect(await carried('aldric')).toEqual([]);
    expect(await carried('bea')).toEqual(['wooden-bucket']);

    expect((await act('aldric', { action_type: 'give', item: 'bucket', to: 'bea' })).narration).toBe(
      'You are not carrying any bucket.',
    );
    expect((await act('bea', { action_type: 'give', item: 'bucket', to: 'nobody' })).narration).toBe(
      'There is no one called nobody here to give it to.',
    );
    expect((await act('bea', { action_type: 'give', item: 'bucket', to: 'bea' })).narration).toBe(
      'You already have the wooden bucket.',
    );
  });

  it('trades an item for an item, accepted, and another offer declined', async () => {
    await walk('cato', 'west');
    await act('cato', { action_type: 'take', item: 'bread' });
    await walk('cato', 'east');

    const beaSince = mark('bea');
    const aldricSince = mark('aldric');
    const offered = await act('cato', {
      action_type: 'trade',
      with: 'bea',
      give: 'bread',
      for: 'wooden bucket',
    });
    expect(offered).toMatchObject({ trade: 'offered', to: 'bea' });
    const word = await notice('bea', (r) => r.trade === 'offered', beaSince);
    expect(word.narration).toBe(
      "cato offers you a loaf of bread for your wooden bucket. (accept cato's trade, or decline cato's trade)",
    );
    expect((await news('aldric', 'trade_offered', aldricSince)).text).toBe(
      'cato offers bea a loaf of bread for a wooden bucket.',
    );
    // Put on the table: not carried while the offer is open.
    expect(await carried('cato')).toEqual([]);

    const catoSince = mark('cato');
    const accepted = await act('bea', { action_type: 'trade', op: 'accept', with: 'cato' });
    expect(accepted.narration).toBe(
      "You accept cato's offer: your wooden bucket for a loaf of bread, which is yours now.",
    );
    const done = await notice('cato', (r) => r.trade === 'accepted', catoSince);
    expect(done.narration).toBe(
      'bea accepts your offer: the loaf of bread for a wooden bucket, which is yours now.',
    );
    expect(await carried('bea')).toEqual(['bread-loaf']);
    expect(await carried('cato')).toEqual(['wooden-bucket']);
    // Accepted once: a second accept finds nothing open.
    expect((await act('bea', { action_type: 'trade', op: 'accept', with: 'cato' })).narration).toBe(
      'cato has no offer open to you here.',
    );

    await act('bea', { action_type: 'trade', with: 'aldric', give: 'bread', for: 'wooden bucket' });
    expect((await act('bea', { action_type: 'inventory' })).narration).toContain(
      'On the table: your loaf of bread, offered to aldric (decline to take it back).',
    );
    const declinedSince = mark('bea');
    const declined = await act('aldric', { action_type: 'trade', op: 'decline' });
    expect(declined.narration).toBe("You decline bea's offer of a loaf of bread for your wooden bucket.");
    const back = await notice('bea', (r) => r.trade === 'declined', declinedSince);
    expect(back.narration).toBe('aldric declines your offer; the loaf of bread is yours again.');
    expect(await carried('bea')).toEqual(['bread-loaf']);
    expect(await carried('aldric')).toEqual([]);
  });

  it('two players fight one wolf and both are credited with its defeat: XP and the quest step', async () => {
    for (const who of ['aldric', 'bea'] as const) {
      await walk(who, 'north');
      const accepted = await act(who, { action_type: 'quest', op: 'accept', quest: "The Elder's Prophecy" });
      expect(accepted.narration).toMatch(/Quest accepted/);
      await walk(who, 'south', 'south', 'south', 'east');
      const ranger = await act(who, { action_type: 'talk', npc: 'Sylvi', message: 'The Elder sent me.' });
      expect(ranger.quest_updates).toEqual([
        expect.objectContaining({ quest: 'elders-prophecy', step_completed: 0 }),
      ]);
      await walk(who, 'west', 'south', 'west');
    }

    const first = await act('bea', { action_type: 'attack', target: 'wolf' });
    expect(first.defeated).toBeFalsy();
    const beaSince = mark('bea');
    let fight: Result | undefined;
    for (let round = 0; round < 15 && !fight?.defeated; round++)
      fight = await act('aldric', { action_type: 'attack', target: 'wolf' });
    expect(fight?.defeated).toBe(true);
    expect(fight?.shared_with).toEqual(['bea']);
    expect(fight?.narration).toContain('bea shares in the kill.');
    expect(fight?.quest_updates).toEqual([
      expect.objectContaining({ quest: 'elders-prophecy', step_completed: 1 }),
    ]);

    const shared = await notice('bea', (r) => r.action_type === 'share_kill', beaSince);
    expect(shared.narration).toContain(
      'aldric fells the grey wolf. You share in the defeat of the grey wolf (+15 XP).',
    );
    expect(shared.quest_updates).toEqual([
      expect.objectContaining({ quest: 'elders-prophecy', step_completed: 1 }),
    ]);
    expect((await act('bea', { action_type: 'inventory' })).xp).toBe(15);

    // The quest item fell once for each of them: bea takes hers, and aldric's still lies there for him.
    expect(fight?.narration).toContain('It drops a starglass shard (×2)');
    const beaTakes = await act('bea', { action_type: 'take', item: 'starglass shard' });
    expect(beaTakes.narration).toMatch(/You pick up the starglass shard/);
    const left = await act('aldric', { action_type: 'look' });
    expect(left.narration).toMatch(/You see a starglass shard[ .,]/);
  });

  it('gives the wolf’s starglass shard to the Elder: the quest delivery completes the quest', async () => {
    await act('aldric', { action_type: 'take', item: 'starglass shard' });
    await walk('aldric', 'east', 'north', 'north', 'north', 'north');
    const delivered = await act('aldric', { action_type: 'give', item: 'starglass shard', to: 'Zorathian' });
    expect(delivered.narration).toMatch(/^You hand the starglass shard to Elder Zorathian\./);
    expect(delivered.quest_updates).toEqual([
      expect.objectContaining({ step_completed: 2 }),
      expect.objectContaining({ quest: 'elders-prophecy', completed: true }),
    ]);
  });
});
