import { toldKeyPart } from '../../../domain/npc/told-lines.ts';
import type { Item, Npc, Quest } from '../../../domain/world/world.ts';
import type { ActionContext } from '../../lane.ts';
import { availableQuests } from '../quest-offers.ts';
import { hintNow } from '../quests.ts';
import { whereaboutsOf } from './people.ts';
import { hasTold, type Recollection, tell } from './recall.ts';
import { anywhere, chooseLine, fill } from './voice.ts';

/** A quest step that waits on this NPC: something to bring it, or a talk with it. */
export interface StepWithNpc {
  quest: Quest;
  step: Quest['steps'][number];
  /** For a delivery: the item, and whether the player carries it now. */
  item?: Item;
  carried?: boolean;
}

/** The player's active quest steps that this NPC is part of, deliveries first. */
export function stepsWithNpc(context: ActionContext, npc: Npc): StepWithNpc[] {
  const steps: StepWithNpc[] = [];
  for (const [questId, progress] of Object.entries(context.player.quests)) {
    if (progress.status !== 'active') continue;
    const quest = context.world.quests.get(questId);
    const step = quest?.steps[progress.step];
    if (!quest || !step) continue;
    const condition = step.condition;
    if (condition.type === 'deliver' && condition.npc === npc.id) {
      const item = context.world.items.get(condition.item);
      if (item) steps.push({ quest, step, item, carried: context.player.inventory.includes(item.id) });
    } else if (condition.type === 'talk' && condition.npc === npc.id) {
      steps.push({ quest, step });
    }
  }
  return steps.sort((a, b) => Number(b.carried ?? false) - Number(a.carried ?? false));
}

/** The hint of each active quest's current step as the world is now (src/domain/player/quest-hints.ts), by quest id. */
export type QuestHints = ReadonlyMap<string, string>;

/** The hints of the player's active quests as things stand now, as the quest status tells them. */
export async function questHintsNow(context: ActionContext): Promise<QuestHints> {
  const hints = new Map<string, string>();
  for (const [questId, progress] of Object.entries(context.player.quests)) {
    if (progress.status !== 'active') continue;
    const hint = await hintNow(context, context.player, questId);
    if (hint) hints.set(questId, hint);
  }
  return hints;
}

/** The hint of the player's current step of a quest, for "you already have work". */
export function activeHint(context: ActionContext, npc: Npc, hints: QuestHints): string | undefined {
  const questIds = Object.entries(context.player.quests)
    .filter(([, p]) => p.status === 'active')
    .map(([questId]) => questId);
  // A quest this NPC gave comes first: it is the one it would ask about.
  questIds.sort(
    (a, b) =>
      Number(context.world.quests.get(b)?.giver === npc.id) -
      Number(context.world.quests.get(a)?.giver === npc.id),
  );
  for (const questId of questIds) {
    const hint = hints.get(questId);
    if (hint) return hint;
  }
  return undefined;
}

const ASKING_FOR_IT = [
  'You carry the {item}. I can see it from here. Give it to me, and the thing is done.',
  'The {item}: you have it with you. Put it in my hands; that is what I asked of you.',
  'Do not keep the {item} in your pack a moment longer than you must. Give it here.',
  'Still the {item} in your pack, and still not in my hands. Why do you wait?',
  'I have asked for the {item} more than once now. Hand it over, and we are done with it.',
];

const WAITING_FOR_IT = [
  'I am still waiting on the {item}. {hint}',
  'Without the {item} there is nothing more I can do. {hint}',
  'The {item} is not found by asking me again. {hint}',
];

/** The NPC's lines for a delivery it waits for: asking for the item when carried, else where it is. */
function deliveryLines(step: StepWithNpc, hints: QuestHints): { text: string; key: string }[] {
  const carried = step.carried ?? false;
  return (carried ? ASKING_FOR_IT : WAITING_FOR_IT).map((line, index) => ({
    // The step's hint as the world is now, as the quest status tells it.
    text: fill(line, { item: step.item!.name, hint: hints.get(step.quest.id) ?? step.step.hint }).trim(),
    key: `delivery:${toldKeyPart(step.quest.id)}:${carried ? 'asking' : 'waiting'}:${index}`,
  }));
}

/** What the NPC says of a delivery it waits for; a line it told already comes after those it did not. */
export function deliveryLine(step: StepWithNpc, recollection: Recollection, hints: QuestHints): string {
  const lines = deliveryLines(step, hints);
  const line = lines.find((l) => !hasTold(recollection, l.text, l.key)) ?? lines[0]!;
  tell(recollection, line.key);
  return line.text;
}

/** Whether the NPC already asked this player for the item (or said it waits for it). */
export function toldOfDelivery(step: StepWithNpc, recollection: Recollection, hints: QuestHints): boolean {
  return deliveryLines(step, hints).some((line) => hasTold(recollection, line.text, line.key));
}

/** How the player hands it over: the verb the client and the server read. */
export function deliveryCommand(step: StepWithNpc, npc: Npc): string {
  const [first, second] = npc.name.split(' ');
  const called = /^(Old|Captain|Elder)$/.test(first!) && second ? second : first;
  return `give ${step.item!.name} to ${called}`;
}

/** Whether the words touch the delivery: the item, the quest, or the errand itself. */
export function mentionsDelivery(step: StepWithNpc, text: string): boolean {
  const itemWords = step
    .item!.name.toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w.length > 3);
  return (
    itemWords.some((word) => text.includes(word)) ||
    /\b(have it|got it|brought|found it|here it is|quest|task|errand|give)\b/.test(text)
  );
}

/** No work from this NPC: who else has some for the player, and where they are at this hour. */
export function noWorkLine(
  context: ActionContext,
  npc: Npc,
  recollection: Recollection,
  random: () => number,
): string {
  const giver = context.world.content.npcs.find(
    (other) => other.id !== npc.id && availableQuests(context, other).length > 0,
  );
  if (!giver) return 'I have nothing for you to do just now.';
  const address = npc.address[0] ? `, ${npc.address[0]}` : '';
  const whereabouts = whereaboutsOf(context, npc, giver);
  return chooseLine(
    anywhere(
      [
        `I have nothing for you myself${address}. ${giver.name} might. ${whereabouts}`,
        `Work? Not from me${address}. Try ${giver.name}. ${whereabouts}`,
        `${giver.name} has more need of help than I do${address}. ${whereabouts}`,
      ],
      'noWork',
      whereabouts,
    ),
    recollection,
    random,
  )!;
}
