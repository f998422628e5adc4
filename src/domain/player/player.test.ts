import { describe, it } from 'vitest';
import type { Effect } from '../rules/effects.ts';
import type { PlayerEvent } from './player.ts';
import {
  added,
  at,
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

describe('player decider: registration, sessions and actions', () => {
  it('registers a new player and spawns them at the start location with full HP', () => {
    spec.given([]).when({ type: 'RegisterPlayer', playerId: p, username: 'ayla' }).then(registered);
  });

  it('registers only once', () => {
    spec
      .given(registered)
      .when({ type: 'RegisterPlayer', playerId: p, username: 'ayla' })
      .thenNothingHappens();
  });

  it('refuses actions of a player who does not exist', () => {
    spec
      .given([])
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .thenRefuses('not_registered');
  });

  it('records a requested action once, even when the request is repeated', () => {
    spec
      .given(registered)
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .then([requested()]);
    spec
      .given([...registered, requested()])
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .thenNothingHappens();
  });

  it('refuses a pending action id repeated with a different action', () => {
    spec
      .given([...registered, requested()])
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'move', direction: 'north' } })
      .thenRefuses('id_reused');
  });

  it('refuses a flood of unresolved actions', () => {
    const flood = Array.from({ length: 16 }, (_, i) => requested(`f${i}`));
    spec
      .given([...registered, ...flood])
      .when({ type: 'RequestAction', actionId: 'x', action: { action_type: 'look' } })
      .thenRefuses('too_many_pending_actions');
  });

  it('resolves an action only once', () => {
    spec
      .given([...registered, requested(), resolved()])
      .when(resolve([{ kind: 'move', to: 'hut' }]))
      .thenNothingHappens();
  });

  it('tracks sessions: entering twice with one session records it once', () => {
    const entered: PlayerEvent = { type: 'PlayerEnteredWorld', data: { playerId: p, sessionId: 's1' } };
    spec.given(registered).when({ type: 'EnterWorld', sessionId: 's1' }).then([entered]);
    spec
      .given([...registered, entered])
      .when({ type: 'EnterWorld', sessionId: 's1' })
      .thenNothingHappens();
    spec
      .given([...registered, entered])
      .when({ type: 'LeaveWorld', sessionId: 's1' })
      .then([{ type: 'PlayerLeftWorld', data: { playerId: p, sessionId: 's1' } }]);
  });

  it('says how many other sessions stay open when a second window comes and one of two goes', () => {
    const first: PlayerEvent = { type: 'PlayerEnteredWorld', data: { playerId: p, sessionId: 's1' } };
    const second: PlayerEvent = {
      type: 'PlayerEnteredWorld',
      data: { playerId: p, sessionId: 's2', otherSessions: 1 },
    };
    spec
      .given([...registered, first])
      .when({ type: 'EnterWorld', sessionId: 's2' })
      .then([second]);
    spec
      .given([...registered, first, second])
      .when({ type: 'LeaveWorld', sessionId: 's1' })
      .then([{ type: 'PlayerLeftWorld', data: { playerId: p, sessionId: 's1', otherSessions: 1 } }]);
    spec
      .given([
        ...registered,
        first,
        second,
        { type: 'PlayerLeftWorld', data: { playerId: p, sessionId: 's1' } },
      ])
      .when({ type: 'LeaveWorld', sessionId: 's2' })
      .then([{ type: 'PlayerLeftWorld', data: { playerId: p, sessionId: 's2' } }]);
  });
});

