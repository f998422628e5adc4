import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from './io.ts';
import {
  isFinished,
  ProgressDisplay,
  type ProjectionInfo,
  type RebuildInfo,
  statusTable,
} from './progress.ts';
import { UsageError } from './usage.ts';

const DEFAULT_URL = 'http://127.0.0.1:3000';
const POLL_INTERVAL_MS = 500;
/** Polls that may fail in a row (the server restarting, a blip) before the command gives up. */
const MAX_FAILED_POLLS = 10;
/**
 * A finished rebuild record that looks exactly like the one before our request may be the previous
 * rebuild's, still shown until the new one registers; after this many polls it is taken as ours.
 */
const POLLS_BEFORE_TRUSTING_AN_UNCHANGED_RECORD = 20;

/** A failure reported by (or on the way to) the running server. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
}

/** `langomni projections status | rebuild <name|all> | pause [name|all] | resume [name|all]`. */
export async function projections(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [command, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const api = adminApi(io.env);
  switch (command) {
    case 'status':
      if (name) throw new UsageError('projections status takes no name');
      io.stdout.write(statusTable(await api.get<ProjectionInfo[]>('/admin/projections')));
      return 0;
    case 'rebuild':
      if (!name) throw new UsageError('projections rebuild needs a read model name, or all');
      return rebuild(api, name, io);
    case 'pause':
    case 'resume': {
      const path = `/admin/projections/${encodeURIComponent(name ?? 'all')}/${command}`;
      const { names } = await api.post<{ names: string[] }>(path);
      io.stdout.write(`${command === 'pause' ? 'paused' : 'resumed'}: ${names.join(', ') || 'none'}\n`);
      return 0;
    }
    default:
      throw new UsageError(
        command
          ? `unknown projections command: ${command}`
          : 'projections needs a command: status, rebuild, pause or resume',
      );
  }
}

type AdminApi = ReturnType<typeof adminApi>;

function adminApi(env: NodeJS.ProcessEnv) {
  const base = (env.LANGOMNI_URL || DEFAULT_URL).replace(/\/+$/, '');
  const token = env.ADMIN_TOKEN;
  if (!token) throw new UsageError("set ADMIN_TOKEN to the server's admin token");
  const call = async <T>(method: 'GET' | 'POST', path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new AdminApiError(`cannot reach the server at ${base}: ${cause} (is it running? LANGOMNI_URL)`);
    }
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    if (!response.ok) {
      const detail = body?.error ? `${body.error.code}: ${body.error.message}` : response.statusText;
      throw new AdminApiError(`${method} ${path}: ${response.status} ${detail}`);
    }
    return body as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string) => call<T>('POST', path),
  };
}

async function rebuild(api: AdminApi, name: string, io: CliIo): Promise<number> {
  const before = new Map(
    (await api.get<ProjectionInfo[]>('/admin/projections')).map((p) => [p.name, JSON.stringify(p.rebuild)]),
  );
  const { started } = await api.post<{ started: string[] }>(
    `/admin/projections/${encodeURIComponent(name)}/rebuild`,
  );
  if (started.length === 0) {
    io.stderr.write('nothing to rebuild\n');
    return 0;
  }
  const display = new ProgressDisplay(io.stderr, started);
  const seenRunning = new Set<string>();
  const ours = new Map<string, RebuildInfo | null>();
  let failedPolls = 0;
  for (let poll = 0; ; poll++) {
    let list: ProjectionInfo[];
    try {
      list = await api.get<ProjectionInfo[]>('/admin/projections');
      failedPolls = 0;
    } catch (error) {
      if (++failedPolls >= MAX_FAILED_POLLS) throw error;
      await sleep(io.pollIntervalMs ?? POLL_INTERVAL_MS);
      continue;
    }
    for (const projection of started) {
      const listed = list.find((p) => p.name === projection);
      if (!listed) throw new AdminApiError(`the server no longer lists ${projection}`);
      const { rebuild } = listed;
      if (rebuild && !isFinished(rebuild)) seenRunning.add(projection);
      const isOurs =
        rebuild !== null &&
        (seenRunning.has(projection) ||
          JSON.stringify(rebuild) !== before.get(projection) ||
          poll >= POLLS_BEFORE_TRUSTING_AN_UNCHANGED_RECORD);
      ours.set(projection, isOurs ? rebuild : null);
    }
    const finished = started.every((n) => ours.get(n) && isFinished(ours.get(n)!));
    display.render(ours, finished);
    if (finished) break;
    await sleep(io.pollIntervalMs ?? POLL_INTERVAL_MS);
  }
  const failed = started.filter((n) => ours.get(n)?.phase === 'failed');
  for (const n of failed)
    io.stderr.write(`rebuild of ${n} failed: ${ours.get(n)?.error ?? 'no reason given'}\n`);
  if (failed.length === 0) io.stderr.write(`rebuilt: ${started.join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}
