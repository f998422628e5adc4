import { type Kysely, sql } from 'kysely';
import { quoteIdentifier } from '../../infrastructure/database.ts';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { TableNames } from '../runner/projection.ts';
import { type LoadedContent, recordset } from './batch.ts';

/**
 * The analysts' views, over the event log and the quest definitions it keeps: plain SQL views, so
 * they are always current, work the same on PostgreSQL, PGlite and TimescaleDB, and are swapped in
 * with the tables on a rebuild (see eventLogProjection). Days are UTC days.
 */
export const ANALYTICS_VIEWS = [
  'analytics_sessions',
  'analytics_retention_daily',
  'analytics_quest_funnel',
  'analytics_npc_sentiment',
  'analytics_deaths_by_place',
] as const;

/** The event log's columns that the views read, beyond what every row has. */
export const ANALYTICS_COLUMNS = `
  session_id text,
  location_id text,
  npc_id text,
  quest_id text,
  step int,
  change int,
  score int,
  emotion text,
  killed_by text`;

export const ANALYTICS_RECORD_COLUMNS =
  'session_id text, location_id text, npc_id text, quest_id text, step int, change int, score int, emotion text, killed_by text';

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const integer = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** Read defensively, as the rest of the log is: the log takes every event there is, of any shape. */
export function analyticsFields(stored: StoredEvent) {
  const data = (stored.data ?? {}) as Record<string, unknown>;
  return {
    session_id: text(data.sessionId),
    location_id: text(data.locationId),
    npc_id: text(data.npcId),
    quest_id: text(data.questId),
    step: integer(data.step),
    change: integer(data.change),
    score: integer(data.score),
    emotion: text(data.emotion),
    killed_by: stored.type === 'PlayerDefeated' ? text(data.by) : null,
  };
}

export function questDefinitionsSql(names: TableNames): string {
  return `create table ${quoteIdentifier(names.event_log_quests!)} (
    quest_id text primary key,
    giver text not null,
    step_ids text[] not null,
    content_version text not null
  )`;
}

/** The quests of the content in force: the funnel's stages come from their definitions. */
export async function replaceQuestDefinitions(
  trx: Kysely<unknown>,
  names: TableNames,
  loaded: LoadedContent,
): Promise<void> {
  const table = sql.table(names.event_log_quests!);
  const quests = loaded.content.quests.map((quest) => ({
    quest_id: quest.id,
    giver: quest.giver,
    step_ids: quest.steps.map((step) => step.id),
    content_version: loaded.version,
  }));
  await sql`delete from ${table}`.execute(trx);
  await sql`
    insert into ${table} (quest_id, giver, step_ids, content_version)
    select quest_id, giver, array(select jsonb_array_elements_text(step_ids)), content_version
      from jsonb_to_recordset(${recordset(quests)}) as q(quest_id text, giver text, step_ids jsonb, content_version text)`.execute(
    trx,
  );
}

