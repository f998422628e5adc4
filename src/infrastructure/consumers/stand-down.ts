import type { Logger } from '../logger.ts';
import type { CheckpointMovedError } from './checkpoint-moved.ts';

/**
 * A read-model runner's retreat when another process moved its checkpoint (CheckpointMovedError): its
 * consumer is stopped — not awaited, as this happens inside the consumer's own delivery — and a later
 * start or stop of the runner waits for that stop first.
 */
export class StandDown {
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly stopConsumer: () => Promise<void>,
    private readonly logger: Logger,
    /** e.g. "this read model", for the log line. */
    private readonly what: string,
    private readonly name: string,
  ) {}

  /** It stood down and was not started since. */
  get active(): boolean {
    return this.stopping !== undefined;
  }

  begin(error: CheckpointMovedError): void {
    if (this.stopping) return;
    this.logger.error(
      { err: error, projection: this.name },
      `another process writes ${this.what}: this process stops applying it`,
    );
    this.stopping = this.stopConsumer().catch((stopError) =>
      this.logger.warn({ err: stopError, projection: this.name }, 'could not stop'),
    );
  }

  /** Waits for the stand-down's stop, if any; `clear` (a new start) forgets it. */
  async settle(clear = false): Promise<void> {
    await this.stopping;
    if (clear) this.stopping = undefined;
  }
}
