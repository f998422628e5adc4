import { factsOfTalk } from '../../domain/memory/facts.ts';
import type { Npc, World } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { COMPACT_NPC_HISTORY, compactKnowledgeLines, compactNpcSystemMessage } from './compact-npc-prompt.ts';
import { compressHistory } from './history.ts';
import { npcRoleRules } from './npc-rules.ts';
import { neutralise, playerInput } from './player-text.ts';
import { type Audience, memoizedPerWorld, placeLines, presenceLines } from './scene.ts';
import type { NpcOutput } from './schemas.ts';
import type { PromptOptions } from './world-prompt.ts';

export { buildTauntMessages, opensFight, rulesTaunt, withoutTaunt, withTaunt } from './taunt-prompt.ts';

export type NpcContext = ActionContext & { npc: Npc };

/** How much of what the NPC remembers of the player goes into its prompt. */
export const NPC_HISTORY = { verbatim: 3, budgetChars: 1200, lastReply: true } as const;

interface QuestOffer {
  id: string;
  name: string;
  description: string;
}

/**
 * The NPC lane's prompt: the system message (the role's rules and the NPC's card, the same for every
 * player in one world version), then the situation and what the NPC remembers of this player, then
 * the player's words, delimited. A public prompt (a greeting, whose reply is shared) names no one and
 * tells only how warmly the NPC feels, in steps of 20. Compressed, the card keeps the persona and the
 * names of what the NPC knows; the situation brings the knowledge the words are about, and the
 * memories fold into one line before the last talk, quoted.
 */
export function buildNpcMessages(
  context: NpcContext,
  guidance: Proposal,
  audience: Audience = 'private',
  options: PromptOptions = {},
): ChatMessage[] {
  const message = context.action.action_type === 'talk' ? context.action.message : '';
  const speaker = audience === 'public' ? 'A traveller' : neutralise(context.player.username, 40);
  const system = options.compress ? compactNpcSystemMessage : npcSystemMessage;
  return [
    { role: 'system', content: system(context.world, context.npc.id) },
    {
      role: 'user',
      content:
        audience === 'public'
          ? publicSituation(context, guidance, options.sharedScene === true)
          : situation(context, guidance, options.compress === true),
    },
    { role: 'user', content: `${speaker} says to you:\n${playerInput(message)}` },
  ];
}

/** How an NPC's feeling toward a player is told in a shared answer: to the nearest 20. */
export function feelingBand(score: number): number {
  return Math.round(score / 20);
}

/** The model's reply as a talk proposal, in the rule engine's result shape. */
export function npcOutputToProposal(output: NpcOutput, context: NpcContext, guidance: Proposal): Proposal {
  const { npc } = context;
  // One line in the NPC's quotes: a reply cannot start a line of its own that reads as the game's.
  const reply = output.reply.replace(/\s+/g, ' ').trim();
  const { emotion, relationship_change } = output;
  const message = context.action.action_type === 'talk' ? context.action.message : '';
  const facts = factsOfTalk(
    message,
    output.facts.filter((fact) => statedIn(message, fact)),
  );
  const offer = guidance.result.quest_offer as QuestOffer | undefined;
  const topics = Array.isArray(guidance.result.topics) ? guidance.result.topics : [];
  const guided = guidance.effects.find((effect) => effect.kind === 'talk');
  // The content lines the suggested reply told (the model keeps its facts): told, so not told again.
  const told = guided?.kind === 'talk' ? guided.told : undefined;
  return {
    effects: [
      {
        kind: 'talk',
        npc: npc.id,
        message,
        reply,
        emotion,
        relationshipChange: relationship_change,
        ...(facts.length > 0 ? { facts } : {}),
        ...(told && told.length > 0 ? { told } : {}),
      },
    ],
    source: 'llm',
    result: {
      action_type: 'talk',
      npc: npc.name,
      npc_id: npc.id,
      npc_response: reply,
      npc_emotion: emotion,
      relationship_change,
      topics,
      // Every recalled memory went into the prompt, quoted or summarised.
      memories_used: context.memories.length,
      ...(offer ? { quest_offer: { id: offer.id, name: offer.name, description: offer.description } } : {}),
      narration: [`${npc.name} (${emotion}): "${reply}"`, ...rulesLinesAfterReply(guidance, npc)].join('\n'),
    },
  };
}

