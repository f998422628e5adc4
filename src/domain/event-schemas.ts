import { z } from 'zod';
import type { AccountEvent } from './account/account.ts';
import type { TokenRevocationEvent } from './account/token-revocations.ts';
import { actionSchema } from './actions.ts';
import type { LocationEvent } from './location/location.ts';
import { PLAYER_FACT_KINDS } from './memory/facts.ts';
import type { NpcLifeEvent } from './npc/npc-life-events.ts';
import type { PlayerEvent } from './player/player-events.ts';
import { NPC_EMOTIONS } from './rules/effects.ts';
import type { ContentEvent } from './world/content-decider.ts';
import { DIRECTIONS } from './world/directions.ts';
import { worldSchema } from './world/world-schema.ts';

/**
 * The data of every event the game records, as zod schemas with the meaning of each field.
 * docs/events.md is generated from them (`npm run docs:events`); the type check at the bottom of this
 * file fails when a schema and the event type the deciders emit disagree.
 */

const playerId = z.string().describe('the player (a UUID)');
const otherSessions = z
  .number()
  .int()
  .positive()
  .optional()
  .describe("the player's other sessions still open (absent: none): no arrival nor departure for others");
const locationId = z.string().describe('the location, as in the world content');
const npcId = z.string().describe('the NPC, as in the world content');
const itemId = z.string().describe('the item, as in the world content');
const enemyId = z.string().describe('the enemy, as in the world content');
const questId = z.string().describe('the quest, as in the world content');
const isoTime = z.string().describe('ISO-8601 time');
const perPlayerItem = z
  .literal(true)
  .optional()
  .describe("the player's own one of a per-player item (the others' stay); absent: a shared one");
const emotion = z.enum(NPC_EMOTIONS);
const playerFacts = z
  .array(z.object({ kind: z.enum(PLAYER_FACT_KINDS), value: z.string() }))
  .optional()
  .describe('what the player told about themselves in these words, as the lane read them (NPC memory)');
const toldLines = z
  .array(z.string())
  .optional()
  .describe(
    "keys of the NPC's content lines the reply told (`knowledge:<topic>:<n>`, `smallTalk:<n>`, …), so it does not tell them again; absent in older events",
  );

const effectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('move'), to: z.string() }),
  z.object({ kind: z.literal('take-item'), item: z.string() }),
  z.object({ kind: z.literal('drop-item'), item: z.string() }),
  z.object({ kind: z.literal('use-item'), item: z.string(), heal: z.number() }),
  z.object({ kind: z.literal('give-item'), item: z.string(), npc: z.string() }),
  z.object({ kind: z.literal('give-item-to-player'), item: z.string(), player: z.string() }),
  z.object({
    kind: z.literal('offer-trade'),
    offer: z.string(),
    player: z.string(),
    give: z.string(),
    for: z.string(),
  }),
  z.object({
    kind: z.literal('accept-trade'),
    offer: z.string(),
    player: z.string(),
    give: z.string(),
    get: z.string(),
  }),
  z.object({ kind: z.literal('decline-trade'), offer: z.string(), player: z.string() }),
  z.object({ kind: z.literal('withdraw-trade'), offer: z.string(), item: z.string() }),
  z.object({
    kind: z.literal('attack'),
    enemy: z.string(),
    damageDealt: z.number(),
    damageTaken: z.number(),
  }),
  z.object({
    kind: z.literal('talk'),
    npc: z.string(),
    message: z.string(),
    reply: z.string(),
    emotion,
    relationshipChange: z.number(),
    facts: playerFacts,
    told: toldLines,
  }),
  z.object({ kind: z.literal('say'), message: z.string() }),
  z.object({ kind: z.literal('emote'), message: z.string() }),
  z.object({ kind: z.literal('whisper'), to: z.string(), message: z.string() }),
  z.object({ kind: z.literal('equip'), item: z.string() }),
  z.object({ kind: z.literal('unequip'), item: z.string() }),
  z.object({ kind: z.literal('accept-quest'), quest: z.string() }),
  z.object({ kind: z.literal('abandon-quest'), quest: z.string() }),
]);

