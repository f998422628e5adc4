import { describe, expect, it } from 'vitest';
import { itemNotesIn } from '../../../domain/player/quest-hints.ts';
import { knowledgeLines, linesFor } from '../../../domain/world/npc-lines.ts';
import type { RecalledMemory } from '../../lane.ts';
import { reply as firstReply, npc, type Talk, talkedBefore, toldFact, world } from './testing.ts';

/** A talk with an NPC the player has met before (a first meeting opens with a greeting). */
const reply = (talk: Talk) =>
  firstReply({
    ...talk,
    player: { relationships: { [talk.npcId]: 5 }, ...talk.player },
  });

/** Something the NPC saw happen at its place a couple of game minutes before the talk. */
const seen = (text: string, importance: number): RecalledMemory => ({
  kind: 'observation',
  text,
  createdAt: '2024-05-01T11:58:00Z',
  importance,
});
const linesOf = (npcId: string, topic: string) =>
  knowledgeLines(npc(npcId).knowledge.find((k) => k.topic === topic)!);

describe('an NPC answers what the player asks about themselves', () => {
  it('given a name and home told before, when asked "what is my name?" and "where do I come from?", then it says them, not the small talk', async () => {
    const memories = [toldFact('name', 'Aldric'), toldFact('home', 'Millbrook')];
    const name = await reply({ npcId: 'brenna', message: 'What is my name?', memories });
    expect(name.reply).toMatch(/^Aldric\. You told me so yourself\.$/);
    const home = await reply({ npcId: 'elder-zorathian', message: 'Where do I come from?', memories });
    expect(home.reply).toBe('Millbrook, you said.');
    // The home drew on its memory (and the name, which it knows whatever is asked).
    expect(home.memoriesUsed).toBe(2);
  });

  it('given nothing told, when asked their name or what they promised, then the NPC says it was never told', async () => {
    const name = await reply({ npcId: 'old-tom', message: "What's my name, then?" });
    expect(name.reply).toBe('You never told me your name.');
    const promise = await reply({ npcId: 'old-tom', message: 'What did I promise you?' });
    expect(promise.reply).toBe('You promised me nothing that I recall.');
  });

  it('given the home named in an earlier answer but never asked for, when asked, then it is not "again"; asked twice, it is', async () => {
    const memories = [
      toldFact('home', 'Millbrook'),
      talkedBefore('do you remember me?', 'You did not give me your name, of Millbrook.'),
    ];
    const first = await reply({ npcId: 'elder-zorathian', message: 'Where am I from?', memories });
    expect(first.reply).toBe('Millbrook, you said.');
    const again = await reply({
      npcId: 'elder-zorathian',
      message: 'Where am I from?',
      memories,
      player: { toldByNpc: { 'elder-zorathian': first.told } },
    });
    expect(again.reply).toBe('Again? Millbrook, you said.');
  });

  it('given topics about the NPC itself, when asked whether it remembers, then it says "we spoke of me", not "of myself"', async () => {
    const answer = await reply({
      npcId: 'brenna',
      message: 'Do you remember me?',
      memories: [talkedBefore('who are you?', linesOf('brenna', 'myself')[0]!)],
    });
    expect(answer.reply).toContain('We spoke of me');
    expect(answer.reply).not.toContain('myself');
  });
});

describe('an NPC asked about itself by name speaks of itself', () => {
  it('given Brenna asked what she thinks of Brenna, then she tells of herself, not small talk', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'What do you think of Brenna?' });
    expect(linesOf('brenna', 'myself')).toContain(answer.reply);
  });

  it('given Old Tom asked "tell me about Old Tom", then he tells of himself', async () => {
    const answer = await reply({ npcId: 'old-tom', message: 'Tell me about Old Tom.' });
    expect(linesOf('old-tom', 'myself').some((line) => answer.reply.includes(line.slice(0, 20)))).toBe(true);
  });

  it('given the elder spoken to as "elder" in a farewell, then it is a goodbye, not a tale of himself', async () => {
    const answer = await reply({ npcId: 'elder-zorathian', message: 'Farewell, elder.' });
    const ownLines = linesOf('elder-zorathian', 'myself');
    expect(ownLines.some((line) => answer.reply.includes(line.slice(0, 20)))).toBe(false);
  });
});

