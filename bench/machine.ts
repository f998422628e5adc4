import os from 'node:os';
import pg from 'pg';

/** Where a benchmark ran, included in every result so that numbers are only compared like for like. */
export interface Machine {
  node: string;
  platform: NodeJS.Platform;
  arch: string;
  cpus: { model: string; count: number };
  totalMemoryGiB: number;
  /** `server_version` of the PostgreSQL server, when the benchmark uses one. */
  postgresServerVersion?: string;
}

export interface DescribeMachineOptions {
  /** Connection URL of the PostgreSQL server the benchmark uses, if any. */
  postgresUrl?: string;
}

export async function describeMachine(options: DescribeMachineOptions = {}): Promise<Machine> {
  const cpus = os.cpus();
  const machine: Machine = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length },
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
  if (options.postgresUrl) machine.postgresServerVersion = await postgresServerVersion(options.postgresUrl);
  return machine;
}

async function postgresServerVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}
