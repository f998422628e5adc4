import { LRUCache } from 'lru-cache';
import { KeyedQueue } from '../commands/keyed-queue.ts';
import type { Action } from '../domain/actions.ts';
import type { CommandInterpreter, Interpretation } from '../domain/parser/command-interpreter.ts';
import { thingNamed } from '../domain/parser/parse-command.ts';
import type { SceneNames } from '../domain/parser/scene-names.ts';
import type { Metrics } from '../infrastructure/metrics.ts';
import type { ActionArrival } from './action-desk.ts';
import { describeAction, isRefusal, type StepOutcome, stepFrameId } from './command-steps.ts';

type Message = Record<string, unknown>;

/** A free-text `command` frame, taken on (validated, admitted, within the rate limit). */
export interface CommandArrival extends Omit<ActionArrival, 'action'> {
  text: string;
}

export interface CommandDeskDeps {
  /** The ActionDesk: every action of a command is one of its frames. */
  desk: { accept(arrival: ActionArrival): void };
  interpreter: CommandInterpreter;
  /** What the player can name where they stand, for the interpreter. */
  sceneNames(playerId: string, at: Date): Promise<SceneNames>;
  clock: () => Date;
  metrics: Pick<Metrics, 'actionsRefused' | 'commands'>;
  log: { error(details: object, message: string): void };
}

/** What "again" repeats: the text of a command, or a structured action. */
type Asked = { text: string } | { action: Action };
/** "again", "g": the player's last command or action once more, as in MUDs and IF. */
const AGAIN = /^\s*(?:again|g|repeat)[\s.!]*$/i;

/** How long an interpretation is kept for a retry of the same frame id (a model may read it otherwise). */
const INTERPRETATION_KEPT_MS = 10 * 60_000;
const INTERPRETATIONS_KEPT = 10_000;

/**
 * Runs free-text commands: the text is read into actions (by the interpreter), which go through the
 * ActionDesk one after another, each waiting for the previous one's answer, each with a frame id of
 * its own derived from the command's (`<id>.1`, `<id>.2`: a retry of the command acts once, step by
 * step). It stops at the first refusal or error and answers the command with one `action_result`
 * holding every step's result. While a command runs, the player's later frames wait behind it, so
 * a player's actions are still recorded in the order they were sent.
 */
export class CommandDesk {
  private readonly inOrder = new KeyedQueue();
  /** Per player, the commands taken on and not yet finished. */
  private readonly running = new Map<string, number>();
  private readonly gone = new WeakSet<object>();
  private readonly interpretations = new LRUCache<string, Interpretation>({
    max: INTERPRETATIONS_KEPT,
    ttl: INTERPRETATION_KEPT_MS,
  });
  /** Per player, the thing their last action named: what "it" is in their next command ("wear it"). */
  private readonly lastThings = new LRUCache<string, string>({
    max: INTERPRETATIONS_KEPT,
    ttl: INTERPRETATION_KEPT_MS,
  });

  /** Per player, the last command or action they sent (not "again" itself): what "again" repeats. */
  private readonly lastAsked = new LRUCache<string, Asked>({
    max: INTERPRETATIONS_KEPT,
    ttl: INTERPRETATION_KEPT_MS,
  });

  constructor(private readonly deps: CommandDeskDeps) {}

  /** A structured action: to the desk at once, unless a command of the player's runs (then after it). */
  acceptAction(arrival: ActionArrival): void {
    this.remember(arrival.playerId, [arrival.action]);
    this.lastAsked.set(arrival.playerId, { action: arrival.action });
    if (this.running.has(arrival.playerId))
      void this.inOrder.run(arrival.playerId, async () => this.deps.desk.accept(arrival));
    else this.deps.desk.accept(arrival);
  }

  acceptCommand(arrival: CommandArrival): void {
    const { playerId } = arrival;
    this.running.set(playerId, (this.running.get(playerId) ?? 0) + 1);
    void this.inOrder
      .run(playerId, () => this.run(arrival))
      .catch((error) => {
        this.deps.log.error({ err: error }, 'a command failed');
        this.error(arrival, 'internal_error', 'the command could not be run; retry with the same id');
      })
      .finally(() => {
        const left = (this.running.get(playerId) ?? 1) - 1;
        if (left > 0) this.running.set(playerId, left);
        else this.running.delete(playerId);
      });
  }

  /** The owner (a socket) is gone: its commands take no further step. */
  drop(owner: object): void {
    this.gone.add(owner);
  }

  private async run(arrival: CommandArrival): Promise<void> {
    if (!(await arrival.ready) || this.gone.has(arrival.owner)) return;
    const interpretation = await this.interpret(arrival);
    if (!interpretation.ok) {
      this.deps.metrics.commands.inc({ interpreted_by: interpretation.by, outcome: 'not_understood' });
      return this.error(arrival, 'not_understood', interpretation.error, {
        suggestions: interpretation.suggestions,
      });
    }
    const { actions } = interpretation;
    const steps: StepOutcome[] = [];
    for (const [index, action] of actions.entries()) {
      if (this.gone.has(arrival.owner)) return;
      const answer = await this.step(arrival, action, index);
      if (answer.type !== 'action_result') {
        // An error before any result: the command's answer is that error (under the command's id).
        if (steps.length === 0) return this.forward(arrival, answer, interpretation);
        return this.answer(arrival, interpretation, steps, { error: answer });
      }
      const outcome = answer as unknown as StepOutcome;
      steps.push(outcome);
      if (isRefusal(outcome.result)) break;
    }
    this.answer(arrival, interpretation, steps);
  }

