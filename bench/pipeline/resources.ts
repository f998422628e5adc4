import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const TICKS_PER_SECOND = clockTicks();
const SAMPLE_EVERY_MS = 500;

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** user + sys CPU ticks and resident set (bytes) of one process, from /proc; undefined once it is gone. */
export function readProcess(pid: number): { ticks: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ticks, rssBytes: rssKiB * 1024 };
  } catch {
    return undefined;
  }
}

function pgrep(name: string): number[] {
  try {
    return execFileSync('pgrep', [name], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * A labelled process, a fixed group of processes (e.g. all the server processes, summed), or a group
 * found by name with pgrep each sample (PostgreSQL's backends come and go).
 */
export type Watched =
  | { label: string; pid: number }
  | { label: string; pids: readonly number[] }
  | { label: string; pgrep: string };

export interface ProcessFigures {
  cpu_s: number;
  cpu_percent_of_one_core: number;
  rss_peak_mib: number;
  rss_avg_mib: number;
  processes: number;
}

/**
 * Samples CPU and RSS of the watched processes every 500 ms between start() and stop(). A group's CPU
 * is the sum over its processes of (last − first sample), so a process that appears mid-window counts
 * from when it was first seen; its RSS is the sum over its processes per sample (PostgreSQL's shared
 * buffers are counted once per process that touched them, so its sum overstates).
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private readonly groups = new Map<
    string,
    { first: Map<number, number>; last: Map<number, number>; rss: number[]; pids: Set<number> }
  >();

  constructor(private readonly watched: readonly Watched[]) {}

  start(): void {
    this.startedAt = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  stop(): Record<string, ProcessFigures> {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const figures: Record<string, ProcessFigures> = {};
    for (const [label, group] of this.groups) {
      let ticks = 0;
      for (const [pid, first] of group.first) ticks += (group.last.get(pid) ?? first) - first;
      const cpu = ticks / TICKS_PER_SECOND;
      const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
      figures[label] = {
        cpu_s: Math.round(cpu * 100) / 100,
        cpu_percent_of_one_core: seconds > 0 ? Math.round((cpu / seconds) * 1000) / 10 : 0,
        rss_peak_mib: mib(Math.max(0, ...group.rss)),
        rss_avg_mib: mib(group.rss.reduce((sum, r) => sum + r, 0) / Math.max(1, group.rss.length)),
        processes: group.pids.size,
      };
    }
    return figures;
  }

  private sample(): void {
    for (const watched of this.watched) {
      const group = this.groups.get(watched.label) ?? {
        first: new Map<number, number>(),
        last: new Map<number, number>(),
        rss: [] as number[],
        pids: new Set<number>(),
      };
      this.groups.set(watched.label, group);
      const pids = 'pid' in watched ? [watched.pid] : 'pids' in watched ? watched.pids : pgrep(watched.pgrep);
      let rss = 0;
      for (const pid of pids) {
        const now = readProcess(pid);
        if (!now) continue;
        group.pids.add(pid);
        if (!group.first.has(pid)) group.first.set(pid, now.ticks);
        group.last.set(pid, now.ticks);
        rss += now.rssBytes;
      }
      group.rss.push(rss);
    }
  }
}
