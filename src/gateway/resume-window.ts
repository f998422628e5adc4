import type { ActionResult, ResultSource } from '../domain/player/player.ts';
import type { PlayerEvent } from '../domain/player/player-events.ts';
import type { Position, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { limits } from '../limits.ts';
import { type Broadcast, resolvedActionOf } from './outcome-feed.ts';
import type { PlaceNews } from './place-news.ts';
import type { PrivateNews } from './private-news.ts';

/** A result of the player's own action, as its `action_result` frame needs it. */
export interface MissedResult {
  kind: 'result';
  position: Position;
  actionId: string;
  /** The id the client gave the action's frame (absent for actions sent without one). */
  frameId?: string;
  result: ActionResult;
  source: ResultSource;
}

/** News of a place the player stood in. */
export interface MissedNews {
  kind: 'news';
  position: Position;
  broadcast: Broadcast;
}

export type Missed = MissedResult | MissedNews;

export type Replay =
  | { ok: true; missed: Missed[] }
  /** `gap`: the window does not reach back to `after`; `too_much`: more than a client is sent at once. */
  | { ok: false; reason: 'gap' | 'too_much' };

interface NewsEntry {
  position: Position;
  actor: string;
  broadcast: Broadcast;
}

/** Where a player went: the place they left (unknown for a first spawn) and the one they reached. */
interface Move {
  position: Position;
  from: string | undefined;
  to: string;
}

export interface ResumeWindowOptions {
  windowMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/** Dropped entries that make the lists be trimmed (a walk over every list). */
const TRIM_EVERY = 4_096;

/**
 * What the game process sent players lately, kept so that a client that lost its connection can be
 * sent, on any process, what it missed: the results of its player's actions, and the news of each
 * place the player stood in while away (where they stood follows from their own moves). Fed by the
 * outcome feed in log order; complete from `coveredAfter` to `lastPosition`; older entries go by age
 * and count. Everything a process knows the window knows too, since every game process follows the log.
 */
export class ResumeWindow {
  private covered: Position | undefined;
  private last: Position = -1n;
  private readonly news = new Map<string, NewsEntry[]>();
  /** What single players alone were told (whispers), by player. */
  private readonly told = new Map<string, NewsEntry[]>();
  private readonly results = new Map<string, MissedResult[]>();
  private readonly moves = new Map<string, Move[]>();
  /** Positions in the order added, with when: what pruning walks. */
  private ages: { position: Position; atMs: number }[] = [];
  private agesHead = 0;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ResumeWindowOptions = {}) {
    this.windowMs = options.windowMs ?? limits.resumeWindowMs;
    this.maxEntries = options.maxEntries ?? limits.resumeWindowMaxEntries;
    this.now = options.now ?? Date.now;
  }

  /** The window holds everything meant for players after this position (undefined: not started). */
  get coveredAfter(): Position | undefined {
    return this.covered;
  }

  /** The last position added: a connection that starts now has been sent nothing before it. */
  get lastPosition(): Position {
    return this.last;
  }

  /** The feed follows the log from after `position`: the window is complete from there. */
  coverFrom(position: Position): void {
    if (this.covered === undefined || position > this.covered) this.covered = position;
    if (position > this.last) this.last = position;
  }

  /** One event of the log, in order, with the news it made (for places, and for single players). */
  add(stored: StoredEvent, news: readonly PlaceNews[], told: readonly PrivateNews[] = []): void {
    if (stored.position <= this.last) return;
    this.last = stored.position;
    if (this.remember(stored, news, told)) this.ages.push({ position: stored.position, atMs: this.now() });
    this.prune();
  }

  /**
   * Events from before the window (a resume asked for more than this process has seen since it
   * started), in log order, all of (after, coveredAfter]: the window then reaches back to `after`.
   */
  extendBack(
    after: Position,
    events: readonly StoredEvent[],
    newsOf: (stored: StoredEvent) => PlaceNews[],
    toldOf: (stored: StoredEvent) => PrivateNews[] = () => [],
  ): void {
    if (this.covered === undefined || after >= this.covered) return;
    const older = new ResumeWindow({
      windowMs: Number.POSITIVE_INFINITY,
      maxEntries: Number.POSITIVE_INFINITY,
    });
    const atMs = this.now();
    const added: { position: Position; atMs: number }[] = [];
    for (const stored of events) {
      if (stored.position > this.covered) break;
      if (older.remember(stored, newsOf(stored), toldOf(stored)))
        added.push({ position: stored.position, atMs });
    }
    for (const [key, entries] of older.news) this.news.set(key, [...entries, ...(this.news.get(key) ?? [])]);
    for (const [key, entries] of older.told) this.told.set(key, [...entries, ...(this.told.get(key) ?? [])]);
    for (const [key, entries] of older.results)
      this.results.set(key, [...entries, ...(this.results.get(key) ?? [])]);
    for (const [key, entries] of older.moves)
      this.moves.set(key, [...entries, ...(this.moves.get(key) ?? [])]);
    this.ages = [...added, ...this.ages.slice(this.agesHead)];
    this.agesHead = 0;
    this.covered = after;
  }

  /** Where the player stood just after `position`, as far as the window knows (their moves after it). */
  locationAfter(playerId: string, position: Position): string | undefined {
    const moves = this.moves.get(playerId);
    if (!moves) return undefined;
    const next = moves.find((move) => move.position > position);
    if (next) return next.from;
    return moves.at(-1)?.to;
  }

  /**
   * Everything the player was sent, or would have been, in (after, through]: their results, and the
   * news of where they stood (not their own doings), in log order. `here` is where they stand at
   * `through` when the window saw no move of theirs.
   */
  replay(playerId: string, after: Position, through: Position, here: string): Replay {
    if (this.covered === undefined || after < this.covered) return { ok: false, reason: 'gap' };
    const within = (position: Position) => position > after && position <= through;
    const moves = (this.moves.get(playerId) ?? []).filter((move) => within(move.position));
    let location = moves[0]?.from ?? this.locationAfter(playerId, through) ?? here;
    let from = after;
    const missed: Missed[] = (this.results.get(playerId) ?? []).filter((r) => within(r.position));
    for (const entry of this.told.get(playerId) ?? [])
      if (within(entry.position))
        missed.push({ kind: 'news', position: entry.position, broadcast: entry.broadcast });
    for (const move of [...moves, undefined]) {
      const until = move ? move.position : through;
      if (location !== undefined) {
        for (const entry of this.news.get(location) ?? []) {
          if (entry.position <= from) continue;
          if (entry.position > until) break;
          if (entry.actor !== playerId)
            missed.push({ kind: 'news', position: entry.position, broadcast: entry.broadcast });
        }
      }
      if (missed.length > limits.resumeMaxMissed) return { ok: false, reason: 'too_much' };
      if (move) {
        from = move.position;
        location = move.to;
      }
    }
    missed.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    return { ok: true, missed };
  }

  /** Files the event under whom it concerns; whether anything was kept. */
  private remember(stored: StoredEvent, news: readonly PlaceNews[], told: readonly PrivateNews[]): boolean {
    let kept = false;
    const position = stored.position;
    for (const { locationId, actor, broadcast } of news) {
      push(this.news, locationId, { position, actor, broadcast });
      kept = true;
    }
    for (const { playerId, actor, broadcast } of told) {
      push(this.told, playerId, { position, actor, broadcast });
      kept = true;
    }
    const event = stored as unknown as PlayerEvent;
    switch (event.type) {
      case 'ActionResolved': {
        const resolved = resolvedActionOf(stored);
        if (!resolved) break;
        const { playerId, ...result } = resolved;
        push(this.results, playerId, { kind: 'result', ...result });
        return true;
      }
      case 'PlayerMoved':
        push(this.moves, event.data.playerId, { position, from: event.data.from, to: event.data.to });
        return true;
      case 'PlayerRespawned':
        push(this.moves, event.data.playerId, { position, from: event.data.from, to: event.data.locationId });
        return true;
      case 'PlayerSpawned':
        push(this.moves, event.data.playerId, { position, from: undefined, to: event.data.locationId });
        return true;
    }
    return kept;
  }

  /** Drops what is older than the window or past its size; the window then starts after the last dropped. */
  private prune(): void {
    const oldest = this.now() - this.windowMs;
    let dropThrough: Position | undefined;
    while (
      this.agesHead < this.ages.length &&
      (this.ages[this.agesHead]!.atMs < oldest || this.ages.length - this.agesHead > this.maxEntries)
    ) {
      dropThrough = this.ages[this.agesHead]!.position;
      this.agesHead += 1;
    }
    if (dropThrough === undefined) return;
    this.covered = this.covered === undefined || dropThrough > this.covered ? dropThrough : this.covered;
    // Each list is in log order, so what is dropped is a prefix; lists are trimmed in bulk, not per event
    // (entries at or before `covered` are never replayed meanwhile).
    if (this.agesHead < TRIM_EVERY && this.agesHead * 2 < this.ages.length) return;
    this.ages = this.ages.slice(this.agesHead);
    this.agesHead = 0;
    for (const lists of [this.news, this.told, this.results, this.moves] as Map<
      string,
      { position: Position }[]
    >[]) {
      for (const [key, entries] of lists) {
        const keep = entries.findIndex((entry) => entry.position > this.covered!);
        if (keep === -1) lists.delete(key);
        else if (keep > 0) lists.set(key, entries.slice(keep));
      }
    }
  }
}

function push<T>(lists: Map<string, T[]>, key: string, entry: T): void {
  const list = lists.get(key);
  if (list) list.push(entry);
  else lists.set(key, [entry]);
}
