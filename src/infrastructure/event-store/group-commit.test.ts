import { describe, expect, it, vi } from 'vitest';
import { type AppendOutcome, GroupCommit, type QueuedAppend } from './group-commit.ts';

const append = (streamId: string, events: number): QueuedAppend => ({
  streamId,
  expected: 'any',
  events: Array.from({ length: events }, (_, i) => ({
    id: `${streamId}-${i}`,
    type: 'Tested',
    data: {},
    metadata: { timestamp: '2025-01-01T00:00:00.000Z' },
  })),
});
const appended: AppendOutcome = { status: 'appended', nextRevision: 1n, lastPosition: 1n };

describe('group commit: the batch-appended hook (langomni_event_append_seconds)', () => {
  it('reports each batch written, with its time and its number of events', async () => {
    const onBatchAppended = vi.fn();
    const commit = new GroupCommit({
      send: async (batch) => batch.map(() => appended),
      isolatable: () => false,
      onBatchAppended,
    });
    await Promise.all([commit.append(append('a', 2)), commit.append(append('b', 3))]);
    expect(onBatchAppended).toHaveBeenCalledTimes(1);
    const [seconds, events] = onBatchAppended.mock.calls[0]!;
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(events).toBe(5);
  });

  it('reports nothing for a batch the store failed', async () => {
    const onBatchAppended = vi.fn();
    const commit = new GroupCommit({
      send: async () => {
        throw new Error('store down');
      },
      isolatable: () => false,
      onBatchAppended,
    });
    await expect(commit.append(append('a', 1))).rejects.toThrow('store down');
    expect(onBatchAppended).not.toHaveBeenCalled();
  });
});
