import type { ActionOf } from '../../domain/actions.ts';
import { pick } from '../../domain/random.ts';
import { MAX_RELATIONSHIP_CHANGE, type NpcEmotion } from '../../domain/rules/effects.ts';
import type { Npc, Quest } from '../../domain/world/world.ts';
import type { ActionContext, RecalledMemory } from '../lane.ts';
import { availableQuests } from './quest-offers.ts';

const RUDE = /\b(stupid|idiot|fool|shut up|hate you|ugly|liar|useless|die)\b/;
const POLITE = /\b(please|thank|thanks|grateful|kind|sorry|friend)\b/;
const GREETING = /^\s*(hi|hello|hey|greetings|good (morning|day|evening)|well met|hail)\b/;
const FAREWELL = /\b(bye|goodbye|farewell|see you)\b/;
const QUEST_WORDS = /\b(quest|task|help|job|work|errand|need)\b/;

const MOOD_EMOTION: Record<Npc['personality']['mood'], NpcEmotion> = {
  cheerful: 'happy',
  calm: 'neutral',
  thoughtful: 'thoughtful',
  grumpy: 'annoyed',
  wary: 'wary',
  sad: 'sad',
};

export interface Reply {
  reply: string;
  emotion: NpcEmotion;
  relationshipChange: number;
  topics: string[];
  memoriesUsed: number;
  /** A quest the NPC offers in this reply. */
  offer?: Quest;
}

/**
 * An NPC's answer in its own voice, from its data: its greetings, what it knows, what it thinks of
 * the people named, the quests it offers, and what this player told it before.
 */
export function composeReply(
  context: ActionContext,
  npc: Npc,
  action: ActionOf<'talk'>,
  random: () => number,
): Reply {
  const message = action.message.toLowerCase();
  const relationship = context.player.relationships[npc.id] ?? 0;
  const parts: string[] = [];
  const topics: string[] = [];
  let emotion: NpcEmotion = MOOD_EMOTION[npc.personality.mood];
  let change = 1;

  // Trivial memories ("hi") are not worth bringing up.
  const remembered = context.memories.find(
    (m) => m.playerId === context.player.playerId && m.playerMessage && m.importance > 1,
  );
  if (remembered) {
    parts.push(rememberLine(remembered, random));
    emotion = 'friendly';
  }
  if (RUDE.test(message)) {
    return {
      reply: [
        ...parts,
        pick(random, [
          'Mind your tongue.',
          'I will not be spoken to like that.',
          'Hmph. Come back when you have found your manners.',
        ]),
      ].join(' '),
      emotion: 'annoyed',
      relationshipChange: -3,
      topics,
      memoriesUsed: remembered ? 1 : 0,
    };
  }
  const firstMeeting = !remembered && context.memories.length === 0 && relationship === 0;
  const greeted = GREETING.test(message) || firstMeeting;
  if (greeted) {
    parts.push(relationship < -20 ? 'What do you want?' : pick(random, npc.greetings));
    if (relationship >= 0) emotion = relationship > 20 ? 'happy' : 'friendly';
  }

  const knowledge = npc.knowledge
    .map((entry) => ({
      entry,
      hits: entry.keywords.filter((k) => new RegExp(`\\b${escapeRegExp(k.toLowerCase())}`).test(message))
        .length,
    }))
    .filter((k) => k.hits > 0)
    .sort((a, b) => b.hits - a.hits)[0]?.entry;
  if (knowledge) {
    parts.push(knowledge.text);
    topics.push(knowledge.topic);
    emotion = 'thoughtful';
    change += 1;
  }

  for (const other of context.world.content.npcs) {
    if (other.id === npc.id || !message.includes(other.name.toLowerCase().split(' ').at(-1)!)) continue;
    const tie = npc.relationships.find((r) => r.npc === other.id);
    parts.push(opinion(other, tie));
    topics.push(other.name);
  }

  const offers = availableQuests(context, npc);
  const asked = QUEST_WORDS.test(message);
  let offer: Quest | undefined;
  if (offers.length > 0 && (asked || (greeted && !knowledge))) {
    offer = offers[0]!;
    parts.push(
      pick(random, [
        'There is something you could do for me.',
        'I have need of someone with a steady hand.',
        'Perhaps you can help me.',
      ]),
    );
    topics.push(`quest:${offer.id}`);
  } else if (asked) {
    const hint = activeHint(context);
    parts.push(hint ? `You already have work to do: ${hint}` : 'I have nothing for you to do just now.');
  }

  if (FAREWELL.test(message) && npc.farewells.length > 0) parts.push(pick(random, npc.farewells));
  if (parts.length === 0 || (parts.length === 1 && remembered)) parts.push(pick(random, npc.smallTalk));
  if (POLITE.test(message)) change += 1;

  return {
    reply: parts.join(' '),
    emotion,
    relationshipChange: Math.max(-MAX_RELATIONSHIP_CHANGE, Math.min(MAX_RELATIONSHIP_CHANGE, change)),
    topics,
    memoriesUsed: remembered ? 1 : 0,
    ...(offer ? { offer } : {}),
  };
}

function rememberLine(memory: RecalledMemory, random: () => number): string {
  const words =
    memory.playerMessage!.length > 80 ? `${memory.playerMessage!.slice(0, 77)}…` : memory.playerMessage!;
  return pick(random, [
    `Ah, it is you again. Last time you told me "${words}".`,
    `I remember you — you said "${words}".`,
    `You spoke to me before: "${words}". I have not forgotten.`,
  ]);
}

function opinion(other: Npc, tie: Npc['relationships'][number] | undefined): string {
  if (!tie) return `${other.name}? I hardly know them.`;
  if (tie.score >= 50) return `${other.name}? My ${tie.kind}, and dear to me.`;
  if (tie.score >= 10) return `${other.name}? A good ${tie.kind}.`;
  if (tie.score > -10) return `${other.name}? We get along, as ${tie.kind}s do.`;
  return `${other.name}? Do not speak to me of that ${tie.kind}.`;
}

function activeHint(context: ActionContext): string | undefined {
  for (const [questId, progress] of Object.entries(context.player.quests)) {
    if (progress.status !== 'active') continue;
    const step = context.world.quests.get(questId)?.steps[progress.step];
    if (step) return step.hint;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
