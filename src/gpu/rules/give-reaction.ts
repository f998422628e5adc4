import { pronounOf, withArticle } from '../../domain/world/grammar.ts';
import type { Item, Npc } from '../../domain/world/world.ts';
import type { ActionContext } from '../lane.ts';
import { keywordHits, OWN_TOPIC } from './talk/topics.ts';

type Mood = Npc['personality']['mood'];

/** Thanks for a thing the NPC has a use for ("{topic}": what of its own the thing bears on). */
const KEEPS: Record<Mood, string> = {
  cheerful: 'Ha! {an item}, for me? I have just the use for it. Thank you!',
  calm: '{an item}. I can put it to good use. Thank you.',
  thoughtful: '{an item}… this bears on {topic}. I will keep it close, and I thank you.',
  grumpy: 'Hmph. {an item}. Useful, I grant you. …Thanks.',
  wary: '{an item}? For me? …It bears on {topic}, so I will keep it. My thanks.',
  sad: '{an item}. That is kind of you; it will not go to waste.',
};

/** How the NPC hands back a thing it has no use for. */
const DECLINES: Record<Mood, string> = {
  cheerful: 'Ha! Kind of you, but what would I do with {an item}? Keep it; it will serve you better.',
  calm: 'That is kind, but I have no use for {an item}. Keep it.',
  thoughtful: 'I would not know what to do with {an item}. Keep it; someone may need it more than I.',
  grumpy: 'What would I want with {an item}? Keep it.',
  wary: 'No. I take nothing I have no use for. Keep your {item}.',
  sad: 'You are kind, but I have no use for {an item}. Keep it.',
};

/** What an NPC does with a thing a player holds out to it, and what it says, in its mood. */
export type GiftReaction =
  | { kind: 'delivery' }
  | { kind: 'keeps'; line: string }
  | { kind: 'declines'; line: string };

/**
 * A thing given to an NPC: the item its quest step waits for goes through as a delivery (the quest
 * tells the rest); one another NPC waits for on the player's quest, or this one later, is not taken
 * (the player would lose it); one that bears on what the NPC knows of (the old scroll's star and oath, for the elder;
 * a blade, for the smith) it keeps, with thanks; anything else it hands back.
 */
export function giftReaction(context: ActionContext, npc: Npc, item: Item): GiftReaction {
  const asked = deliveriesOf(context, item.id);
  if (asked.some((d) => d.npc === npc.id && d.active)) return { kind: 'delivery' };
  const waiting = asked.find((d) => d.active && d.npc !== npc.id);
  const other = waiting && context.world.npcs.get(waiting.npc);
  if (other)
    return {
      kind: 'declines',
      line: `That is not for me: ${other.name} is waiting on the ${item.name}. Take it to ${pronounOf(other).them}.`,
    };
  // Its own quest's item, before the step that asks for it: taken now, the step would find it gone.
  if (asked.some((d) => d.npc === npc.id))
    return {
      kind: 'declines',
      line: `Keep the ${item.name} for now; there is more to be done before I need it.`,
    };
  const mood = npc.personality.mood;
  const topic = topicOf(npc, item);
  if (topic) return { kind: 'keeps', line: fillItem(KEEPS[mood], item, topic) };
  return { kind: 'declines', line: fillItem(DECLINES[mood], item, '') };
}

/** The quest steps (any quest) that ask for this item to be brought to an NPC, and whether the player is on one now. */
function deliveriesOf(context: ActionContext, itemId: string): { npc: string; active: boolean }[] {
  return [...context.world.quests.values()].flatMap((quest) =>
    quest.steps.flatMap((step, index) => {
      const { condition } = step;
      if (condition.type !== 'deliver' || condition.item !== itemId) return [];
      const progress = context.player.quests[quest.id];
      return [{ npc: condition.npc, active: progress?.status === 'active' && progress.step === index }];
    }),
  );
}

/** The NPC's topic the thing bears on, by its name or description (a keyword said as a whole word). */
function topicOf(npc: Npc, item: Item): string | undefined {
  const words = `${item.name} ${item.description}`.toLowerCase();
  return npc.knowledge
    .filter((k) => !OWN_TOPIC.test(k.topic))
    .map((k) => ({ topic: k.topic, hits: keywordHits(k, words) }))
    .filter((k) => k.hits >= 2)
    .sort((a, b) => b.hits - a.hits)[0]?.topic;
}

function fillItem(template: string, item: Item, topic: string): string {
  const line = template
    .replaceAll('{an item}', withArticle(item.name))
    .replaceAll('{item}', item.name)
    .replaceAll('{topic}', topic);
  return line.charAt(0).toUpperCase() + line.slice(1);
}
