import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './ipc.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./client-worker.ts', import.meta.url));

type Request = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'requestId'> : never) : never;

/** One forked client process, asked things over IPC; every request has a deadline. */
export class ClientWorker {
  private nextRequest = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (body: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: FromWorker) => {
      const request = this.waiting.get(message.requestId);
      if (!request) return;
      this.waiting.delete(message.requestId);
      clearTimeout(request.timer);
      if (message.kind === 'reply') request.resolve(message.body);
      else request.reject(new Error(`${name}: ${message.message}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const request of this.waiting.values()) {
        clearTimeout(request.timer);
        request.reject(new Error(`${name} exited (${signal ?? code})`));
      }
      this.waiting.clear();
    });
  }

  static start(name: string): ClientWorker {
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      // NaN (unanswered actions) and large arrays pass as they are.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ClientWorker(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  ask<T>(request: Request, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const requestId = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error(`${this.name}: no answer to ${request.kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(requestId, { resolve: resolve as (body: unknown) => void, reject, timer });
      this.child.send({ ...request, requestId } as ToWorker);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}

export class WorkerPool {
  readonly workers: ClientWorker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, (_, i) => ClientWorker.start(`client-worker-${i + 1}`));
  }

  /** Splits items over the workers round-robin (item i to worker i mod count). */
  split<T>(items: readonly T[]): T[][] {
    const shares: T[][] = this.workers.map(() => []);
    items.forEach((item, i) => {
      shares[i % this.workers.length]!.push(item);
    });
    return shares;
  }

  all<T>(request: (worker: ClientWorker, index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(this.workers.map(request));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