describe('player decider: effects', () => {
  it('moves through an existing exit', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'move', to: 'hut' }]))
      .then([moved('square', 'hut', 'north'), resolved()]);
  });

  it('refuses a move where there is no exit, and still answers the player', () => {
    const effect: Effect = { kind: 'move', to: 'woods-far' };
    spec
      .given([...registered, requested()])
      .when(resolve([effect]))
      .then([resolved([{ effect, reason: 'no exit from square leads to woods-far' }])]);
  });

  it('never lets the inventory go negative', () => {
    const effect: Effect = { kind: 'drop-item', item: 'dagger' };
    spec
      .given([...registered, requested()])
      .when(resolve([effect]))
      .then([resolved([{ effect, reason: 'dagger is not carried' }])]);
    spec
      .given([...registered, added('dagger'), requested()])
      .when(resolve([effect, effect]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'dagger', reason: 'dropped' } },
        resolved([{ effect, reason: 'dagger is not carried' }], { xp: 0, status: status() }),
      ]);
  });

  it('heals with a consumable up to the maximum HP and uses it up', () => {
    spec
      .given([
        ...registered,
        added('herb'),
        { type: 'DamageTaken', data: { playerId: p, amount: 3, hp: 17, cause: 'wolf' } },
        requested(),
      ])
      .when(resolve([{ kind: 'use-item', item: 'herb', heal: 8 }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'herb', reason: 'used' } },
        { type: 'PlayerHealed', data: { playerId: p, amount: 3, hp: 20, cause: 'herb' } },
        resolved([], { hp: 20, max_hp: 20, xp: 0, status: status() }),
      ]);
  });

  it('takes damage in combat, and is defeated and respawned at the start with full HP at 0 HP', () => {
    const hurt: PlayerEvent = {
      type: 'DamageTaken',
      data: { playerId: p, amount: 18, hp: 2, cause: 'wolf' },
    };
    spec
      .given([...registered, moved('square', 'woods', 'south'), hurt, requested()])
      .when(resolve([{ kind: 'attack', enemy: 'wolf', damageDealt: 1, damageTaken: 4 }]))
      .then([
        { type: 'DamageTaken', data: { playerId: p, amount: 2, hp: 0, cause: 'wolf' } },
        { type: 'PlayerDefeated', data: { playerId: p, locationId: 'woods', by: 'wolf' } },
        { type: 'PlayerRespawned', data: { playerId: p, from: 'woods', locationId: 'square', hp: 20 } },
        resolved([], {
          narration: 'Something happens.\nYou wake at Square, your wounds healed.',
          hp: 20,
          max_hp: 20,
          respawned_at: 'square',
          xp: 0,
          status: status(),
        }),
      ]);
  });

  it('gains the enemy’s experience when the location recorded the enemy as defeated by this action', () => {
    spec
      .given([...registered, moved('square', 'woods', 'south'), requested()])
      .when(
        resolve([{ kind: 'attack', enemy: 'wolf', damageDealt: 5, damageTaken: 0 }], { defeated: ['wolf'] }),
      )
      .then([
        { type: 'EnemySlain', data: { playerId: p, enemyId: 'wolf', locationId: 'woods' } },
        { type: 'XpGained', data: { playerId: p, amount: 10, xp: 10, reason: 'defeated:wolf' } },
        resolved([], { xp: 10, status: status({ xp: 10 }) }),
      ]);
  });

  it('records a conversation and keeps the relationship within -100..100', () => {
    const talk: Effect = {
      kind: 'talk',
      npc: 'elder',
      message: 'hello',
      reply: 'Welcome.',
      emotion: 'friendly',
      relationshipChange: 5,
    };
    spec
      .given([
        ...registered,
        {
          type: 'RelationshipChanged',
          data: { playerId: p, npcId: 'elder', change: 5, score: 98, reason: 'talk' },
        },
        requested(),
      ])
      .when(resolve([talk]))
      .then([
        {
          type: 'NpcConversationHeld',
          data: {
            playerId: p,
            npcId: 'elder',
            locationId: 'square',
            message: 'hello',
            reply: 'Welcome.',
            emotion: 'friendly',
            at,
          },
        },
        {
          type: 'RelationshipChanged',
          data: { playerId: p, npcId: 'elder', change: 2, score: 100, reason: 'talk' },
        },
        resolved(),
      ]);
  });
});

