import type { PlayerEvent } from '../domain/player/player-events.ts';
import type { EventStore, Position, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { limits } from '../limits.ts';
import { FEED_EVENT_TYPES, newsOf, privateNewsOf } from './outcome-feed.ts';
import type { PlaceNewsContext } from './place-news.ts';
import type { Missed, Replay, ResumeWindow } from './resume-window.ts';

/** Events read per page when the window reaches back before this process started. */
const PAGE = 1_000;
/** How long a resume waits for this process's feed to reach a position the client saw elsewhere. */
const CATCH_UP_WAIT_MS = 2_000;
const CATCH_UP_POLL_MS = 20;

export interface ResumerDeps {
  store: EventStore;
  window: ResumeWindow;
  /** How news are told now (the outcome feed's): names and places. */
  context: PlaceNewsContext;
  now?: () => number;
}

/**
 * Finds what a reconnecting player missed: from the window, which first reaches back through the
 * log when the client's position is older than this process (it restarted, or the player moved here
 * from a process that died). One reach back at a time: the ones waiting then find it done.
 */
export class Resumer {
  private reaching: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: ResumerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Makes the window reach back to `after` and forward to it; false when that is further than kept. */
  async prepare(after: Position): Promise<boolean> {
    const { window } = this.deps;
    if (window.coveredAfter === undefined) return false;
    if (after < window.coveredAfter) {
      const reached = this.reaching.then(() => this.reachBack(after));
      this.reaching = reached.catch(() => {});
      if (!(await reached)) return false;
    }
    if (window.lastPosition >= after) return true;
    // Not a position of this log (a log reset since, or made up): nothing to resume from.
    if (after > (await this.deps.store.headPosition())) return false;
    // The client saw this position on another process whose feed is ahead of ours: wait for ours.
    for (let waited = 0; window.lastPosition < after && waited < CATCH_UP_WAIT_MS; waited += CATCH_UP_POLL_MS)
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
    return true;
  }

  replay(playerId: string, after: Position, through: Position, here: string): Replay {
    return this.deps.window.replay(playerId, after, through, here);
  }

  private async reachBack(after: Position): Promise<boolean> {
    const { store, window } = this.deps;
    const covered = window.coveredAfter;
    if (covered === undefined) return false;
    if (after >= covered) return true;
    const events: StoredEvent[] = [];
    let cursor = after;
    for (;;) {
      const page = await store.readAll({
        after: cursor,
        maxCount: PAGE,
        filter: { eventTypes: FEED_EVENT_TYPES },
      });
      for (const event of page) {
        if (event.position > covered) break;
        events.push(event);
      }
      const first = events[0];
      if (first && Date.parse(first.metadata.timestamp) < this.now() - limits.resumeWindowMs) return false;
      if (events.length > limits.resumeWindowMaxEntries) return false;
      const last = page.at(-1);
      if (page.length < PAGE || !last || last.position > covered) break;
      cursor = last.position;
    }
    const located = this.locateComings(events, covered);
    window.extendBack(
      after,
      events,
      (stored) =>
        newsOf(stored, {
          ...this.deps.context,
          locationOf: (playerId) => located.get(stored) ?? this.deps.context.locationOf(playerId, stored),
        }),
      (stored) => privateNewsOf(stored, this.deps.context),
    );
    return true;
  }

  /**
   * Where each player stood when they came into or went out of the world, for events read back from
   * the log: walking back from where the window (or presence) has them after those events, each move
   * of theirs says where they were before it.
   */
  private locateComings(
    events: readonly StoredEvent[],
    covered: Position,
  ): Map<StoredEvent, string | undefined> {
    const located = new Map<StoredEvent, string | undefined>();
    const at = new Map<string, string | undefined>();
    const where = (playerId: string, stored: StoredEvent) =>
      at.has(playerId)
        ? at.get(playerId)
        : (this.deps.window.locationAfter(playerId, covered) ??
          this.deps.context.locationOf(playerId, stored));
    for (let i = events.length - 1; i >= 0; i--) {
      const stored = events[i]!;
      const event = stored as unknown as PlayerEvent;
      switch (event.type) {
        case 'PlayerEnteredWorld':
        case 'PlayerLeftWorld':
          located.set(stored, where(event.data.playerId, stored));
          break;
        case 'PlayerMoved':
        case 'PlayerRespawned':
          at.set(event.data.playerId, event.data.from);
          break;
        case 'PlayerSpawned':
          at.set(event.data.playerId, undefined);
          break;
      }
    }
    return located;
  }
}

/** The frames that send `missed`: each result on its own, news grouped (in order) into `events` frames. */
export function missedFrames(missed: readonly Missed[], marked: boolean): Record<string, unknown>[] {
  const frames: Record<string, unknown>[] = [];
  const mark = marked ? { missed: true } : {};
  let news: Record<string, unknown>[] = [];
  const flushNews = () => {
    if (news.length === 0) return;
    frames.push({ type: 'events', ...mark, position: news.at(-1)!.position, events: news });
    news = [];
  };
  for (const item of missed) {
    if (item.kind === 'news') {
      news.push(item.broadcast);
      if (news.length >= limits.resumeEventsPerFrame) flushNews();
      continue;
    }
    flushNews();
    frames.push({
      type: 'action_result',
      ...(item.frameId === undefined ? {} : { id: item.frameId }),
      result: item.result,
      source: item.source,
      position: String(item.position),
      ...mark,
    });
  }
  flushNews();
  return frames;
}
