import type { Action } from '../actions.ts';
import type { DomainEvent } from '../decider.ts';
import type { PlayerFact } from '../memory/facts.ts';
import type { NpcEmotion, RefusedEffect } from '../rules/effects.ts';
import type { GearSlot } from '../rules/gear.ts';
import type { Direction } from '../world/world.ts';

/** Where an action's outcome came from: an LLM, the response cache, a template, or the rule engine. */
export type ResultSource = 'llm' | 'cache' | 'semantic_cache' | 'template' | 'rules';

/** What the player is shown for one action: always a narration, plus action-specific fields. */
export interface ActionResult {
  action_type: string;
  narration: string;
  [field: string]: unknown;
}

type E<Type extends string, Data> = DomainEvent<Type, Data>;

export type PlayerEvent =
  | E<'PlayerRegistered', { playerId: string; username: string }>
  | E<'PlayerSpawned', { playerId: string; locationId: string; hp: number; maxHp: number }>
  | E<
      'PlayerEnteredWorld',
      { playerId: string; sessionId: string; processId?: string; otherSessions?: number }
    >
  | E<'PlayerLeftWorld', { playerId: string; sessionId: string; otherSessions?: number }>
  | E<'ActionRequested', { actionId: string; action: Action }>
  | E<'PlayerMoved', { playerId: string; from: string; to: string; direction: Direction }>
  | E<
      'ItemAddedToInventory',
      {
        playerId: string;
        itemId: string;
        reason: 'taken' | 'reward' | 'given' | 'traded' | 'returned';
        fromPlayerId?: string;
      }
    >
  | E<
      'ItemRemovedFromInventory',
      { playerId: string; itemId: string; reason: 'dropped' | 'used' | 'given' | 'offered' | 'traded' }
    >
  | E<'ItemGivenToNpc', { playerId: string; itemId: string; npcId: string }>
  | E<'ItemGivenToPlayer', { playerId: string; itemId: string; toPlayerId: string }>
  | E<'EnemyDefeatShared', { playerId: string; enemyId: string; locationId: string; killerId: string }>
  | E<'DamageTaken', { playerId: string; amount: number; hp: number; cause: string }>
  | E<'PlayerHealed', { playerId: string; amount: number; hp: number; cause: string }>
  | E<'PlayerDefeated', { playerId: string; locationId: string; by: string }>
  | E<'PlayerRespawned', { playerId: string; from: string; locationId: string; hp: number }>
  | E<'EnemySlain', { playerId: string; enemyId: string; locationId: string }>
  | E<'XpGained', { playerId: string; amount: number; xp: number; reason: string }>
  | E<
      'NpcConversationHeld',
      {
        playerId: string;
        npcId: string;
        locationId: string;
        message: string;
        reply: string;
        emotion: NpcEmotion;
        at: string;
        /** What the player told about themselves, as the lane read it (NPC memory). */
        facts?: PlayerFact[];
        /** Keys of the NPC's content lines the reply told (src/domain/npc/told-lines.ts). */
        told?: string[];
      }
    >
  | E<
      'RelationshipChanged',
      { playerId: string; npcId: string; change: number; score: number; reason: string }
    >
  | E<'PlayerSaid', { playerId: string; locationId: string; message: string }>
  | E<'PlayerEmoted', { playerId: string; locationId: string; message: string }>
  | E<'PlayerWhispered', { playerId: string; toPlayerId: string; locationId: string; message: string }>
  | E<'ItemEquipped', { playerId: string; itemId: string; slot: GearSlot }>
  | E<'ItemUnequipped', { playerId: string; itemId: string; slot: GearSlot }>
  | E<'QuestAccepted', { playerId: string; questId: string }>
  | E<'QuestStepCompleted', { playerId: string; questId: string; stepId: string; step: number }>
  | E<'QuestCompleted', { playerId: string; questId: string }>
  | E<'QuestAbandoned', { playerId: string; questId: string }>
  | E<
      'ActionResolved',
      { actionId: string; result: ActionResult; source: ResultSource; refusedEffects: RefusedEffect[] }
    >;

export type PlayerEventType = PlayerEvent['type'];
export type PlayerEventOf<T extends PlayerEventType> = Extract<PlayerEvent, { type: T }>;
