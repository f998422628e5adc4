import { itemsSeenBy } from '../location/item-placements.ts';
import { enemiesPresent, type LocationState } from '../location/location.ts';
import { factsAreClean, type PlayerFact } from '../memory/facts.ts';
import { MAX_FACTS_PER_TALK } from '../memory/memory-constants.ts';
import { toldKeysRefusal } from '../npc/told-lines.ts';
import type { PlayerState } from '../player/player.ts';
import { npcsAt, weatherAt } from '../world/clock.ts';
import { findExit, requireLocation, type World } from '../world/world.ts';
import { enemyHitRange, playerHitRange, weatherCombatModifier, withinRange } from './combat.ts';
import { isEquipped, slotOf } from './gear.ts';
import { tradeRefusal } from './trade-effects.ts';

/** Largest change of an NPC's feeling toward a player in one interaction. */
export const MAX_RELATIONSHIP_CHANGE = 5;
export const RELATIONSHIP_BOUNDS = { min: -100, max: 100 } as const;
export const NPC_EMOTIONS = [
  'happy',
  'friendly',
  'thoughtful',
  'neutral',
  'wary',
  'annoyed',
  'angry',
  'sad',
  'amused',
  'afraid',
] as const;
export type NpcEmotion = (typeof NPC_EMOTIONS)[number];

/** What a lane may propose should happen. Every effect is checked against the rules before it happens. */
export type Effect =
  | { kind: 'move'; to: string }
  | { kind: 'take-item'; item: string }
  | { kind: 'drop-item'; item: string }
  | { kind: 'use-item'; item: string; heal: number }
  | { kind: 'give-item'; item: string; npc: string }
  /** `player`: the player (id) at the same place who receives the item. */
  | { kind: 'give-item-to-player'; item: string; player: string }
  /** Trades (see location/trades.ts): `offer` is the offer's id (the offering action's id). */
  | { kind: 'offer-trade'; offer: string; player: string; give: string; for: string }
  /** `give`: what the accepting player hands over (the offer's "for"); `get`: the item offered. */
  | { kind: 'accept-trade'; offer: string; player: string; give: string; get: string }
  | { kind: 'decline-trade'; offer: string; player: string }
  /** The offerer takes back their offer, and `item` with it. */
  | { kind: 'withdraw-trade'; offer: string; item: string }
  | { kind: 'attack'; enemy: string; damageDealt: number; damageTaken: number }
  | {
      kind: 'talk';
      npc: string;
      message: string;
      reply: string;
      emotion: NpcEmotion;
      relationshipChange: number;
      /** What the player told about themselves in `message`, as the lane read it (for NPC memory). */
      facts?: PlayerFact[];
      /** Keys of the NPC's content lines the reply told (src/domain/npc/told-lines.ts). */
      told?: string[];
    }
  | { kind: 'say'; message: string }
  | { kind: 'emote'; message: string }
  /** `to`: the player (id) at the same place who alone hears it. */
  | { kind: 'whisper'; to: string; message: string }
  | { kind: 'equip'; item: string }
  /** Back to the best carried for the item's slot. */
  | { kind: 'unequip'; item: string }
  | { kind: 'accept-quest'; quest: string }
  | { kind: 'abandon-quest'; quest: string };

export interface RefusedEffect {
  effect: Effect;
  reason: string;
}

/** The facts effects are checked against: the player, where they stand, and when. */
export interface Situation {
  world: World;
  player: PlayerState;
  location: LocationState;
  at: Date;
  /** Whether another player is online where the player stands (absent: presence is not known here). */
  playerHere?: (playerId: string) => boolean;
}

/** Splits proposed effects into those the rules allow and those they refuse (with the reason). */
export function checkEffects(
  situation: Situation,
  effects: readonly Effect[],
): { accepted: Effect[]; refused: RefusedEffect[] } {
  const accepted: Effect[] = [];
  const refused: RefusedEffect[] = [];
  for (const effect of effects) {
    // Each effect is checked against the situation before the action: a second move or blow would be
    // checked against a world the first one has already changed.
    const once =
      (effect.kind === 'move' || effect.kind === 'attack') && accepted.some((e) => e.kind === effect.kind);
    const reason = once ? `only one ${effect.kind} per action` : refusal(situation, effect);
    if (reason) refused.push({ effect, reason });
    else accepted.push(effect);
  }
  return { accepted, refused };
}

