import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import { composeNpcConversation, conversationPair, conversationSlot } from './npc-conversation.ts';
import { answerLines, firstSentence } from './npc-voice.ts';

const world = starterWorld();
const atGameHour = (hour: number, realSeconds = 0) =>
  new Date(Date.UTC(2026, 10, 27) + hour * 60_000 + realSeconds * 1000);
const npc = (id: string) => world.npcs.get(id)!;
const place = (id: string) => world.locations.get(id)!;

describe('NPCs talk to each other', () => {
  it('gives 2 to 4 lines, opened by the first NPC, answered by the second, in turn', () => {
    for (let minute = 0; minute < 30; minute++) {
      const { lines } = composeNpcConversation(
        world,
        place('tavern'),
        npc('brenna'),
        npc('old-tom'),
        atGameHour(19, minute),
      );
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.length).toBeLessThanOrEqual(4);
      lines.forEach((line, i) => {
        expect(line.npcId).toBe(i % 2 === 0 ? 'brenna' : 'old-tom');
        expect(line.text.length).toBeGreaterThan(0);
      });
    }
  });

  it('greets as warmly as the speaker regards the other, by the time of day', () => {
    const friendly = composeNpcConversation(
      world,
      place('tavern'),
      npc('brenna'),
      npc('old-tom'),
      atGameHour(19),
    );
    expect(friendly.lines[0]!.text).toMatch(/^Ha! Good to see you this evening, Old Tom\./);
    const cold = composeNpcConversation(
      world,
      place('elders-hut'),
      npc('corwen'),
      npc('elder-zorathian'),
      atGameHour(23),
    );
    expect(cold.lines[0]!.text).toMatch(
      /^You again, Elder Zorathian\. I had hoped for better company tonight\./,
    );
    expect(cold.lines[2]!.text).toMatch(/You always did think you knew best/);
    // What the other is to the speaker, when the content says: a rival, a best customer.
    const rival = composeNpcConversation(world, place('tavern'), npc('brenna'), npc('sylvi'), atGameHour(19));
    expect(rival.lines[0]!.text).toMatch(/^Ha! Sylvi! Come to lose again this evening\?/);
    const customer = composeNpcConversation(
      world,
      place('tavern'),
      npc('old-tom'),
      npc('brenna'),
      atGameHour(19),
    );
    expect(customer.lines[0]!.text).toMatch(/^Ha! Brenna! Back again this evening\? The usual, then\./);
  });

  it('talks of what the second NPC knows or says, over time more than one topic', () => {
    const topics = new Set<string>();
    for (let minute = 0; minute < 40; minute++) {
      const talk = composeNpcConversation(
        world,
        place('tavern'),
        npc('sylvi'),
        npc('brenna'),
        atGameHour(20, minute),
      );
      topics.add(talk.topic);
      const known = npc('brenna').knowledge.find((k) => k.topic === talk.topic);
      if (known) expect(talk.lines[1]!.text).toContain(`I've been thinking about ${known.topic}.`);
    }
    expect(topics.size).toBeGreaterThan(2);
  });

  it('leaves out what an NPC knows of itself ("how I fare"): an answer to a player, not talk', () => {
    expect(npc('old-tom').knowledge.some((k) => k.topic === 'how I fare')).toBe(true);
    for (let minute = 0; minute < 60; minute++)
      for (const [a, b] of [
        ['brenna', 'old-tom'],
        ['old-tom', 'brenna'],
      ] as const) {
        const talk = composeNpcConversation(world, place('tavern'), npc(a), npc(b), atGameHour(20, minute));
        expect(talk.topic).not.toMatch(/\b(I|me|my|myself|himself|herself)\b/);
        expect(talk.lines[1]!.text).not.toMatch(/^I've been thinking about (how I|my|myself)/);
      }
  });

  it('gossips of an NPC who is not here, never of the listener to their face nor of one standing by', () => {
    // At 20 Old Tom, Brenna and Sylvi are in the tavern; Halvard, Mira and the others are not.
    const present = new Set(['Tom', 'Brenna', 'Sylvi']);
    const gossip = new Set<string>();
    for (let minute = 0; minute < 60; minute++)
      for (const [a, b] of [
        ['brenna', 'old-tom'],
        ['old-tom', 'brenna'],
        ['brenna', 'sylvi'],
        ['sylvi', 'old-tom'],
      ] as const) {
        const talk = composeNpcConversation(world, place('tavern'), npc(a), npc(b), atGameHour(20, minute));
        expect(present).not.toContain(talk.topic);
        if (['Halvard', 'Mira', 'Zorathian', 'Corwen'].includes(talk.topic)) gossip.add(talk.topic);
        expect(talk.lines[1]!.text).not.toMatch(/Brenna's arm-wrestled|Brenna thinks she can outdrink/);
      }
    expect(gossip.size).toBeGreaterThan(1);
  });

  it('having met here a short while ago, does not greet again and brings something up at once', () => {
    const met = composeNpcConversation(
      world,
      place('tavern'),
      npc('brenna'),
      npc('old-tom'),
      atGameHour(19, 45),
      undefined,
      { met: true, said: [] },
    );
    expect(met.lines[0]!.npcId).toBe('brenna');
    expect(met.lines[0]!.text).not.toMatch(/Good to see you|Back again/);
    expect(met.lines[1]!.npcId).toBe('old-tom');
    expect(met.lines.length).toBeGreaterThanOrEqual(2);
  });

  it('does not say again a line said lately to someone else, only the name changed', () => {
    const [first, second, third] = answerLines(npc('old-tom'), npc('captain-halvard'));
    // Old Tom said his first two answers to Brenna a while ago: to Halvard he answers with the third.
    const toBrenna = [first!, second!].map((line) => line.replace('Captain Halvard', 'Brenna'));
    let answered = 0;
    for (let minute = 0; minute < 30; minute++) {
      const talk = composeNpcConversation(
        world,
        place('tavern'),
        npc('old-tom'),
        npc('captain-halvard'),
        atGameHour(16, minute),
        undefined,
        { met: false, said: toBrenna },
      );
      if (talk.lines[2]!.text.includes("That's how I see it")) continue; // answered from its own knowledge
      expect(talk.lines[2]!.text).toBe(third);
      answered++;
    }
    expect(answered).toBeGreaterThan(0);
  });

  it('over an evening in the tavern, says no line again that was said there lately while others are left', () => {
    let said: string[] = [];
    const lastMet = new Map<string, number>();
    const all: string[] = [];
    for (let slot = 0; slot < 10; slot++) {
      const at = atGameHour(18, slot * 27);
      const pairs: [string, string][] = [
        ['brenna', 'old-tom'],
        ['old-tom', 'sylvi'],
        ['sylvi', 'brenna'],
      ];
      const [a, b] = pairs[slot % 3]!;
      const key = [a, b].sort().join('+');
      const met = lastMet.has(key) && slot - lastMet.get(key)! <= 4;
      const talk = composeNpcConversation(world, place('tavern'), npc(a), npc(b), at, undefined, {
        met,
        said,
      });
      for (const line of talk.lines) expect(said).not.toContain(line.text);
      if (met) expect(talk.lines[0]!.npcId).toBe(a);
      lastMet.set(key, slot);
      said = [...talk.lines.map((line) => line.text), ...said].slice(0, 32);
      all.push(...talk.lines.map((line) => line.text));
    }
    expect(new Set(all).size).toBe(all.length);
  });

  it('answers from its own knowledge when both know the topic', () => {
    // Brenna and Sylvi both know of starglass and the wolves: some talk answers in Sylvi's own words.
    const answers = Array.from({ length: 40 }, (_, minute) =>
      composeNpcConversation(world, place('tavern'), npc('sylvi'), npc('brenna'), atGameHour(20, minute)),
    ).filter((talk) => talk.lines[2]!.text.endsWith("That's how I see it, Brenna."));
    expect(answers.length).toBeGreaterThan(0);
  });

  it('quotes what an NPC knows by a sentence that says something, not a bare "Wolves?"', () => {
    expect(firstSentence('Wolves? Grey, big and hungry, friend. They came down early this year.')).toBe(
      'Wolves? Grey, big and hungry, friend.',
    );
    expect(firstSentence('Hammer, heat, patience. That is all smithing is.')).toBe(
      'Hammer, heat, patience. That is all smithing is.',
    );
    expect(firstSentence('The rusty dagger on my rack is sharp enough for a wolf. Take it.')).toBe(
      'The rusty dagger on my rack is sharp enough for a wolf.',
    );
    for (let minute = 0; minute < 60; minute++) {
      const talk = composeNpcConversation(
        world,
        place('tavern'),
        npc('brenna'),
        npc('old-tom'),
        atGameHour(20, minute),
      );
      const brought = talk.lines[1]!.text.match(/^I've been thinking about [^.]*\. (.*)$/);
      if (brought) expect(brought[1]!.length).toBeGreaterThanOrEqual(20);
    }
  });

  it('brings up what happened here lately', () => {
    const talk = composeNpcConversation(
      world,
      place('tavern'),
      npc('old-tom'),
      npc('sylvi'),
      atGameHour(20),
      {
        type: 'QuestCompleted',
        playerId: 'p1',
        questId: 'elders-prophecy',
        playerName: 'Ayla',
      },
    );
    expect(talk.topic).toBe(world.quests.get('elders-prophecy')!.name);
    expect(talk.lines[1]).toEqual({
      npcId: 'sylvi',
      text: `Did you hear? Ayla finished ‘${world.quests.get('elders-prophecy')!.name}’ for Elder Zorathian. As it should be.`,
    });
  });

  it('is the same for the same place, NPCs and time', () => {
    const compose = () =>
      composeNpcConversation(world, place('tavern'), npc('old-tom'), npc('brenna'), atGameHour(21, 7));
    expect(compose()).toEqual(compose());
  });

  it('refuses an NPC talking to itself', () => {
    expect(() =>
      composeNpcConversation(world, place('tavern'), npc('brenna'), npc('brenna'), atGameHour(19)),
    ).toThrow(/itself/);
  });
});

describe('who talks, and when', () => {
  it('pairs two of the NPCs at the place, and nobody where an NPC stands alone', () => {
    const seen = new Set<string>();
    for (let slot = 0; slot < 40; slot++) {
      const pair = conversationPair(world, 'tavern', atGameHour(20), slot)!;
      expect(pair[0].id).not.toBe(pair[1].id);
      for (const one of pair) expect(['old-tom', 'brenna', 'sylvi']).toContain(one.id);
      seen.add([pair[0].id, pair[1].id].sort().join('+'));
    }
    expect(seen).toEqual(new Set(['brenna+old-tom', 'old-tom+sylvi', 'brenna+sylvi']));
    expect(conversationPair(world, 'smithy', atGameHour(12), 1)).toBeUndefined();
    expect(conversationPair(world, 'wolf-hollow', atGameHour(12), 1)).toBeUndefined();
  });

  it('gives the tavern company for talk at midday, in the afternoon, at dawn and all evening', () => {
    const talkingHours = Array.from({ length: 24 }, (_, hour) => hour).filter(
      (hour) => conversationPair(world, 'tavern', atGameHour(hour), 0) !== undefined,
    );
    expect(talkingHours).toEqual([5, 12, 13, 15, 16, 18, 19, 20, 21, 22]);
  });

  it('numbers slots of world time, the same within one slot', () => {
    const slot = conversationSlot(world, atGameHour(20), 15);
    expect(conversationSlot(world, atGameHour(20, 14), 15)).toBe(slot);
    expect(conversationSlot(world, atGameHour(20, 15), 15)).toBe(slot + 1);
    expect(() => conversationSlot(world, atGameHour(20), 0)).toThrow(RangeError);
  });

  it('says to a neighbour what fits a neighbour: no farewell sending a player on the road, no player address, nothing of the listener to its face', () => {
    const npcs = world.content.npcs;
    const farewellsToPlayers = new Set(npcs.flatMap((n) => n.farewells));
    let farewellsSaid = 0;
    for (const a of npcs)
      for (const b of npcs) {
        if (a.id === b.id) continue;
        for (let hour = 0; hour < 24; hour += 3)
          for (const locationId of ['tavern', 'village-square']) {
            const { lines } = composeNpcConversation(
              world,
              place(locationId),
              npc(a.id),
              npc(b.id),
              atGameHour(hour),
            );
            for (const line of lines) {
              const speaker = npc(line.npcId);
              const listener = line.npcId === a.id ? b : a;
              expect(farewellsToPlayers.has(line.text)).toBe(false);
              for (const word of speaker.address)
                expect(line.text).not.toMatch(new RegExp(`\\b${word}\\b`, 'i'));
              if (listener.id === 'elder-zorathian') expect(line.text).not.toMatch(/\bthe elder\b/i);
            }
            if (lines.length === 4) farewellsSaid++;
          }
      }
    expect(farewellsSaid).toBeGreaterThan(0);
    // Old Tom calls a player "friend"; to Brenna he says her name.
    expect(
      composeNpcConversation(world, place('tavern'), npc('brenna'), npc('old-tom'), atGameHour(19))
        .lines.filter((line) => line.npcId === 'old-tom')
        .every((line) => !/\bfriend\b/.test(line.text)),
    ).toBe(true);
  });
});
