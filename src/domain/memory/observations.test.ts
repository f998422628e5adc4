import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import { OBSERVATION_IMPORTANCE } from './memory-constants.ts';
import type { Observation } from './observation-collector.ts';
import { observationsOf } from './observations.ts';
import { newWitnessState, recordWitnessed, type WitnessedEvent, type WitnessState } from './witness-state.ts';

const world = starterWorld();
/** Noon of the first game day (one game hour is one real minute in the starter world). */
const noon = new Date(12 * 60_000);
/** 22:00: Captain Halvard keeps the watchtower at night, Brenna and Sylvi are at the tavern. */
const night = new Date(22 * 60_000);
let ids = 0;
const happened = (type: string, data: Record<string, unknown>, at = noon): WitnessedEvent => ({
  id: `e${++ids}`,
  type,
  data,
  at,
});

/** Given these earlier events, when `event` is recorded, then the NPCs concerned observe this. */
function given(events: WitnessedEvent[]) {
  const state: WitnessState = newWitnessState();
  for (const event of events) recordWitnessed(state, event, world);
  return {
    observe(event: WitnessedEvent): Observation[] {
      const seen = observationsOf(event, world, state);
      recordWitnessed(state, event, world);
      return seen;
    },
  };
}

const aldric = happened('PlayerRegistered', { playerId: 'p-aldric', username: 'Aldric' });
const texts = (observations: Observation[]) => observations.map((o) => [o.npcId, o.text]);