describe('an NPC asked for news tells what just happened at its place', () => {
  it('given another player walked in a moment ago, when asked "what\'s new?" or "what is new?", then the NPC says so', async () => {
    for (const message of ["What's new?", 'What is new?', 'Any news?']) {
      const answer = await reply({
        npcId: 'brenna',
        message,
        memories: [seen('Wren came in from the Village Square.', 2)],
      });
      expect(answer.reply).toBe('Wren came in from the Village Square.');
    }
  });

  it('given only the asking player walked in, when asked for news, then the place has been quiet at this hour, and small talk follows', async () => {
    const answer = await reply({
      npcId: 'brenna',
      message: 'Anything happened lately?',
      timeOfDay: 'night',
      memories: [seen('ayla came in from the Village Square.', 2)],
    });
    expect(answer.reply).toMatch(/^Nothing new tonight; the Smithy has been quiet\. \S/);
    expect(answer.reply).not.toContain('ayla came in');
  });
});

describe('an NPC sees what the player carries', () => {
  it('given the player carries the rusty dagger, when they ask Brenna about weapons, then she does not send them to take it', async () => {
    const answer = await reply({
      npcId: 'brenna',
      message: 'Tell me about weapons.',
      player: { inventory: ['rusty-dagger'] },
    });
    expect(answer.reply).toMatch(/^You carry the rusty dagger already, I see\. /);
    expect(answer.reply).not.toMatch(/take it/i);
    // Without it, the dagger on the rack is her first word on weapons.
    const without = await reply({ npcId: 'brenna', message: 'Tell me about weapons.' });
    expect(without.reply).toMatch(/rusty dagger on the rack/);
  });
});

describe('an NPC greets a stranger as a stranger', () => {
  it('given a player Brenna, Old Tom or Corwen never met, when greeted (any hour, any dice), then never "again" nor "look who it is"', async () => {
    for (const npcId of ['brenna', 'old-tom', 'corwen', 'captain-halvard', 'mira', 'sylvi'])
      for (const timeOfDay of ['morning', 'day', 'evening', 'night'] as const)
        for (let dice = 0; dice < 8; dice++) {
          const answer = await firstReply({ npcId, message: 'Hello!', timeOfDay, actionId: `a${dice}` });
          expect(answer.reply).not.toMatch(/\bagain\b|look who it is|it's you/i);
        }
  });

  it('given a player met before, then a greeting for an acquaintance may be said', async () => {
    const greeted = new Set<string>();
    for (let dice = 0; dice < 16; dice++) {
      const answer = await reply({
        npcId: 'brenna',
        message: 'Hello!',
        actionId: `a${dice}`,
        memories: [talkedBefore('hi', 'Ha! Another adventurer with soft hands.')],
      });
      greeted.add(answer.reply);
    }
    expect([...greeted].some((line) => /\bagain\b|look who it is/i.test(line))).toBe(true);
  });
});

describe('an NPC without work varies how it sends the player on', () => {
  it('given an earlier answer that said where the elder is, when asked for work, then any of its ways of saying "not from me" may come, not one alone', async () => {
    const pointedBefore = talkedBefore(
      'tell me of the prophecy',
      "The prophecy? Not my anvil, stranger. That's Elder Zorathian's. He is at the Elder's Hut as ever.",
    );
    const answers = new Set<string>();
    for (let dice = 0; dice < 24; dice++) {
      const answer = await reply({
        npcId: 'brenna',
        message: 'Any work for me?',
        actionId: `a${dice}`,
        memories: [pointedBefore],
      });
      expect(answer.reply).toContain("He is at the Elder's Hut");
      answers.add(answer.reply);
    }
    expect(answers.size).toBe(3);
  });
});

describe('an NPC notices what the player just went through', () => {
  it('given the player came back to life here a moment ago, when they greet, then the NPC tells them so, to them', async () => {
    const answer = await reply({
      npcId: 'old-tom',
      message: 'Hello',
      locationId: 'tavern',
      memories: [seen('ayla came back to life here, after falling at Wolf Hollow.', 4)],
    });
    expect(answer.reply).toContain('You came back to life here, after falling at Wolf Hollow.');
    expect(answer.reply).not.toContain('ayla came back');
  });

  it('given the player told of their own return once, when they greet again, then it is not told twice', async () => {
    const memories = [
      seen('ayla came back to life here, after falling at Wolf Hollow.', 4),
      talkedBefore(
        'hello',
        'Welcome back, friend. You came back to life here, after falling at Wolf Hollow.',
      ),
    ];
    const answer = await reply({ npcId: 'old-tom', message: 'Hello', memories });
    expect(answer.reply).not.toContain('came back to life');
  });

  it('given the player at a third of their hit points, when they greet Brenna, then she sees they are hurt and says where Mira is', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'Hello!', player: { hp: 10, maxHp: 30 } });
    expect(answer.reply).toContain(
      "You look hurt. Mira the Herbalist can see to that. She is at Mira's Cottage",
    );
    const mira = await reply({ npcId: 'mira', message: 'Hello!', player: { hp: 10, maxHp: 30 } });
    expect(mira.reply).toContain('You are hurt. Sit down and let me see to it.');
    const well = await reply({ npcId: 'brenna', message: 'Hello!', player: { hp: 25, maxHp: 30 } });
    expect(well.reply).not.toMatch(/hurt/);
  });
});

