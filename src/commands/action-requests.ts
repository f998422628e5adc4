import type { Action } from '../domain/actions.ts';
import { DomainError } from '../domain/decider.ts';
import { type ActionResult, playerStream, type ResultSource } from '../domain/player/player.ts';
import { sameAction } from '../domain/player/same-action.ts';
import type { EventStore, Revision } from '../infrastructure/event-store/event-store.ts';
import { limits } from '../limits.ts';
import { nameBasedUuid } from './name-based-uuid.ts';
import type { PlayerSessions } from './player-session.ts';

/** Namespace of action ids derived from (player id, frame id); any fixed UUID works, this one is ours. */
const ACTION_ID_NAMESPACE = '0f6f3c52-58a4-4a43-9a37-8c2b1d7e4a90';
/** Events read per page when looking back through a player's stream for an earlier request. */
const PAGE_SIZE = 256;
/**
 * A frame id used again after the idempotency window names a new action: the next generation of
 * ids. A client reusing one id daily for this many days is not worth more reads.
 */
const MAX_GENERATIONS = 64;

export interface RecordedOutcome {
  result: ActionResult;
  source: ResultSource;
  /** Where the outcome (ActionResolved) is in the log. */
  position: bigint;
}

export type Requested =
  /** A new action: its outcome will follow. */
  | { actionId: string; status: 'recorded' }
  /** A repeat of an action still waiting for its outcome. */
  | { actionId: string; status: 'pending' }
  /** A repeat of an action already resolved: its outcome. */
  | { actionId: string; status: 'resolved'; outcome: RecordedOutcome };

export interface ActionRequest {
  /** The client's frame id: the idempotency key, unique per player. Absent: never deduplicated. */
  frameId?: string;
  /** Without a frame id: the action id to use (random when absent too). */
  actionId?: string;
  action: Action;
  /** When the frame arrived. */
  at: Date;
  signal?: AbortSignal;
}

/**
 * Requests actions so that a client's retry acts once, across crashes, reloads and processes: the
 * action id derives from (player id, frame id), and the event store's idempotency (same event ids,
 * no second append) recognises the repeat. A repeat then finds the first request's outcome in the
 * player's recent events. The same frame id older than `windowMs` is a new action.
 */
export class ActionRequests {
  constructor(
    private readonly sessions: PlayerSessions,
    private readonly store: EventStore,
    private readonly windowMs: number = limits.actionIdempotencyMs,
  ) {}

  static actionId(playerId: string, frameId: string, generation = 0): string {
    return nameBasedUuid(
      `${playerId}/${frameId}${generation === 0 ? '' : `/${generation}`}`,
      ACTION_ID_NAMESPACE,
    );
  }

  async request(playerId: string, request: ActionRequest): Promise<Requested> {
    const options = { at: request.at, ...(request.signal ? { signal: request.signal } : {}) };
    if (request.frameId === undefined) {
      const { actionId } = await this.sessions.requestAction(playerId, request.action, {
        ...options,
        ...(request.actionId ? { actionId: request.actionId } : {}),
      });
      return { actionId, status: 'recorded' };
    }
    for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
      const candidate = ActionRequests.actionId(playerId, request.frameId, generation);
      // The decider refuses a pending id with other data (id_reused) and ignores one with the same.
      const { actionId, handled } = await this.sessions.requestAction(playerId, request.action, {
        ...options,
        actionId: candidate,
        frameId: request.frameId,
      });
      if (!handled.alreadyHandled)
        return { actionId, status: handled.events.length > 0 ? 'recorded' : 'pending' };
      const earlier = await this.findRecent(playerId, actionId, request.at);
      if (!earlier) continue;
      if (!sameAction(earlier.action, request.action)) {
        throw new DomainError(
          'id_reused',
          'this id belongs to a different action of yours; give every new action a new id',
        );
      }
      return earlier.outcome
        ? { actionId, status: 'resolved', outcome: earlier.outcome }
        : { actionId, status: 'pending' };
    }
    throw new DomainError('id_reused', 'this id has been used too often; give every new action a new id');
  }

  /** The request of `actionId` and its outcome, when requested within the window before `at`. */
  private async findRecent(
    playerId: string,
    actionId: string,
    at: Date,
  ): Promise<{ action: Action; outcome?: RecordedOutcome } | undefined> {
    const oldest = at.getTime() - this.windowMs;
    let outcome: RecordedOutcome | undefined;
    let from: Revision | undefined;
    for (;;) {
      const page = await this.store.readStream(playerStream(playerId), {
        direction: 'backwards',
        maxCount: PAGE_SIZE,
        ...(from === undefined ? {} : { fromRevision: from }),
      });
      for (const event of page) {
        if (Date.parse(event.metadata.timestamp) < oldest) return undefined;
        const data = event.data as { actionId?: string };
        if (data.actionId !== actionId) continue;
        if (event.type === 'ActionResolved') {
          const { result, source } = event.data as RecordedOutcome;
          outcome = { result, source, position: event.position };
        }
        if (event.type === 'ActionRequested')
          return { action: (event.data as { action: Action }).action, ...(outcome ? { outcome } : {}) };
      }
      const last = page.at(-1);
      if (page.length < PAGE_SIZE || !last || last.revision === 0n) return undefined;
      from = last.revision - 1n;
    }
  }
}
