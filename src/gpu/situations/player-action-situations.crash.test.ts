import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import { SqlCheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import {
  CRASHES,
  CrashPlan,
  crashingCheckpoints,
  sqlBackends,
} from '../../infrastructure/consumers/crash-testing.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { LocalHashEmbedder } from '../../infrastructure/memory/embedder.ts';
import { InMemorySituationStore } from '../../infrastructure/memory/in-memory-situation-store.ts';
import { latestFirst, type SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { event } from '../../projections/testing/projection-harness.ts';
import {
  PLAYER_ACTION_SITUATION_FILTER,
  PlayerActionSituations,
  playerActionSituation,
} from './player-action-situations.ts';

const logger = createLogger('silent', false);
const world = starterWorld();
const PLAYERS = 3;
const KEEP = 3;

describe.each(sqlBackends())(
  'players’ recent actions in the situation index, killed and restarted on $name',
  (backend) => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    const at = (n: number, step: number) => new Date(Date.UTC(2025, 0, 1) + n * 100 + step).toISOString();
    /** Action n: player p(n mod 3) walks somewhere and takes or attacks something there. */
    const appendAction = async (n: number) => {
      const playerId = `p${n % PLAYERS}`;
      const [from, to] =
        n % 2 === 0 ? ['village-square', 'village-gate'] : ['village-gate', 'village-square'];
      const actionId = `a${n}`;
      const action =
        n % 2 === 0 ? { action_type: 'attack', target: 'wolf' } : { action_type: 'take', item: 'bucket' };
      await opened.store.appendToStream(
        `player-${playerId}`,
        [
          event('PlayerMoved', { playerId, from, to, direction: 'north' }, at(n, 0)),
          event('ActionRequested', { actionId, action }, at(n, 1)),
          event(
            'ActionResolved',
            {
              actionId,
              result: { action_type: action.action_type, narration: `Outcome number ${n}. More words.` },
              source: 'rules',
              refusedEffects: [],
            },
            at(n, 2),
          ),
        ],
        { expectedRevision: 'any' },
      );
    };
    /** What one uninterrupted read of the whole log writes, and what it leaves after the pruning. */
    const cleanRun = async () => {
      const resolved = await opened.store.readAll({
        filter: PLAYER_ACTION_SITUATION_FILTER,
        maxCount: 100_000,
      });
      const entries = [];
      for (const stored of resolved) {
        const entry = await playerActionSituation(opened.store, world, stored);
        if (entry) entries.push(entry);
      }
      const kept = new Set<string>();
      for (let p = 0; p < PLAYERS; p++) {
        const own = entries.filter((entry) => entry.playerId === `p${p}`).sort(latestFirst);
        for (const entry of own.slice(0, KEEP)) kept.add(entry.id);
      }
      return { written: new Set(entries.map((entry) => entry.id)), kept, entries };
    };

    it('every action is written, none is doubled, and what stays is the latest of each player', async () => {
      for (let n = 0; n < 6; n++) await appendAction(n);
      const situations = new InMemorySituationStore();
      const calls = new Map<string, number>();
      const plan = new CrashPlan();
      let projection!: PlayerActionSituations;

      const dying: SituationStore = Object.assign(Object.create(situations) as SituationStore, {
        async upsert(entries: Parameters<SituationStore['upsert']>[0]) {
          const crash = plan.planned;
          const partial = crash === 'fail-mid-batch' || crash === 'stop-mid-batch';
          // Dying mid-batch: the first entry is stored, the others are not, and nothing is pruned.
          const written = partial ? entries.slice(0, 1) : entries;
          await situations.upsert(written);
          for (const entry of written) calls.set(entry.id, (calls.get(entry.id) ?? 0) + 1);
          if (partial) {
            plan.fire(crash, crash === 'stop-mid-batch' ? () => projection.stop() : undefined);
            throw new Error(`${crash} after one entry of the batch`);
          }
        },
      });
      const { checkpoints, saves } = crashingCheckpoints(
        SqlCheckpointStore.on(opened.database.db),
        plan,
        () => projection.stop(),
      );
      const start = async () => {
        projection = new PlayerActionSituations(
          {
            events: opened.store,
            embedder: new LocalHashEmbedder(64),
            situations: dying,
            world: () => world,
            logger,
            checkpoints,
          },
          { maxBatch: 4, retryDelayMs: 5, checkpointEveryMs: 0, keepPerPlayer: KEEP },
        );
        await projection.start();
      };

      await plan.runWhileWriting({
        start,
        running: () => projection,
        write: (n) => appendAction(n + 6),
        progress: saves,
        progressName: 'checkpoints after the crash',
      });
      expect(plan.fired).toEqual([...CRASHES]);

      const clean = await cleanRun();
      // Nothing lost: every action of the log went in at least once.
      expect(new Set(calls.keys())).toEqual(clean.written);
      // The crashes did redeliver: some entries were written twice…
      expect([...calls.values()].some((n) => n > 1)).toBe(true);
      // …and what stays is exactly what one uninterrupted run leaves: each player's latest KEEP.
      expect(await situations.count('player_action')).toBe(clean.kept.size);
      for (let p = 0; p < PLAYERS; p++) {
        const [query] = await new LocalHashEmbedder(64).embed(['attack wolf']);
        const found = await situations.search(query!, {
          kinds: ['player_action'],
          playerId: `p${p}`,
          limit: 100,
        });
        expect(found.every((entry) => clean.kept.has(entry.id))).toBe(true);
        expect(found).toHaveLength(KEEP);
      }
      const line = clean.entries.find((entry) => entry.id === [...clean.kept][0]);
      expect(line?.text).toMatch(
        /^At (Village Square|Village Gate): (attack wolf|take bucket)\. Outcome number \d+\.$/,
      );
    });
  },
);
