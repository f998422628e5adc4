import { describe, it } from 'vitest';
import type { PlayerEvent } from './player.ts';
import { added, moved, p, registered, requested, resolve, resolved, spec, status } from './player-spec.ts';

describe('player decider: what a result shows (status, loot)', () => {
  it('says what a kill dropped: a line in the narration and the loot, which lies on the ground', () => {
    spec
      .given([...registered, moved('square', 'woods', 'south'), requested()])
      .when(
        resolve([{ kind: 'attack', enemy: 'wolf', damageDealt: 6, damageTaken: 0 }], {
          defeated: ['wolf'],
          loot: ['fang'],
        }),
      )
      .then([
        { type: 'EnemySlain', data: { playerId: p, enemyId: 'wolf', locationId: 'woods' } },
        { type: 'XpGained', data: { playerId: p, amount: 10, xp: 10, reason: 'defeated:wolf' } },
        resolved([], {
          narration: 'Something happens.\nIt drops a wolf fang.',
          loot: [{ id: 'fang', name: 'wolf fang' }],
          xp: 10,
          status: status({ xp: 10 }),
        }),
      ]);
  });

  it('names every item a kill dropped, and says nothing of loot when none fell', () => {
    const kill = (loot: string[]) =>
      resolve([{ kind: 'attack', enemy: 'wolf', damageDealt: 6, damageTaken: 0 }], {
        defeated: ['wolf'],
        loot,
      });
    const given = [...registered, moved('square', 'woods', 'south'), requested()];
    const slain: PlayerEvent[] = [
      { type: 'EnemySlain', data: { playerId: p, enemyId: 'wolf', locationId: 'woods' } },
      { type: 'XpGained', data: { playerId: p, amount: 10, xp: 10, reason: 'defeated:wolf' } },
    ];
    spec
      .given(given)
      .when(kill(['fang', 'herb', 'old-amulet']))
      .then([
        ...slain,
        resolved([], {
          narration: 'Something happens.\nIt drops a wolf fang, a healing herb and an old-amulet.',
          loot: [
            { id: 'fang', name: 'wolf fang' },
            { id: 'herb', name: 'healing herb' },
            { id: 'old-amulet', name: 'old-amulet' },
          ],
          xp: 10,
          status: status({ xp: 10 }),
        }),
      ]);
    spec
      .given(given)
      .when(kill([]))
      .then([...slain, resolved([], { xp: 10, status: status({ xp: 10 }) })]);
  });

  it('gives the status after taking an item: what is carried, and the weapon now wielded', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'take-item', item: 'dagger' }]))
      .then([
        added('dagger'),
        resolved([], {
          xp: 0,
          status: status({
            inventory: [{ id: 'dagger', name: 'dagger', kind: 'weapon' }],
            wielding: { id: 'dagger', name: 'dagger' },
          }),
        }),
      ]);
  });

  it('gives no status when the action changed nothing it shows (a look, a word)', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([]))
      .then([resolved()]);
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'say', message: 'hi' }]))
      .then([{ type: 'PlayerSaid', data: { playerId: p, locationId: 'square', message: 'hi' } }, resolved()]);
  });
});
