import type { Npc, World } from '../../domain/world/world.ts';
import type { Proposal } from '../lane.ts';
import { type Knowledge, keywordHits } from '../rules/talk/topics.ts';
import type { HistoryOptions } from './history.ts';
import { npcRoleRules } from './npc-rules.ts';
import { memoizedPerWorld } from './scene.ts';

/** What the compressed prompt keeps of the NPC's memories: older talks folded into one line, the last exchange whole. */
export const COMPACT_NPC_HISTORY: HistoryOptions = { verbatim: 1, budgetChars: 700, lastReply: true };
/** How many knowledge entries the compressed prompt gives in full: the ones the words are about. */
const MAX_KNOWLEDGE = 2;
const SAMPLE_LINES = 2;
/** The most of one knowledge entry the compressed prompt gives, in characters (whole lines). */
const KNOWLEDGE_CHARS = 400;

/**
 * The compressed NPC system message: the rules and a persona card (who the NPC is, how it speaks, the
 * names of what it knows and of the quests it gives), the same for every player; what it knows of the
 * topic asked comes with the situation.
 */
export const compactNpcSystemMessage = memoizedPerWorld((world, npcId) => {
  const npc = world.npcs.get(npcId);
  if (!npc) throw new Error(`unknown npc ${npcId}`);
  const quoted = (lines: readonly string[]) =>
    lines
      .slice(0, SAMPLE_LINES)
      .map((line) => `"${line}"`)
      .join(' / ');
  const quests = world.content.quests.filter((q) => q.giver === npc.id);
  return [
    ...npcRoleRules(world, npc),
    '',
    'Your card',
    `Name: ${npc.name}`,
    `Who you are: ${npc.description}`,
    `Personality: ${npc.personality.traits.join(', ')}; your usual mood: ${npc.personality.mood}.`,
    `Speech style: ${npc.speechStyle}`,
    `How you talk: ${quoted([...npc.greetings.slice(0, 1), ...npc.smallTalk.slice(0, 1)])}`,
    `What you know about (the situation tells what you know of the topic asked): ${npc.knowledge.map((k) => k.topic).join(', ') || 'everyday things'}.`,
    `Quests you give: ${quests.map((q) => q.name).join(', ') || 'none'}.`,
  ].join('\n');
});

/**
 * The knowledge entries the talk is about, most relevant first: the topics the rule engine chose, then
 * those whose keywords the player's words name.
 */
export function relevantKnowledge(npc: Npc, message: string, guidance: Proposal): Knowledge[] {
  const chosen = new Set(Array.isArray(guidance.result.topics) ? guidance.result.topics.map(String) : []);
  const text = message.toLowerCase();
  return npc.knowledge
    .map((entry) => ({ entry, score: (chosen.has(entry.topic) ? 100 : 0) + keywordHits(entry, text) }))
    .filter((k) => k.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_KNOWLEDGE)
    .map((k) => k.entry);
}

/**
 * An entry's lines the suggested reply does not already say, in order, within a budget: the model gets
 * what it could add, not the same words twice.
 */
function untold(entry: Knowledge, reply: string): string {
  const lines = [entry.text, ...entry.more].filter((line) => !reply.includes(line));
  const kept: string[] = [];
  let room = KNOWLEDGE_CHARS;
  for (const line of lines) {
    if (line.length > room) break;
    kept.push(line);
    room -= line.length + 1;
  }
  return kept.join(' ') || 'as the suggested reply says.';
}

/** "What you know of this:" lines, and how the NPC feels about the people the words name or who are here. */
export function compactKnowledgeLines(
  world: World,
  npc: Npc,
  message: string,
  guidance: Proposal,
  peopleHere: readonly Npc[],
): string[] {
  const entries = relevantKnowledge(npc, message, guidance);
  const text = message.toLowerCase();
  const relationships = npc.relationships.filter((r) => {
    const other = world.npcs.get(r.npc);
    if (!other) return false;
    const named = other.name
      .toLowerCase()
      .split(/\s+/)
      .some((word) => word.length > 3 && text.includes(word));
    return named || peopleHere.some((p) => p.id === other.id);
  });
  return [
    ...(entries.length > 0
      ? [
          'What you know of this (besides what the suggested reply says):',
          ...entries.map((k) => `- ${k.topic}: ${untold(k, String(guidance.result.npc_response ?? ''))}`),
        ]
      : []),
    ...(relationships.length > 0
      ? [
          `What you think of them (-100 hostile … 100 devoted): ${relationships
            .map((r) => `${world.npcs.get(r.npc)?.name ?? r.npc}: your ${r.kind}, ${r.score}`)
            .join('; ')}.`,
        ]
      : []),
  ];
}
