import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../src/infrastructure/testing/services.ts';
import {
  type ActionLedger,
  auditActions,
  type ClientAction,
  openSessions,
  readActionLedger,
  summarise,
  unresolved,
} from './support/action-audit.ts';
import { compareHotState, dropRedisPrefix, FreshRebuild } from './support/fresh-rebuild.ts';
import { type Frame, httpPacer } from './support/game-client.ts';
import {
  type FleetProcess,
  fleetTails,
  isRunning,
  type ProcessRole,
  spawnRole,
  stopProcess,
} from './support/process-fleet.ts';
import { RoamingPlayer, registerPolitely } from './support/roaming-player.ts';

/*
 * Two game processes and a projector on one PostgreSQL schema and one Redis prefix, as children of
 * this test (issue 10). Players on different games see each other. 50 players play 1,000 actions
 * across both games while game-A is killed (SIGKILL) half-way; its players reconnect to game-B and
 * carry on. Then the store must hold exactly one outcome per action, each the one its client was
 * given; every read model (and the Redis hot state) must equal a fresh rebuild from the same events;
 * and nobody may be left online. Nothing is timed: waits are generous and end once their condition
 * holds. Runs in about 1.5 minutes.
 */

const PLAYERS = 50;
const TOTAL_ACTIONS = 1_000;
/**
 * Low, so that game-A's actions are adopted soon after it dies; not lower: a process that stalls past
 * its TTL must exit (LeaseLostError), and three servers starting on a 2-core CI runner stall over 2 s.
 */
const LEASE_TTL_MS = 5_000;
/** How long the events table must stay unchanged to call the system quiet. */
const QUIET_MS = 3_000;
const SETTLE_TIMEOUT_MS = 180_000;
const JWT_SECRET = randomBytes(24).toString('hex');

const postgresUrl = testServices.postgres.url;
const redisUrl = testServices.redis.url;
const servicesReady = Boolean(postgresUrl && redisUrl);
if (!servicesReady)
  reportSkipped(
    'PostgreSQL and Redis',
    `${testServices.postgres.variable} and ${testServices.redis.variable}`,
  );

