import { toldKeyPart } from '../../../domain/npc/told-lines.ts';
import { withArticle } from '../../../domain/world/grammar.ts';
import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext } from '../../lane.ts';
import type { Intent } from './intent.ts';
import { mentionedNpcs, selfTopicAsked } from './people.ts';
import type { stepsWithNpc } from './quest-talk.ts';
import { hasTold, type Recollection, tell } from './recall.ts';
import { type Knowledge, keywordHits, lastTopic, matchTopic, nameWords } from './topics.ts';

/**
 * What the words are about among the NPC's topics. A person named outranks a topic unless the topic
 * is about that person; with nothing asked, the player's errand with this NPC (a talk step) picks the
 * topic the errand is about.
 */
export function chooseTopic(
  context: ActionContext,
  npc: Npc,
  intent: Intent,
  recollection: Recollection,
  steps: ReturnType<typeof stepsWithNpc>,
): Knowledge | undefined {
  const errand = steps.find((step) => step.step.condition.type === 'talk');
  const errandTopic = () =>
    errand && matchTopic(npc, `${errand.quest.description} ${errand.step.description}`.toLowerCase());
  const people = mentionedNpcs(context, npc, intent.aboutOthers);
  if (people.length > 0) {
    const words = people.flatMap(nameWords);
    // "The elder sent me": on an errand to this NPC, the one who sent the player is not the question.
    return (
      npc.knowledge.find((k) => k.keywords.some((w) => words.includes(w.toLowerCase()))) ?? errandTopic()
    );
  }
  const asked = matchTopic(npc, intent.text) ?? selfTopicAsked(npc, intent.aboutOthers);
  if (asked) return asked;
  if (intent.goOn) return lastTopic(npc, recollection);
  return errandTopic();
}

/**
 * Asked about a topic one of the player's things belongs to (Brenna's weapons and their hatchet), the
 * NPC remarks on it, once a thing: the answer is to someone who carries it.
 */
export function noticeCarried(
  context: ActionContext,
  recollection: Recollection,
  topic: Knowledge,
): string | undefined {
  const item = carriedNames(context).find((name) => keywordHits(topic, name) > 0);
  if (!item) return undefined;
  const key = `noticed:${toldKeyPart(item)}`;
  if (hasTold(recollection, '', key)) return undefined;
  tell(recollection, key);
  return `I see you carry ${withArticle(item)}.`;
}

/** The names of the items the player carries, lowercased, as an NPC would see them. */
export function carriedNames(context: ActionContext): string[] {
  return context.player.inventory.flatMap((id) => {
    const name = context.world.items.get(id)?.name;
    return name ? [name.toLowerCase()] : [];
  });
}
