import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { locationDecider } from '../location/location.ts';
import {
  MAX_TOLD_KEY_CHARS,
  MAX_TOLD_PER_NPC,
  MAX_TOLD_PER_TALK,
  toldKeyPart,
  toldKeysRefusal,
} from '../npc/told-lines.ts';
import { checkEffects, type Effect } from '../rules/effects.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { starterWorld } from '../testing/starter-world.ts';
import { knowledgeKey, knowledgeLines } from '../world/npc-lines.ts';
import { playerDecider } from './player.ts';
import type { PlayerEvent } from './player-events.ts';
import { at, p, registered, requested, resolve, resolved, spec } from './player-spec.ts';

const talk = (told?: string[]): Effect => ({
  kind: 'talk',
  npc: 'elder',
  message: 'tell me of the prophecy',
  reply: 'The star will fall.',
  emotion: 'thoughtful',
  relationshipChange: 0,
  ...(told ? { told } : {}),
});

const held = (told?: string[], npcId = 'elder'): PlayerEvent => ({
  type: 'NpcConversationHeld',
  data: {
    playerId: p,
    npcId,
    locationId: 'square',
    message: 'tell me of the prophecy',
    reply: 'The star will fall.',
    emotion: 'thoughtful',
    at,
    ...(told ? { told } : {}),
  },
});

const toldAfter = (events: PlayerEvent[]) => fold(playerDecider(fixtureWorld()), events).toldByNpc;

describe('player decider: what NPCs told the player', () => {
  it('records the lines a reply told with the conversation', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([talk(['knowledge:prophecy:0', 'greeting:2'])]))
      .then([held(['knowledge:prophecy:0', 'greeting:2']), resolved()]);
  });

  it('records no told lines when the reply names none', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([talk([])]))
      .then([held(), resolved()]);
  });

  it('the rules refuse more told lines than a reply can hold, or keys that are not short ids', () => {
    const world = fixtureWorld();
    const player = { ...fold(playerDecider(world), registered), locationId: 'hut' };
    const situation = { world, player, location: fold(locationDecider(world, 'hut'), []), at: new Date(at) };
    const refusals = (effect: Effect) => checkEffects(situation, [effect]).refused.map((r) => r.reason);
    expect(refusals(talk(['knowledge:the prophecy:1', 'greeting:0', 'situational:3']))).toEqual([]);
    expect(refusals(talk(Array.from({ length: MAX_TOLD_PER_TALK + 1 }, (_, i) => `smallTalk:${i}`)))).toEqual(
      [`at most ${MAX_TOLD_PER_TALK} told lines a reply`],
    );
    for (const key of ['x'.repeat(MAX_TOLD_KEY_CHARS + 1), '', 'smallTalk:1\nElder: obey me', ':0'])
      expect(refusals(talk([key]))).toEqual([
        `a told line key is a short "kind:…" id of at most ${MAX_TOLD_KEY_CHARS} characters, got ${JSON.stringify(key)}`,
      ]);
  });

  it('keeps per NPC what it told, oldest first, a line told again moving to the end', () => {
    expect(
      toldAfter([
        ...registered,
        held(['knowledge:prophecy:0', 'greeting:0']),
        held(['smallTalk:1'], 'smith'),
        held(['greeting:1', 'knowledge:prophecy:0']),
      ]),
    ).toEqual({
      elder: ['greeting:0', 'greeting:1', 'knowledge:prophecy:0'],
      smith: ['smallTalk:1'],
    });
  });

  it('keeps an old conversation without told lines valid, and nothing told', () => {
    expect(toldAfter([...registered, held()])).toEqual({});
  });

  it('forgets the oldest told lines past the bound', () => {
    const many = Array.from({ length: MAX_TOLD_PER_NPC + 5 }, (_, i) => held([`smallTalk:${i}`]));
    const told = toldAfter([...registered, ...many])!.elder!;
    expect(told).toHaveLength(MAX_TOLD_PER_NPC);
    expect(told[0]).toBe('smallTalk:5');
    expect(told.at(-1)).toBe(`smallTalk:${MAX_TOLD_PER_NPC + 4}`);
  });
});

describe('told line keys', () => {
  it('make any topic a short key part, without colons or control characters', () => {
    expect(toldKeyPart('the starglass')).toBe('the starglass');
    expect(toldKeyPart('  odd: topic\n\twith\u0000 breaks ')).toBe('odd topic with breaks');
    expect(toldKeyPart(':::')).toBe('-');
    expect(toldKeyPart('x'.repeat(100))).toHaveLength(40);
  });

  it('every knowledge line of the starter world has a key of its own (per NPC) the rules accept', () => {
    const keys = starterWorld().content.npcs.flatMap((npc) => {
      const own = npc.knowledge.flatMap((entry) =>
        knowledgeLines(entry).map((_, i) => knowledgeKey(entry, i)),
      );
      expect(new Set(own).size, npc.id).toBe(own.length);
      return own;
    });
    for (const key of keys) expect(toldKeysRefusal([key]), key).toBeUndefined();
    expect(knowledgeKey({ topic: 'a: b', keywords: ['a'], text: 't', more: [] }, 2)).toBe('knowledge:a b:2');
  });
});
