import type { Position, StoredEvent, Subscription } from './event-store.ts';

export interface PollingSource {
  /** The next page of events strictly after `after`, in global order. */
  readPage(after: Position): Promise<StoredEvent[]>;
  /** Registers a wake-up call for when new events may be visible; returns the unregister function. */
  onPossiblyNewEvents(listener: () => void): () => void;
  pageSize: number;
  pollIntervalMs: number;
}

/**
 * A catch-up subscription over any store that can read pages after a position: reads history page by
 * page, then waits for a wake-up (a local append) or the poll interval (appends by other processes).
 * A wake-up during a read is remembered, so no append is ever waited out.
 */
export function pollingSubscription(source: PollingSource, start: () => Promise<Position>): Subscription {
  let closed = false;
  let signalled = false;
  let wake: (() => void) | undefined;
  const unregister = source.onPossiblyNewEvents(() => {
    signalled = true;
    wake?.();
  });

  const waitForSignal = () =>
    new Promise<void>((resolve) => {
      if (signalled || closed) return resolve();
      const timer = setTimeout(done, source.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function* iterate(): AsyncGenerator<StoredEvent> {
    let position = await start();
    while (!closed) {
      signalled = false;
      const page = await source.readPage(position);
      for (const event of page) {
        if (closed) return;
        position = event.position;
        yield event;
      }
      if (page.length < source.pageSize) await waitForSignal();
    }
  }

  const close = async () => {
    closed = true;
    unregister();
    wake?.();
  };

  return {
    close,
    [Symbol.asyncIterator]() {
      const inner = iterate();
      return {
        next: () => inner.next(),
        return: async (value?: unknown) => {
          await close();
          return inner.return(value as undefined);
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}
