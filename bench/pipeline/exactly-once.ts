import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** How long after a step outcomes still in flight may take to land before they count as missing. */
const SETTLE_MS = 10_000;

export interface ActionOutcomes {
  /** Actions recorded (ActionRequested, one per stream and actionId) since the step began. */
  requested: number;
  /** ActionResolved events for them (every one, duplicates included). */
  resolved_events: number;
  resolved_per_requested: number | null;
  /** Actions resolved more than once, and the ActionResolved events beyond the first. */
  duplicate_outcomes: number;
  extra_resolved_events: number;
  /** Actions recorded but never resolved (checked again for up to 10 s while any are missing). */
  missing_outcomes: number;
  /** The same stream and actionId recorded more than once (should never happen). */
  duplicate_requests: number;
}

/**
 * Counts, in the deployment's event store (`events` of `schema`), the actions recorded since
 * `afterPosition` and their outcomes: each ActionRequested should have exactly one ActionResolved
 * with the same stream and actionId.
 */
export class OutcomeCounter {
  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
  ) {}

  /** The last position in the store now; actions after it belong to the next step. */
  async lastPosition(): Promise<string> {
    const rows = await this.query<{ last: string }>(
      `select coalesce(max(position), 0)::text as last from ${this.table()}`,
    );
    return rows[0]!.last;
  }

  async count(afterPosition: string): Promise<ActionOutcomes> {
    const deadline = performance.now() + SETTLE_MS;
    for (;;) {
      const outcomes = await this.countOnce(afterPosition);
      if (outcomes.missing_outcomes === 0 || performance.now() > deadline) return outcomes;
      await sleep(500);
    }
  }

  private async countOnce(afterPosition: string): Promise<ActionOutcomes> {
    const events = this.table();
    const rows = await this.query<Record<keyof ActionOutcomes, string>>(
      `with requested as (
         select stream_id, data->>'actionId' as action_id, count(*) as n
           from ${events}
          where event_type = 'ActionRequested' and position > $1
          group by 1, 2
       ), resolved as (
         select stream_id, data->>'actionId' as action_id, count(*) as n
           from ${events}
          where event_type = 'ActionResolved' and position > $1
          group by 1, 2
       )
       select count(*) as requested,
              coalesce(sum(r.n), 0) as resolved_events,
              count(*) filter (where r.n > 1) as duplicate_outcomes,
              coalesce(sum(r.n - 1) filter (where r.n > 1), 0) as extra_resolved_events,
              count(*) filter (where r.n is null) as missing_outcomes,
              count(*) filter (where q.n > 1) as duplicate_requests
         from requested q left join resolved r using (stream_id, action_id)`,
      [afterPosition],
    );
    const row = rows[0]!;
    const requested = Number(row.requested);
    const resolvedEvents = Number(row.resolved_events);
    return {
      requested,
      resolved_events: resolvedEvents,
      resolved_per_requested:
        requested > 0 ? Math.round((resolvedEvents / requested) * 10_000) / 10_000 : null,
      duplicate_outcomes: Number(row.duplicate_outcomes),
      extra_resolved_events: Number(row.extra_resolved_events),
      missing_outcomes: Number(row.missing_outcomes),
      duplicate_requests: Number(row.duplicate_requests),
    };
  }

  private table(): string {
    return `"${this.schema.replaceAll('"', '""')}".events`;
  }

  private async query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }
}