export function analyticsViewsSql(names: TableNames): string[] {
  const log = quoteIdentifier(names.event_log!);
  const quests = quoteIdentifier(names.event_log_quests!);
  const view = (name: (typeof ANALYTICS_VIEWS)[number]) => quoteIdentifier(names[name]!);
  const day = `(at at time zone 'UTC')::date`;
  return [
    `create index on ${log} (session_id) where session_id is not null`,
    `create index on ${log} (quest_id, event_type) where quest_id is not null`,
    // One row per session; ended_at and length stay null while the player is still connected.
    `create view ${view('analytics_sessions')} as
       select player_id, session_id,
              min(at) filter (where event_type = 'PlayerEnteredWorld') as started_at,
              max(at) filter (where event_type = 'PlayerLeftWorld') as ended_at,
              max(at) filter (where event_type = 'PlayerLeftWorld')
                - min(at) filter (where event_type = 'PlayerEnteredWorld') as length,
              extract(epoch from max(at) filter (where event_type = 'PlayerLeftWorld')
                - min(at) filter (where event_type = 'PlayerEnteredWorld'))::float8 as seconds
         from ${log}
        where event_type in ('PlayerEnteredWorld', 'PlayerLeftWorld') and session_id is not null
        group by player_id, session_id
       having min(at) filter (where event_type = 'PlayerEnteredWorld') is not null`,
    // Cohort: the UTC day a player was first active. Active on a day: entered the world or acted.
    `create view ${view('analytics_retention_daily')} as
       with active as (
         select distinct player_id, ${day} as day from ${log}
          where event_type in ('PlayerEnteredWorld', 'ActionRequested') and player_id is not null),
       cohorts as (select player_id, min(day) as cohort_day from active group by player_id),
       sizes as (select cohort_day, count(*)::int as cohort_size from cohorts group by cohort_day)
       select c.cohort_day, a.day - c.cohort_day as day_number, count(*)::int as players, s.cohort_size,
              round(count(*)::numeric / s.cohort_size, 4) as retained
         from cohorts c join active a using (player_id) join sizes s using (cohort_day)
        group by c.cohort_day, a.day, s.cohort_size`,
    // Offered: players who talked to the quest's giver (or accepted it, which needs no talk first).
    `create view ${view('analytics_quest_funnel')} as
       with offered as (
         select q.quest_id, l.player_id from ${quests} q
           join ${log} l on l.event_type = 'NpcConversationHeld' and l.npc_id = q.giver
         union
         select quest_id, player_id from ${log} where event_type = 'QuestAccepted'),
       reached as (
         select quest_id, event_type, step, count(distinct player_id)::int as players from ${log}
          where event_type in ('QuestAccepted', 'QuestStepCompleted', 'QuestCompleted')
          group by quest_id, event_type, step)
       select q.quest_id, 0 as stage_order, 'offered' as stage, null::text as step_id,
              (select count(distinct player_id)::int from offered o where o.quest_id = q.quest_id) as players
         from ${quests} q
       union all
       select q.quest_id, 1, 'accepted', null,
              coalesce((select sum(players)::int from reached r
                         where r.quest_id = q.quest_id and r.event_type = 'QuestAccepted'), 0)
         from ${quests} q
       union all
       select q.quest_id, 1 + s.n::int, 'step', s.step_id,
              coalesce((select players from reached r where r.quest_id = q.quest_id
                           and r.event_type = 'QuestStepCompleted' and r.step = s.n - 1), 0)
         from ${quests} q, unnest(q.step_ids) with ordinality as s(step_id, n)
       union all
       select q.quest_id, 2 + cardinality(q.step_ids), 'completed', null,
              coalesce((select sum(players)::int from reached r
                         where r.quest_id = q.quest_id and r.event_type = 'QuestCompleted'), 0)
         from ${quests} q`,
    `create view ${view('analytics_npc_sentiment')} as
       select ${day} as day, npc_id,
              count(*) filter (where event_type = 'NpcConversationHeld')::int as conversations,
              count(distinct player_id) filter (where event_type = 'NpcConversationHeld')::int as players,
              count(*) filter (where event_type = 'RelationshipChanged')::int as relationship_changes,
              coalesce(sum(change) filter (where event_type = 'RelationshipChanged'), 0)::int as net_change,
              round(avg(score) filter (where event_type = 'RelationshipChanged'), 2) as average_score,
              mode() within group (order by emotion) filter (where event_type = 'NpcConversationHeld')
                as commonest_emotion
         from ${log}
        where event_type in ('NpcConversationHeld', 'RelationshipChanged') and npc_id is not null
        group by 1, 2`,
    `create view ${view('analytics_deaths_by_place')} as
       select location_id, killed_by, count(*)::int as deaths, count(distinct player_id)::int as players,
              min(at) as first_at, max(at) as last_at
         from ${log}
        where event_type = 'PlayerDefeated'
        group by location_id, killed_by`,
  ];
}
