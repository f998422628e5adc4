/**
 * `npm run bench -- npc-variety [--replies 200] [--others 2] [--dump file]`: how varied the rule engine's NPC
 * replies are, over the real protocol. Starts the real server as `npm start` ships it (embedded
 * default: PGlite, in-process memory, rule-engine lanes, no LLM), registers players who walk to Elder
 * Zorathian and ask him the shipped question set (bench/npc-variety-questions.json: a greeting, who
 * they are, then the questions in their own order) with the game clock running, and measures:
 *
 * - exact_repeat_pct: replies identical to an earlier reply of that NPC, to any player;
 * - top_opening_pct: the share of replies opening with the most common first five words.
 *
 * Targets: exact_repeat_pct < 5, top_opening_pct ≤ 10. A few other NPCs are measured the same way,
 * with fewer replies, where cheap (`--others 0` skips them).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../src/domain/random.ts';
import { npcLocationAt, worldTime } from '../src/domain/world/clock.ts';
import { routeBetween } from '../src/domain/world/routes.ts';
import { buildWorld, type World } from '../src/domain/world/world.ts';
import { replyVariety } from '../src/gpu/rules/talk/variety.ts';
import { GameClient, register } from '../test/support/game-client.ts';
import { describeMachine } from './machine.ts';
import { backingServices, Cleanup, note, REPO_ROOT, ServerProcess } from './pipeline/server.ts';

interface QuestionSet {
  greetings: string[];
  introductions: string[];
  questions: string[];
}

const QUESTIONS = JSON.parse(
  readFileSync(join(REPO_ROOT, 'bench', 'npc-variety-questions.json'), 'utf8'),
) as QuestionSet;
const NAMES = ['Aldric', 'Wren', 'Tamsin', 'Oskar', 'Isolde', 'Brannoc', 'Maren', 'Corin'];
const HOMES = [
  'Millbrook',
  'Dunmere',
  'Harrowgate',
  'Kesterby',
  'Lowfield',
  'Ashford',
  'Redwater',
  'Thornby',
];
const PER_PLAYER = 40;
let dumpTo: string | undefined;
/** Each player's token, by its number. */
const tokens = new Map<string, string>();
const TARGETS = { exact_repeat_pct: '< 5', top_opening_pct: '<= 10' };

interface Measured {
  npc: string;
  players: number;
  replies: number;
  exact_repeat_pct: number;
  top_opening_pct: number;
  top_openings: { opening: string; count: number }[];
  /** Talks the server refused or the NPC was not there for (not counted as replies). */
  failed: number;
  samples: { question: string; reply: string }[];
}

function meetsTargets(measured: Measured): boolean {
  return measured.exact_repeat_pct < 5 && measured.top_opening_pct <= 10;
}

export async function run(args: readonly string[]): Promise<unknown> {
  const replies = numberFlag(args, '--replies', 200);
  const others = numberFlag(args, '--others', 2);
  // --dump <file>: every question and reply, one line of JSON an NPC, for reading what was said.
  dumpTo = args.includes('--dump') ? args[args.indexOf('--dump') + 1] : undefined;
  if (args.includes('--dump') && !dumpTo) throw new Error('--dump needs a file to write to');
  if (others > 3) throw new Error(`--others is at most 3 (Old Tom, Brenna, Sylvi), got ${others}`);
  const world = buildWorld(
    JSON.parse(readFileSync(join(REPO_ROOT, 'content', 'starter-world.json'), 'utf8')),
  );
  const cleanup = new Cleanup().onSignals();
  const started = performance.now();
  try {
    const server = await ServerProcess.spawn('embedded', backingServices(), cleanup);
    const healthyMs = await server.waitHealthy();
    note(`server healthy in ${Math.round(healthyMs)} ms`);
    const clockAtStart = worldTime(world, new Date());

    // Every player registers before any connects: both count against the same per-IP limits.
    const playerSeeds = [
      ...Array.from({ length: Math.ceil(replies / PER_PLAYER) }, (_, i) => i),
      ...Array.from({ length: others }, (_, k) => [10 * (k + 1), 10 * (k + 1) + 1]).flat(),
    ];
    for (const n of playerSeeds)
      tokens.set(`${n}`, (await register(server.baseUrl, `npcv${Date.now().toString(36)}${n}`)).token);
    await sleep(1_100);

    const elder = measureNpc(server.baseUrl, world, 'elder-zorathian', 'Zorathian', replies, 0);
    const otherNpcs = (
      [
        ['old-tom', 'Tom'],
        ['brenna', 'Brenna'],
        ['sylvi', 'Sylvi'],
      ] as const
    ).slice(0, others);
    const measured = await Promise.all([
      elder,
      ...otherNpcs.map(([id, name], i) => measureNpc(server.baseUrl, world, id, name, 60, 10 * (i + 1))),
    ]);
    server.assertRunning();
    const [zorathian, ...rest] = measured;
    return {
      benchmark: 'npc-variety',
      npc: zorathian!.npc,
      exact_repeat_pct: zorathian!.exact_repeat_pct,
      top_opening_pct: zorathian!.top_opening_pct,
      targets: TARGETS,
      meets_targets: meetsTargets(zorathian!),
      elder: zorathian,
      // The same targets over their fewer replies (60: two players), for each NPC measured besides.
      others: rest.map((other) => ({ ...other, meets_targets: meetsTargets(other) })),
      game_time: {
        at_start: `${clockAtStart.hourOfDay}:00 (${clockAtStart.timeOfDay})`,
        at_end: (() => {
          const end = worldTime(world, new Date());
          return `${end.hourOfDay}:00 (${end.timeOfDay})`;
        })(),
      },
      seconds: Math.round((performance.now() - started) / 100) / 10,
      server: { healthy_ms: Math.round(healthyMs), settings: server.settings },
      machine: await describeMachine(),
      differences_from_production: [
        'the embedded default (PGlite, in-process NPC memory with the local hashing embedder, rule-engine lanes) as `npm start` ships it, not the full stack (PostgreSQL, Qdrant, Ollama embeddings, LLM lanes)',
        'all players connect from 127.0.0.1 on the same machine as the server',
        'PASSWORD_HASH_MEMORY_KIB=1024 (cheaper password hashing for registration), as in the pipeline benchmark',
        'the players are scripted: every player asks from the same shipped question set, at the 4 actions/s limit',
        'the game clock is the real one: the hour of the world (and so greetings, schedules and small talk) is whatever it is when the run starts',
      ],
    };
  } finally {
    await cleanup.run();
  }
}