describe('observations', () => {
  it('given Aldric walks from the square to the gate at noon, then the captain sees him come in', () => {
    const seen = given([aldric]).observe(
      happened('PlayerMoved', {
        playerId: 'p-aldric',
        from: 'village-square',
        to: 'village-gate',
        direction: 'north',
      }),
    );
    expect(texts(seen)).toEqual([['captain-halvard', 'Aldric came in from Village Square.']]);
    expect(seen[0]).toMatchObject({
      kind: 'arrival',
      importance: OBSERVATION_IMPORTANCE.arrival,
      at: noon.toISOString(),
      about: { playerId: 'p-aldric', playerName: 'Aldric', placeName: 'Village Gate' },
    });
  });

  it('given Aldric is badly hurt, then his arrival is seen as wounded, and his leaving by those he leaves', () => {
    const hurt = happened('DamageTaken', { playerId: 'p-aldric', amount: 70, hp: 30, cause: 'grey-wolf' });
    const seen = given([aldric, hurt]).observe(
      happened('PlayerMoved', {
        playerId: 'p-aldric',
        from: 'village-gate',
        to: 'village-square',
        direction: 'south',
      }),
    );
    expect(texts(seen)).toEqual([['captain-halvard', 'Aldric left for Village Square.']]);
    const back = given([aldric, hurt]).observe(
      happened('PlayerMoved', {
        playerId: 'p-aldric',
        from: 'village-square',
        to: 'village-gate',
        direction: 'north',
      }),
    );
    expect(texts(back)).toEqual([['captain-halvard', 'Aldric came in from Village Square, wounded.']]);
  });

  it('follows the schedules: at night the gate is empty and the watchtower has the captain', () => {
    const at = given([aldric]);
    expect(
      at.observe(
        happened(
          'PlayerMoved',
          { playerId: 'p-aldric', from: 'village-square', to: 'village-gate', direction: 'north' },
          night,
        ),
      ),
    ).toEqual([]);
    expect(
      texts(
        at.observe(
          happened(
            'PlayerMoved',
            { playerId: 'p-aldric', from: 'village-gate', to: 'watchtower', direction: 'up' },
            night,
          ),
        ),
      ),
    ).toEqual([['captain-halvard', 'Aldric came in from Village Gate.']]);
  });

  it('given a fight of several blows, then one memory of the fight, and another after a pause', () => {
    const at = given([aldric]);
    const blow = (ms: number) =>
      happened(
        'EnemyDamaged',
        { locationId: 'village-gate', enemyId: 'grey-wolf', playerId: 'p-aldric', damage: 3, hp: 10 },
        new Date(noon.getTime() + ms),
      );
    expect(texts(at.observe(blow(0)))).toEqual([
      ['captain-halvard', 'Aldric fought the grey wolf at Village Gate.'],
    ]);
    expect(at.observe(blow(5_000))).toEqual([]);
    expect(at.observe(blow(30_000))).toEqual([]);
    // More than a game hour (60 s) after the last blow: a new fight.
    expect(at.observe(blow(100_000))).toHaveLength(1);
  });

  it('given a player pacing in and out of a place, then one arrival and one departure until a pause', () => {
    const at = given([aldric]);
    const step = (from: string, to: string, ms: number) =>
      at.observe(
        happened(
          'PlayerMoved',
          { playerId: 'p-aldric', from, to, direction: 'north' },
          new Date(noon.getTime() + ms),
        ),
      );
    expect(step('village-square', 'village-gate', 0).map((o) => o.kind)).toEqual(['arrival']);
    expect(step('village-gate', 'village-square', 1_000).map((o) => o.kind)).toEqual(['departure']);
    expect(step('village-square', 'village-gate', 2_000)).toEqual([]);
    expect(step('village-gate', 'village-square', 3_000)).toEqual([]);
    // A game hour (60 s) after the last time: seen again.
    expect(step('village-square', 'village-gate', 64_000).map((o) => o.kind)).toEqual(['arrival']);
  });

  it('given a slaying and a death, then the bystanders remember them, the death as grave', () => {
    const at = given([aldric]);
    const slain = at.observe(
      happened('EnemyDefeated', {
        locationId: 'village-gate',
        enemyId: 'grey-wolf',
        playerId: 'p-aldric',
        at: noon.toISOString(),
      }),
    );
    expect(texts(slain)).toEqual([['captain-halvard', 'Aldric slew the grey wolf at Village Gate.']]);
    expect(slain[0]!.importance).toBe(OBSERVATION_IMPORTANCE.defeat);
    const died = at.observe(
      happened('PlayerDefeated', { playerId: 'p-aldric', locationId: 'village-gate', by: 'grey-wolf' }),
    );
    expect(texts(died)).toEqual([
      ['captain-halvard', 'Aldric fell at Village Gate, killed by the grey wolf.'],
    ]);
    expect(died[0]!.importance).toBe(OBSERVATION_IMPORTANCE.death);
  });

  it('given quest events, then the giver (wherever it is) and the NPCs its steps name observe them', () => {
    const at = given([aldric]);
    expect(
      texts(at.observe(happened('QuestAccepted', { playerId: 'p-aldric', questId: 'elders-prophecy' }))),
    ).toEqual([['elder-zorathian', "Aldric took on my task: The Elder's Prophecy."]]);
    expect(
      texts(
        at.observe(
          happened('QuestStepCompleted', {
            playerId: 'p-aldric',
            questId: 'elders-prophecy',
            stepId: 'ask',
            step: 0,
          }),
        ),
      ),
    ).toEqual([
      [
        'elder-zorathian',
        "Aldric got on with my task, The Elder's Prophecy (ask Sylvi the ranger what she has seen in the woods).",
      ],
      ['sylvi', "Aldric came to me on Elder Zorathian's task, The Elder's Prophecy."],
    ]);
    const done = at.observe(happened('QuestCompleted', { playerId: 'p-aldric', questId: 'elders-prophecy' }));
    expect(texts(done)).toEqual([
      ['elder-zorathian', "Aldric saw my task through: The Elder's Prophecy."],
      ['sylvi', "Aldric finished The Elder's Prophecy for Elder Zorathian."],
    ]);
    expect(done.map((o) => o.importance)).toEqual([7, 7]);
  });

  it('given a gift, then the receiver remembers it by the item’s name', () => {
    const seen = given([aldric]).observe(
      happened('ItemGivenToNpc', { playerId: 'p-aldric', itemId: 'healing-herb', npcId: 'mira' }),
    );
    expect(seen).toMatchObject([
      { npcId: 'mira', kind: 'gift', text: 'Aldric gave me a healing herb.', importance: 6 },
    ]);
  });

  it('given a player it never heard named, then "A traveller"', () => {
    expect(
      texts(
        given([]).observe(
          happened('ItemGivenToNpc', { playerId: 'p-x', itemId: 'healing-herb', npcId: 'mira' }),
        ),
      ),
    ).toEqual([['mira', 'A traveller gave me a healing herb.']]);
  });

  it('given two NPCs talked, then each remembers the talk and what the other said', () => {
    const seen = given([]).observe(
      happened('NpcsConversed', {
        conversationId: 'c1',
        locationId: 'tavern',
        speakers: ['brenna', 'old-tom'],
        topic: 'the wolves',
        lines: [
          { npcId: 'brenna', text: 'The wolves came close last night.' },
          { npcId: 'old-tom', text: 'Aye, I heard them "howling".' },
        ],
        at: night.toISOString(),
      }),
    );
    // Both keep the gist (the longest line), in single quotes: told as news, it stays one voice.
    expect(texts(seen)).toEqual([
      ['brenna', "I talked with Old Tom about the wolves. I told him: 'The wolves came close last night.'"],
      [
        'old-tom',
        "I talked with Brenna the Blacksmith about the wolves. She told me: 'The wolves came close last night.'",
      ],
    ]);
    expect(seen.every((o) => o.kind === 'npcTalk' && o.about.playerId === undefined)).toBe(true);
  });

  it('given two NPCs made small talk, then each remembers passing the time, not a topic called "small talk"', () => {
    const seen = given([]).observe(
      happened('NpcsConversed', {
        conversationId: 'c2',
        locationId: 'tavern',
        speakers: ['captain-halvard', 'old-tom'],
        topic: 'small talk',
        lines: [
          { npcId: 'captain-halvard', text: 'Good to see you tonight, Old Tom.' },
          { npcId: 'old-tom', text: "Quiet night. That's when the Drake creaks, friend." },
        ],
        at: night.toISOString(),
      }),
    );
    expect(texts(seen)).toEqual([
      [
        'captain-halvard',
        "I passed the time with Old Tom. He told me: 'Quiet night. That\u2019s when the Drake creaks, friend.'",
      ],
      [
        'old-tom',
        "I passed the time with Captain Halvard. I told him: 'Quiet night. That\u2019s when the Drake creaks, friend.'",
      ],
    ]);
  });

  it('given an NPC reacted to a player’s deed, then it remembers the deed, its feeling and its words', () => {
    const seen = given([aldric]).observe(
      happened('NpcReacted', {
        npcId: 'captain-halvard',
        locationId: 'village-gate',
        reaction: 'awed',
        line: 'Aldric brought down the barrow wight.',
        cause: { type: 'EnemyDefeated', playerId: 'p-aldric', enemyId: 'barrow-wight' },
        at: noon.toISOString(),
      }),
    );
    expect(texts(seen)).toEqual([
      [
        'captain-halvard',
        'Aldric brought down the barrow wight, and I was awed. I said: "Aldric brought down the barrow wight."',
      ],
    ]);
  });

  it('ignores NPC events of another shape, unknown content and events nobody witnesses', () => {
    const at = given([aldric]);
    expect(at.observe(happened('NpcsConversed', { speakers: 'brenna' }))).toEqual([]);
    expect(at.observe(happened('NpcReacted', { npcId: 'brenna' }))).toEqual([]);
    expect(
      at.observe(happened('ItemGivenToNpc', { playerId: 'p-aldric', itemId: 'nothing', npcId: 'mira' })),
    ).toEqual([]);
    expect(at.observe(happened('QuestAccepted', { playerId: 'p-aldric', questId: 'nothing' }))).toEqual([]);
    expect(
      at.observe(
        happened('PlayerMoved', {
          playerId: 'p-aldric',
          from: 'wolf-hollow',
          to: 'whispering-path',
          direction: 'south',
        }),
      ),
    ).toEqual([]);
    expect(
      at.observe(happened('PlayerSaid', { playerId: 'p-aldric', locationId: 'village-gate', message: 'hi' })),
    ).toEqual([]);
  });

  it('gives every observation a key of its event, NPC and kind', () => {
    const event = happened('EnemyDefeated', {
      locationId: 'village-gate',
      enemyId: 'grey-wolf',
      playerId: 'p-aldric',
      at: noon.toISOString(),
    });
    expect(
      given([aldric])
        .observe(event)
        .map((o) => o.key),
    ).toEqual([`${event.id}/captain-halvard/defeat`]);
  });
});
