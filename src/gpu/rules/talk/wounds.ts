import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext } from '../../lane.ts';
import { whereaboutsOf } from './people.ts';

/** At or below this share of their hit points, a player looks hurt to the NPCs they greet. */
const LOOKS_HURT = 0.5;
/** The words of a healer's topic: the NPC who knows of them is the one to see to wounds. */
const HEALING = /^(wound|wounds|healing|heal|salve|salves|poultice)$/;

/**
 * What an NPC says on greeting a player who looks hurt: that they do, and who can see to it and where
 * they are at this hour (the healer itself offers to). Undefined when the player looks well.
 */
export function woundedLine(context: ActionContext, npc: Npc): string | undefined {
  const { hp, maxHp } = context.player;
  if (hp > maxHp * LOOKS_HURT) return undefined;
  const heals = (other: Npc) => other.knowledge.some((k) => k.keywords.some((w) => HEALING.test(w)));
  if (heals(npc)) return 'You are hurt. Sit down and let me see to it.';
  const healer = context.world.content.npcs.find((other) => other.id !== npc.id && heals(other));
  if (!healer) return 'You look hurt. Rest before you go out again.';
  return `You look hurt. ${healer.name} can see to that. ${whereaboutsOf(context, npc, healer)}`;
}