export const eventSchemas = {
  AccountRegistered: z
    .object({
      username: z.string().describe('the name the player chose (unique, case-insensitive)'),
      playerId,
      passwordHash: z
        .string()
        .optional()
        .describe('only in events recorded before credentials had their own table; every reader drops it'),
    })
    .describe('An account was created (stream `account-<lowercase username>`).'),
  TokenRevoked: z
    .object({
      jti: z.string().describe("the revoked token's id"),
      expires_at: z.number().describe('when the token would have expired (ms since the epoch)'),
      revoked_at: z.number().describe('ms since the epoch'),
    })
    .describe('One session token was revoked (log-out).'),
  AllTokensRevoked: z
    .object({
      revoked_at: z.number().describe('tokens issued before this (ms since the epoch) no longer work'),
    })
    .describe('Every token of a player was revoked (log-out everywhere).'),
  WorldContentLoaded: z
    .object({
      version: z.string().describe('content version'),
      name: z.string().describe("the world's name"),
      checksum: z.string().describe('of the content, to tell versions apart'),
      source: z.string().describe('where the content was read from'),
      content: worldSchema.describe('the whole world content (locations, items, NPCs, enemies, quests)'),
    })
    .describe('A version of the world content came into force.'),
  PlayerRegistered: z.object({ playerId, username: z.string() }).describe('A player character was created.'),
  PlayerSpawned: z
    .object({ playerId, locationId, hp: z.number(), maxHp: z.number() })
    .describe('A new player appeared in the world for the first time.'),
  PlayerEnteredWorld: z
    .object({
      playerId,
      sessionId: z.string().describe('one connection; PlayerLeftWorld with the same id ends it'),
      processId: z.string().optional().describe('the game process that holds the connection'),
      otherSessions,
    })
    .describe('A session began: the player connected.'),
  PlayerLeftWorld: z
    .object({ playerId, sessionId: z.string().describe('the session that ended'), otherSessions })
    .describe('A session ended: the player disconnected.'),
  ActionRequested: z
    .object({
      actionId: z.string().describe('the action; its outcome is the ActionResolved with the same id'),
      action: actionSchema.describe('what the player asked for, with `action_type` (look, move, talk, …)'),
    })
    .describe('A player asked for an action.'),
  PlayerMoved: z
    .object({
      playerId,
      from: z.string().describe('location left'),
      to: z.string().describe('location entered'),
      direction: z.enum(DIRECTIONS),
    })
    .describe('A player went from one location to another.'),
  ItemAddedToInventory: z
    .object({
      playerId,
      itemId,
      reason: z
        .enum(['taken', 'reward', 'given', 'traded', 'returned'])
        .describe('returned: an item offered in a trade, back to its owner (declined or taken back)'),
      fromPlayerId: z
        .string()
        .optional()
        .describe('for an item given or traded: the other player (for one returned: who declined)'),
    })
    .describe("An item went into a player's inventory."),
  ItemRemovedFromInventory: z
    .object({
      playerId,
      itemId,
      reason: z
        .enum(['dropped', 'used', 'given', 'offered', 'traded'])
        .describe(
          'offered: put on the table in a trade offer (it comes back if the offer is declined or taken back)',
        ),
    })
    .describe("An item left a player's inventory."),
  ItemGivenToNpc: z.object({ playerId, itemId, npcId }).describe('A player gave an item to an NPC.'),
  ItemGivenToPlayer: z
    .object({ playerId, itemId, toPlayerId: z.string().describe('the player who received it') })
    .describe(
      "A player gave an item to another player (giver's stream; the receiver's has ItemAddedToInventory).",
    ),
  EnemyDefeatShared: z
    .object({
      playerId,
      enemyId,
      locationId,
      killerId: z.string().describe('the player whose blow felled it'),
    })
    .describe("A player who wounded an enemy shares in its defeat by another player's blow (player stream)."),
  DamageTaken: z
    .object({
      playerId,
      amount: z.number().describe('hit points lost'),
      hp: z.number().describe('hit points left'),
      cause: z.string().describe('what dealt it (an enemy id, …)'),
    })
    .describe('A player was hurt.'),
  PlayerHealed: z
    .object({
      playerId,
      amount: z.number().describe('hit points gained'),
      hp: z.number().describe('hit points now'),
      cause: z.string().describe('what healed (an item id, …)'),
    })
    .describe('A player was healed.'),
  PlayerDefeated: z
    .object({
      playerId,
      locationId: locationId.describe('where the player fell'),
      by: z.string().describe('the killer'),
    })
    .describe('A player died.'),
  PlayerRespawned: z
    .object({
      playerId,
      from: z.string().describe('where the player died'),
      locationId: z.string().describe('where the player came back'),
      hp: z.number(),
    })
    .describe('A dead player came back.'),
  EnemySlain: z
    .object({ playerId, enemyId, locationId })
    .describe('A player killed an enemy (player stream).'),
  XpGained: z
    .object({
      playerId,
      amount: z.number(),
      xp: z.number().describe('experience now'),
      reason: z.string().describe('e.g. `quest:<questId>` or `enemy:<enemyId>`'),
    })
    .describe('A player gained experience.'),
  NpcConversationHeld: z
    .object({
      playerId,
      npcId,
      locationId,
      message: z.string().describe('what the player said (cleaned player text)'),
      reply: z.string().describe("the NPC's answer"),
      emotion: emotion.describe("the NPC's mood in the reply"),
      at: isoTime,
      facts: playerFacts,
      told: toldLines,
    })
    .describe('A player talked to an NPC and got an answer.'),
  RelationshipChanged: z
    .object({
      playerId,
      npcId,
      change: z.number().describe('the step, after clamping'),
      score: z.number().describe("the NPC's feeling toward the player now, -100 to 100"),
      reason: z.string().describe('e.g. `talk` or `quest:<questId>`'),
    })
    .describe("An NPC's feeling toward a player changed."),
  PlayerSaid: z
    .object({ playerId, locationId, message: z.string().describe('cleaned player text') })
    .describe('A player spoke aloud to everyone at the location.'),
  PlayerEmoted: z
    .object({
      playerId,
      locationId,
      message: z.string().describe('what the player does, after their name (cleaned player text)'),
    })
    .describe('A player made a gesture everyone at the location sees ("Aldric waves.").'),
  PlayerWhispered: z
    .object({
      playerId,
      toPlayerId: z.string().describe('the one player (a UUID) at the location who hears it'),
      locationId,
      message: z.string().describe('cleaned player text; told to `toPlayerId` alone, never as place news'),
    })
    .describe('A player whispered to another player at the same location.'),
  ItemEquipped: z
    .object({
      playerId,
      itemId,
      slot: z
        .enum(['weapon', 'armor'])
        .describe(
          'the weapon wielded in fights, or the armour worn (one of each; it stays until replaced or no longer carried)',
        ),
    })
    .describe('A player chose the weapon they wield or the armour they wear.'),
  ItemUnequipped: z
    .object({
      playerId,
      itemId,
      slot: z.enum(['weapon', 'armor']).describe('the slot cleared: from now on it holds the best carried'),
    })
    .describe('A player put away the weapon or armour they had chosen, back to the best they carry.'),
  QuestAccepted: z.object({ playerId, questId }).describe('A player took on a quest offered by its giver.'),
  QuestStepCompleted: z
    .object({
      playerId,
      questId,
      stepId: z.string().describe("the step's id in the quest definition"),
      step: z.number().describe("the step's index, from 0"),
    })
    .describe('A player finished one step of a quest.'),
  QuestCompleted: z.object({ playerId, questId }).describe('A player finished every step of a quest.'),
  QuestAbandoned: z.object({ playerId, questId }).describe('A player gave a quest up.'),
  ActionResolved: z
    .object({
      actionId: z.string().describe('the ActionRequested this answers'),
      result: z
        .looseObject({ action_type: z.string(), narration: z.string().describe('what the player is told') })
        .describe('what the player is shown; more fields per action type'),
      source: z
        .enum(['llm', 'cache', 'semantic_cache', 'template', 'rules'])
        .describe('where the outcome came from'),
      refusedEffects: z
        .array(z.object({ effect: effectSchema, reason: z.string() }))
        .describe('what the lane proposed and the rules refused, with why'),
    })
    .describe('The outcome of an action.'),
  ItemPickedUp: z
    .object({ locationId, itemId, playerId, at: isoTime.optional(), perPlayer: perPlayerItem })
    .describe('An item was taken from a location (a placed one may come back later).'),
  ItemDropped: z
    .object({ locationId, itemId, playerId, at: isoTime.optional(), perPlayer: perPlayerItem })
    .describe('An item was left at a location.'),
  EnemyDamaged: z
    .object({
      locationId,
      enemyId,
      playerId,
      damage: z.number().describe('hit points dealt'),
      hp: z.number().describe("the enemy's hit points left"),
    })
    .describe('A player hit an enemy.'),
  EnemyDefeated: z
    .object({
      locationId,
      enemyId,
      playerId,
      at: isoTime,
      creditedPlayers: z
        .array(z.string())
        .optional()
        .describe('the other players who wounded it in this life, who share the kill (absent: none)'),
    })
    .describe('An enemy died (location stream; it comes back later).'),
  LootDropped: z.object({ locationId, enemyId, itemId }).describe('A slain enemy left an item behind.'),
  NpcsConversed: z
    .object({
      conversationId: z
        .string()
        .describe('the conversation (a name-based UUID of the place and the game-time slot)'),
      locationId: locationId.describe('where the NPCs talked'),
      speakers: z.tuple([npcId, npcId]).describe('the NPC who began, and the one answering'),
      topic: z
        .string()
        .describe('what they talked about (a knowledge topic, a recent happening, small talk)'),
      lines: z
        .array(z.object({ npcId: npcId.describe('who says it'), text: z.string().describe('what is said') }))
        .describe('2 to 4 lines, in order'),
      at: isoTime,
    })
    .describe('Two NPCs at the same place talked to each other (stream `npc-talk-<locationId>`).'),
  NpcReacted: z
    .object({
      npcId,
      locationId: locationId.describe('where the NPC was when it reacted'),
      reaction: z
        .string()
        .describe('how it took the news: `proud`, `impressed`, `shaken`, `relieved`, `awed`'),
      line: z.string().describe('what the NPC said'),
      cause: z
        .object({
          type: z.enum(['QuestCompleted', 'PlayerDefeated', 'EnemyDefeated']).describe('the world event'),
          playerId: playerId.optional(),
          questId: questId.optional(),
          enemyId: enemyId.optional(),
        })
        .describe('the world event reacted to, and whom or what it was about'),
      at: isoTime,
    })
    .describe(
      'An NPC reacted to a world event: a quest completed, a player fallen, a boss slain, an enemy slain before its eyes (stream `npc-<npcId>`).',
    ),
  ItemHandedOver: z
    .object({ locationId, itemId, playerId, toPlayerId: z.string().describe('the player who received it') })
    .describe(
      'A player handed an item to another player standing there (location stream: what onlookers saw).',
    ),
  TradeOffered: z
    .object({
      locationId,
      offerId: z.string().describe('the offer (the id of the action that made it)'),
      playerId: playerId.describe('who offers'),
      toPlayerId: z.string().describe('the player offered to'),
      itemId: itemId.describe('the item offered (it lies on the table until the offer is answered)'),
      forItemId: itemId.describe('the item asked for in return'),
      expiresAt: isoTime.describe('after this the offer can no longer be accepted'),
    })
    .describe('A player offered another an item for an item (location stream: the place settles the offer).'),
  TradeAccepted: z
    .object({
      locationId,
      offerId: z.string(),
      playerId: playerId.describe('who accepted (the player offered to)'),
      fromPlayerId: z.string().describe('who made the offer'),
      itemId: itemId.describe("the item offered, now the accepting player's"),
      forItemId: itemId.describe("the item asked for, now the offering player's"),
    })
    .describe('A trade offer was accepted: both items changed hands.'),
  TradeDeclined: z
    .object({
      locationId,
      offerId: z.string(),
      playerId: playerId.describe('who declined (the player offered to)'),
      fromPlayerId: z.string().describe('who made the offer (the item goes back to them)'),
      itemId,
    })
    .describe('A trade offer was declined: the offered item went back to its owner.'),
  TradeWithdrawn: z
    .object({
      locationId,
      offerId: z.string(),
      playerId: playerId.describe('who made the offer and took it back'),
      toPlayerId: z.string().describe('the player it had been made to'),
      itemId,
    })
    .describe('A player took back their trade offer, and the item with it.'),
} as const;