/**
 * Players (PER_PLAYER questions each, `seed` telling them apart) walk to the NPC where it is at this
 * hour and talk to it until `total` replies are in; the variety of all the NPC's replies together.
 */
async function measureNpc(
  baseUrl: string,
  world: World,
  npcId: string,
  calledAs: string,
  total: number,
  seed: number,
): Promise<Measured> {
  const playerCount = Math.ceil(total / PER_PLAYER);
  const results = await Promise.all(
    Array.from({ length: playerCount }, (_, i) =>
      playerTalks(
        baseUrl,
        world,
        npcId,
        calledAs,
        tokens.get(`${seed + i}`)!,
        seed + i,
        Math.min(PER_PLAYER, total - i * PER_PLAYER),
      ),
    ),
  );
  const talks = results.flatMap((r) => r.talks);
  if (dumpTo) appendFileSync(dumpTo, `${JSON.stringify({ npcId, talks: results.map((r) => r.talks) })}\n`);
  const variety = replyVariety(talks.map((t) => t.reply));
  note(
    `${npcId}: ${variety.replies} replies, ${variety.exactRepeatPct}% repeats, top opening ${variety.topOpeningPct}%`,
  );
  return {
    npc: world.npcs.get(npcId)!.name,
    players: playerCount,
    replies: variety.replies,
    exact_repeat_pct: variety.exactRepeatPct,
    top_opening_pct: variety.topOpeningPct,
    top_openings: variety.topOpenings,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    samples: talks.filter((_, i) => i % Math.max(1, Math.floor(talks.length / 8)) === 0).slice(0, 8),
  };
}

async function playerTalks(
  baseUrl: string,
  world: World,
  npcId: string,
  calledAs: string,
  token: string,
  n: number,
  count: number,
): Promise<{ talks: { question: string; reply: string }[]; failed: number }> {
  const username = `player ${n}`;
  const client = await GameClient.connect(baseUrl, token);
  try {
    const welcome = await client.waitFor((f) => f.type === 'welcome');
    let here = (welcome.location as { id: string }).id;
    const goTo = async () => {
      const there = npcLocationAt(world.npcs.get(npcId)!, worldTime(world, new Date()).hourOfDay);
      for (const direction of routeBetween(world, here, there)) {
        const moved = (await client.act({ action_type: 'move', direction })).result as {
          moved?: boolean;
          location?: { id: string };
        };
        if (!moved?.moved || !moved.location)
          throw new Error(`${username} could not go ${direction} from ${here}`);
        here = moved.location.id;
      }
    };
    await goTo();
    const talks: { question: string; reply: string }[] = [];
    let failed = 0;
    for (const question of conversation(n).slice(0, count)) {
      let frame = await client.act({ action_type: 'talk', npc: calledAs, message: question });
      let result = frame.result as { npc_response?: string } | undefined;
      if (!result?.npc_response) {
        // The NPC may have gone elsewhere as the hour turned: follow once.
        await goTo();
        frame = await client.act({ action_type: 'talk', npc: calledAs, message: question });
        result = frame.result as { npc_response?: string } | undefined;
      }
      if (result?.npc_response) talks.push({ question, reply: result.npc_response });
      else failed++;
    }
    return { talks, failed };
  } finally {
    await client.close();
  }
}

/** Player n's side of the talk: a greeting, who they are, then every question in their own order. */
function conversation(n: number): string[] {
  const name = NAMES[n % NAMES.length]!;
  const home = HOMES[n % HOMES.length]!;
  const random = seededRandom(`npc-variety/${n}`);
  const shuffled = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const fill = (text: string) => text.replaceAll('{name}', name).replaceAll('{home}', home);
  const [introduction, ...moreAboutThem] = QUESTIONS.introductions;
  return [
    QUESTIONS.greetings[n % QUESTIONS.greetings.length]!,
    fill(introduction!),
    ...shuffled([...moreAboutThem.slice(0, 3).map(fill), ...QUESTIONS.questions]),
  ];
}

function numberFlag(args: readonly string[], flag: string, fallback: number): number {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${flag} needs a whole number, got ${args[at + 1]}`);
  return value;
}
