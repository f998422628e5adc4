import { type Kysely, sql } from 'kysely';

/**
 * Global positions in commit order, and group commit.
 *
 * Until now a position was `(transaction id << 20) + index` and readers stopped below the server-wide
 * `pg_snapshot_xmin`: any transaction holding an id anywhere on the server (an analyst's session in
 * another database, a migration, a backup) froze every subscriber, and so the game, for as long as
 * it stayed open.
 *
 * Now positions come from one counter row (`event_position`), taken as the last step of an append
 * and held until its commit. Whoever takes the next positions has to wait for that commit, so
 * positions are handed out in commit order and are dense: a reader that sees position P has every
 * committed position below it, whatever else runs on the server. The lock is held only for the
 * insert and the commit of one append statement; group commit (many appends in one statement, see
 * `langomni_append_batch`) makes that cheap. Existing positions are kept; new ones follow the largest.
 *
 * `langomni_append_batch` takes many appends to many streams and answers each one on its own
 * (appended, duplicate, conflict, partial duplicate) instead of raising, so one stale append does not
 * fail the others. Stream rows are locked in stream-id order (then the counter), the same order in
 * every process, so concurrent batches cannot deadlock. `langomni_append` (one append; raises on a
 * conflict as before) is kept for SQL callers and now goes through the batch function.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_position (
      id boolean primary key default true check (id),
      next bigint not null
    )`.execute(db);
  await sql`insert into event_position (next) select coalesce(max(position), 0) + 1 from events`.execute(db);

  await sql`
    create or replace function langomni_append_batch(p_appends jsonb)
    returns table (idx int, status text, next_revision bigint, last_position bigint)
    language plpgsql as $fn$
    declare
      v_count int := jsonb_array_length(p_appends);
      v_stream text[];
      v_expected text[];
      v_n int[];
      v_found int[] := array_fill(0, array[v_count]);
      v_status text[] := array_fill(null::text, array[v_count]);
      v_next bigint[] := array_fill(null::bigint, array[v_count]);
      v_last bigint[] := array_fill(null::bigint, array[v_count]);
      v_base bigint[] := array_fill(null::bigint, array[v_count]);
      v_locked text[];
      v_revision bigint[];
      v_existed boolean[];
      v_total bigint := 0;
      v_first bigint;
      v_offset bigint := 0;
      v_i int;
      v_k int;
      v_current bigint;
      v_x text;
      v_dup_revision bigint;
      v_dup_position bigint;
      r record;
    begin
      select array_agg(a.x->>'s' order by a.ord), array_agg(a.x->>'x' order by a.ord),
             array_agg(jsonb_array_length(a.x->'e') order by a.ord)
        into v_stream, v_expected, v_n
        from jsonb_array_elements(p_appends) with ordinality a(x, ord);

      -- Which appends carry ids their stream already holds (retries): an index probe per event (the
      -- lateral LIMIT keeps the planner from scanning the whole table for a hash join).
      for r in
        select a.ord::int as i, count(*)::int as found
          from jsonb_array_elements(p_appends) with ordinality a(x, ord)
          cross join lateral jsonb_array_elements(a.x->'e') e
          cross join lateral (select 1 from events ev
                               where ev.stream_id = a.x->>'s' and ev.event_id = (e->>'id')::uuid limit 1) hit
         group by a.ord
      loop
        v_found[r.i] := r.found;
      end loop;

      -- Every stream of the batch, created if new and locked, in stream-id order: the same order in
      -- every process, so two batches never wait for each other in a circle.
      insert into event_streams (stream_id, revision)
        select distinct s, -1 from unnest(v_stream) s order by 1
        on conflict do nothing;
      select array_agg(es.stream_id order by es.stream_id), array_agg(es.revision order by es.stream_id)
        into v_locked, v_revision
        from (select stream_id, revision from event_streams
               where stream_id = any(v_stream) order by stream_id for update) es;
      v_existed := array_fill(false, array[coalesce(array_length(v_locked, 1), 0)]);

      -- Decide each append in memory, in arrival order, against the revisions as they move.
      for v_i in 1..v_count loop
        v_k := array_position(v_locked, v_stream[v_i]);
        v_current := v_revision[v_k];
        v_x := v_expected[v_i];
        if v_found[v_i] = v_n[v_i] then
          select max(ev.revision), max(ev.position) into v_dup_revision, v_dup_position
            from events ev
           where ev.stream_id = v_stream[v_i]
             and ev.event_id in (select (e->>'id')::uuid from jsonb_array_elements(p_appends->(v_i - 1)->'e') e);
          v_status[v_i] := 'duplicate';
          v_next[v_i] := v_dup_revision;
          v_last[v_i] := v_dup_position;
        elsif v_found[v_i] > 0 then
          v_status[v_i] := 'partial';
        elsif v_x = 'any'
            or (v_x = 'no_stream' and v_current = -1)
            or (v_x = 'stream_exists' and v_current >= 0)
            or (v_x ~ '^[0-9]+$' and v_current = v_x::bigint) then
          v_status[v_i] := 'appended';
          v_base[v_i] := v_current;
          v_next[v_i] := v_current + v_n[v_i];
          v_revision[v_k] := v_current + v_n[v_i];
          v_existed[v_k] := true;
          v_total := v_total + v_n[v_i];
        else
          v_status[v_i] := 'conflict';
          v_next[v_i] := v_current;
        end if;
      end loop;

      if v_total > 0 then
        update event_streams es set revision = u.revision
          from unnest(v_locked, v_revision, v_existed) u(stream_id, revision, changed)
         where u.changed and es.stream_id = u.stream_id;
        -- The position lock: held from here to the commit, so positions follow commit order.
        update event_position set next = next + v_total returning next - v_total into v_first;
        insert into events (position, stream_id, revision, event_id, event_type, data, metadata)
        select v_first + (row_number() over (order by a.ord, e.ord)) - 1,
               a.x->>'s', v_base[a.ord::int] + e.ord, (e.ev->>'id')::uuid, e.ev->>'type', e.ev->'d', e.ev->'m'
          from jsonb_array_elements(p_appends) with ordinality a(x, ord)
          cross join lateral jsonb_array_elements(a.x->'e') with ordinality e(ev, ord)
         where v_status[a.ord::int] = 'appended';
        for v_i in 1..v_count loop
          if v_status[v_i] = 'appended' then
            v_offset := v_offset + v_n[v_i];
            v_last[v_i] := v_first + v_offset - 1;
          end if;
        end loop;
      end if;

      return query select s.i::int, v_status[s.i], v_next[s.i], v_last[s.i] from generate_series(1, v_count) s(i);
    end
    $fn$`.execute(db);

  await sql`
    create or replace function langomni_append(p_stream_id text, p_expected text, p_events jsonb)
    returns table (next_revision bigint, last_position bigint, was_duplicate boolean)
    language plpgsql as $fn$
    declare
      r record;
    begin
      select * into r from langomni_append_batch(jsonb_build_array(jsonb_build_object(
        's', p_stream_id, 'x', p_expected,
        'e', (select coalesce(jsonb_agg(jsonb_build_object('id', e->'id', 'type', e->'type',
                'd', coalesce(e->'data', 'null'::jsonb), 'm', e->'metadata') order by ord), '[]'::jsonb)
                from jsonb_array_elements(p_events) with ordinality t(e, ord)))));
      if r.status = 'conflict' then
        raise exception 'wrong expected revision for %', p_stream_id
          using errcode = 'LO409', detail = r.next_revision::text;
      elsif r.status = 'partial' then
        raise exception 'partial duplicate append to %', p_stream_id using errcode = 'LO422';
      end if;
      return query select r.next_revision, r.last_position, r.status = 'duplicate';
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists langomni_append_batch(jsonb)`.execute(db);
  await sql`drop table if exists event_position`.execute(db);
  const { up: restoreFastPath } = await import('./0002_append_fast_path.ts');
  await restoreFastPath(db);
}
