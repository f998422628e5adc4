import type { Decider } from '../decider.ts';
import { withArticle } from '../world/grammar.ts';
import type { World } from '../world/world.ts';
import { withConsequences } from './action-consequences.ts';
import type { PlayerState } from './player.ts';
import type { ActionResult, PlayerEvent } from './player-events.ts';
import { type ActionFacts, questProgress } from './quests.ts';

/**
 * What another player's action brings to this player: an item handed over, a share in an enemy's
 * defeat. The other player's action decided it (the rules checked it, the location witnessed it), so
 * nothing here can refuse it: a delivery that could be refused after the giver's side is recorded
 * would lose or double an item. Each is recorded once (its command id derives from the action's) and
 * ends with an `ActionResolved` under `noticeId`, which reaches the player like a result of their own.
 */
export type DeliveryCommand =
  | {
      type: 'ReceiveItem';
      noticeId: string;
      itemId: string;
      fromPlayerId: string;
      /** The giver's name as the receiver is told it. */
      fromName: string;
    }
  | {
      type: 'ShareDefeat';
      noticeId: string;
      enemyId: string;
      locationId: string;
      killerId: string;
      killerName: string;
    };

export function decideDelivery(
  world: World,
  decider: Pick<Decider<PlayerState, never, PlayerEvent>, 'evolve'>,
  initial: PlayerState,
  command: DeliveryCommand,
): PlayerEvent[] {
  const events: PlayerEvent[] = [];
  let state = initial;
  const playerId = state.playerId;
  const emit = (...more: PlayerEvent[]) => {
    for (const event of more) {
      events.push(event);
      state = decider.evolve(state, event);
    }
  };
  const facts: ActionFacts = { talkedTo: [], defeated: [], delivered: [] };
  let result: ActionResult;

  if (command.type === 'ReceiveItem') {
    const { itemId, fromPlayerId, fromName } = command;
    const name = world.items.get(itemId)?.name ?? itemId;
    emit({ type: 'ItemAddedToInventory', data: { playerId, itemId, reason: 'given', fromPlayerId } });
    result = {
      action_type: 'receive',
      narration: `${fromName} gives you ${withArticle(name)}.`,
      item: { id: itemId, name },
      from: fromName,
    };
  } else {
    const { enemyId, locationId, killerId, killerName } = command;
    const enemy = world.enemies.get(enemyId);
    const xp = enemy?.xp ?? 0;
    facts.defeated.push(enemyId);
    emit({ type: 'EnemyDefeatShared', data: { playerId, enemyId, locationId, killerId } });
    if (xp > 0)
      emit({
        type: 'XpGained',
        data: { playerId, amount: xp, xp: state.xp + xp, reason: `shared:${enemyId}` },
      });
    const name = enemy?.name ?? enemyId;
    result = {
      action_type: 'share_kill',
      narration: `${killerName} fells the ${name}. You share in the defeat of the ${name}${xp > 0 ? ` (+${xp} XP)` : ''}.`,
      enemy: { id: enemyId, name },
      killer: killerName,
      xp_gained: xp,
    };
  }
  emit(...questProgress(world, state, facts));
  return [
    ...events,
    {
      type: 'ActionResolved',
      data: {
        actionId: command.noticeId,
        result: withConsequences(world, result, events, state),
        source: 'rules',
        refusedEffects: [],
      },
    },
  ];
}
