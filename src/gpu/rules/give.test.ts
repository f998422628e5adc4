import { describe, expect, it } from 'vitest';
import type { PlayerState } from '../../domain/player/player.ts';
import { checkEffects } from '../../domain/rules/effects.ts';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import type { OnlinePlayer } from '../lane.ts';
import { actionContext } from '../prompts/testing/context.ts';
import { give } from './give.ts';

const bea: OnlinePlayer = { playerId: 'p2', name: 'Beatrix', locationId: 'square' };
const cal: OnlinePlayer = { playerId: 'p3', name: 'Caladan', locationId: 'woods' };

const giving = (
  item: string,
  to: string,
  options: { locationId?: string; inventory?: string[]; onStep?: number } = {},
) => {
  const context = actionContext({
    action: { action_type: 'give', item, to },
    player: {
      inventory: options.inventory ?? ['herb', 'petal'],
      locationId: options.locationId ?? 'square',
      ...(options.onStep !== undefined
        ? { quests: { prophecy: { status: 'active' as const, step: options.onStep } } }
        : {}),
    },
    online: [bea, cal],
  });
  const proposal = give(context, { action_type: 'give', item, to });
  const situation = {
    world: context.world,
    player: context.player,
    location: context.locationState,
    at: context.at,
    playerHere: (id: string) => context.online.here().some((other) => other.playerId === id),
  };
  return { proposal, checked: checkEffects(situation, proposal.effects) };
};

describe('give: an item to someone here', () => {
  it('gives a carried item to a player here, by the start of their name, and the rules allow it', () => {
    const { proposal, checked } = giving('the herb', 'bea');
    expect(proposal.effects).toEqual([{ kind: 'give-item-to-player', item: 'herb', player: 'p2' }]);
    expect(proposal.result).toMatchObject({
      action_type: 'give',
      narration: 'You give Beatrix a healing herb.',
      to: 'Beatrix',
      to_kind: 'player',
    });
    expect(checked.refused).toEqual([]);
  });

  it('gives to an NPC here as `use … on …` does (the quest delivery path)', () => {
    const { proposal, checked } = giving('petal', 'elder', { locationId: 'hut', onStep: 2 });
    expect(proposal.effects).toEqual([{ kind: 'give-item', item: 'petal', npc: 'elder' }]);
    expect(proposal.result.narration).toBe('You hand the moon petal to Elder Zorathian.');
    expect(checked.refused).toEqual([]);
  });

  it('refuses clearly: not carried, nobody by that name here, someone elsewhere, oneself', () => {
    expect(giving('dagger', 'bea').proposal).toMatchObject({
      effects: [],
      result: { narration: 'You are not carrying any dagger.' },
    });
    expect(giving('herb', 'zed').proposal.result.narration).toBe(
      'There is no one called zed here to give it to.',
    );
    expect(giving('herb', 'caladan').proposal.result.narration).toBe(
      'Caladan is not here: you can only give to someone beside you.',
    );
    expect(giving('herb', 'elder').proposal.result.narration).toBe(
      'Elder Zorathian is not here: you can only give to someone beside you.',
    );
    expect(giving('herb', 'ayla').proposal).toMatchObject({
      effects: [],
      result: { narration: 'You already have the healing herb.' },
    });
  });

  it('the rules refuse a gift proposed for someone not here, to oneself, or of what is not carried', () => {
    const context = actionContext({
      action: { action_type: 'give', item: 'herb', to: 'bea' },
      player: { inventory: ['herb'] },
      online: [bea, cal],
    });
    const situation = {
      world: context.world,
      player: context.player,
      location: context.locationState,
      at: context.at,
      playerHere: (id: string) => context.online.here().some((other) => other.playerId === id),
    };
    const { refused } = checkEffects(situation, [
      { kind: 'give-item-to-player', item: 'herb', player: 'p3' },
      { kind: 'give-item-to-player', item: 'herb', player: 'p1' },
      { kind: 'give-item-to-player', item: 'dagger', player: 'p2' },
    ]);
    expect(refused.map((r) => r.reason)).toEqual([
      'p3 is not online at square',
      'a player cannot give an item to themselves',
      'dagger is not carried',
    ]);
    // Without presence to vouch for anyone, nobody is here to receive an item.
    const { playerHere: _unknown, ...blind } = situation;
    expect(
      checkEffects(blind, [{ kind: 'give-item-to-player', item: 'herb', player: 'p2' }]).refused,
    ).toHaveLength(1);
  });
});

describe('give: an NPC reacts to a thing that is not its quest item', () => {
  const starter = starterWorld();
  const handing = (item: string, npcId: string, player: Partial<PlayerState> = {}) => {
    const npc = starter.npcs.get(npcId)!;
    const context = actionContext({
      world: starter,
      action: { action_type: 'give', item, to: npc.name },
      locationId: npc.location,
      player: { inventory: [item], ...player, locationId: npc.location },
    });
    const proposal = give(context, { action_type: 'give', item, to: npc.name });
    const situation = {
      world: starter,
      player: context.player,
      location: context.locationState,
      at: context.at,
    };
    return { proposal, checked: checkEffects(situation, proposal.effects) };
  };

  it('given the player carries the old scroll, when they give it to the elder, then he keeps it and thanks them in his voice', () => {
    const { proposal, checked } = handing('old-scroll', 'elder-zorathian');
    expect(proposal.effects).toEqual([{ kind: 'give-item', item: 'old-scroll', npc: 'elder-zorathian' }]);
    expect(checked.refused).toEqual([]);
    expect(proposal.result.narration).toMatch(
      /^You hand the old scroll to Elder Zorathian\.\nElder Zorathian: "An old scroll… this bears on .+ I thank you\."$/,
    );
  });

  it('given the player carries the old scroll, when they give it to Brenna, then she has no use for it and it stays with them', () => {
    const { proposal } = handing('old-scroll', 'brenna');
    expect(proposal.effects).toEqual([]);
    expect(proposal.result.narration).toMatch(
      /^Brenna the Blacksmith does not take the old scroll\.\nBrenna the Blacksmith: ".*old scroll.*Keep it/,
    );
  });

  it('given Mira waits for the spider silk on the player’s quest, when they give it to Brenna, then she sends them to Mira and it stays with them', () => {
    const { proposal } = handing('spider-silk', 'brenna', {
      quests: { 'silk-for-salves': { status: 'active', step: 1 } },
    });
    expect(proposal.effects).toEqual([]);
    expect(proposal.result.narration).toContain('Mira');
    expect(proposal.result.narration).toContain(
      'Mira the Herbalist is waiting on the bundle of spider silk. Take it to her.',
    );
  });

  it('given the player is on the step that brings the starglass shard, when they give it to the elder, then it goes as a delivery, the quest telling the rest', () => {
    const { proposal } = handing('starglass-shard', 'elder-zorathian', {
      quests: { 'elders-prophecy': { status: 'active', step: 2 } },
    });
    expect(proposal.effects).toEqual([
      { kind: 'give-item', item: 'starglass-shard', npc: 'elder-zorathian' },
    ]);
    expect(proposal.result.narration).toBe('You hand the starglass shard to Elder Zorathian.');
  });

  it('given the player is not yet on the step that brings the starglass shard, when they give it to the elder, then he bids them keep it for now', () => {
    const { proposal } = handing('starglass-shard', 'elder-zorathian', {
      quests: { 'elders-prophecy': { status: 'active', step: 1 } },
    });
    expect(proposal.effects).toEqual([]);
    expect(proposal.result.narration).toContain('Keep the starglass shard for now');
  });
});
