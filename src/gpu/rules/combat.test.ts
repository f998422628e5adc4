import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { type PlayerEvent, playerDecider } from '../../domain/player/player.ts';
import { seededRandom } from '../../domain/random.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { attack, tauntLine } from './combat.ts';

const world = fixtureWorld();
const lowest = () => 0;

describe('rules: attack', () => {
  it('a blow that fells the player says so once: where they wake is the player decider’s line', () => {
    const woods = actionContext({
      action: { action_type: 'attack', target: 'wolf' },
      player: { hp: 1, locationId: 'woods' },
    });
    const proposal = attack(woods, { action_type: 'attack', target: 'wolf' }, lowest);
    expect(proposal.result).toMatchObject({ defeated: false, damage_taken: expect.any(Number) });
    expect(proposal.result.narration).toContain('Darkness takes you…');

    const decider = playerDecider(world);
    const given: PlayerEvent[] = [
      { type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } },
      { type: 'PlayerSpawned', data: { playerId: 'p1', locationId: 'square', hp: 20, maxHp: 20 } },
      { type: 'PlayerMoved', data: { playerId: 'p1', from: 'square', to: 'woods', direction: 'south' } },
      { type: 'DamageTaken', data: { playerId: 'p1', amount: 19, hp: 1, cause: 'wolf' } },
      {
        type: 'ActionRequested',
        data: { actionId: 'a1', action: { action_type: 'attack', target: 'wolf' } },
      },
    ];
    const events = decider.decide(
      { type: 'ResolveAction', actionId: 'a1', at: AT.toISOString(), ...proposal },
      fold(decider, given),
    );
    const resolved = events.at(-1);
    if (resolved?.type !== 'ActionResolved') throw new Error('the action was not resolved');
    const { narration } = resolved.data.result;
    expect(narration.match(/wake/g)).toHaveLength(1);
    expect(narration).toContain('You wake at Square');
  });

  it('follows the number typed when nothing by that name is here: "There are no bats here to fight"', () => {
    const woods = (target: string) =>
      attack(
        actionContext({ action: { action_type: 'attack', target }, player: { locationId: 'woods' } }),
        { action_type: 'attack', target },
        lowest,
      ).result.narration;
    expect(woods('bats')).toBe('There are no bats here to fight.');
    expect(woods('the bat')).toBe('There is no bat here to fight.');
  });

  it('tells the weather and the taunt once per fight, then narrates the enemy’s blows', () => {
    const start = actionContext({
      action: { action_type: 'attack', target: 'wolf' },
      player: { hp: 200, locationId: 'woods' },
    });
    const foggy = { ...start.weather, description: 'Fog swirls.', combatModifier: -1 };
    const random = seededRandom('a long fight');
    let enemiesHere = start.enemiesHere;
    let playerHp = 200;
    const narrations: string[] = [];
    for (let round = 0; round < 20; round++) {
      const context = { ...start, weather: foggy, enemiesHere, player: { ...start.player, hp: playerHp } };
      const { result } = attack(context, { action_type: 'attack', target: 'wolf' }, random);
      narrations.push(result.narration);
      if (result.defeated) break;
      playerHp = Number(result.hp);
      enemiesHere = enemiesHere.map((e) => ({ ...e, hp: Number(result.enemy_hp) }));
    }
    const fight = narrations.join('\n');
    expect(narrations.length).toBeGreaterThan(2);
    expect(fight.match(/Fog swirls\./g)).toHaveLength(1);
    expect(narrations[0]).toContain('Your blows land poorly.');
    expect(fight.match(/Grrr\./g)).toHaveLength(1);
    expect(narrations[0]).toContain('The grey wolf snarls: "Grrr."');
    for (const later of narrations.slice(1, -1))
      expect(later).toMatch(/^The grey wolf [a-z ]+ and hits you for \d+ damage\./m);
  });

  it('narrates a taunt that is an action, and quotes only speech', () => {
    const lines = [
      'The wolf circles you, snapping at your heels.',
      'Silk hisses through the air as the spider tries to bind your arms.',
      '*bares its teeth*',
      'The wight’s breath frosts the air. "Kneel to your king."',
    ];
    for (const taunt of lines) {
      const told = tauntLine('grey wolf', taunt);
      expect(told.spoken).toBeUndefined();
      expect(told.line.startsWith('"')).toBe(false);
      expect(told.line).not.toContain('snarls');
    }
    expect(tauntLine('grey wolf', '*bares its teeth*').line).toBe('The grey wolf bares its teeth.');
    expect(tauntLine('grey wolf', '*the wolf bares its teeth!*').line).toBe('The wolf bares its teeth!');
    expect(tauntLine('Black Fox bandit', '"Your purse or your teeth."')).toEqual({
      line: 'The Black Fox bandit snarls: "Your purse or your teeth."',
      spoken: 'Your purse or your teeth.',
    });
    expect(tauntLine('grey wolf', 'Run back to your village!').spoken).toBe('Run back to your village!');
  });

  it('leaves the sky out of a fight underground: no weather line, and the weather shifts no blow', () => {
    const start = actionContext({
      action: { action_type: 'attack', target: 'wolf' },
      player: { hp: 200, locationId: 'woods' },
    });
    const misty = {
      ...start.weather,
      description: 'A grave-mist clings to your ankles.',
      combatModifier: -1,
    };
    const still = { ...misty, combatModifier: 0 };
    const crypt = { ...start.location, setting: 'underground' as const };
    const below = attack({ ...start, location: crypt, weather: misty }, start.action as never, lowest).result;
    const calm = attack({ ...start, location: crypt, weather: still }, start.action as never, lowest).result;
    const outside = attack({ ...start, weather: misty }, start.action as never, lowest).result;
    expect(below.narration).not.toContain('grave-mist');
    expect(below.narration).not.toContain('Your blows land');
    expect(below.damage_dealt).toBe(calm.damage_dealt);
    expect(outside.narration).toContain('(A grave-mist clings to your ankles. Your blows land poorly.)');
  });

  it('tells a fight’s weather as the hour shows it: no sunlight at night', () => {
    const start = actionContext({
      action: { action_type: 'attack', target: 'wolf' },
      player: { locationId: 'woods' },
    });
    const sunny = { ...start.weather, description: 'Sunlight falls through the canopy.', combatModifier: 1 };
    const at = (timeOfDay: 'night' | 'day') =>
      attack({ ...start, weather: sunny, time: { ...start.time, timeOfDay } }, start.action as never, lowest)
        .result.narration;
    expect(at('night')).not.toContain('Sunlight');
    expect(at('night')).toContain('(The weather is with you. Your blows land true.)');
    expect(at('day')).toContain('(Sunlight falls through the canopy. Your blows land true.)');
  });
});
