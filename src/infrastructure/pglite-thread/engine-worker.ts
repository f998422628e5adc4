/**
 * The embedded engine's own thread: PGlite (PostgreSQL compiled to WASM) runs here, so that its CPU
 * work does not sit on the game's event loop. The thread is a wire-protocol pipe: it receives a batch
 * of PostgreSQL frontend messages, runs them through the engine and sends back the backend's bytes.
 * Parsing and serializing stay with the `pg` client in the main thread (see pglite-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { EngineReply, EngineRequest, EngineThreadOptions } from './engine-messages.ts';

const options = workerData as EngineThreadOptions;
const port = parentPort!;

async function main(): Promise<void> {
  const engineOptions = { startParams: options.startParams };
  const engine = options.dataDir ? new PGlite(options.dataDir, engineOptions) : new PGlite(engineOptions);
  await engine.waitReady;
  // One session: requests are run in the order they came, each after the previous one finished.
  let turn: Promise<unknown> = Promise.resolve();
  port.on('message', (request: EngineRequest) => {
    turn = turn.then(() => serve(engine, request));
  });
  port.postMessage({ kind: 'ready' } satisfies EngineReply);
}

async function serve(engine: PGlite, request: EngineRequest): Promise<void> {
  if (request.kind === 'close') {
    await engine.close();
    port.postMessage({ kind: 'closed' } satisfies EngineReply);
    return;
  }
  try {
    const bytes = await engine.execProtocolRaw(request.bytes);
    port.postMessage({ kind: 'result', id: request.id, bytes } satisfies EngineReply);
  } catch (error) {
    port.postMessage({
      kind: 'failed',
      id: request.id,
      message: (error as Error).message,
    } satisfies EngineReply);
  }
}

main().catch((error: unknown) => {
  port.postMessage({
    kind: 'start-failed',
    message: (error as Error).message ?? String(error),
  } satisfies EngineReply);
});
