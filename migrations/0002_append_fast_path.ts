import { type Kysely, sql } from 'kysely';
import { createAppendFunction } from './0001_event_store.ts';

/**
 * A faster langomni_append (same contract as 0001):
 * - fast path for what commands send: an exact expected revision of an existing stream is one
 *   conditional UPDATE (no row lock taken twice, no duplicate check: a retried batch arrives with a
 *   stale revision and takes the slow path; a duplicate id on the fast path fails the unique index,
 *   which the adapter turns into the idempotent answer);
 * - the same for a new stream (`no_stream`): one INSERT of the stream row;
 * - the duplicate check looks the batch's ids up by index instead of scanning the stream.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function langomni_append(p_stream_id text, p_expected text, p_events jsonb)
    returns table (next_revision bigint, last_position bigint, was_duplicate boolean)
    language plpgsql as $fn$
    declare
      v_count int := jsonb_array_length(p_events);
      v_ids uuid[];
      v_current bigint;
      v_found int;
      v_offset int;
      v_base bigint;
      v_fast boolean := false;
    begin
      v_offset := coalesce(nullif(current_setting('langomni.append_offset', true), ''), '0')::int;
      if v_offset + v_count > 1048576 then
        raise exception 'more than 1048576 events in one transaction' using errcode = 'LO413';
      end if;

      if p_expected ~ '^[0-9]+$' then
        v_current := p_expected::bigint;
        update event_streams set revision = v_current + v_count where stream_id = p_stream_id and revision = v_current;
        v_fast := found;
      elsif p_expected = 'no_stream' then
        v_current := -1;
        insert into event_streams (stream_id, revision) values (p_stream_id, v_count - 1) on conflict do nothing;
        v_fast := found;
      end if;

      if not v_fast then
        insert into event_streams (stream_id, revision) values (p_stream_id, -1) on conflict do nothing;
        select revision into v_current from event_streams where stream_id = p_stream_id for update;

        select array_agg((e->>'id')::uuid) into v_ids from jsonb_array_elements(p_events) e;
        select count(*)::int into v_found from events where stream_id = p_stream_id and event_id = any(v_ids);
        if v_found = v_count then
          return query select max(revision), max(position), true from events
            where stream_id = p_stream_id and event_id = any(v_ids);
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
        update event_streams set revision = v_current + v_count where stream_id = p_stream_id;
      end if;

      perform set_config('langomni.append_offset', (v_offset + v_count)::text, true);
      v_base := (pg_current_xact_id()::text::bigint << 20) + v_offset;
      insert into events (position, stream_id, revision, event_id, event_type, data, metadata)
      select v_base + e.ord - 1, p_stream_id, v_current + e.ord, (e.ev->>'id')::uuid, e.ev->>'type',
             e.ev->'data', e.ev->'metadata'
        from jsonb_array_elements(p_events) with ordinality as e(ev, ord);
      return query select v_current + v_count, v_base + v_count - 1, false;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await createAppendFunction(db);
}