/** The stock openings of a remembering NPC that the issue found on three replies in four. */
const STOCK_MEMORY_OPENING =
  /^\W*(?:(?:ah|oh|well|so)\W+)?(?:(?:it\s+is|it's)\s+you\s+again|last\s+time\s+you\s+(?:told|said)|i\s+remember\s+you|you\s+spoke\s+to\s+me\s+before)\b/i;

const sameWords = (a: string) =>
  a
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Why a model's reply is not used (the rule engine's stands), if it is not fit: it opens with a stock
 * memory phrase, or says word for word what the NPC answered this player before.
 */
export function unfitReply(output: NpcOutput, context: NpcContext): string | undefined {
  if (STOCK_MEMORY_OPENING.test(output.reply)) return 'the reply opens with a stock memory phrase';
  const reply = sameWords(output.reply);
  const before = context.memories.some((m) => m.npcReply !== undefined && sameWords(m.npcReply) === reply);
  return before ? 'the reply repeats an earlier one word for word' : undefined;
}

/**
 * What the rule engine's narration says after the NPC's reply (how to do what the NPC asks, the quest
 * offered): game lines, kept as they are under the model's reply.
 */
function rulesLinesAfterReply(guidance: Proposal, npc: Npc): string[] {
  const { result } = guidance;
  const replyLine = `${npc.name} (${String(result.npc_emotion)}): "${String(result.npc_response)}"`;
  if (result.narration.startsWith(`${replyLine}\n`))
    return result.narration.slice(replyLine.length + 1).split('\n');
  const offer = result.quest_offer as QuestOffer | undefined;
  return offer ? [`Quest offered — ${offer.name}: ${offer.description} (quest accept ${offer.name})`] : [];
}

/**
 * Whether the player's message holds a name or home the model read in it, word for word: a model may
 * put a calling or a promise in other words, but a name or a place it did not see is a guess.
 */
function statedIn(message: string, fact: { kind: string; value: string }): boolean {
  if (fact.kind !== 'name' && fact.kind !== 'home') return true;
  const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}'-]+/gu) ?? [];
  const said = new Set(wordsOf(message.replace(/[\u2018\u2019\u02bc]/g, "'")));
  const words = wordsOf(fact.value.replace(/[\u2018\u2019\u02bc]/g, "'")).filter((w) => w !== 'the');
  return words.length > 0 && words.every((word) => said.has(word));
}

const npcSystemMessage = memoizedPerWorld((world, npcId) => {
  const npc = world.npcs.get(npcId);
  if (!npc) throw new Error(`unknown npc ${npcId}`);
  return [...npcRoleRules(world, npc), '', npcCard(world, npc)].join('\n');
});

function npcCard(world: World, npc: Npc): string {
  const quoted = (lines: readonly string[]) => lines.map((line) => `"${line}"`).join(' / ');
  const quests = world.content.quests.filter((q) => q.giver === npc.id);
  return [
    'Your card',
    `Name: ${npc.name}`,
    `Who you are: ${npc.description}`,
    `Personality: ${npc.personality.traits.join(', ')}; your usual mood: ${npc.personality.mood}.`,
    `Speech style: ${npc.speechStyle}`,
    `How you greet people: ${quoted(npc.greetings)}`,
    ...(npc.farewells.length > 0 ? [`How you say goodbye: ${quoted(npc.farewells)}`] : []),
    `Idle talk: ${quoted(npc.smallTalk)}`,
    'What you know:',
    ...(npc.knowledge.length > 0
      ? npc.knowledge.map(
          (k) => `- ${k.topic} (when asked about ${k.keywords.join(', ')}): ${[k.text, ...k.more].join(' ')}`,
        )
      : ['- nothing worth telling beyond everyday things']),
    'What you think of others (-100 hostile … 100 devoted):',
    ...(npc.relationships.length > 0
      ? npc.relationships.map((r) => `- ${world.npcs.get(r.npc)?.name ?? r.npc}: your ${r.kind}, ${r.score}`)
      : ['- you keep to yourself']),
    'Quests you give:',
    ...(quests.length > 0 ? quests.map((q) => `- ${q.name}: ${q.description}`) : ['- none']),
  ].join('\n');
}

