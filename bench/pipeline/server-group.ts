import type { Watched } from './resources.ts';
import { type Backing, type Cleanup, newDeployment, note, ServerProcess } from './server.ts';

/**
 * N server processes of one deployment on one machine: the same shipped command line and settings,
 * one PostgreSQL schema, one Redis prefix and one JWT secret, each on a port (and data dir) of its own.
 * Players are spread over them round-robin, standing in for a load balancer.
 */
export class ServerGroup {
  private constructor(
    readonly servers: readonly ServerProcess[],
    /** ms from each process's spawn to its first healthy /health, in process order. */
    readonly healthyMs: readonly number[],
  ) {}

  /**
   * Process 1 starts alone and migrates the fresh schema; the others start together once it is
   * healthy (a fresh schema migrated by several processes at once is not what this measures).
   */
  static async start(count: number, backing: Backing, cleanup: Cleanup): Promise<ServerGroup> {
    const deployment = newDeployment('postgres', backing, cleanup);
    const first = await ServerProcess.spawn('postgres', backing, cleanup, deployment);
    note(`process 1/${count}: pid ${first.pid} at ${first.baseUrl}; waiting for /health`);
    const firstHealthy = await first.waitHealthy();
    const others = await Promise.all(
      Array.from({ length: count - 1 }, () => ServerProcess.spawn('postgres', backing, cleanup, deployment)),
    );
    for (const [i, server] of others.entries())
      note(`process ${i + 2}/${count}: pid ${server.pid} at ${server.baseUrl}; waiting for /health`);
    const othersHealthy = await Promise.all(others.map((server) => server.waitHealthy()));
    const healthyMs = [firstHealthy, ...othersHealthy].map(Math.round);
    note(`all ${count} healthy (ms after each spawn: ${healthyMs.join(', ')})`);
    return new ServerGroup([first, ...others], healthyMs);
  }

  get first(): ServerProcess {
    return this.servers[0]!;
  }

  get schema(): string {
    return this.first.settings['DATABASE_SCHEMA']!;
  }

  /** The server the i-th player connects to: round-robin, as a load balancer without stickiness would. */
  urlFor(playerIndex: number): string {
    return this.servers[playerIndex % this.servers.length]!.baseUrl;
  }

  /**
   * `server`: all the server processes together (the total); with several, `server-1`, … each too.
   */
  watched(): Watched[] {
    const total: Watched = { label: 'server', pids: this.servers.map((s) => s.pid) };
    if (this.servers.length === 1) return [total];
    return [total, ...this.servers.map((s, i) => ({ label: `server-${i + 1}`, pid: s.pid }))];
  }

  assertRunning(): void {
    this.servers.forEach((server, i) => {
      try {
        server.assertRunning();
      } catch (error) {
        throw new Error(`process ${i + 1}/${this.servers.length}: ${(error as Error).message}`);
      }
    });
  }

  /** Settings of process 1, and what differs in the others. */
  settings(): Record<string, unknown> {
    if (this.servers.length === 1) return this.first.settings;
    return {
      ...this.first.settings,
      PORT: this.servers.map((s) => s.settings['PORT']).join(', '),
      DATA_DIR: `one temporary directory per process (used for nothing on PostgreSQL with JWT_SECRET set)`,
    };
  }
}
