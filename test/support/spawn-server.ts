import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SpawnedServer {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** `node --import tsx src/main.ts` as a child process, as an operator runs it; resolves once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const { child, stderr, exited } = spawnMain(env);
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}${stderr()}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Play in a browser: (http:\/\/[^/\s]+)\//.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}${stderr()}`)));
  });
  return { child, baseUrl, stderr, exited };
}

/** The same process, for when it is expected to refuse to start. */
export function spawnMain(env: Record<string, string>): Omit<SpawnedServer, 'baseUrl'> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', PASSWORD_HASH_MEMORY_KIB: '1024', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}
