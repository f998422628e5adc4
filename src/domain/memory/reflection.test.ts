import { describe, expect, it } from 'vitest';
import { OBSERVATION_IMPORTANCE, type ObservationKind, REFLECTION_THRESHOLD } from './memory-constants.ts';
import type { Observation, Subject } from './observation-collector.ts';
import { NO_REFLECTION, noteObservations, type ReflectionState, reflect } from './reflection.ts';

let n = 0;
const seen = (kind: ObservationKind, about: Subject = {}, npcId = 'captain'): Observation => ({
  key: `e${++n}/${npcId}/${kind}`,
  npcId,
  kind,
  text: kind,
  importance: OBSERVATION_IMPORTANCE[kind],
  at: new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString(),
  about,
});
const aldric = { playerId: 'p-aldric', playerName: 'Aldric' };
const bram = { playerId: 'p-bram', playerName: 'Bram' };
const atGate = { placeName: 'Village Gate' };
const wolf = { enemyName: 'grey wolf' };

/** Given these observations one event at a time, then the reflections that fired. */
function run(observations: Observation[], state: ReflectionState = NO_REFLECTION) {
  const fired = [];
  for (const observation of observations) {
    const step = noteObservations(state, [observation], observation.key.split('/')[0]!);
    state = step.state;
    if (step.reflection) fired.push(step.reflection);
  }
  return { fired, state };
}

describe('reflection', () => {
  it('given importance below the threshold, then nothing; reaching it, then one reflection, and the sum starts again', () => {
    const fights = Array.from({ length: 10 }, () => seen('fight', { ...aldric, ...atGate, ...wolf }));
    const perFight = OBSERVATION_IMPORTANCE.fight;
    const needed = Math.ceil(REFLECTION_THRESHOLD / perFight);
    const before = run(fights.slice(0, needed - 1));
    expect(before.fired).toEqual([]);
    expect(before.state.pending).toBe((needed - 1) * perFight);

    const { fired, state } = run(fights);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      key: `captain/${fights[needed - 1]!.key.split('/')[0]}`,
      npcId: 'captain',
      importance: 7,
      at: fights[needed - 1]!.at,
    });
    expect(state.pending).toBe((10 - needed) * perFight);
  });

  it('given no observations, then the state is unchanged', () => {
    const state = { pending: 12, recent: [seen('arrival')] };
    expect(noteObservations(state, [], 'e').state).toBe(state);
  });

  it('sums up fights and a death at one place by the enemy seen most, and weighs it grave', () => {
    const observations = [
      seen('fight', { ...aldric, ...atGate, ...wolf }),
      seen('fight', { ...bram, ...atGate, ...wolf }),
      seen('defeat', { ...aldric, ...atGate, ...wolf }),
      seen('fight', { ...bram, ...atGate, enemyName: 'forest bandit' }),
      seen('death', { ...bram, ...atGate, ...wolf }),
      seen('fight', { ...aldric, ...atGate, ...wolf }),
      seen('defeat', { ...aldric, ...atGate, ...wolf }),
    ];
    const { fired } = run(observations);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.importance).toBe(8);
    expect(fired[0]!.text).toBe(
      'Trouble keeps coming at Village Gate: three fights with the grey wolf, two of them won, and Bram fell. Aldric is handy with a blade: two beasts slain.',
    );
  });

  it('speaks well of a player who gave gifts and saw a task through', () => {
    const text = reflect([
      seen('gift', aldric),
      seen('arrival', { ...bram, ...atGate }),
      seen('questCompleted', { ...aldric, questName: 'The Broken Oath' }),
      seen('gift', aldric),
    ]);
    expect(text).toBe('Aldric has done right by me: two gifts and a task seen through.');
  });

  it('remembers a player who gave up its task', () => {
    expect(reflect([seen('questAccepted', aldric), seen('questAbandoned', aldric)])).toBe(
      'Aldric let me down: they took on my task and gave it up.',
    );
  });

  it('tells who came and went, and the NPC it talked with most', () => {
    const text = reflect([
      seen('arrival', aldric),
      seen('arrival', bram),
      seen('departure', aldric),
      seen('newcomer', { playerId: 'p-cole', playerName: 'Cole' }),
      seen('arrival', { playerId: 'p-dana', playerName: 'Dana' }),
      seen('npcTalk', { npcName: 'Old Tom', topic: 'the wolves' }),
      seen('npcTalk', { npcName: 'Old Tom', topic: 'the harvest' }),
      seen('npcTalk', { npcName: 'Mira', topic: 'herbs' }),
    ]);
    expect(text).toBe(
      'Many come and go these days: Aldric, Bram, Cole and one other. I have talked a good deal with Old Tom lately, about the wolves and the harvest.',
    );
  });

  it('given nothing that makes a theme, then a plain sentence', () => {
    expect(reflect([seen('arrival', aldric), seen('departure', aldric)])).toBe(
      'It has been a busy time: two things worth noting happened around me.',
    );
  });

  it('is a pure function of the observations: the same in, the same out', () => {
    const observations = [seen('gift', aldric), seen('defeat', { ...aldric, ...wolf }), seen('death', bram)];
    expect(reflect(observations)).toBe(reflect([...observations]));
  });
});
