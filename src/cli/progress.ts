import type { Writable } from 'node:stream';

/** GET /admin/projections, one entry per read model. */
export interface ProjectionInfo {
  name: string;
  status: 'running' | 'paused' | 'rebuilding' | 'stopped';
  position: string;
  head: string;
  lag_events: number;
  rebuild: RebuildInfo | null;
}

export interface RebuildInfo {
  phase: 'catching_up' | 'switching' | 'done' | 'failed';
  processed: number;
  total: number;
  events_per_s: number;
  eta_s: number | null;
  error?: string;
}

export const isFinished = (rebuild: RebuildInfo) => rebuild.phase === 'done' || rebuild.phase === 'failed';

const count = (n: number) => n.toLocaleString('en-US');

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function rebuildSummary(rebuild: RebuildInfo | null): string {
  if (!rebuild) return '-';
  const done = `${rebuild.phase} ${count(rebuild.processed)}/${count(rebuild.total)}`;
  return rebuild.phase === 'failed' ? `${done} (${rebuild.error ?? 'no reason given'})` : done;
}

/** `projections status`: one row per read model, columns aligned. */
export function statusTable(projections: readonly ProjectionInfo[]): string {
  if (projections.length === 0) return 'no read models\n';
  const rows = [
    ['NAME', 'STATUS', 'POSITION', 'HEAD', 'LAG', 'REBUILD'],
    ...projections.map((p) => [
      p.name,
      p.status,
      p.position,
      p.head,
      // The server counts at most 10,000 pending events.
      p.lag_events > 10_000 ? '>10,000' : count(p.lag_events),
      rebuildSummary(p.rebuild),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

const BAR_WIDTH = 24;

/** One projection's rebuild as a line: bar, processed/total, rate, ETA and phase. */
export function progressLine(name: string, rebuild: RebuildInfo | null, nameWidth = name.length): string {
  const label = name.padEnd(nameWidth);
  if (!rebuild) return `${label}  waiting for the rebuild to start…`;
  const { processed, total, phase } = rebuild;
  const fraction = phase === 'done' ? 1 : total > 0 ? Math.min(1, processed / total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail =
    phase === 'failed'
      ? `failed: ${rebuild.error ?? 'no reason given'}`
      : phase === 'done'
        ? 'done'
        : `ETA ${formatDuration(rebuild.eta_s)}  ${phase.replace('_', ' ')}`;
  return `${label}  ${bar} ${percent}  ${count(processed)}/${count(total)}  ${count(rebuild.events_per_s)} ev/s  ${tail}`;
}

/**
 * Draws the rebuilds on stderr: on a terminal, the same lines redrawn in place; in a log, the lines
 * again every few seconds and whenever a phase changes.
 */
export class ProgressDisplay {
  private drawn = false;
  private lastPrinted = 0;
  private lastPhases = '';
  private lastText = '';
  private readonly nameWidth: number;

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly names: readonly string[],
    private readonly logEveryMs = 3000,
  ) {
    this.nameWidth = Math.max(...names.map((name) => name.length));
  }

  render(rebuilds: ReadonlyMap<string, RebuildInfo | null>, final = false): void {
    const lines = this.names.map((name) => progressLine(name, rebuilds.get(name) ?? null, this.nameWidth));
    if (this.out.isTTY) {
      const up = this.drawn ? `\x1b[${lines.length}A` : '';
      this.out.write(up + lines.map((line) => `\r\x1b[2K${line}\n`).join(''));
      this.drawn = true;
      return;
    }
    const phases = this.names.map((name) => rebuilds.get(name)?.phase ?? 'waiting').join();
    const text = lines.map((line) => `${line}\n`).join('');
    const now = Date.now();
    if (
      final ? text === this.lastText : phases === this.lastPhases && now - this.lastPrinted < this.logEveryMs
    )
      return;
    this.lastPhases = phases;
    this.lastPrinted = now;
    this.lastText = text;
    this.out.write(text);
  }
}
