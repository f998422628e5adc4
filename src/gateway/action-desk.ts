import { randomUUID } from 'node:crypto';
import { ActionRequests, type RecordedOutcome } from '../commands/action-requests.ts';
import { KeyedQueue } from '../commands/keyed-queue.ts';
import type { Action } from '../domain/actions.ts';
import { DomainError } from '../domain/decider.ts';
import { AppendWithdrawnError } from '../infrastructure/event-store/event-store.ts';
import type { Metrics } from '../infrastructure/metrics.ts';
import { limits } from '../limits.ts';

type Message = Record<string, unknown>;

export interface ActionArrival {
  playerId: string;
  /** Whose tickets these are (a socket): dropped together when it closes. */
  owner: object;
  reply: (message: Message) => void;
  frameId: string | undefined;
  action: Action;
  /** The world's time at arrival: the action's own time (event timestamp, lanes' budget, world time). */
  at: Date;
  /** performance.now() at arrival: the 5 s promise runs from here. */
  arrivedAt: number;
  /** Resolves to false when the player could not enter the world (the socket is being closed). */
  ready: Promise<boolean>;
}

/** One action frame on its way: from arrival to exactly one answer (and a late result, if any). */
interface Ticket {
  arrival: ActionArrival;
  actionId: string;
  phase: 'requesting' | 'waiting' | 'done';
  /** Something was sent for this frame (an outcome, or action_timeout): later only a late outcome. */
  answered: boolean;
  replayed: boolean;
  /** No earlier action of the same player was still unanswered when this one arrived. */
  alone: boolean;
  /** No longer counted among its player's unanswered frames (answered, or finished without). */
  released?: boolean;
  /** An outcome that came while the request was still on its way. */
  early?: RecordedOutcome;
  timers: NodeJS.Timeout[];
}

/** Whether the ticket is finished (a function, so that checks after an await are not narrowed away). */
const done = (ticket: Ticket) => ticket.phase === 'done';

/** How long a late outcome is still awaited after action_timeout said it was recorded. */
const LATE_OUTCOME_WAIT_MS = 5 * 60_000;

export interface ActionDeskDeps {
  requests: ActionRequests;
  metrics: Pick<Metrics, 'actionLatency' | 'actions' | 'actionsRefused'>;
  /** An action was recorded `waitedMs` after its frame arrived (the admission control watches this). */
  recorded?: (waitedMs: number) => void;
  /**
   * An action that waited for no model (its answer came from the rules, a template or a cache) and
   * for no earlier action of its player was answered `waitedMs` after its frame arrived.
   */
  answered?: (waitedMs: number) => void;
  /**
   * Whether an action of this type may have waited for a model (then its answer, whatever its source,
   * is not reported to `answered`: a template comes after up to 3 s in a lane's queue, the rules after
   * a model's timeout). Only `llm` answers are left out when absent.
   */
  mayWaitForModel?: (actionType: string) => boolean;
  /** A frame is taken on (`accept`), and finished with (answered for good, or its socket gone). */
  started?: () => void;
  settled?: () => void;
  log: { error(details: object, message: string): void };
  budgetMs?: number;
  appendTimeoutMs?: number;
}

/**
 * Keeps the 5 s promise for every action frame: by arrival + budget the player has the outcome or
 * `action_timeout` saying whether the action was recorded. A request not recorded by arrival +
 * (budget − limits.appendTimeoutMs) is withdrawn, so "not recorded" stays true. A player's requests are
 * recorded one at a time, in the order they arrived; outcomes are handed to every frame waiting for
 * them, also after the timeout.
 */
export class ActionDesk {
  private readonly byAction = new Map<string, Set<Ticket>>();
  private readonly byOwner = new Map<object, Set<Ticket>>();
  private readonly inOrder = new KeyedQueue();
  /** Per player, the frames taken on and not yet answered. */
  private readonly unanswered = new Map<string, number>();
  /** Actions recorded for a frame whose socket closed before their outcome: still counted when it comes. */
  private readonly uncounted = new Map<string, NodeJS.Timeout>();
  private readonly budgetMs: number;
  private readonly appendTimeoutMs: number;

  constructor(private readonly deps: ActionDeskDeps) {
    this.budgetMs = deps.budgetMs ?? limits.actionTimeoutMs;
    this.appendTimeoutMs = deps.appendTimeoutMs ?? limits.appendTimeoutMs;
  }

