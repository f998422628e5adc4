/**
 * The embedded engine's own thread: PGlite (PostgreSQL compiled to WASM) runs here, so that its CPU
 * work does not sit on the game's event loop. The thread is a wire-protocol pipe: it receives a batch
 * of PostgreSQL frontend messages, runs them through the engine and sends back the backend's bytes.
 * Parsing and serializing stay with the `pg` client in the main thread (see pglite-thread.ts); the
 * messages are typed in engine-messages.ts.
 *
 * Plain JavaScript on purpose: a TypeScript entry would need tsx's loader in this thread too (about
 * 10 MiB more resident memory and a slower start, for 40 lines).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {import('./engine-messages.ts').EngineThreadOptions} */
const options = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

async function main() {
  const engineOptions = { startParams: options.startParams };
  const engine = options.dataDir ? new PGlite(options.dataDir, engineOptions) : new PGlite(engineOptions);
  await engine.waitReady;
  // One session: requests are run in the order they came, each after the previous one finished.
  let turn = Promise.resolve();
  port.on('message', (/** @type {import('./engine-messages.ts').EngineRequest} */ request) => {
    turn = turn.then(() => serve(engine, request));
  });
  port.postMessage({ kind: 'ready' });
}

/**
 * @param {PGlite} engine
 * @param {import('./engine-messages.ts').EngineRequest} request
 */
async function serve(engine, request) {
  if (request.kind === 'close') {
    await engine.close();
    port.postMessage({ kind: 'closed' });
    return;
  }
  try {
    const bytes = await engine.execProtocolRaw(request.bytes);
    port.postMessage({ kind: 'result', id: request.id, bytes });
  } catch (error) {
    port.postMessage({
      kind: 'failed',
      id: request.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

main().catch((error) => {
  port.postMessage({ kind: 'start-failed', message: error instanceof Error ? error.message : String(error) });
});
