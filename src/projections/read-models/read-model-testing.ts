import { expect } from 'vitest';
import type { WorldContent } from '../../domain/world/world-schema.ts';
import { untyped } from '../../infrastructure/database.ts';
import type { NewEvent } from '../../infrastructure/event-store/event-store.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import type { SqlProjection } from '../runner/projection.ts';
import { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, type openProjectionHarness, rowsOf, twinOf } from '../testing/projection-harness.ts';

/** Test helpers shared by the read models' tests. */
export type Harness = Awaited<ReturnType<typeof openProjectionHarness>>;

export const quiet = createLogger('silent', false);

export async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}

/** A running runner with tiny batches, so one logical change spans several batches. */
export async function follow(harness: Harness, projection: SqlProjection, batchSize = 3) {
  const runner = new ProjectionRunner(projection, untyped(harness.database.db), harness.store, quiet, {
    batchSize,
    retryDelayMs: 5,
  });
  await runner.start();
  return runner;
}

export const caughtUp = (runner: ProjectionRunner) =>
  waitUntil(async () => (await runner.describe()).lag_events === 0);

export const append = (harness: Harness, stream: string, events: NewEvent[]) =>
  harness.store.appendToStream(stream, events, { expectedRevision: 'any' });

export const contentLoaded = (content: WorldContent, at?: string) =>
  event(
    'WorldContentLoaded',
    { version: content.version, name: content.name, checksum: content.version, source: 'test', content },
    at,
  );

/**
 * Rebuilds in the shadow while `write` appends, then applies the same events from zero to a twin (in
 * batches of another size) and expects every table, row for row, to be the same.
 */
export async function expectRebuildIdentical(
  harness: Harness,
  runner: ProjectionRunner,
  write: () => Promise<void>,
  orderBy: Record<string, string>,
): Promise<void> {
  await Promise.all([write(), runner.rebuildInShadow()]);
  await caughtUp(runner);
  const twin = new ProjectionRunner(
    twinOf(runner.projection, 'check'),
    untyped(harness.database.db),
    harness.store,
    quiet,
    { batchSize: 50 },
  );
  await twin.start();
  await caughtUp(twin);
  await twin.stop();
  for (const [table, order] of Object.entries(orderBy)) {
    const live = await rowsOf(harness.database, `rm_${table}`, order);
    expect(live.length, table).toBeGreaterThan(0);
    expect(await rowsOf(harness.database, `rm_${table}_check`, order), table).toEqual(live);
  }
  expect((await runner.describe()).rebuild).toMatchObject({ phase: 'done' });
}
