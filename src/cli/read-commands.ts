import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { describeQueryError, eventQuerySchema, queryEvents } from '../projections/replay/event-query.ts';
import { formatEvents } from '../projections/replay/formats.ts';
import {
  stateAt,
  stateAtToJson,
  stateKindSchema,
  stateQuerySchema,
} from '../projections/replay/time-travel.ts';
import type { CliIo } from './io.ts';
import { openConfiguredStore } from './open-store.ts';
import { UsageError } from './usage.ts';

const text = { type: 'string' } as const;
const repeated = { type: 'string', multiple: true } as const;

/** `langomni replay …`: the matching events on stdout. */
export async function replay(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stream: text,
      category: repeated,
      type: repeated,
      player: text,
      from: text,
      to: text,
      after: text,
      until: text,
      limit: text,
      format: text,
    },
  });
  const parsed = eventQuerySchema.safeParse({ ...values });
  if (!parsed.success) throw new UsageError(describeQueryError(parsed.error, '--'));
  const { format, ...query } = parsed.data;
  return withStore(io, async (store) => {
    try {
      await pipeline(Readable.from(formatEvents(queryEvents(store, query), format)), io.stdout, {
        end: false,
      });
    } catch (error) {
      // The reader went away (e.g. `| head`): that is how pipes end, not a failure.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
    return 0;
  });
}

/** `langomni state <kind> <id> [--position POS | --at ISO]`: the state then, as pretty JSON. */
export async function state(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { position: text, at: text },
    allowPositionals: true,
  });
  const [kind, id, ...extra] = positionals;
  if (!kind || !id || extra.length > 0)
    throw new UsageError('state needs a kind (player, location or npc) and an id');
  const parsedKind = stateKindSchema.safeParse(kind);
  if (!parsedKind.success) throw new UsageError(`unknown kind "${kind}": use player, location or npc`);
  const moment = stateQuerySchema.safeParse({ ...values });
  if (!moment.success) throw new UsageError(describeQueryError(moment.error, '--'));
  return withStore(io, async (store) => {
    const result = await stateAt(store, { kind: parsedKind.data, id, ...moment.data });
    io.stdout.write(`${JSON.stringify(stateAtToJson(result), null, 2)}\n`);
    return 0;
  });
}

async function withStore(io: CliIo, run: (store: EventStore) => Promise<number>): Promise<number> {
  // Without NODE_ENV: its one rule (JWT_SECRET in production) is about serving players, not reading events.
  const { NODE_ENV: _servingOnly, ...env } = io.env;
  const config: Config = loadConfig(env);
  const store = await openConfiguredStore(config);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
