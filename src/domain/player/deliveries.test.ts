import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type PlayerEvent, playerDecider } from './player.ts';
import {
  added,
  moved,
  p,
  prophecy,
  registered,
  requested,
  resolve,
  resolved,
  spec,
  status,
} from './player-spec.ts';

const questAt = (step: number): PlayerEvent[] => [
  { type: 'QuestAccepted', data: { playerId: p, questId: 'prophecy' } },
  ...Array.from(
    { length: step },
    (_, index): PlayerEvent => ({
      type: 'QuestStepCompleted',
      data: {
        playerId: p,
        questId: 'prophecy',
        stepId: ['visit-woods', 'slay-wolf', 'bring-petal'][index]!,
        step: index,
      },
    }),
  ),
];

describe('player decider: giving to another player', () => {
  it('gives a carried item away: it leaves the inventory and the gift is recorded', () => {
    spec
      .given([...registered, added('dagger'), requested()])
      .when(resolve([{ kind: 'give-item-to-player', item: 'dagger', player: 'p2' }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'dagger', reason: 'given' } },
        { type: 'ItemGivenToPlayer', data: { playerId: p, itemId: 'dagger', toPlayerId: 'p2' } },
        resolved([], { xp: 0, status: status() }),
      ]);
  });

  it('receives an item from another player, and is told so like a result of their own', () => {
    spec
      .given(registered)
      .when({
        type: 'ReceiveItem',
        noticeId: 'a9/receive/p1',
        itemId: 'herb',
        fromPlayerId: 'p2',
        fromName: 'bea',
        reason: 'given',
      })
      .then([
        {
          type: 'ItemAddedToInventory',
          data: { playerId: p, itemId: 'herb', reason: 'given', fromPlayerId: 'p2' },
        },
        {
          type: 'ActionResolved',
          data: {
            actionId: 'a9/receive/p1',
            result: {
              action_type: 'receive',
              narration: 'bea gives you a healing herb.',
              item: { id: 'herb', name: 'healing herb' },
              from: 'bea',
              xp: 0,
              status: status({ inventory: [{ id: 'herb', name: 'healing herb', kind: 'consumable' }] }),
            },
            source: 'rules',
            refusedEffects: [],
          },
        },
      ]);
  });

  it('a received item counts for a quest step waiting to have it', () => {
    const world = fixtureWorld();
    const decider = playerDecider(world);
    const events = decider.decide(
      {
        type: 'ReceiveItem',
        noticeId: 'n1',
        itemId: 'petal',
        fromPlayerId: 'p2',
        fromName: 'bea',
        reason: 'given',
      },
      fold(decider, [...registered, ...questAt(2)]),
    );
    // 'bring-petal' is a deliver step: having it is not delivering it.
    expect(events.map((e) => e.type)).toEqual(['ItemAddedToInventory', 'ActionResolved']);
    const after = fold(decider, [...registered, ...questAt(2), ...events]);
    expect(after.inventory).toEqual(['petal']);
  });
});

describe('player decider: a share in a kill', () => {
  it('gains the enemy’s experience and advances a quest waiting for its defeat', () => {
    spec
      .given([...registered, moved('square', 'woods', 'south'), ...questAt(1)])
      .when({
        type: 'ShareDefeat',
        noticeId: 'a7/share/p1',
        enemyId: 'wolf',
        locationId: 'woods',
        killerId: 'p2',
        killerName: 'bea',
      })
      .then([
        {
          type: 'EnemyDefeatShared',
          data: { playerId: p, enemyId: 'wolf', locationId: 'woods', killerId: 'p2' },
        },
        { type: 'XpGained', data: { playerId: p, amount: 10, xp: 10, reason: 'shared:wolf' } },
        {
          type: 'QuestStepCompleted',
          data: { playerId: p, questId: 'prophecy', stepId: 'slay-wolf', step: 1 },
        },
        {
          type: 'ActionResolved',
          data: {
            actionId: 'a7/share/p1',
            result: {
              action_type: 'share_kill',
              narration:
                'bea fells the grey wolf. You share in the defeat of the grey wolf (+10 XP).\nQuest "The Elder\'s Prophecy": Defeat the wolf. — done. Next: Bring the petal. (Give it.)',
              enemy: { id: 'wolf', name: 'grey wolf' },
              killer: 'bea',
              xp_gained: 10,
              quest_updates: [
                {
                  quest: 'prophecy',
                  name: "The Elder's Prophecy",
                  step_completed: 1,
                  next: 'Bring the petal.',
                },
              ],
              xp: 10,
              status: status({ xp: 10, quests: [prophecy({ step: 2, objective: 'Bring the petal.' })] }),
            },
            source: 'rules',
            refusedEffects: [],
          },
        },
      ]);
  });
});

