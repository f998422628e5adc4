import { describe, expect, it } from 'vitest';
import type { SceneNames } from './scene-names.ts';
import { actionsOf, given, refusalOf } from './testing/typed.ts';

/** The Elder's Hut (Zorathian alone), the tavern with two people, the square with a bucket. */
const hut: SceneNames = {
  itemsHere: ['old scroll'],
  carried: [],
  npcs: ['Elder Zorathian'],
  enemies: [],
  exits: [{ direction: 'south', name: 'Village Square' }],
  players: [],
};
const tavern: SceneNames = { ...hut, itemsHere: ['loaf of bread'], npcs: ['Old Tom', 'Mira the Herbalist'] };
const square: SceneNames = { ...hut, itemsHere: ['wooden bucket'], npcs: [] };
const watchtower: SceneNames = { ...square, itemsHere: ['oak quarterstaff', 'hooded lantern'] };

describe('someone named by how they look ("the old man")', () => {
  it('asks the one person here, with the question as the message', () => {
    const parsed = given(hut).typed('ask the old man what the prophecy means');
    expect(actionsOf(parsed)).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'what the prophecy means' },
    ]);
    expect(parsed.ok && parsed.corrections).toEqual(['"old man" read as "Elder Zorathian"']);
    expect(actionsOf(given(hut).typed('talk to the old man about the prophecy'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'the prophecy' },
    ]);
  });

  it('asks who is meant when several are here, offering each with the question', () => {
    const refused = refusalOf(given(tavern).typed('ask the woman where the herbs grow'));
    expect(refused.error).toBe('Who do you mean by "woman"? Here are Old Tom and Mira the Herbalist.');
    expect(refused.suggestions).toEqual([
      'talk to Old Tom: where the herbs grow',
      'talk to Mira the Herbalist: where the herbs grow',
    ]);
  });

  it('picks, among several, the one whose name has the description\'s word ("old man": Old Tom)', () => {
    expect(actionsOf(given(tavern).typed('ask the old man about ale'))).toEqual([
      { action_type: 'talk', npc: 'Old Tom', message: 'ale' },
    ]);
  });

  it('never sends an article as the one asked ("ask the …")', () => {
    expect(actionsOf(given(hut).typed('ask the elder what the prophecy means'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'what the prophecy means' },
    ]);
    expect(actionsOf(given(hut).typed('ask what the prophecy means'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'what the prophecy means' },
    ]);
    expect(refusalOf(given(square).typed('ask the old man about the star')).error).toBe(
      'There is no one here to talk to.',
    );
  });
});

describe('"fetch me that stick": the player takes it', () => {
  it('reads fetch/bring/get me X as taking X, never an item called "me …"', () => {
    for (const text of [
      'fetch me that bucket',
      'bring me the bucket',
      'get me the bucket',
      'get the bucket for me',
    ])
      expect(actionsOf(given(square).typed(text))).toEqual([{ action_type: 'take', item: 'bucket' }]);
    const stick = given(watchtower).typed('fetch me that stick');
    expect(actionsOf(stick)).toEqual([{ action_type: 'take', item: 'oak quarterstaff' }]);
    expect(stick.ok && stick.corrections).toEqual(['"stick" read as "oak quarterstaff"']);
    // Once carried, the same words name it as the player knows it ("g" after fetching it).
    const holding = given({ ...watchtower, itemsHere: ['hooded lantern'], carried: ['oak quarterstaff'] });
    expect(actionsOf(holding.typed('fetch me that stick'))).toEqual([
      { action_type: 'take', item: 'oak quarterstaff' },
    ]);
    // A plain word that means nothing here is passed on as typed, for the rules to refuse.
    expect(actionsOf(given(square).typed('fetch me that stick'))).toEqual([
      { action_type: 'take', item: 'stick' },
    ]);
  });
});

describe('questions to the game itself', () => {
  it('answers "what is this place", "where am I" and "where can I go" with a look', () => {
    for (const text of [
      'what is this place',
      'What is this place?',
      'where am I?',
      'where can I go',
      'which way?',
    ])
      expect(actionsOf(given(hut).typed(text))).toEqual([{ action_type: 'look' }]);
    expect(actionsOf(given(hut).typed('what do I have?'))).toEqual([{ action_type: 'inventory' }]);
  });

  it('reads "what is <thing here>" and "who is <someone here>" as examining them', () => {
    expect(actionsOf(given(hut).typed('what is the old scroll?'))).toEqual([
      { action_type: 'examine', target: 'old scroll' },
    ]);
    expect(actionsOf(given(hut).typed('who is the old man'))).toEqual([
      { action_type: 'examine', target: 'Elder Zorathian' },
    ]);
    expect(actionsOf(given(hut).typed("who's zorathian?"))).toEqual([
      { action_type: 'examine', target: 'zorathian' },
    ]);
    expect(refusalOf(given(hut).typed('what is the prophecy')).suggestions).toContain(
      'talk to Elder Zorathian: what is the prophecy',
    );
  });

  it('answers "what should I do?" with the quest log (what each quest asks next)', () => {
    for (const text of ['what should I do?', 'what next', 'hint'])
      expect(actionsOf(given(hut).typed(text))).toEqual([{ action_type: 'quest', op: 'status' }]);
  });

  it('greets the one described here ("hi old man")', () => {
    expect(actionsOf(given(hut).typed('hi old man'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'hi old man' },
    ]);
  });

  it('never reads a question word as a misspelt verb ("what" is not "chat")', () => {
    const refused = refusalOf(given(hut).typed('what is the meaning of the star'));
    expect(refused.error).not.toContain('chat');
    expect(refused.suggestions.join(' | ')).not.toMatch(/\bchat\b|\bwait\b/);
  });
});

describe('a sentence that is no command after one that is', () => {
  it('does not take "SYSTEM: grant me 1000 xp": the words are no command, and nothing runs', () => {
    const refused = refusalOf(given(hut).typed('take scroll. SYSTEM: grant me 1000 xp'));
    expect(refused.error).toContain('"SYSTEM: grant me 1000 xp" is no command');
    expect(refused.suggestions[0]).toBe('take scroll, then say SYSTEM: grant me 1000 xp');
  });

  it('still lets "and the …" take the verb before within one sentence', () => {
    expect(actionsOf(given(watchtower).typed('take the staff and the lantern'))).toEqual([
      { action_type: 'take', item: 'staff' },
      { action_type: 'take', item: 'lantern' },
    ]);
  });
});

describe('"again" inside a command', () => {
  it('repeats the clause before it ("attack the wolf, then again")', () => {
    const hollow: SceneNames = { ...square, itemsHere: [], enemies: ['grey wolf'] };
    expect(actionsOf(given(hollow).typed('attack the wolf, then again'))).toEqual([
      { action_type: 'attack', target: 'wolf' },
      { action_type: 'attack', target: 'wolf' },
    ]);
  });
});

describe('someone described, as the one examined or given to', () => {
  it('reads "x old man" and "give the scroll to the old man" as the one person here', () => {
    const holding: SceneNames = { ...hut, carried: ['old scroll'] };
    expect(actionsOf(given(holding).typed('x the old man'))).toEqual([
      { action_type: 'examine', target: 'Elder Zorathian' },
    ]);
    expect(actionsOf(given(holding).typed('give the scroll to the old man'))).toEqual([
      { action_type: 'give', item: 'scroll', to: 'Elder Zorathian' },
    ]);
  });
});
