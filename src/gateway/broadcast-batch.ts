import type { Broadcast } from './outcome-feed.ts';

export interface Published {
  broadcast: Broadcast;
  actor: string | undefined;
  /** The event's position in the log (also in the broadcast as a decimal string). */
  position?: bigint;
  json?: string;
}

export interface SummaryLimits {
  /** More events of one crowd kind than this become one summary. */
  threshold: number;
  /** Voices sent one by one; the rest are summarised. */
  speechCap: number;
  /** Names a summary lists. */
  names: number;
}

export interface Frame {
  bytes: Buffer;
  events: number;
}

/** Events that, past the crowd threshold in one tick, become one summary event. */
export const CROWDS: Record<string, { event: string; verb: string }> = {
  player_arrived: { event: 'players_arrived', verb: 'arrive' },
  player_left: { event: 'players_left', verb: 'leave' },
  player_appeared: { event: 'players_appeared', verb: 'appear' },
  player_vanished: { event: 'players_vanished', verb: 'fade from view' },
};
const SPEECH = 'player_said';

/** One location's events of one tick, rendered for a viewer (the events they caused left out). */
export class Batch {
  /** Summaries that exclude nobody's event, shared by every viewer whose own events are of other kinds. */
  private readonly sharedSummaries = new Map<string, string>();
  private readonly totals = new Map<string, number>();
  private readonly byKind = new Map<string, Published[]>();
  private readonly byActor = new Map<string, Published[]>();
  /** The frame of a viewer who caused nothing, as parts; crowd summaries marked with their kind. */
  private sharedLayout: Part[] | undefined;

  constructor(
    private readonly queue: readonly Published[],
    private readonly limits: SummaryLimits,
  ) {
    for (const published of queue) {
      const kind = published.broadcast.event;
      this.totals.set(kind, (this.totals.get(kind) ?? 0) + 1);
      const ofKind = this.byKind.get(kind);
      if (ofKind) ofKind.push(published);
      else this.byKind.set(kind, [published]);
      if (published.actor === undefined) continue;
      const own = this.byActor.get(published.actor);
      if (own) own.push(published);
      else this.byActor.set(published.actor, [published]);
    }
  }

  frameFor(viewer: string | undefined): Frame | null {
    const own = viewer === undefined ? undefined : this.byActor.get(viewer);
    if (viewer !== undefined && own && this.onlyInCrowds(own)) return this.crowdMemberFrame(viewer, own);
    const visible = viewer === undefined ? this.queue : this.queue.filter((p) => p.actor !== viewer);
    const counts = new Map<string, number>();
    for (const { broadcast } of visible) counts.set(broadcast.event, (counts.get(broadcast.event) ?? 0) + 1);
    const layout: Part[] = [];
    const summarised = new Set<string>();
    let spoken = 0;
    for (const published of visible) {
      const kind = published.broadcast.event;
      const count = counts.get(kind) ?? 0;
      if (CROWDS[kind] && count > this.limits.threshold) {
        if (!summarised.has(kind)) {
          summarised.add(kind);
          layout.push({
            json: this.summary(kind, visible, count === this.totals.get(kind)),
            crowdKind: kind,
            position: lastPosition(visible, kind),
          });
        }
        continue;
      }
      if (kind === SPEECH && ++spoken > this.limits.speechCap) {
        if (spoken === this.limits.speechCap + 1)
          layout.push({
            json: this.summary(kind, visible, count === this.totals.get(kind)),
            position: lastPosition(visible, kind),
          });
        continue;
      }
      published.json ??= JSON.stringify(published.broadcast);
      layout.push({ json: published.json, position: positionOf(published) });
    }
    if (viewer === undefined) this.sharedLayout = layout;
    return framed(layout);
  }

  /** Whether every event the viewer caused is of a crowd kind summarised even without theirs. */
  private onlyInCrowds(own: readonly Published[]): boolean {
    for (const { broadcast } of own) {
      if (!CROWDS[broadcast.event]) return false;
      const others =
        (this.totals.get(broadcast.event) ?? 0) -
        own.filter((p) => p.broadcast.event === broadcast.event).length;
      if (others <= this.limits.threshold) return false;
    }
    return true;
  }