export type GameEvent =
  | AccountEvent
  | TokenRevocationEvent
  | ContentEvent
  | PlayerEvent
  | LocationEvent
  | NpcLifeEvent;
export type GameEventType = GameEvent['type'];

// Fails to compile when a schema and its event type disagree, or when an event type has no schema.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agrees = {
  [T in GameEventType]: Same<z.output<(typeof eventSchemas)[T]>, Extract<GameEvent, { type: T }>['data']>;
};
const everySchemaAgrees: Agrees = {
  AccountRegistered: true,
  TokenRevoked: true,
  AllTokensRevoked: true,
  WorldContentLoaded: true,
  PlayerRegistered: true,
  PlayerSpawned: true,
  PlayerEnteredWorld: true,
  PlayerLeftWorld: true,
  ActionRequested: true,
  PlayerMoved: true,
  ItemAddedToInventory: true,
  ItemRemovedFromInventory: true,
  ItemGivenToNpc: true,
  ItemGivenToPlayer: true,
  EnemyDefeatShared: true,
  DamageTaken: true,
  PlayerHealed: true,
  PlayerDefeated: true,
  PlayerRespawned: true,
  EnemySlain: true,
  XpGained: true,
  NpcConversationHeld: true,
  RelationshipChanged: true,
  PlayerSaid: true,
  PlayerEmoted: true,
  PlayerWhispered: true,
  ItemEquipped: true,
  ItemUnequipped: true,
  QuestAccepted: true,
  QuestStepCompleted: true,
  QuestCompleted: true,
  QuestAbandoned: true,
  ActionResolved: true,
  ItemPickedUp: true,
  ItemDropped: true,
  EnemyDamaged: true,
  EnemyDefeated: true,
  LootDropped: true,
  NpcsConversed: true,
  NpcReacted: true,
  ItemHandedOver: true,
  TradeOffered: true,
  TradeAccepted: true,
  TradeDeclined: true,
  TradeWithdrawn: true,
};
void everySchemaAgrees;
const noSchemaWithoutEvent: [Exclude<keyof typeof eventSchemas, GameEventType>] extends [never]
  ? true
  : false = true;
void noSchemaWithoutEvent;
