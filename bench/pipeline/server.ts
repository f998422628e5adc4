import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { getStatus } from './accounts.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HEALTH_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

export type Mode = 'postgres' | 'embedded';

export interface Backing {
  databaseUrl: string;
  redisUrl: string;
}

export function backingServices(): Backing {
  return {
    databaseUrl: process.env['BENCH_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379/14',
  };
}

export function note(message: string): void {
  process.stderr.write(`pipeline: ${message}\n`);
}

/** Things to undo, run once, last registered first, each bounded in time; also on SIGINT/SIGTERM. */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  /** Cleans up before this process ends on SIGINT or SIGTERM. */
  onSignals(): this {
    const onSignal = (signal: NodeJS.Signals) => {
      note(`${signal}: cleaning up`);
      void this.run().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return this;
  }

  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }

  run(): Promise<void> {
    if (this.running && this.tasks.length > 0) this.running = undefined;
    this.running ??= (async () => {
      for (const task of this.tasks.splice(0).reverse()) {
        await withTimeout(task.run(), 20_000).catch((error: unknown) =>
          note(`cleanup: ${task.name} failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    })();
    return this.running;
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The arguments `npm start` gives node (its flags, the tsx loader, src/main.ts), read from package.json
 * so that the benchmark runs the server exactly as it ships.
 */
export function shippedStartArgs(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = manifest.scripts['start']!.split(/\s+/);
  if (command !== 'node')
    throw new Error(`expected "npm start" to run node, found: ${manifest.scripts['start']}`);
  return args;
}

/** The real server (src/main.ts) in a child process, configured as a deployment would be. */
export class ServerProcess {
  private stderrTail = '';
  exitedWith: string | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    /** Every environment variable given to the server, JWT_SECRET redacted. */
    readonly settings: Record<string, string>,
    readonly spawnedAt: number,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4_000);
      if (process.env.BENCH_SERVER_STDERR) process.stderr.write(chunk);
    });
    child.on('exit', (code, signal) => {
      this.exitedWith = signal ?? String(code);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Spawns the server on a fresh data dir and, unless `deployment` is given, a fresh schema and Redis
   * prefix; registers their cleanup. Processes given the same `deployment` share the database schema,
   * the Redis prefix and the JWT secret, as the processes of one deployment would.
   */
  static async spawn(
    mode: Mode,
    backing: Backing,
    cleanup: Cleanup,
    deployment: Deployment = newDeployment(mode, backing, cleanup),
  ): Promise<ServerProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), 'langomni-bench-pipeline-'));
    cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      JWT_SECRET: deployment.jwtSecret,
      PASSWORD_HASH_MEMORY_KIB: '1024',
      ...deployment.env,
    };
    const spawnedAt = performance.now();
    // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
    const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, ...shippedStartArgs()], {
      cwd: REPO_ROOT,
      // Only what is set here: nothing of this process's environment (no LLM variables, no LOG_LEVEL).
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new ServerProcess(
      child,
      `http://127.0.0.1:${port}`,
      { ...env, JWT_SECRET: '[redacted: 48 random characters]' },
      spawnedAt,
    );
    cleanup.add(`stop server pid ${child.pid}`, () => server.stop());
    return server;
  }

  /** Polls GET /health until 200; resolves to ms since the spawn. */
  async waitHealthy(): Promise<number> {
    const deadline = performance.now() + HEALTH_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (this.exitedWith !== undefined)
        throw new Error(`the server exited (${this.exitedWith}) before it was healthy:\n${this.stderrTail}`);
      if ((await getStatus(`${this.baseUrl}/health`)) === 200) return performance.now() - this.spawnedAt;
      await sleep(25);
    }
    throw new Error(`no healthy /health within ${HEALTH_TIMEOUT_MS / 1000} s:\n${this.stderrTail}`);
  }

  assertRunning(): void {
    if (this.exitedWith !== undefined)
      throw new Error(`the server exited (${this.exitedWith}):\n${this.stderrTail}`);
  }

  async stop(): Promise<void> {
    if (this.exitedWith !== undefined || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** What the processes of one deployment share: the JWT secret and, on PostgreSQL, schema and Redis prefix. */
export interface Deployment {
  jwtSecret: string;
  /** DATABASE_URL, DATABASE_SCHEMA, REDIS_URL, REDIS_PREFIX (PostgreSQL mode); none when embedded. */
  env: Record<string, string>;
}

/** A fresh deployment: a new schema and Redis prefix (PostgreSQL mode), dropped and deleted at cleanup. */
export function newDeployment(mode: Mode, backing: Backing, cleanup: Cleanup): Deployment {
  const deployment: Deployment = { jwtSecret: randomBytes(36).toString('base64url'), env: {} };
  if (mode === 'postgres') {
    const suffix = randomBytes(4).toString('hex');
    const schema = `bench_pipeline_${suffix}`;
    const prefix = `bench-pipeline-${suffix}:`;
    deployment.env = {
      DATABASE_URL: backing.databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: backing.redisUrl,
      REDIS_PREFIX: prefix,
    };
    cleanup.add(`drop schema ${schema}`, () => dropSchema(backing.databaseUrl, schema));
    cleanup.add(`delete Redis keys ${prefix}*`, () => deleteRedisKeys(backing.redisUrl, prefix));
  }
  return deployment;
}

/** A TCP port free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function otherDatabaseUrl(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function postgresQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  await postgresQuery(databaseUrl, `drop schema if exists "${schema}" cascade`);
  note(`schema ${schema} dropped`);
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  try {
    await client.connect();
  } catch {
    client.disconnect();
    return;
  }
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
        'COUNT',
        1_000,
      );
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    note(`${deleted} Redis keys ${prefix}* deleted`);
  } finally {
    client.disconnect();
  }
}