  /** The interpretation of this frame: the one a retry of it had, or a new one. */
  private async interpret(arrival: CommandArrival): Promise<Interpretation> {
    const key = arrival.frameId === undefined ? undefined : `${arrival.playerId}/${arrival.frameId}`;
    const kept = key === undefined ? undefined : this.interpretations.get(key);
    if (kept) return kept;
    const interpretation = await this.readOrRepeat(arrival);
    if (interpretation.ok) this.remember(arrival.playerId, interpretation.actions);
    if (key !== undefined && interpretation.ok) this.interpretations.set(key, interpretation);
    return interpretation;
  }

  /** The command's text read into actions; "again" is the player's last command or action once more. */
  private async readOrRepeat(arrival: CommandArrival): Promise<Interpretation> {
    const { playerId, text } = arrival;
    const again = AGAIN.test(text);
    const last = again ? this.lastAsked.get(playerId) : undefined;
    if (again && !last)
      return {
        ok: false,
        error: 'There is nothing to repeat yet: "again" (or "g") sends your last command once more.',
        suggestions: ['look', 'help'],
        by: 'parser',
      };
    if (!again) this.lastAsked.set(playerId, { text });
    if (last && 'action' in last)
      return {
        ok: true,
        actions: [last.action],
        corrections: [`again: ${describeAction(last.action)}`],
        by: 'parser',
      };
    const scene = await this.deps.sceneNames(playerId, arrival.at);
    const it = this.lastThings.get(playerId);
    const read = await this.deps.interpreter.interpret(last?.text ?? text, it ? { ...scene, it } : scene);
    return read.ok && last ? { ...read, corrections: [`again: ${last.text}`, ...read.corrections] } : read;
  }

  private remember(playerId: string, actions: readonly Action[]): void {
    const thing = actions.map(thingNamed).findLast((named) => named !== undefined);
    if (thing !== undefined) this.lastThings.set(playerId, thing);
  }

  /** One action of the command, through the desk: resolves with its first answer (a result or an error). */
  private step(arrival: CommandArrival, action: Action, index: number): Promise<Message> {
    return new Promise((resolve) => {
      let answered = false;
      const { frameId } = arrival;
      this.deps.desk.accept({
        playerId: arrival.playerId,
        owner: arrival.owner,
        ready: arrival.ready,
        frameId: frameId === undefined ? undefined : stepFrameId(frameId, index),
        action,
        // Each action happens when its turn comes, with the whole budget of an action of its own.
        at: this.deps.clock(),
        arrivedAt: performance.now(),
        reply: (message) => {
          if (answered) return arrival.reply(message); // a late outcome after action_timeout, under the step's id
          answered = true;
          resolve(message);
        },
      });
    });
  }

  private answer(
    arrival: CommandArrival,
    interpretation: Interpretation & { ok: true },
    steps: StepOutcome[],
    stopped?: { error: Message },
  ): void {
    const { actions, corrections, by } = interpretation;
    const last = steps.at(-1)!;
    const notDone = actions.slice(steps.length + (stopped ? 1 : 0));
    const outcome = stopped || steps.length < actions.length ? 'stopped' : 'done';
    this.deps.metrics.commands.inc({ interpreted_by: by, outcome });
    const lines = [
      ...(corrections.length > 0 ? [`(${corrections.join('; ')})`] : []),
      ...steps.map((step) => step.result.narration),
      ...(stopped ? [String(stopped.error.message ?? 'This could not be done.')] : []),
      ...(notDone.length > 0 ? [`(Not done: ${notDone.map(describeAction).join(', then ')}.)`] : []),
    ];
    const sources = new Set(steps.map((step) => step.source));
    arrival.reply({
      type: 'action_result',
      ...(arrival.frameId === undefined ? {} : { id: arrival.frameId }),
      result: {
        action_type: 'command',
        text: arrival.text,
        actions,
        interpreted_by: by,
        ...(corrections.length > 0 ? { corrections } : {}),
        steps: steps.map((step) => ({ ...step.result, position: step.position, source: step.source })),
        ...(stopped ? { stopped: { code: stopped.error.code, message: stopped.error.message } } : {}),
        ...(notDone.length > 0 ? { not_done: notDone.map(describeAction) } : {}),
        narration: lines.join('\n\n'),
      },
      source: sources.size === 1 ? last.source : sources.has('llm') ? 'llm' : last.source,
      position: last.position,
      latency_ms: Math.round(performance.now() - arrival.arrivedAt),
      ...(steps.every((step) => step.replayed) ? { replayed: true } : {}),
    });
  }

  /** A step's error as the command's answer, with what was read. */
  private forward(arrival: CommandArrival, error: Message, interpretation: Interpretation & { ok: true }) {
    this.deps.metrics.commands.inc({ interpreted_by: interpretation.by, outcome: 'stopped' });
    const { id: _stepId, ...rest } = error;
    arrival.reply({
      ...rest,
      ...(arrival.frameId === undefined ? {} : { id: arrival.frameId }),
      actions: interpretation.actions,
    });
  }

  private error(arrival: CommandArrival, code: string, message: string, extra: Message = {}): void {
    this.deps.metrics.actionsRefused.inc({ code });
    arrival.reply({
      type: 'error',
      ...(arrival.frameId === undefined ? {} : { id: arrival.frameId }),
      code,
      message,
      ...extra,
    });
  }
}