describe.skipIf(!servicesReady)('two game processes and a projector on PostgreSQL and Redis', () => {
  const schema = uniqueSchema('multi');
  const freshSchema = `${schema}_fresh`;
  const redisPrefix = `test:${schema}:`;
  const dataDirs: string[] = [];
  const fleet: FleetProcess[] = [];
  const players: RoamingPlayer[] = [];
  let gameA: FleetProcess;
  let gameB: FleetProcess;
  let projector: FleetProcess;
  let rebuild: FreshRebuild | undefined;
  let loadEndedAt = 0;

  const tails = () => `\n${fleetTails(fleet)}`;
  const alive = () => [gameA, gameB].filter(isRunning).map((g) => g.baseUrl);
  const clientActions = (): ClientAction[] =>
    players.flatMap((p) =>
      p.sent.map((s) => ({ playerId: p.playerId, username: p.username, frameId: s.id, answer: s.answer })),
    );

  async function start(label: string, role: ProcessRole): Promise<FleetProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), 'langomni-multi-'));
    dataDirs.push(dataDir);
    const child = await spawnRole(label, role, {
      DATA_DIR: dataDir,
      DATABASE_URL: postgresUrl!,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: redisPrefix,
      JWT_SECRET,
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PROCESS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      // game-A's players are kept this long after its lease ran out (30 s in production): short, so
      // that the survivors have ended their sessions by the last test.
      RECONNECT_GRACE_MS: '1000',
    });
    fleet.push(child);
    return child;
  }

  /** Polls the events table until `done` holds and then no event was appended for QUIET_MS. */
  async function settled(done: (ledger: ActionLedger) => boolean, what: string): Promise<ActionLedger> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let ledger = await readActionLedger(postgresUrl!, schema);
    let quietSince = Date.now();
    for (;;) {
      await sleep(500);
      const next = await readActionLedger(postgresUrl!, schema);
      if (next.head !== ledger.head || !done(next)) quietSince = Date.now();
      ledger = next;
      if (Date.now() - quietSince >= QUIET_MS) return ledger;
      if (Date.now() > deadline) {
        const missing = unresolved(ledger);
        throw new Error(
          `${what}: still not settled; ${missing.length} actions without outcome ${missing.slice(0, 5)}${tails()}`,
        );
      }
    }
  }

  async function setUp(): Promise<void> {
    // The first process creates the schema; the others join it.
    gameA = await start('game-A', 'game');
    [gameB, projector] = await Promise.all([start('game-B', 'game'), start('projector', 'projector')]);
    const registered = await Promise.all(
      Array.from({ length: PLAYERS }, async (_, i) => {
        const username = `mp${i}_${randomBytes(2).toString('hex')}`;
        return { ...(await registerPolitely((i % 2 ? gameB : gameA).baseUrl, username)), username, i };
      }),
    );
    for (const { token, player_id, username, i } of registered) {
      const player = new RoamingPlayer(username, player_id, token, alive);
      player.hunter = i % 3 === 0;
      players.push(player);
    }
    // The first half plays on game-A, the second on game-B.
    await Promise.all(players.map((p, i) => p.connect(i < PLAYERS / 2 ? gameA.baseUrl : gameB.baseUrl)));
  }

  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      // Which process is gone, and what it said.
      const states = fleet.map(
        (p) =>
          `${p.label}: ${isRunning(p) ? 'running' : `exited (${p.child.exitCode ?? p.child.signalCode})`}`,
      );
      throw new Error(`set-up failed: ${(error as Error).message}\n${states.join(', ')}${tails()}`);
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(players.map((p) => p.close().catch(() => {})));
    await Promise.all(fleet.map((p) => stopProcess(p, 'SIGKILL')));
    await rebuild?.close().catch(() => {});
    if (postgresUrl) for (const s of [schema, freshSchema]) await dropSchema(postgresUrl, s).catch(() => {});
    if (redisUrl) await dropRedisPrefix(redisUrl, redisPrefix).catch(() => {});
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('the projector says so when ready, serves its health and takes no players', async () => {
    expect.soft(projector.readyLine).toMatch(/^Projector ready: http:\/\/\S+\/health$/);
    for (const game of [gameA, gameB]) expect.soft(game.readyLine).toMatch(/^Play in a browser: /);
    const health = await fetch(`${projector.baseUrl}/health`);
    expect(health.status, `${await health.text()}${tails()}`).toBe(200);
    await httpPacer.slot();
    const refused = await fetch(`${projector.baseUrl}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `nobody${randomBytes(2).toString('hex')}`,
        password: 'correct horse',
      }),
    });
    expect(refused.status, 'a projector must not register players').not.toBe(201);
  });

  it('players on different processes see each other arrive, speak and fight', async () => {
    const onA = players[0]!;
    const onB = players[PLAYERS / 2]!;
    expect([onA.server, onB.server]).toEqual([gameA.baseUrl, gameB.baseUrl]);
    const heard = (listener: RoamingPlayer, since: number, match: (f: Frame) => boolean, what: string) =>
      listener.client
        .waitFor((f) => f.type === 'event' && match(f), 30_000, since)
        .catch((error: Error) => {
          throw new Error(
            `${listener.username} (on ${listener.server}) never saw ${what}: ${error.message}${tails()}`,
          );
        });
    const act = async (player: RoamingPlayer, data: Record<string, unknown>) => {
      const answer = await player.act(data);
      expect(answer.type, JSON.stringify(answer)).toBe('action_result');
      return answer.result as Record<string, unknown>;
    };

    // B waits in the elder's hut; A walks in: B sees the arrival, then each hears the other.
    expect((await act(onB, { action_type: 'move', direction: 'north' })).moved).toBe(true);
    let since = onB.client.frames.length;
    expect((await act(onA, { action_type: 'move', direction: 'north' })).moved).toBe(true);
    await heard(onB, since, (f) => f.event === 'player_arrived' && f.player === onA.username, 'A arrive');
    since = onB.client.frames.length;
    await act(onA, { action_type: 'say', message: 'greetings from game-A' });
    await heard(
      onB,
      since,
      (f) => f.event === 'player_said' && f.message === 'greetings from game-A',
      'A speak',
    );
    since = onA.client.frames.length;
    await act(onB, { action_type: 'say', message: 'and from game-B' });
    await heard(onA, since, (f) => f.event === 'player_said' && f.message === 'and from game-B', 'B speak');

    // Both walk to the wolves' hollow; A strikes, B sees the fight.
    for (const direction of ['south', 'south', 'south', 'south', 'west'])
      for (const player of [onB, onA])
        expect((await act(player, { action_type: 'move', direction })).moved).toBe(true);
    since = onB.client.frames.length;
    const strike = await act(onA, { action_type: 'attack', target: 'wolf' });
    expect(strike.enemy_id, JSON.stringify(strike)).toBe('grey-wolf');
    await heard(onB, since, (f) => f.event === 'combat' && f.player === onA.username, 'A fight');
  }, 300_000);

  it('1,000 actions, game-A killed half-way: its players carry on on game-B; one outcome each', async () => {
    const perPlayer = TOTAL_ACTIONS / PLAYERS;
    const before = new Map(players.map((p) => [p, p.sent.length]));
    let issued = 0;
    let kill: Promise<void> | undefined;
    await Promise.all(
      players.map(async (player) => {
        for (let step = 0; step < perPlayer; step++) {
          // Half-way, game-A dies as a crash kills it, with its players' actions in flight.
          if (++issued === TOTAL_ACTIONS / 2) kill = stopProcess(gameA, 'SIGKILL');
          await player.act(player.nextAction(step));
        }
      }),
    ).catch((error: Error) => {
      throw new Error(`${error.message}${tails()}`);
    });
    loadEndedAt = Date.now();
    await kill;
    expect(isRunning(gameA)).toBe(false);

    const load = players.flatMap((p) => p.sent.slice(before.get(p)));
    expect(load).toHaveLength(TOTAL_ACTIONS);
    const failed = load.filter((a) => a.answer.type !== 'action_result');
    expect(
      failed.map((a) => a.answer),
      tails(),
    ).toEqual([]);
    const retried = load.filter((a) => a.attempts > 1).length;
    // Every player of game-A ended on game-B, and finished its share there.
    for (const player of players.slice(0, PLAYERS / 2))
      expect(player.connections.at(-1), `${player.username} did not move to game-B`).toBe(gameB.baseUrl);

    // Every request has exactly one outcome (none lost with game-A, none doubled by two processes),
    // and it is the outcome its client was given.
    const ledger = await settled((l) => unresolved(l).length === 0, 'outcomes');
    const sent = clientActions();
    const problems = auditActions(ledger, sent);
    console.log(
      `multi-process: ${sent.length} actions sent in all; ${retried} had to be sent again (lost with game-A, refused or timed out)`,
    );

    expect(problems, `${summarise(problems)}${tails()}`).toEqual([]);
    expect(ledger.requested.size).toBe(sent.length);
    // Each player's stream, over all its connections (resumed on game-B after the kill), had no
    // result nor event twice.
    const twice = players
      .map((p) => ({ player: p.username, positions: p.receivedPositions() }))
      .filter(({ positions }) => new Set(positions.map(String)).size !== positions.length)
      .map(({ player }) => player);
    expect(twice, 'players sent a result or an event twice').toEqual([]);
  }, 600_000);

  it('every read model, and the Redis hot state, equals a fresh rebuild from the same events', async () => {
    // Freeze the log: the players leave and game-B stops; only the projector remains.
    await Promise.all(players.map((p) => p.close()));
    await stopProcess(gameB, 'SIGTERM');
    await settled(() => true, 'events after game-B stopped');
    rebuild = await FreshRebuild.open(postgresUrl!, schema, freshSchema);

    const hot = await compareHotState(
      redisUrl!,
      `${redisPrefix}hot:`,
      `${redisPrefix}hot-fresh:`,
      rebuild.store,
      players.map((p) => p.playerId),
    ).catch((error: Error) => {
      throw new Error(`${error.message}${tails()}`);
    });
    console.log(
      `multi-process: hot state compared for ${players.length} players, ${hot.nonEmpty} with entries`,
    );
    expect(hot.problems, `${summarise(hot.problems)}${tails()}`).toEqual([]);
    // Entries expire 30-60 s after their event: only a comparison made soon enough can see any.
    if (Date.now() - loadEndedAt < 20_000) expect(hot.nonEmpty).toBeGreaterThan(0);

    const positions = await rebuild.rebuildSqlReadModels();
    await rebuild.liveCaughtUpWith(positions).catch((error: Error) => {
      throw new Error(`${error.message}${tails()}`);
    });
    const differences = await rebuild.differences();
    expect(differences, `${summarise(differences, 8)}${tails()}`).toEqual([]);
    expect(isRunning(projector), `the projector died${tails()}`).toBe(true);
  }, 600_000);

  it('once every player has left and game-B has stopped, nobody is left online', async () => {
    // game-A's sessions were ended by a survivor once its lease ran out; game-B ended its own.
    const open = await openSessions(postgresUrl!, schema);
    expect(open, `sessions never ended:\n${open.join('\n')}${tails()}`).toEqual([]);
  });
});
