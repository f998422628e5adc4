import { type Kysely, sql } from 'kysely';
import type { BusinessFigures } from '../infrastructure/metrics.ts';
import { eventLogProjection } from './read-models/event-log.ts';
import { npcsProjection } from './read-models/npcs.ts';
import { playersProjection } from './read-models/players.ts';
import { questsProjection } from './read-models/quests.ts';
import { liveNames } from './runner/projection.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Players counted for day-N retention: those whose day N ended within this many days. */
export const RETENTION_COHORT_DAYS = 30;
const RETENTION_DAYS = ['1', '7'] as const;

export interface BusinessMetricsOptions {
  /** Figures are read again at most this often, whatever the scrape rate. */
  maxAgeMs?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/**
 * The seed's business metrics, read from the SQL read models: quest completion rate, NPC
 * conversations held (a world-wide total that only grows, so Prometheus' rate() gives the frequency)
 * and day-1/day-7 retention. Read on scrape, at most once per `maxAgeMs` (a minute by default): several
 * scrapes at once share one read, and a failed read keeps the last figures until the next try.
 */
export class BusinessMetrics {
  private readonly maxAgeMs: number;
  private readonly now: () => Date;
  private last: BusinessFigures | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<BusinessFigures | undefined> | undefined;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly options: BusinessMetricsOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  figures(): Promise<BusinessFigures | undefined> {
    if (this.reading) return this.reading;
    if (performance.now() - this.readAt < this.maxAgeMs) return Promise.resolve(this.last);
    this.reading = this.read()
      .then(
        (figures) => {
          this.last = figures;
          return figures;
        },
        (error: unknown) => {
          this.options.onError?.(error);
          return this.last;
        },
      )
      .finally(() => {
        this.readAt = performance.now();
        this.reading = undefined;
      });
    return this.reading;
  }

  private async read(): Promise<BusinessFigures> {
    const progress = sql.table(liveNames(questsProjection).quest_progress!);
    const npcs = sql.table(liveNames(npcsProjection).npcs!);
    const { rows } = await sql<{ accepted: string; completed: string; talks: string }>`
      select (select count(*) from ${progress}) as accepted,
             (select count(*) from ${progress} where status = 'completed') as completed,
             (select coalesce(sum(conversations), 0) from ${npcs}) as talks`.execute(this.db);
    const { accepted, completed, talks } = rows[0]!;
    const retention = {} as BusinessFigures['retention'];
    for (const day of RETENTION_DAYS) retention[day] = await this.retention(Number(day));
    return {
      questCompletionRatio: Number(accepted) === 0 ? Number.NaN : Number(completed) / Number(accepted),
      npcInteractions: Number(talks),
      retention,
    };
  }

  /**
   * Of the players whose day `day` after registering has ended within the last RETENTION_COHORT_DAYS
   * days, the share that entered or left the world during that day. Sessions, not actions: one pass
   * over the window's session events on the (event_type, at) index, joined to the cohort, stays
   * cheap where a look-up per player among every action would not.
   */
  private async retention(day: number): Promise<number> {
    const players = sql.table(liveNames(playersProjection).players!);
    const log = sql.table(liveNames(eventLogProjection).event_log!);
    const now = this.now().getTime();
    const latest = new Date(now - (day + 1) * DAY_MS);
    const earliest = new Date(now - (day + 1 + RETENTION_COHORT_DAYS) * DAY_MS);
    const { rows } = await sql<{ cohort: string; retained: string }>`
      with cohort as (
        select player_id, registered_at from ${players}
         where registered_at > ${earliest} and registered_at <= ${latest}),
      retained as (
        select distinct c.player_id
          from cohort c join ${log} e on e.player_id = c.player_id
         where e.event_type in ('PlayerEnteredWorld', 'PlayerLeftWorld')
           and e.at >= ${new Date(earliest.getTime() + day * DAY_MS)}
           and e.at < ${new Date(now)}
           and e.at >= c.registered_at + make_interval(days => ${day})
           and e.at < c.registered_at + make_interval(days => ${day + 1}))
      select (select count(*) from cohort) as cohort, (select count(*) from retained) as retained`.execute(
      this.db,
    );
    const { cohort, retained } = rows[0]!;
    return Number(cohort) === 0 ? Number.NaN : Number(retained) / Number(cohort);
  }
}
