import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { EngineReply, EngineRequest, EngineThreadOptions } from './engine-messages.ts';

const CLOSE_TIMEOUT_MS = 10_000;

/**
 * PGlite in a worker thread of its own, reached by `pg` through a connection that speaks the
 * PostgreSQL wire protocol to it. PGlite's WASM engine took about two thirds of the game's main
 * thread under load when it ran there (see README, "The action pipeline"); on its own thread it uses
 * the second core.
 *
 * Written here because PGlite's own choices do not fit a Node server: its node-postgres bridge runs
 * the engine in the calling thread, PGliteWorker needs the browser's Worker and Web Locks, and
 * pglite-socket would add a TCP hop. The frontend messages of one request (parse, bind, describe,
 * execute up to sync) travel to the thread as one batch and the backend's answer comes back as bytes.
 */
export class PgliteThread {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: EngineReply) => void>();
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly onLost: (error: Error) => void,
  ) {
    worker.on('message', (reply: EngineReply) => {
      if (reply.kind !== 'result' && reply.kind !== 'failed') return;
      const settle = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      settle?.(reply);
    });
    const fail = (error: Error) => {
      if (!this.failure && !this.closed) this.onLost(error);
      this.failure ??= error;
      for (const [id, settle] of this.waiting) settle({ kind: 'failed', id, message: error.message });
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database thread stopped (exit code ${code})`)));
  }

  /** `onLost` hears once if the thread stops other than by close(): the database is gone with it. */
  static async start(
    options: EngineThreadOptions,
    onLost: (error: Error) => void = () => {},
  ): Promise<PgliteThread> {
    const worker = new Worker(new URL('./engine-worker.mjs', import.meta.url), { workerData: options });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: EngineReply) => {
        if (reply.kind === 'ready') done();
        else if (reply.kind === 'start-failed')
          done(new Error(`the embedded database did not start: ${reply.message}`));
      };
      const onExit = (code: number) =>
        done(new Error(`the embedded database thread stopped (exit code ${code})`));
      const done = (error?: Error) => {
        worker.off('message', onMessage).off('error', done).off('exit', onExit);
        if (error) void worker.terminate().finally(() => reject(error));
        else resolve();
      };
      worker.on('message', onMessage).on('error', done).on('exit', onExit);
    });
    worker.unref();
    return new PgliteThread(worker, onLost);
  }

  /** Runs a batch of frontend messages; resolves with the backend's bytes. */
  exec(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('the embedded database is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        if (reply.kind === 'result') resolve(reply.bytes);
        else reject(new Error(reply.kind === 'failed' ? reply.message : 'unexpected reply'));
      });
      this.worker.postMessage({ kind: 'exec', id, bytes } satisfies EngineRequest);
    });
  }

  /** node-postgres settings that route every client of a `pg.Pool` to this thread (one session). */
  pgConfig(): pg.PoolConfig {
    return { max: 1, connection: new ThreadConnection(this) } as unknown as pg.PoolConfig;
  }

  /** Stops the engine's thread at once, as a crash would: what it had not committed is lost. */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.failure) return;
      this.worker.ref();
      const closedCleanly = new Promise<void>((resolve) => {
        this.worker.on('message', (reply: EngineReply) => reply.kind === 'closed' && resolve());
        this.worker.once('exit', () => resolve());
      });
      this.worker.postMessage({ kind: 'close' } satisfies EngineRequest);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closedCleanly,
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      await this.worker.terminate();
    })();
    return this.closed;
  }
}

type Message = { name: string };

/**
 * Stands in for node-postgres's `Connection` (the object `pg.Client` drives): the same methods, the
 * same events. Messages up to a sync or flush are gathered and sent to the engine in one batch, as
 * a socket would carry them; the answer is parsed here and emitted message by message.
 */
class ThreadConnection extends EventEmitter {
  _connecting = false;
  readonly stream = { destroy: () => this.end() };
  parsedStatements = {};
  submittedNamedStatements = {};
  private pending: Buffer[] = [];
  private turn: Promise<unknown> = Promise.resolve();
  private readonly parser = new Parser();

  constructor(private readonly thread: PgliteThread) {
    super();
  }

  connect(): void {
    this._connecting = true;
    process.nextTick(() => this.emit('connect'));
    process.nextTick(() => this.emit('readyForQuery', { name: 'readyForQuery', status: 'I' }));
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.pending.push(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.pending.push(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.pending.push(serialize.execute(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.pending.push(serialize.describe(message));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.pending.push(serialize.close(message));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.send(serialize.copyFail(message));
  }

  end(): void {
    this.turn = this.turn.then(() => this.emit('end'));
    for (const name of this.eventNames()) this.removeAllListeners(name);
  }

  private send(last: Buffer): void {
    this.pending.push(last);
    const bytes = this.pending.length === 1 ? last : Buffer.concat(this.pending);
    this.pending = [];
    this.turn = this.turn
      .then(() => this.thread.exec(bytes))
      .then((reply) => {
        const messages: Message[] = [];
        this.parser.parse(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength), (message) => {
          messages.push(message as Message);
        });
        const forward = this.listenerCount('message') > 0;
        for (const message of messages) {
          if (forward) this.emit('message', message);
          this.emit(message.name === 'error' ? 'errorMessage' : message.name, message);
        }
      })
      .catch((error: unknown) => this.emit('error', error));
  }
}
