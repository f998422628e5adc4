import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import questionSet from '../../../bench/npc-variety-questions.json' with { type: 'json' };
import { factsOfTalk } from '../../domain/memory/facts.ts';
import { FACT_IMPORTANCE, MEMORIES_RECALLED } from '../../domain/memory/memory-constants.ts';
import { rateImportance } from '../../domain/memory/retrieval.ts';
import { afterTelling } from '../../domain/npc/told-lines.ts';
import { seededRandom } from '../../domain/random.ts';
import type { TimeOfDay } from '../../domain/world/clock.ts';
import { knowledgeLines } from '../../domain/world/npc-lines.ts';
import { LocalHashEmbedder } from '../../infrastructure/memory/embedder.ts';
import { InMemoryVectorMemory } from '../../infrastructure/memory/in-memory-vector-memory.ts';
import { MemoryRecall } from '../../infrastructure/memory/memory-recall.ts';
import { recalledMemory } from '../../projections/npc-memories.ts';
import type { RecalledMemory } from '../lane.ts';
import { npc, reply, type Talk, talkedBefore, toldFact, world } from './talk/testing.ts';
import { replyVariety } from './talk/variety.ts';

/**
 * One player's talks with an NPC, remembered and recalled as the game does it: each talk (the player's
 * words, with the NPC's answer) and each fact the player told are written to the in-process memory
 * store with the local embedder, and every talk recalls through MemoryRecall with the game's limit, as
 * the lanes get it; what the NPC told is kept as the player's state keeps it.
 */
class Conversation {
  private readonly memory = new MemoryRecall({
    embedder: new LocalHashEmbedder(),
    memory: new InMemoryVectorMemory(),
    onDegraded: (error) => {
      throw error;
    },
  });
  readonly replies: string[] = [];
  private told: string[] = [];
  private readonly playerId: string;

  constructor(
    private readonly npcId: string,
    private readonly base: Omit<Talk, 'npcId' | 'message' | 'memories'> = {},
    /** Action ids are unique across players, as the client's UUIDs are. */
    private readonly player = 'player',
  ) {
    this.playerId = 'p1';
  }

  async say(message: string): Promise<string> {
    // A talk every 20 seconds of real time: a third of a game hour.
    const at = new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + this.replies.length * 20_000);
    const recalled = await this.memory.recall({
      npcId: this.npcId,
      playerId: this.playerId,
      query: message,
      now: at,
      secondsPerGameHour: world.content.time.secondsPerGameHour,
      limit: MEMORIES_RECALLED,
    });
    const { reply: answer, told } = await reply({
      ...this.base,
      npcId: this.npcId,
      message,
      player: { ...this.base.player, toldByNpc: { [this.npcId]: this.told } },
      memories: recalled.map(recalledMemory),
      actionId: `${this.player}/a${this.replies.length}`,
    });
    // What the NPC told, kept as the player's state keeps it from NpcConversationHeld.
    this.told = afterTelling(this.told, told);
    const written = {
      npcId: this.npcId,
      playerId: this.playerId,
      createdAt: at.toISOString(),
      lastAccessedAt: at.toISOString(),
    };
    await this.memory.remember({
      ...written,
      id: randomUUID(),
      kind: 'conversation',
      text: message,
      npcReply: answer,
      importance: rateImportance(message),
    });
    for (const fact of factsOfTalk(message))
      await this.memory.remember({
        ...written,
        id: randomUUID(),
        kind: 'fact',
        text: `${fact.kind}: ${fact.value}`,
        fact,
        importance: FACT_IMPORTANCE[fact.kind],
      });
    this.replies.push(answer);
    return answer;
  }
}