/**
 * A greeting's situation, for a reply shared with everyone who greets this NPC the same way: the
 * place, the feeling to the nearest 20, the quest on offer, and what the rules suggest in outline (their
 * exact words are picked at random per action, and would split the shared answer's key).
 */
function publicSituation(context: NpcContext, guidance: Proposal, sharedScene: boolean): string {
  const { npc, player } = context;
  const feeling = feelingBand(player.relationships[npc.id] ?? 0) * 20;
  const offer = guidance.result.quest_offer as QuestOffer | undefined;
  const suggested = guidance.result;
  return [
    'Situation',
    ...placeLines(context, 'public'),
    ...(sharedScene ? lastingPresenceLines(context) : presenceLines(context, { exceptNpc: npc.id })),
    '',
    'Speaking to you: a traveller. Your reply is shared with everyone who greets you so: do not name them or guess who they are.',
    `Your feeling toward them: about ${feeling} (-100 hostile … 100 devoted).`,
    'What you remember of them: nothing in particular.',
    '',
    "Suggested reply (the game's rules): a greeting in your own words.",
    `emotion: ${String(suggested.npc_emotion ?? 'neutral')}; relationship_change: ${Number(suggested.relationship_change ?? 0)}`,
    offer
      ? `You may offer this quest now: ${offer.name}: ${offer.description}`
      : 'You have no quest to offer now.',
  ].join('\n');
}

function situation(context: NpcContext, guidance: Proposal, compress: boolean): string {
  const { npc, player, world } = context;
  const score = player.relationships[npc.id] ?? 0;
  const history = compressHistory(context.memories, compress ? COMPACT_NPC_HISTORY : NPC_HISTORY);
  const message = context.action.action_type === 'talk' ? context.action.message : '';
  const theirQuests = Object.entries(player.quests)
    .filter(([id]) => world.quests.get(id)?.giver === npc.id)
    .map(([id, progress]) => {
      const quest = world.quests.get(id);
      const step = progress.status === 'active' ? quest?.steps[progress.step] : undefined;
      return `${quest?.name ?? id} (${step ? `${progress.status}, now: ${step.description}` : progress.status})`;
    });
  const carried = player.inventory.map((id) => world.items.get(id)?.name ?? id);
  const offer = guidance.result.quest_offer as QuestOffer | undefined;
  const suggested = guidance.result;
  return [
    'Situation',
    ...placeLines(context),
    ...presenceLines(context, { exceptNpc: npc.id }),
    '',
    `Speaking to you: ${neutralise(player.username, 40)}. Your feeling toward them: ${score} (-100 hostile … 100 devoted).`,
    ...(theirQuests.length > 0 ? [`Quests they took from you: ${theirQuests.join('; ')}.`] : []),
    `They carry: ${carried.join(', ') || 'nothing'}.`,
    'What you remember (what they told you of themselves, your talks with them oldest first, what you saw and came to think):',
    history || '- nothing: you have not spoken before.',
    ...(compress ? compactKnowledgeLines(world, npc, message, guidance, context.npcsHere) : []),
    '',
    "Suggested reply (the game's rules):",
    // Neutralised like any text built from what players said (it may hold a name a player gave).
    `reply: "${neutralise(String(suggested.npc_response ?? ''), 1000)}"`,
    `emotion: ${String(suggested.npc_emotion ?? 'neutral')}; relationship_change: ${Number(suggested.relationship_change ?? 0)}`,
    offer
      ? `You may offer this quest now: ${offer.name}: ${offer.description}`
      : 'You have no quest to offer this player now.',
  ].join('\n');
}

/** The people who belong here (the other NPCs by their schedules), without this moment's passers-by. */
function lastingPresenceLines(context: NpcContext): string[] {
  const others = context.npcsHere.filter((n) => n.id !== context.npc.id);
  return others.length > 0 ? [`People here: ${others.map((n) => `${n.name} (${n.id})`).join(', ')}.`] : [];
}