  accept(arrival: ActionArrival): void {
    const { playerId, frameId } = arrival;
    const ticket: Ticket = {
      arrival,
      // Known before the request, so an outcome arriving while it is on its way is not missed.
      actionId: frameId === undefined ? randomUUID() : ActionRequests.actionId(playerId, frameId),
      phase: 'requesting',
      answered: false,
      replayed: false,
      alone: !this.unanswered.has(playerId),
      timers: [],
    };
    this.unanswered.set(playerId, (this.unanswered.get(playerId) ?? 0) + 1);
    this.track(ticket);
    this.deps.started?.();
    const elapsed = performance.now() - arrival.arrivedAt;
    const withdraw = new AbortController();
    let sent = false;
    withdraw.signal.addEventListener('abort', () => {
      if (!sent && ticket.phase === 'requesting') this.notRecorded(ticket);
    });
    ticket.timers.push(
      setTimeout(() => withdraw.abort(), this.budgetMs - this.appendTimeoutMs - elapsed),
      setTimeout(() => this.timedOut(ticket), this.budgetMs - elapsed),
    );

    void this.inOrder.run(playerId, async () => {
      if (!(await arrival.ready) || withdraw.signal.aborted || done(ticket)) return;
      sent = true;
      try {
        const requested = await this.deps.requests.request(playerId, {
          action: arrival.action,
          at: arrival.at,
          signal: withdraw.signal,
          ...(frameId === undefined ? { actionId: ticket.actionId } : { frameId }),
        });
        this.deps.recorded?.(performance.now() - arrival.arrivedAt);
        if (done(ticket)) {
          if (requested.status === 'recorded') this.countUnseen(requested.actionId, ticket.early);
          return;
        }
        clearTimeout(ticket.timers[0]);
        this.rekey(ticket, requested.actionId);
        ticket.phase = 'waiting';
        ticket.replayed = requested.status !== 'recorded';
        const outcome = requested.status === 'resolved' ? requested.outcome : ticket.early;
        if (outcome) this.deliver(ticket, outcome);
      } catch (error) {
        if (done(ticket)) return;
        if (error instanceof AppendWithdrawnError) return this.notRecorded(ticket);
        if (error instanceof DomainError) return this.refuse(ticket, error.code, error.message);
        this.deps.log.error({ err: error }, 'could not record an action');
        this.refuse(
          ticket,
          'internal_error',
          'the action could not be recorded; nothing happened, retry with the same id',
        );
      }
    });
  }

  /**
   * An action's outcome, from the outcome feed: goes to every frame waiting for it. Returns the
   * owners (sockets) of those frames: they are answered here, the player's other sockets are not.
   */
  resolved(actionId: string, outcome: RecordedOutcome): Set<object> {
    const unseen = this.uncounted.get(actionId);
    if (unseen) {
      clearTimeout(unseen);
      this.uncounted.delete(actionId);
      this.countAction(outcome);
    }
    const owners = new Set<object>();
    for (const ticket of this.byAction.get(actionId) ?? []) {
      owners.add(ticket.arrival.owner);
      if (ticket.phase === 'requesting') ticket.early = outcome;
      else this.deliver(ticket, outcome);
    }
    return owners;
  }

  /** The owner (a socket) is gone: nothing more is sent to it. Its requests still complete. */
  drop(owner: object): void {
    for (const ticket of this.byOwner.get(owner) ?? []) {
      if (ticket.phase === 'waiting' && !ticket.replayed) this.countUnseen(ticket.actionId);
      this.finish(ticket);
    }
  }

  /** An action recorded for a frame no longer there: counted once its outcome is known. */
  private countUnseen(actionId: string, outcome?: RecordedOutcome): void {
    if (outcome) {
      this.countAction(outcome);
      return;
    }
    if (this.uncounted.has(actionId)) return;
    const forget = setTimeout(() => this.uncounted.delete(actionId), LATE_OUTCOME_WAIT_MS);
    forget.unref();
    this.uncounted.set(actionId, forget);
  }

  private countAction({ result, source }: Pick<RecordedOutcome, 'result' | 'source'>): void {
    this.deps.metrics.actions.inc({ action_type: result.action_type, source });
  }