describe('an NPC answers from the situation', () => {
  it('given the deliver step with the shard carried, when the player says they have it, then the elder asks for it', async () => {
    const answer = await reply({
      npcId: 'elder-zorathian',
      message: 'I have the shard you asked about',
      player: {
        quests: { 'elders-prophecy': { status: 'active', step: 2 } },
        inventory: ['rusty-dagger', 'starglass-shard'],
        relationships: { 'elder-zorathian': 10 },
      },
    });
    expect(answer.reply).toMatch(/starglass shard/);
    expect(answer.reply).toMatch(/give it here|put it in my hands|give it to me/i);
    expect(answer.reply).not.toMatch(/bring me one/i);
    expect(answer.hint).toBe('(give starglass shard to Zorathian)');
  });

  it('given the deliver step without the shard, when the player asks for work, then the elder says what he waits for and where it is', async () => {
    const answer = await reply({
      npcId: 'elder-zorathian',
      message: 'Is there any work for me?',
      player: {
        quests: { 'elders-prophecy': { status: 'active', step: 2 } },
        relationships: { 'elder-zorathian': 10 },
      },
    });
    expect(answer.reply).toMatch(/starglass shard/);
    expect(answer.reply).not.toMatch(/give it here|put it in my hands/i);
    expect(answer.hint).toBeUndefined();
  });

  it('given a name the player told before, when they greet, then the NPC uses the name and never quotes their words', async () => {
    const said = 'well met, my name is aldric and I walked here all the way from the coast';
    const answer = await reply({
      npcId: 'elder-zorathian',
      message: 'Hello again',
      actionId: 'a7',
      player: { relationships: { 'elder-zorathian': 5 } },
      memories: [toldFact('name', 'Aldric'), talkedBefore(said, 'Aldric. A good name.', 4)],
    });
    expect(answer.reply).toContain('Aldric');
    expect(answer.reply).not.toContain('aldric and I walked');
    expect(answer.reply).not.toMatch(/you told me|you said/i);
    expect(answer.memoriesUsed).toBeGreaterThanOrEqual(1);
  });

  it('given a player telling their name now, then the NPC takes it in by name, not by repeating the sentence', async () => {
    const answer = await reply({ npcId: 'old-tom', message: 'My name is Wren, pleased to meet you' });
    expect(answer.reply).toContain('Wren');
    expect(answer.reply).not.toContain('My name is Wren');
  });

  it('given a player greeting and telling their name at once, then the name is said once, where the NPC takes it in', async () => {
    for (const timeOfDay of ['morning', 'day', 'evening', 'night'] as const) {
      const answer = await reply({
        npcId: 'elder-zorathian',
        message: 'Hello, my name is Bea and I come from Millbrook',
        timeOfDay,
      });
      expect(answer.reply.match(/\bBea\b/g)).toHaveLength(1);
    }
  });

  it('given a player telling their calling, then the NPC does not take it for another NPC named by it', async () => {
    const answer = await reply({ npcId: 'elder-zorathian', message: 'I am a blacksmith' });
    expect(answer.reply).toMatch(/blacksmith/i);
    expect(answer.reply).not.toContain('Brenna');
    // Asked about the blacksmith, he speaks of Brenna.
    const asked = await reply({ npcId: 'elder-zorathian', message: 'What do you think of the blacksmith?' });
    expect(asked.reply).toContain('Brenna');
  });

  it('given Brenna in the tavern of an evening, when she is greeted and chatted with, then she never speaks of her anvil', async () => {
    const brenna = new Conversation('brenna', { locationId: 'tavern', timeOfDay: 'evening' });
    for (let i = 0; i < 12; i++) await brenna.say(i % 2 === 0 ? 'Hello!' : 'How are you today?');
    for (const line of brenna.replies) expect(line).not.toMatch(/anvil|tongs|forge is just waking|hinge/i);
    // At the smithy the same talk does bring up the smithy.
    const atWork = new Conversation('brenna', { locationId: 'smithy', timeOfDay: 'day' });
    for (let i = 0; i < 12; i++) await atWork.say(i % 2 === 0 ? 'Hello!' : 'How are you today?');
    expect(atWork.replies.join(' ')).toMatch(/anvil|sparks|tongs|hinge/i);
  });

  it('given night or day, the elder greets as the hour is', async () => {
    const greetings = (timeOfDay: TimeOfDay) =>
      Promise.all(
        Array.from(
          { length: 8 },
          async (_, i) =>
            (await reply({ npcId: 'elder-zorathian', message: 'Hello!', timeOfDay, actionId: `g${i}` }))
              .reply,
        ),
      );
    const night = await greetings('night');
    const day = await greetings('day');
    for (const line of night)
      expect(line).not.toMatch(/daylight|good day|empty at this hour|dawn|evening already/i);
    for (const line of day) expect(line).not.toMatch(/you walk late|at this hour\?|stars are all out/i);
    expect(night.join(' ')).toMatch(/you walk late|at this hour\?|still awake|the lamp is lit/i);
    expect(day.join(' ')).toMatch(/daylight|good day|noon/i);
  });

  it('given a topic asked again and again, each answer goes deeper, the fourth is not the second, and the last points elsewhere', async () => {
    const elder = new Conversation('elder-zorathian', {
      player: { relationships: { 'elder-zorathian': 5 } },
    });
    const lines = [npc('elder-zorathian').knowledge.find((k) => k.topic === 'Corwen the hermit')!].flatMap(
      (k) => [k.text, ...k.more],
    );
    const answers: string[] = [];
    for (const q of [
      'Who is Corwen?',
      'Tell me more of Corwen.',
      'And Corwen?',
      'What else about Corwen?',
      'Corwen?',
    ])
      answers.push(await elder.say(q));
    expect(answers[3]).not.toBe(answers[1]);
    for (const [i, line] of lines.entries()) expect(answers[i]).toContain(line.split(',')[0]!.slice(0, 20));
    expect(answers[4]).toMatch(/told you everything|all the stars|no more to tell/i);
    expect(answers[4]).toMatch(/Old Tom|Sylvi|Corwen the Hermit/);
  });

  it('given a question about something only another NPC knows, the NPC says who to ask and where they are now', async () => {
    const answer = await reply({
      npcId: 'brenna',
      message: 'What does the prophecy say?',
      locationId: 'smithy',
    });
    expect(answer.reply).toMatch(/Elder Zorathian/);
    expect(answer.reply).toMatch(/Elder's Hut/);
  });

  it('given something that just happened nearby, the NPC brings it up when greeted, but not someone merely walking in', async () => {
    const seen = (text: string, importance: number): RecalledMemory => ({
      kind: 'observation',
      text,
      createdAt: '2024-05-01T11:58:00Z',
      importance,
    });
    const greeting = async (memories: RecalledMemory[]) =>
      (
        await reply({
          npcId: 'old-tom',
          message: 'Hello there',
          player: { relationships: { 'old-tom': 10 } },
          memories: [...memories, talkedBefore('hi', 'Ah, a new face!')],
        })
      ).reply;
    expect(await greeting([seen('Wren came back from the woods with a wolf pelt.', 5)])).toContain(
      'Wren came back from the woods',
    );
    expect(await greeting([seen('Wren came in from the Village Square.', 2)])).not.toContain('Wren came in');
    // What another NPC said is not quoted inside the NPC's own quoted reply.
    const told = await greeting([
      seen(
        'I talked with Brenna the Blacksmith about Corwen. Brenna the Blacksmith said: "He owes me a hinge."',
        4,
      ),
    ]);
    expect(told).toContain('I talked with Brenna the Blacksmith about Corwen.');
    expect(told).not.toMatch(/said:|"/);
  });

  it('given a farewell, the NPC says goodbye as fits the hour, without small talk first', async () => {
    const answer = await reply({
      npcId: 'elder-zorathian',
      message: 'Farewell, elder.',
      timeOfDay: 'night',
      player: { relationships: { 'elder-zorathian': 5 } },
      memories: [talkedBefore('hi', 'Sit, child.')],
    });
    const farewells = [...npc('elder-zorathian').farewells, 'Take a lantern, child.'];
    expect(farewells.some((line) => answer.reply.startsWith(line.slice(0, 12)))).toBe(true);
  });

  it('given the step of asking Sylvi what she has seen, when the player says the elder sent them, she tells of the wolves', async () => {
    const answer = await reply({
      npcId: 'sylvi',
      message: 'The Elder sent me.',
      timeOfDay: 'day',
      player: { quests: { 'elders-prophecy': { status: 'active', step: 0 } } },
    });
    expect(answer.reply).toMatch(/grey wolves den in Wolf Hollow/);
  });

  it('given a home and a promise the player told before, when they greet, the NPC asks after them in its own words', async () => {
    const talked = talkedBefore('hi', 'Sit, child.');
    const promised = await reply({
      npcId: 'elder-zorathian',
      message: 'Hello again',
      player: {
        relationships: { 'elder-zorathian': 30 },
        quests: { 'elders-prophecy': { status: 'active', step: 0 } },
      },
      memories: [toldFact('home', 'Millbrook'), toldFact('promise', 'find my brother'), talked],
    });
    expect(promised.reply).toMatch(/You promised to find your brother/);
    const home = await reply({
      npcId: 'elder-zorathian',
      message: 'Hello again',
      player: {
        relationships: { 'elder-zorathian': 30 },
        quests: { 'elders-prophecy': { status: 'active', step: 0 } },
      },
      memories: [toldFact('home', 'Millbrook'), talked],
    });
    expect(home.reply).toMatch(/Millbrook/);
    expect(home.memoriesUsed).toBeGreaterThanOrEqual(1);
  });

  it('given Corwen asked of the wight four times, his fourth reply is not his second again', async () => {
    const corwen = new Conversation('corwen', { timeOfDay: 'night' });
    const answers: string[] = [];
    for (const q of [
      'What is in the crypt?',
      'Tell me of the wight.',
      'More of the barrow, please.',
      'The wight again?',
    ])
      answers.push(await corwen.say(q));
    expect(new Set(answers).size).toBe(4);
    expect(answers[3]).not.toBe(answers[1]);
  });

  it('given a starglass line told (in the player state) and no memory of it, when asked again, then another line, and each reply names the line it told', async () => {
    const lines = knowledgeLines(npc('elder-zorathian').knowledge.find((k) => k.topic === 'the starglass')!);
    const first = await reply({ npcId: 'elder-zorathian', message: 'What are these shards?' });
    const toldFirst = first.told.filter((key) => key.startsWith('knowledge:the starglass:'));
    expect(toldFirst).toHaveLength(1);
    const firstLine = lines[Number(toldFirst[0]!.split(':').at(-1))]!;
    expect(first.reply).toContain(firstLine.slice(0, 30));
    const again = await reply({
      npcId: 'elder-zorathian',
      message: 'What are these shards?',
      actionId: 'a2',
      player: { relationships: { 'elder-zorathian': 5 }, toldByNpc: { 'elder-zorathian': toldFirst } },
    });
    expect(again.reply).not.toContain(firstLine.slice(0, 30));
    const toldAgain = again.told.filter((key) => key.startsWith('knowledge:the starglass:'));
    expect(toldAgain).toHaveLength(1);
    expect(toldAgain[0]).not.toBe(toldFirst[0]);
    expect(again.reply).toContain(lines[Number(toldAgain[0]!.split(':').at(-1))]!.slice(0, 30));
  });

  it('given five topics told, when asked twice whether it remembers, the elder names other topics the second time', async () => {
    const told = ['the prophecy', 'the wolves', 'Emberfall', 'the star charts', 'Corwen the hermit'].map(
      (topic) => `knowledge:${topic}:0`,
    );
    const ask = (toldByNpc: string[]) =>
      reply({
        npcId: 'elder-zorathian',
        message: 'Do you remember me?',
        player: { relationships: { 'elder-zorathian': 5 }, toldByNpc: { 'elder-zorathian': toldByNpc } },
      });
    const first = await ask(told);
    expect(first.reply).toMatch(
      /We spoke of Corwen the hermit, the star charts and Emberfall, among other things/,
    );
    const second = await ask(afterTelling(told, first.told));
    expect(second.reply).toMatch(/We spoke of the wolves, the prophecy and Corwen the hermit/);
  });

  it('given every greeting told but the oldest, when greeted, then the greeting told longest ago', async () => {
    const elder = npc('elder-zorathian');
    const told = elder.greetings.map((_, i) => `greeting:${i}`);
    const situational = elder.situational.flatMap((line, i) =>
      line.kind === 'greeting' ? [`situational:${i}`] : [],
    );
    const greeted = await reply({
      npcId: 'elder-zorathian',
      message: 'Hello!',
      player: {
        toldByNpc: { 'elder-zorathian': [told[3]!, ...situational, ...told.filter((_, i) => i !== 3)] },
      },
    });
    expect(greeted.reply.startsWith(elder.greetings[3]!.slice(0, 20))).toBe(true);
    expect(greeted.told).toContain('greeting:3');
  });

  it('given rudeness, the NPC is annoyed and the relationship drops within bounds', async () => {
    const answer = await reply({ npcId: 'brenna', message: 'You are a useless fool', locationId: 'smithy' });
    expect(answer.emotion).toBe('annoyed');
    expect(answer.relationshipChange).toBe(-3);
  });

  it('offers the quest to a newcomer who asks for work', async () => {
    for (const message of ['Do you have any work for me?', 'work', 'Work?']) {
      const answer = await reply({ npcId: 'elder-zorathian', message });
      expect(answer.offer?.id).toBe('elders-prophecy');
    }
  });
});

describe('an NPC does not repeat itself', () => {
  /**
   * Player n's side of the talk, as the benchmark has it: a greeting, their name, then who else they
   * are and every question of the set, in their own order.
   */
  function playerQuestions(n: number, name: string, home: string): string[] {
    const fill = (q: string) => q.replace('{name}', name).replace('{home}', home);
    const random = seededRandom(`player ${n}`);
    const [introduction, ...more] = questionSet.introductions;
    const rest = [...more.slice(0, 3).map(fill), ...questionSet.questions];
    for (let i = rest.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    return [questionSet.greetings[n % questionSet.greetings.length]!, fill(introduction!), ...rest];
  }

  it('given 60 varied questions with evolving memories, replies rarely repeat, no opening dominates, and no player words come back', async () => {
    const elder = new Conversation('elder-zorathian', { timeOfDay: 'evening' }, 'player');
    const questions = playerQuestions(0, 'Aldric', 'Millbrook').slice(0, 60);
    for (const question of questions) await elder.say(question);
    const variety = replyVariety(elder.replies);
    expect(variety.exactRepeatPct).toBeLessThan(5);
    expect(variety.topOpeningPct).toBeLessThanOrEqual(10);
    for (const [i, answer] of elder.replies.entries()) {
      const asked = questions[i]!.replace(/[.!?]$/, '');
      if (asked.length > 14) expect(answer, asked).not.toContain(asked);
    }
    expect(elder.replies.join(' ')).toContain('Aldric');
  });

  it('given several players asking the same questions, the elder still varies (by what each told him and asked before)', async () => {
    const replies: string[] = [];
    const homes = ['Millbrook', 'Dunmere', 'Harrowgate', 'Kesterby'];
    for (const [i, name] of ['Aldric', 'Wren', 'Tamsin', 'Oskar'].entries()) {
      const elder = new Conversation('elder-zorathian', { timeOfDay: 'night' }, `player ${i}`);
      for (const question of playerQuestions(i, name, homes[i]!).slice(0, 50)) await elder.say(question);
      replies.push(...elder.replies);
    }
    const variety = replyVariety(replies);
    expect(variety.exactRepeatPct).toBeLessThan(5);
    expect(variety.topOpeningPct).toBeLessThanOrEqual(10);
  });
});
