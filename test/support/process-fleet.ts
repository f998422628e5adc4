import type { ChildProcess } from 'node:child_process';
import { spawnMain } from './spawn-server.ts';

export type ProcessRole = 'game' | 'projector';

/** A server process of a multi-process test: its role, where it listens, and what it printed. */
export interface FleetProcess {
  readonly label: string;
  readonly role: ProcessRole;
  readonly child: ChildProcess;
  /** `http://host:port`. */
  readonly baseUrl: string;
  /** The line that said it was ready ("Play in a browser: …" or "Projector ready: …"). */
  readonly readyLine: string;
  readonly exited: Promise<number | null>;
  /** The last lines it wrote to stderr, and the warnings and errors of its log (stdout). */
  tails(): string;
}

const READY_TIMEOUT_MS = 90_000;
const KEPT_CHARS = 64 * 1024;
const TAIL_LINES = 25;
const LINE_CHARS = 400;
/** "Play in a browser: http://h:p/" (a game; any process before roles existed) or "Projector ready: http://h:p/health", whole (followed by a space, a newline or the quote of a JSON log line). */
const READY = /(Play in a browser|Projector ready): (http:\/\/[^/\s"]+)\/[^\s"]*(?=[\s"])/;

/** `node --import tsx src/main.ts` with PROCESS_ROLE set; resolves once it says it is ready. */
export async function spawnRole(
  label: string,
  role: ProcessRole,
  env: Record<string, string>,
): Promise<FleetProcess> {
  const { child, stderr, exited } = spawnMain({ ...env, PROCESS_ROLE: role });
  let stdout = '';
  let readyLine: RegExpExecArray | undefined;
  const tails = () => tailsOf(label, stdout, stderr());
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never left behind: the caller gets no handle to stop it.
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start\n${tails()}`));
    }, READY_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      // The line may be split across chunks: look in what came before it too, until it is found.
      const found = readyLine ? undefined : READY.exec(stdout.slice(-1024) + text);
      stdout = (stdout + text).slice(-KEPT_CHARS);
      if (found) {
        readyLine = found;
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready\n${tails()}`));
    });
  });
  return { label, role, child, baseUrl: ready[2]!, readyLine: ready[0], exited, tails };
}

function tailsOf(label: string, stdout: string, stderr: string): string {
  const cut = (line: string) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);
  const last = (text: string) => text.trimEnd().split('\n').slice(-TAIL_LINES).map(cut).join('\n');
  // pino writes JSON lines to stdout; level 40 and above are warnings and errors.
  const problems = stdout
    .split('\n')
    .filter((line) => /"level":(4|5|6)\d/.test(line) || /error|fatal/i.test(line.slice(0, 200)));
  return [
    `--- ${label} stderr (last ${TAIL_LINES} lines) ---`,
    last(stderr) || '(empty)',
    `--- ${label} log warnings and errors (last ${TAIL_LINES}) ---`,
    problems.slice(-TAIL_LINES).map(cut).join('\n') || '(none)',
  ].join('\n');
}

export function isRunning(process: FleetProcess): boolean {
  return process.child.exitCode === null && process.child.signalCode === null;
}

/** SIGKILL (a crash) or SIGTERM (a graceful stop); resolves once it has exited. */
export async function stopProcess(process: FleetProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (!isRunning(process)) return;
  process.child.kill(signal);
  const killLater = setTimeout(() => process.child.kill('SIGKILL'), 30_000);
  await process.exited;
  clearTimeout(killLater);
}

/** Every process's tails, for an assertion message. */
export function fleetTails(fleet: readonly FleetProcess[]): string {
  return fleet.map((p) => p.tails()).join('\n');
}
