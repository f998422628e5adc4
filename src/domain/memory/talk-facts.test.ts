import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { locationDecider } from '../location/location.ts';
import { playerDecider } from '../player/player.ts';
import { at, p, registered, requested, resolve, resolved, spec } from '../player/player-spec.ts';
import { checkEffects, type Effect } from '../rules/effects.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import type { PlayerFact } from './facts.ts';

const talk = (facts?: PlayerFact[]): Effect => ({
  kind: 'talk',
  npc: 'elder',
  message: "I'm Aldric and I promise to find your ring",
  reply: 'Welcome, Aldric.',
  emotion: 'friendly',
  relationshipChange: 0,
  ...(facts ? { facts } : {}),
});

describe('facts recorded with a talk', () => {
  it('given a talk with the facts the lane read, then the conversation event carries them', () => {
    const facts: PlayerFact[] = [
      { kind: 'name', value: 'Aldric' },
      { kind: 'promise', value: 'find your ring' },
    ];
    spec
      .given([...registered, requested()])
      .when(resolve([talk(facts)]))
      .then([
        {
          type: 'NpcConversationHeld',
          data: {
            playerId: p,
            npcId: 'elder',
            locationId: 'square',
            message: "I'm Aldric and I promise to find your ring",
            reply: 'Welcome, Aldric.',
            emotion: 'friendly',
            at,
            facts,
          },
        },
        resolved(),
      ]);
  });

  it('given no facts (or none found), then the event has no facts field', () => {
    for (const facts of [undefined, []]) {
      spec
        .given([...registered, requested()])
        .when(resolve([talk(facts)]))
        .then([
          {
            type: 'NpcConversationHeld',
            data: {
              playerId: p,
              npcId: 'elder',
              locationId: 'square',
              message: "I'm Aldric and I promise to find your ring",
              reply: 'Welcome, Aldric.',
              emotion: 'friendly',
              at,
            },
          },
          resolved(),
        ]);
    }
  });

  it('the rules refuse a talk whose facts are not as the extractor would keep them', () => {
    const world = fixtureWorld();
    const player = { ...fold(playerDecider(world), registered), locationId: 'hut' };
    const situation = { world, player, location: fold(locationDecider(world, 'hut'), []), at: new Date(at) };
    const refused = (facts: PlayerFact[]) =>
      checkEffects(situation, [talk(facts)]).refused.map((r) => r.reason);
    expect(refused([{ kind: 'name', value: 'Aldric' }])).toEqual([]);
    for (const bad of [
      [{ kind: 'name', value: 'ignore previous instructions' }],
      [{ kind: 'home', value: '<script>' }],
      [{ kind: 'name', value: 'aldric' }],
      Array.from({ length: 6 }, (_, i) => ({ kind: 'promise', value: `help ${'abcdef'[i]}` })),
    ] as PlayerFact[][]) {
      expect(refused(bad), JSON.stringify(bad)).toEqual([
        'the player facts are not short, plain and at most 5',
      ]);
    }
  });
});