describe('an NPC answers what is its own business', () => {
  it('given a player tired from the road, when they tell Old Tom, then he speaks of the Drake, not of the elder', async () => {
    const answer = await reply({
      npcId: 'old-tom',
      message: "I'm tired from the road.",
      locationId: 'tavern',
    });
    expect(answer.topics).toEqual(['the Sleeping Drake']);
    expect(answer.reply).not.toContain('Elder Zorathian');
  });
});

describe('an NPC sends the player to the one who knows what they asked', () => {
  it('given Brenna asked what lies in the ruins, then she names the ruins, not the hermit who lives there', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'What lies in the ruins to the south?' });
    expect(answer.reply).toMatch(/ruins and the barrow/i);
    expect(answer.reply).not.toMatch(/\bhermit\b/i);
  });
});

describe('an NPC waiting for an item the player carries', () => {
  it('given the shard carried, when the player speaks of it five times, then the elder asks for it five ways', async () => {
    let told: string[] = [];
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await reply({
        npcId: 'elder-zorathian',
        message: 'I have the shard you asked about',
        actionId: `a${i}`,
        player: {
          quests: { 'elders-prophecy': { status: 'active', step: 2 } },
          inventory: ['starglass-shard'],
          relationships: { 'elder-zorathian': 10 },
          toldByNpc: { 'elder-zorathian': told },
        },
      });
      told = [...told, ...answer.told];
      answers.push(answer.reply);
      expect(answer.reply).toMatch(/starglass shard/);
      expect(answer.reply).not.toMatch(/bring me one/i);
    }
    expect(new Set(answers).size).toBe(5);
  });
});

describe('an NPC that has told all of itself', () => {
  it('given Corwen has told every line about himself, when asked for more, then he points to one who has a topic about Corwen by name', async () => {
    const own = npc('corwen').knowledge.find((k) => k.topic === 'myself')!;
    const told = knowledgeLines(own).map((_, i) => `knowledge:myself:${i}`);
    const answer = await reply({
      npcId: 'corwen',
      message: 'Tell me about yourself.',
      player: { toldByNpc: { corwen: told } },
    });
    // The elder ("Corwen the hermit") and Old Tom ("Corwen") have one; Brenna, who merely has her own "myself", does not.
    expect(answer.reply).toMatch(
      /Elder Zorathian knows more|Old Tom knows more|ask (Elder Zorathian|Old Tom)|Old Tom\.|Elder Zorathian\./,
    );
    expect(answer.reply).not.toContain('Brenna');
  });

  it('given Brenna has told every line about herself, when asked for more, then she points to no one who merely has a topic about themselves', async () => {
    const own = npc('brenna').knowledge.find((k) => k.topic === 'myself')!;
    const told = knowledgeLines(own).map((_, i) => `knowledge:myself:${i}`);
    const answer = await reply({
      npcId: 'brenna',
      message: 'Tell me about yourself.',
      player: { toldByNpc: { brenna: told } },
    });
    for (const other of ['Old Tom', 'Mira', 'Sylvi', 'Corwen', 'Elder Zorathian', 'Halvard'])
      expect(answer.reply).not.toContain(other);
  });
});

describe('an NPC tells the player their own words back in its own mouth', () => {
  it('given a promise to "bring you a wolf pelt", when asked what they promised, then "bring me a wolf pelt"', async () => {
    const memories = [toldFact('promise', 'bring you a wolf pelt'), toldFact('name', 'Bea')];
    const asked = await reply({ npcId: 'elder-zorathian', message: 'What did I promise?', memories });
    expect(asked.reply).toBe('You promised to bring me a wolf pelt.');
    const remembered = await reply({ npcId: 'elder-zorathian', message: 'Do you remember me?', memories });
    expect(remembered.reply).toContain('And you promised to bring me a wolf pelt.');
  });

  it('given what they seek in their words ("my brother", "what you lost"), then the NPC says "your brother", "what I lost"', async () => {
    const memories = [toldFact('seeking', 'my brother and what you lost')];
    const asked = await reply({ npcId: 'old-tom', message: 'What am I looking for?', memories });
    expect(asked.reply).toBe('You are looking for your brother and what I lost, you said.');
  });
});

