import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { type PlayerEvent, playerDecider } from '../../domain/player/player.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { attack } from './combat.ts';

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
});