describe('player decider: quests', () => {
  const accepted: PlayerEvent = { type: 'QuestAccepted', data: { playerId: p, questId: 'prophecy' } };
  const step = (stepId: string, index: number): PlayerEvent => ({
    type: 'QuestStepCompleted',
    data: { playerId: p, questId: 'prophecy', stepId, step: index },
  });

  it('accepts a quest once', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'accept-quest', quest: 'prophecy' }]))
      .then([accepted, resolved([], { xp: 0, status: status({ quests: [prophecy({})] }) })]);
    const again: Effect = { kind: 'accept-quest', quest: 'prophecy' };
    spec
      .given([...registered, accepted, requested()])
      .when(resolve([again]))
      .then([resolved([{ effect: again, reason: 'prophecy was already accepted' }])]);
  });

  it('advances a step when the action meets its condition', () => {
    spec
      .given([...registered, accepted, requested()])
      .when(resolve([{ kind: 'move', to: 'woods' }]))
      .then([
        moved('square', 'woods', 'south'),
        step('visit-woods', 0),
        resolved([], {
          narration: `Something happens.\nQuest "The Elder's Prophecy": Visit the woods. — done. Next: Defeat the wolf. (In the woods.)`,
          quest_updates: [
            { quest: 'prophecy', name: "The Elder's Prophecy", step_completed: 0, next: 'Defeat the wolf.' },
          ],
          xp: 0,
          status: status({ quests: [prophecy({ step: 1, objective: 'Defeat the wolf.' })] }),
        }),
      ]);
  });

  it('completes the quest on the last step and grants exactly the rewards of its definition', () => {
    spec
      .given([
        ...registered,
        accepted,
        step('visit-woods', 0),
        step('slay-wolf', 1),
        added('petal'),
        moved('square', 'hut', 'north'),
        requested(),
      ])
      .when(resolve([{ kind: 'give-item', item: 'petal', npc: 'elder' }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'petal', reason: 'given' } },
        { type: 'ItemGivenToNpc', data: { playerId: p, itemId: 'petal', npcId: 'elder' } },
        step('bring-petal', 2),
        { type: 'QuestCompleted', data: { playerId: p, questId: 'prophecy' } },
        { type: 'XpGained', data: { playerId: p, amount: 50, xp: 50, reason: 'quest:prophecy' } },
        added('vest', 'reward'),
        {
          type: 'RelationshipChanged',
          data: { playerId: p, npcId: 'elder', change: 10, score: 10, reason: 'quest:prophecy' },
        },
        resolved([], {
          narration: `Something happens.\nQuest "The Elder's Prophecy": Bring the petal. — done.\nQuest complete: The Elder's Prophecy! The prophecy stirs. You receive: leather vest.`,
          quest_updates: [
            { quest: 'prophecy', name: "The Elder's Prophecy", step_completed: 2, next: undefined },
            {
              quest: 'prophecy',
              name: "The Elder's Prophecy",
              completed: true,
              rewards: { xp: 50, items: ['vest'] },
            },
          ],
          xp: 50,
          status: status({
            xp: 50,
            inventory: [{ id: 'vest', name: 'leather vest', kind: 'armor' }],
            wearing: { id: 'vest', name: 'leather vest' },
            quests: [prophecy({ status: 'completed', step: 3, objective: undefined })],
          }),
        }),
      ]);
  });

  it('does not advance a step out of order', () => {
    spec
      .given([
        ...registered,
        accepted,
        moved('square', 'woods', 'south'),
        step('visit-woods', 0),
        added('petal'),
        moved('woods', 'square', 'north'),
        requested(),
      ])
      .when(resolve([{ kind: 'move', to: 'hut' }]))
      .then([moved('square', 'hut', 'north'), resolved()]);
  });

  it('abandons only an active quest', () => {
    spec
      .given([...registered, accepted, requested()])
      .when(resolve([{ kind: 'abandon-quest', quest: 'prophecy' }]))
      .then([
        { type: 'QuestAbandoned', data: { playerId: p, questId: 'prophecy' } },
        resolved([], { xp: 0, status: status() }),
      ]);
  });
});