function refusal(situation: Situation, effect: Effect): string | undefined {
  const { world, player, location, at } = situation;
  const here = requireLocation(world, player.locationId);
  const npcHere = (npcId: string) => npcsAt(world, here.id, at).some((npc) => npc.id === npcId);
  const carried = (itemId: string) => player.inventory.includes(itemId);

  switch (effect.kind) {
    case 'move':
      return findExit(world, here, effect.to) ? undefined : `no exit from ${here.id} leads to ${effect.to}`;
    case 'take-item':
      // What this player sees there now: placed items back from their respawn, their own per-player ones.
      return itemsSeenBy(world, here, location, at, player).includes(effect.item)
        ? undefined
        : `${effect.item} is not lying at ${here.id}`;
    case 'drop-item':
      return carried(effect.item) ? undefined : `${effect.item} is not carried`;
    case 'use-item': {
      if (!carried(effect.item)) return `${effect.item} is not carried`;
      const heal = world.items.get(effect.item)?.use?.heal ?? 0;
      return Number.isInteger(effect.heal) && effect.heal >= 0 && effect.heal <= heal
        ? undefined
        : `${effect.item} heals at most ${heal}`;
    }
    case 'give-item':
      if (!carried(effect.item)) return `${effect.item} is not carried`;
      return npcHere(effect.npc) ? undefined : `${effect.npc} is not at ${here.id}`;
    case 'offer-trade':
    case 'accept-trade':
    case 'decline-trade':
    case 'withdraw-trade':
      return tradeRefusal(situation, effect);
    case 'give-item-to-player':
      if (!carried(effect.item)) return `${effect.item} is not carried`;
      if (effect.player === player.playerId) return 'a player cannot give an item to themselves';
      // Unlike words, an item must reach someone: without presence to vouch for them, nobody is here.
      return situation.playerHere?.(effect.player)
        ? undefined
        : `${effect.player} is not online at ${here.id}`;
    case 'attack': {
      if (here.safe) return `${here.id} is a safe place`;
      const target = enemiesPresent(world, location, at).find((e) => e.enemy.id === effect.enemy);
      if (!target) return `${effect.enemy} is not at ${here.id}`;
      const modifier = weatherCombatModifier(here, weatherAt(world, here.region, at));
      const dealt = playerHitRange(world, player, target.enemy, modifier);
      if (!withinRange(effect.damageDealt, dealt))
        return `damage dealt ${effect.damageDealt} is outside ${dealt.min}-${dealt.max}`;
      const taken = enemyHitRange(world, player, target.enemy, modifier);
      const survives = effect.damageDealt < target.hp;
      if (survives ? !withinRange(effect.damageTaken, taken) : effect.damageTaken !== 0) {
        return survives
          ? `damage taken ${effect.damageTaken} is outside ${taken.min}-${taken.max}`
          : 'a defeated enemy strikes no blow';
      }
      return undefined;
    }
    case 'talk':
      if (!npcHere(effect.npc)) return `${effect.npc} is not at ${here.id}`;
      if (
        !Number.isInteger(effect.relationshipChange) ||
        Math.abs(effect.relationshipChange) > MAX_RELATIONSHIP_CHANGE
      ) {
        return `relationship change ${effect.relationshipChange} is beyond ±${MAX_RELATIONSHIP_CHANGE}`;
      }
      if (effect.facts && !factsAreClean(effect.facts))
        return `the player facts are not short, plain and at most ${MAX_FACTS_PER_TALK}`;
      if (effect.told) {
        const refusal = toldKeysRefusal(effect.told);
        if (refusal) return refusal;
      }
      return (NPC_EMOTIONS as readonly string[]).includes(effect.emotion)
        ? undefined
        : `unknown emotion ${effect.emotion}`;
    case 'say':
    case 'emote':
      return undefined;
    case 'whisper':
      if (effect.to === player.playerId) return 'a player cannot whisper to themselves';
      return situation.playerHere && !situation.playerHere(effect.to)
        ? `${effect.to} is not online at ${here.id}`
        : undefined;
    case 'equip':
      if (!carried(effect.item)) return `${effect.item} is not carried`;
      return slotOf(world.items.get(effect.item))
        ? undefined
        : `${effect.item} can be neither wielded nor worn`;
    case 'unequip':
      return isEquipped(player, effect.item) ? undefined : `${effect.item} is not equipped`;
    case 'accept-quest': {
      const quest = world.quests.get(effect.quest);
      if (!quest) return `unknown quest ${effect.quest}`;
      if (player.quests[quest.id]) return `${quest.id} was already accepted`;
      if (quest.requires && player.quests[quest.requires]?.status !== 'completed')
        return `${quest.id} needs ${quest.requires} first`;
      return npcHere(quest.giver) ? undefined : `the quest giver ${quest.giver} is not at ${here.id}`;
    }
    case 'abandon-quest':
      return player.quests[effect.quest]?.status === 'active' ? undefined : `${effect.quest} is not active`;
  }
}
