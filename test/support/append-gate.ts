import {
  AppendWithdrawnError,
  type EventStore,
  type NewEvent,
} from '../../src/infrastructure/event-store/event-store.ts';

export interface Hold {
  /** Resolves when the first matching append reached the gate. */
  readonly reached: Promise<void>;
  /** Appends let through or withdrawn so far, and those still held. */
  readonly counts: { passed: number; withdrawn: number; held: number };
  /** Lets every held append (and every later one) through. */
  release(): void;
}

/**
 * Holds chosen appends of a running system's event store, as a stalled store would: a held append
 * has not been sent yet, so its signal withdraws it (AppendWithdrawnError, nothing written), as the
 * port promises for appends still queued. Everything else passes untouched.
 */
export function gateAppends(store: EventStore) {
  const original = store.appendToStream.bind(store);
  const holds: {
    match: (streamId: string, events: readonly NewEvent[]) => boolean;
    hold: Hold;
    gate: Promise<void>;
  }[] = [];
  const gated: EventStore['appendToStream'] = async (streamId, events, options) => {
    const found = holds.find((h) => h.match(streamId, events));
    if (found) {
      const { counts } = found.hold;
      counts.held++;
      (found.hold as { arrived?: () => void } & Hold).arrived?.();
      const { signal } = options;
      try {
        await new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(new AppendWithdrawnError(streamId));
          signal?.addEventListener('abort', () => reject(new AppendWithdrawnError(streamId)), { once: true });
          void found.gate.then(resolve);
        });
      } catch (error) {
        counts.withdrawn++;
        throw error;
      } finally {
        counts.held--;
      }
      counts.passed++;
    }
    return original(streamId, events, options);
  };
  Object.defineProperty(store, 'appendToStream', { value: gated, configurable: true, writable: true });

  return {
    hold(match: (streamId: string, events: readonly NewEvent[]) => boolean): Hold {
      let release!: () => void;
      let arrived!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const hold = { reached, counts: { passed: 0, withdrawn: 0, held: 0 }, release, arrived };
      holds.push({ match, hold, gate });
      return hold;
    },
    /** Releases every hold and gives the store its own append back. */
    restore(): void {
      for (const { hold } of holds) hold.release();
      holds.length = 0;
      delete (store as Partial<EventStore>).appendToStream;
    },
  };
}

/** Appends to one player's stream that carry an event of this type. */
export const playerAppendOf =
  (playerId: string, type: string) =>
  (streamId: string, events: readonly NewEvent[]): boolean =>
    streamId === `player-${playerId}` && events.some((event) => event.type === type);