  private deliver(ticket: Ticket, { result, source, position }: RecordedOutcome): void {
    const latency = performance.now() - ticket.arrival.arrivedAt;
    if (!ticket.replayed) {
      this.deps.metrics.actionLatency.observe({ action_type: result.action_type, source }, latency / 1000);
      this.countAction({ result, source });
      const model = source === 'llm' || this.deps.mayWaitForModel?.(result.action_type) === true;
      if (ticket.alone && !model) this.deps.answered?.(latency);
    }
    ticket.arrival.reply({
      type: 'action_result',
      ...(ticket.arrival.frameId === undefined ? {} : { id: ticket.arrival.frameId }),
      result,
      source,
      latency_ms: Math.round(latency),
      position: String(position),
      ...(ticket.replayed ? { replayed: true } : {}),
      ...(ticket.answered ? { late: true } : {}),
    });
    this.release(ticket);
    this.finish(ticket);
  }

  private timedOut(ticket: Ticket): void {
    if (ticket.answered || done(ticket)) return;
    ticket.answered = true;
    if (ticket.phase === 'waiting') {
      this.error(
        ticket,
        'action_timeout',
        'no outcome within 5 s; your action is recorded and its outcome will follow',
        {
          recorded: true,
        },
      );
      ticket.timers.push(setTimeout(() => this.finish(ticket), LATE_OUTCOME_WAIT_MS));
      return;
    }
    // The store has not answered within its own bound: whether the action was recorded is unknown.
    this.error(
      ticket,
      'action_timeout',
      'the server could not tell within 5 s whether your action was recorded; retry with the same id to find out (it never acts twice)',
      { recorded: null },
    );
    ticket.timers.push(setTimeout(() => this.finish(ticket), LATE_OUTCOME_WAIT_MS));
  }

  private notRecorded(ticket: Ticket): void {
    if (!ticket.answered)
      this.error(
        ticket,
        'action_timeout',
        'the server was too slow to record your action; nothing happened and nothing will; retry with the same id',
        { recorded: false },
      );
    this.finish(ticket);
  }

  private refuse(ticket: Ticket, code: string, message: string): void {
    if (!ticket.answered) this.error(ticket, code, message);
    this.finish(ticket);
  }

  private error(ticket: Ticket, code: string, message: string, extra: Message = {}): void {
    ticket.answered = true;
    this.release(ticket);
    this.deps.metrics.actionsRefused.inc({ code });
    const { frameId, reply } = ticket.arrival;
    reply({ type: 'error', ...(frameId === undefined ? {} : { id: frameId }), code, message, ...extra });
  }

  private track(ticket: Ticket): void {
    const forAction = this.byAction.get(ticket.actionId) ?? new Set();
    this.byAction.set(ticket.actionId, forAction.add(ticket));
    const forOwner = this.byOwner.get(ticket.arrival.owner) ?? new Set();
    this.byOwner.set(ticket.arrival.owner, forOwner.add(ticket));
  }

  private untrack(ticket: Ticket): void {
    const forAction = this.byAction.get(ticket.actionId);
    forAction?.delete(ticket);
    if (forAction?.size === 0) this.byAction.delete(ticket.actionId);
    const forOwner = this.byOwner.get(ticket.arrival.owner);
    forOwner?.delete(ticket);
    if (forOwner?.size === 0) this.byOwner.delete(ticket.arrival.owner);
  }

  private rekey(ticket: Ticket, actionId: string): void {
    if (ticket.actionId === actionId) return;
    this.untrack(ticket);
    ticket.actionId = actionId;
    ticket.early = undefined;
    this.track(ticket);
  }

  /** The frame has its first answer (an outcome or an error), or never will: it stops counting. */
  private release(ticket: Ticket): void {
    if (ticket.released) return;
    ticket.released = true;
    const { playerId } = ticket.arrival;
    const left = (this.unanswered.get(playerId) ?? 1) - 1;
    if (left > 0) this.unanswered.set(playerId, left);
    else this.unanswered.delete(playerId);
  }

  private finish(ticket: Ticket): void {
    if (ticket.phase !== 'done') this.deps.settled?.();
    this.release(ticket);
    ticket.phase = 'done';
    for (const timer of ticket.timers) clearTimeout(timer);
    this.untrack(ticket);
  }
}
