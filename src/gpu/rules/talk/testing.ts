import type { PlayerState } from '../../../domain/player/player.ts';
import { seededRandom } from '../../../domain/random.ts';
import { starterWorld } from '../../../domain/testing/starter-world.ts';
import type { TimeOfDay } from '../../../domain/world/clock.ts';
import type { ActionContext, PlayerFact, RecalledMemory } from '../../lane.ts';
import { actionContext, type ContextOptions } from '../../prompts/testing/context.ts';
import { composeReply } from '../talk.ts';

/** The starter world and one talk with one of its NPCs, composed as the rule engine does, for tests. */
export const world = starterWorld();
export const npc = (id: string) => world.npcs.get(id)!;
/** What player p1 once said to the NPC, and its answer, as recall gives it. */
export const talkedBefore = (said: string, npcReply: string, importance = 1): RecalledMemory => ({
  kind: 'conversation',
  text: said,
  playerMessage: said,
  npcReply,
  playerId: 'p1',
  createdAt: '2024-05-01T11:00:00Z',
  importance,
});
/** What player p1 once told of themselves, as recall gives it. */
export const toldFact = (kind: PlayerFact['kind'], value: string): RecalledMemory => ({
  kind: 'fact',
  text: `${kind}: ${value}`,
  fact: { kind, value },
  playerId: 'p1',
  createdAt: '2024-05-01T11:00:00Z',
  importance: 6,
});
export const HOURS: Record<TimeOfDay, number> = { morning: 8, day: 13, evening: 19, night: 23 };

export interface Talk {
  npcId: string;
  message: string;
  locationId?: string;
  timeOfDay?: TimeOfDay;
  player?: Partial<PlayerState>;
  memories?: RecalledMemory[];
  actionId?: string;
  /** Location states by id, for places whose items differ from the content's (a dagger taken). */
  states?: ContextOptions['states'];
}

export function contextFor(talk: Talk): ActionContext {
  const base = actionContext({
    world,
    action: { action_type: 'talk', npc: npc(talk.npcId).name, message: talk.message },
    locationId: talk.locationId ?? npc(talk.npcId).location,
    ...(talk.player ? { player: talk.player } : {}),
    memories: talk.memories ?? [],
    ...(talk.states ? { states: talk.states } : {}),
    actionId: talk.actionId ?? 'a1',
  });
  const timeOfDay = talk.timeOfDay ?? 'day';
  return { ...base, time: { hour: HOURS[timeOfDay], hourOfDay: HOURS[timeOfDay], timeOfDay } };
}

export function reply(talk: Talk) {
  const context = contextFor(talk);
  return composeReply(
    context,
    npc(talk.npcId),
    context.action as { action_type: 'talk'; npc: string; message: string },
    seededRandom(context.actionId),
  );
}
