import { type Kysely, sql } from 'kysely';

/**
 * The event store's tables and its append function.
 *
 * Global positions are `(transaction id << 20) + index within the transaction`. Readers only
 * return positions below `pg_snapshot_xmin(pg_current_snapshot()) << 20`, i.e. events of
 * transactions older than every transaction still running. A transaction that started earlier
 * but commits later therefore can never slip in behind a subscriber's checkpoint: it holds
 * the horizon back until it ends (the idea of Emmett's xid8 ordering, packed into one bigint).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_streams (
      stream_id text primary key,
      revision bigint not null
    )`.execute(db);

  await sql`
    create table events (
      position bigint primary key,
      stream_id text not null,
      revision bigint not null,
      event_id uuid not null,
      event_type text not null,
      data jsonb not null,
      metadata jsonb not null,
      recorded_at timestamptz not null default now(),
      constraint events_stream_revision unique (stream_id, revision)
    )`.execute(db);
  await sql`create unique index events_stream_event_id on events (stream_id, event_id)`.execute(db);
  await sql`create index events_type_position on events (event_type, position)`.execute(db);

  await sql`
    create table checkpoints (
      name text primary key,
      position bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await createAppendFunction(db);
}

/** The first append function; 0002 replaces it and restores it on the way down. */
export async function createAppendFunction(db: Kysely<unknown>): Promise<void> {
  // One round trip per append. Raises LO409 on a wrong expected revision and LO422 on a batch that
  // is partly a retry; returns was_duplicate = true when the whole batch is already in the stream.
  await sql`
    create or replace function langomni_append(p_stream_id text, p_expected text, p_events jsonb)
    returns table (next_revision bigint, last_position bigint, was_duplicate boolean)
    language plpgsql as $fn$
    declare
      v_current bigint;
      v_count int := jsonb_array_length(p_events);
      v_found int;
      v_offset int;
      v_base bigint;
    begin
      insert into event_streams (stream_id, revision) values (p_stream_id, -1) on conflict do nothing;
      select revision into v_current from event_streams where stream_id = p_stream_id for update;

      select count(*)::int into v_found from events
        where stream_id = p_stream_id
          and event_id in (select (e->>'id')::uuid from jsonb_array_elements(p_events) e);
      if v_found = v_count then
        return query select max(revision), max(position), true from events
          where stream_id = p_stream_id
            and event_id in (select (e->>'id')::uuid from jsonb_array_elements(p_events) e);
        return;
      elsif v_found > 0 then
        raise exception 'partial duplicate append to %', p_stream_id using errcode = 'LO422';
      end if;

      if not (p_expected = 'any'
          or (p_expected = 'no_stream' and v_current = -1)
          or (p_expected = 'stream_exists' and v_current >= 0)
          or (p_expected not in ('any', 'no_stream', 'stream_exists') and v_current = p_expected::bigint)) then
        raise exception 'wrong expected revision for %', p_stream_id
          using errcode = 'LO409', detail = v_current::text;
      end if;

      -- Several appends may share one transaction: each takes the next slice of its positions.
      v_offset := coalesce(nullif(current_setting('langomni.append_offset', true), ''), '0')::int;
      if v_offset + v_count > 1048576 then
        raise exception 'more than 1048576 events in one transaction' using errcode = 'LO413';
      end if;
      perform set_config('langomni.append_offset', (v_offset + v_count)::text, true);
      v_base := (pg_current_xact_id()::text::bigint << 20) + v_offset;

      insert into events (position, stream_id, revision, event_id, event_type, data, metadata)
      select v_base + e.ord - 1, p_stream_id, v_current + e.ord, (e.ev->>'id')::uuid, e.ev->>'type',
             e.ev->'data', e.ev->'metadata'
        from jsonb_array_elements(p_events) with ordinality as e(ev, ord);

      update event_streams set revision = v_current + v_count where stream_id = p_stream_id;
      return query select v_current + v_count, v_base + v_count - 1, false;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists langomni_append(text, text, jsonb)`.execute(db);
  await sql`drop table if exists checkpoints`.execute(db);
  await sql`drop table if exists events`.execute(db);
  await sql`drop table if exists event_streams`.execute(db);
}