  /**
   * A viewer who is one of a crowd (one of 3,000 arriving in a connect storm) gets everyone's frame
   * with the summaries of their own crowds counted without them: built from the shared parts, not by
   * filtering the whole tick once per member, which grows with the square of the crowd.
   */
  private crowdMemberFrame(viewer: string, own: readonly Published[]): Frame | null {
    if (!this.sharedLayout) this.frameFor(undefined);
    const ownKinds = new Set(own.map((p) => p.broadcast.event));
    const parts = this.sharedLayout!.map((part) =>
      part.crowdKind !== undefined && ownKinds.has(part.crowdKind)
        ? { ...part, json: JSON.stringify(this.crowdWithout(part.crowdKind, viewer, own)) }
        : part,
    );
    return framed(parts);
  }

  private summary(kind: string, visible: readonly Published[], excludesNobody: boolean): string {
    const cached = excludesNobody ? this.sharedSummaries.get(kind) : undefined;
    if (cached) return cached;
    const ofKind = visible.filter((p) => p.broadcast.event === kind);
    const summary =
      kind === SPEECH
        ? this.speechSummary(ofKind.slice(this.limits.speechCap))
        : this.crowdSummary(kind, ofKind);
    const position = lastPosition(ofKind, kind);
    const json = JSON.stringify(position === undefined ? summary : { ...summary, position });
    if (excludesNobody) this.sharedSummaries.set(kind, json);
    return json;
  }

  private crowdSummary(kind: string, crowd: readonly Published[], count = crowd.length): Broadcast {
    const { event, verb } = CROWDS[kind]!;
    return {
      event,
      count,
      players: this.names(crowd),
      text: `${count} travellers ${verb}.`,
    };
  }

  private speechSummary(unheard: readonly Published[]): Broadcast {
    const count = unheard.length;
    return {
      event: 'players_said',
      count,
      players: this.names(unheard),
      text: count === 1 ? '…and one other speaks at once.' : `…and ${count} others speak at once.`,
    };
  }

  /** A crowd's summary without the viewer's own events: the first few names and a count, no copy of the crowd. */
  private crowdWithout(kind: string, viewer: string, own: readonly Published[]): Broadcast {
    const ofKind = this.byKind.get(kind) ?? [];
    const named: Published[] = [];
    for (const published of ofKind) {
      if (named.length >= this.limits.names) break;
      if (published.actor !== viewer) named.push(published);
    }
    const ownCount = own.filter((p) => p.broadcast.event === kind).length;
    const summary = this.crowdSummary(kind, named, ofKind.length - ownCount);
    const position = lastPosition(
      ofKind.filter((p) => p.actor !== viewer),
      kind,
    );
    return position === undefined ? summary : { ...summary, position };
  }

  private names(crowd: readonly Published[]): string[] {
    return crowd.slice(0, this.limits.names).map((p) => String(p.broadcast.player ?? 'someone'));
  }
}

interface Part {
  json: string;
  crowdKind?: string;
  /** The log position the part comes from (a summary: the last event it sums up), a decimal string. */
  position?: string | undefined;
}

const positionOf = (published: Published): string | undefined =>
  typeof published.broadcast.position === 'string' ? published.broadcast.position : undefined;

/** The position of the last event of `kind` in `list` (which is in log order). */
function lastPosition(list: readonly Published[], kind: string): string | undefined {
  for (let i = list.length - 1; i >= 0; i--)
    if (list[i]!.broadcast.event === kind) return positionOf(list[i]!);
  return undefined;
}

/** One `events` frame; its `position` is the latest of its parts (summaries are not in log order). */
function framed(parts: readonly Part[]): Frame | null {
  if (parts.length === 0) return null;
  let position: bigint | undefined;
  for (const part of parts) {
    if (part.position === undefined) continue;
    const at = BigInt(part.position);
    if (position === undefined || at > position) position = at;
  }
  const head = position === undefined ? '' : `"position":"${position}",`;
  const events = parts.map((part) => part.json).join(',');
  return { bytes: Buffer.from(`{"type":"events",${head}"events":[${events}]}`), events: parts.length };
}