describe('an NPC remarks on what the player carries that belongs to the topic', () => {
  it('given the player carries a starglass shard, when they ask Brenna about starglass, then she remarks on it, once', async () => {
    const player = { inventory: ['starglass-shard'] };
    const first = await reply({ npcId: 'brenna', message: 'What do you know of starglass?', player });
    expect(first.reply).toMatch(/^I see you carry a starglass shard\. \S/);
    const again = await reply({
      npcId: 'brenna',
      message: 'What do you know of starglass?',
      player: { ...player, toldByNpc: { brenna: first.told } },
    });
    expect(again.reply).not.toContain('I see you carry');
    // Carrying nothing of the kind, nothing is remarked on.
    const without = await reply({ npcId: 'brenna', message: 'What do you know of starglass?' });
    expect(without.reply).not.toContain('I see you carry');
  });
});

describe('an NPC tells of things as they are now', () => {
  // Taken a minute before the talk: its five minutes to come back are not yet past.
  const DAGGER_GONE = { smithy: { items: [], respawning: { 'rusty-dagger': ['2024-05-01T11:59:00Z'] } } };

  it('given the rusty dagger was taken from the smithy, when Brenna is asked about weapons, then her line about it says it is gone', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'Any weapons?', states: DAGGER_GONE });
    expect(answer.reply).toContain("There's a rusty dagger on the rack in my smithy.");
    expect(answer.reply).toContain('the rusty dagger is no longer at the Smithy — someone took it');
  });

  it('given the rusty dagger lies on its rack, when Brenna is asked about weapons, then she only points at it', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'Any weapons?' });
    expect(answer.reply).toContain("There's a rusty dagger on the rack in my smithy.");
    expect(answer.reply).not.toContain('no longer');
  });

  it('given the player asked for news and nothing happened, when they ask what is new, then the NPC says nothing came up since, in other words', async () => {
    const first = await reply({ npcId: 'brenna', message: 'Any news?', timeOfDay: 'night' });
    const second = await reply({
      npcId: 'brenna',
      message: 'What is new?',
      timeOfDay: 'night',
      player: { relationships: { brenna: 5 }, toldByNpc: { brenna: first.told } },
    });
    expect(first.reply).toMatch(/^Nothing new tonight; the Smithy has been quiet\./);
    expect(second.reply).toMatch(/^Still nothing since you asked\. The Smithy stays quiet\./);
    expect(second.reply).not.toBe(first.reply);
  });
});

describe('an NPC tells what it talked about with another', () => {
  it('given Brenna talked with Old Tom, when asked what they talked about, then she tells their talk, not who he is', async () => {
    const talk = "I talked with Old Tom about the mule. He told me: 'That mule kicks harder than my ale.'";
    const answer = await reply({
      npcId: 'brenna',
      message: 'What did you and Old Tom talk about?',
      memories: [seen(talk, 3)],
    });
    expect(answer.reply).toContain('I talked with Old Tom about the mule.');
    expect(answer.reply).not.toContain('drinking companion');
  });

  it('given Brenna has not talked with Old Tom, when asked what they talked about, then she says so, not who he is', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'What did you and Old Tom talk about?' });
    expect(answer.reply).toContain('Old Tom and I have not talked of late');
    expect(answer.reply).not.toContain('drinking companion');
  });
});

describe('an NPC line names an item without pointing at where it lies', () => {
  it('given the moonpetal was picked from the clearing, when Mira tells what the elder says of moonpetals, then no note follows (the line points nowhere)', () => {
    const gone = () => ({ items: [], enemies: [] });
    const [pointing, poetic] = linesOf('mira', 'moonpetals');
    expect(itemNotesIn(world, { inventory: [] }, pointing!, gone)).toEqual([
      'The moonpetal is no longer at Moonlit Clearing — someone took it; another will turn up there before long.',
    ]);
    expect(itemNotesIn(world, { inventory: [] }, poetic!, gone)).toEqual([]);
  });
});

describe('a goodbye to an NPC never met', () => {
  it('given a stranger, when their first words are "bye", then the NPC says goodbye alone: no welcome, no quest offered', async () => {
    const farewell = await firstReply({ npcId: 'elder-zorathian', message: 'bye elder', timeOfDay: 'night' });
    expect(farewell.offer).toBeUndefined();
    expect(farewell.reply).not.toMatch(/come in|reason|service/i);
    // One of the elder's goodbyes, and nothing else.
    const goodbyes = linesFor(npc('elder-zorathian'), 'farewell', {
      locationId: 'elders-hut',
      setting: 'indoors',
      timeOfDay: 'night',
      weatherId: '',
    }).map((line) => line.text);
    expect(goodbyes).toContain(farewell.reply);
  });

  it('given a stranger, when they greet and take their leave at once, then the NPC welcomes them first', async () => {
    const both = await firstReply({
      npcId: 'elder-zorathian',
      message: 'hello and goodbye',
      timeOfDay: 'night',
    });
    expect(both.offer).toBeDefined();
  });
});