describe('player decider: trades', () => {
  it('puts an offered item on the table, and gets it back when the offer is taken back', () => {
    spec
      .given([...registered, added('herb'), requested()])
      .when(resolve([{ kind: 'offer-trade', offer: 'a1', player: 'p2', give: 'herb', for: 'dagger' }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'herb', reason: 'offered' } },
        resolved([], { xp: 0, status: status() }),
      ]);
    const herb = { id: 'herb', name: 'healing herb', kind: 'consumable' } as const;
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'withdraw-trade', offer: 'o1', item: 'herb' }]))
      .then([
        { type: 'ItemAddedToInventory', data: { playerId: p, itemId: 'herb', reason: 'returned' } },
        resolved([], { xp: 0, status: status({ inventory: [herb] }) }),
      ]);
  });

  it('accepting hands over what was asked and takes what was offered', () => {
    spec
      .given([...registered, added('herb'), requested()])
      .when(resolve([{ kind: 'accept-trade', offer: 'o1', player: 'p2', give: 'herb', get: 'petal' }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'herb', reason: 'traded' } },
        {
          type: 'ItemAddedToInventory',
          data: { playerId: p, itemId: 'petal', reason: 'traded', fromPlayerId: 'p2' },
        },
        resolved([], {
          xp: 0,
          status: status({ inventory: [{ id: 'petal', name: 'moon petal', kind: 'quest' }] }),
        }),
      ]);
  });

  it('the offerer gets the other half of an accepted trade, or the item back from a declined one', () => {
    const decider = playerDecider(fixtureWorld());
    const receive = (reason: 'traded' | 'returned') =>
      decider.decide(
        {
          type: 'ReceiveItem',
          noticeId: 'n1',
          itemId: reason === 'traded' ? 'petal' : 'herb',
          fromPlayerId: 'p2',
          fromName: 'bea',
          reason,
          ...(reason === 'traded' ? { tradedItemId: 'herb' } : {}),
        },
        fold(decider, registered),
      );
    const narration = (events: PlayerEvent[]) =>
      (events.at(-1) as Extract<PlayerEvent, { type: 'ActionResolved' }>).data.result.narration;
    expect(narration(receive('traded'))).toBe(
      'bea accepts your offer: the healing herb for a moon petal, which is yours now.',
    );
    expect(narration(receive('returned'))).toBe('bea declines your offer; the healing herb is yours again.');
    expect(receive('returned')[0]).toEqual({
      type: 'ItemAddedToInventory',
      data: { playerId: p, itemId: 'herb', reason: 'returned', fromPlayerId: 'p2' },
    });
  });

  it('is told of an offer made to them (nothing changes hands yet)', () => {
    spec
      .given(registered)
      .when({
        type: 'NoteTrade',
        noticeId: 'o1/note/p1',
        note: 'offered',
        fromPlayerId: 'p2',
        fromName: 'bea',
        itemId: 'dagger',
        forItemId: 'herb',
      })
      .then([
        {
          type: 'ActionResolved',
          data: {
            actionId: 'o1/note/p1',
            result: {
              action_type: 'trade',
              narration:
                "bea offers you a dagger for your healing herb. (accept bea's trade, or decline bea's trade)",
              trade: 'offered',
              from: 'bea',
              item: { id: 'dagger', name: 'dagger' },
              for: { id: 'herb', name: 'healing herb' },
            },
            source: 'rules',
            refusedEffects: [],
          },
        },
      ]);
  });
});
