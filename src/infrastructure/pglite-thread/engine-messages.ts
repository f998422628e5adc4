/** What the main thread and the embedded engine's thread say to each other. */
export interface EngineThreadOptions {
  dataDir?: string;
  startParams: string[];
}

export type EngineRequest = { kind: 'exec'; id: number; bytes: Uint8Array } | { kind: 'close' };

export type EngineReply =
  | { kind: 'ready' }
  | { kind: 'start-failed'; message: string }
  | { kind: 'result'; id: number; bytes: Uint8Array }
  | { kind: 'failed'; id: number; message: string }
  | { kind: 'closed' };
