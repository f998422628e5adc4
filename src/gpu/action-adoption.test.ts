import { describe, expect, it } from 'vitest';
import type { ActionPartitions, OrphanedActions } from '../infrastructure/action-partitions.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { ActionAdoption } from './action-adoption.ts';

const logger = createLogger('silent', false);

function requested(position: bigint, processId: string, streamId = 'player-p1'): StoredEvent {
  return {
    id: `e${position}`,
    type: 'ActionRequested',
    streamId,
    revision: position,
    position,
    data: { actionId: `a${position}` },
    metadata: { timestamp: new Date(0).toISOString(), processId },
  } as StoredEvent;
}

/** A log and one dead process's checkpoint, as the adoption sees them. */
function world(expiredForMs: number) {
  const log: StoredEvent[] = [];
  const checkpoint: { position: bigint } | { released: true } = { position: 0n };
  const store = {
    readAll: async ({ after, maxCount }: { after: bigint; maxCount: number }) =>
      log.filter((event) => event.position > after).slice(0, maxCount),
  } as unknown as EventStore;
  const partitions: ActionPartitions = {
    open: async () => {},
    claimOrphans: async (): Promise<OrphanedActions[]> =>
      'position' in checkpoint
        ? [{ name: 'lane:actions@dead', owner: 'dead', position: checkpoint.position, expiredForMs }]
        : [],
    advance: async (_name, position) => {
      if ('position' in checkpoint && position > checkpoint.position) checkpoint.position = position;
    },
    release: async () => {
      Object.assign(checkpoint, { released: true });
      delete (checkpoint as { position?: bigint }).position;
    },
  };
  const resolved: string[] = [];
  const adoption = new ActionAdoption({
    store,
    partitions,
    processId: 'me',
    liveProcesses: async () => new Set(['me']),
    resolve: async (event) => void resolved.push(event.id),
    logger,
    everyMs: 60_000,
    keepForMs: 60_000,
  });
  return { log, checkpoint, adoption, resolved };
}

describe('adopting the actions of a dead process', () => {
  it('resolves only the dead process’s actions, and watches its checkpoint while it may still write', async () => {
    const { log, checkpoint, adoption, resolved } = world(1_000);
    log.push(requested(1n, 'dead'), requested(2n, 'alive'), requested(3n, 'dead', 'player-p2'));
    expect(await adoption.adopt()).toBe(2);
    expect(resolved.sort()).toEqual(['e1', 'e3']);
    expect(checkpoint).toEqual({ position: 3n });
    // It had stalled, not died: one more action before it learned its lease was gone.
    log.push(requested(4n, 'dead'));
    expect(await adoption.adopt()).toBe(1);
    expect(resolved).toContain('e4');
    expect(await adoption.adopt()).toBe(0);
    expect(resolved.length).toBe(3);
  });

  it('drops the checkpoint once the lease ran out long enough ago', async () => {
    const { log, checkpoint, adoption } = world(120_000);
    log.push(requested(1n, 'dead'));
    expect(await adoption.adopt()).toBe(1);
    expect(checkpoint).toEqual({ released: true });
  });
});
