import { sql } from 'kysely';
import type { PlayerEvent } from '../../domain/player/player-events.ts';
import type { SqlProjection } from '../runner/projection.ts';
import { lastContentLoaded, recordset } from './batch.ts';

interface ProgressPatch {
  player_id: string;
  quest_id: string;
  status: 'active' | 'completed' | 'abandoned';
  step?: number;
  accepted_at?: string;
  completed_at?: string | null;
  position: string;
}

const PROGRESS_EVENTS = new Set(['QuestAccepted', 'QuestStepCompleted', 'QuestCompleted', 'QuestAbandoned']);

/** Quest definitions of the content in force, and every player's progress through them. */
export const questsProjection: SqlProjection = {
  name: 'quests',
  version: 1,
  filter: { eventTypes: ['WorldContentLoaded', ...PROGRESS_EVENTS] },
  tables: ['quests', 'quest_progress'],

  async createTables(db, names) {
    await sql`
      create table ${sql.table(names.quests!)} (
        quest_id text primary key,
        name text not null,
        giver text not null,
        requires text,
        steps jsonb not null,
        rewards jsonb not null,
        content_version text not null
      )`.execute(db);
    await sql`
      create table ${sql.table(names.quest_progress!)} (
        player_id text not null,
        quest_id text not null,
        status text not null check (status in ('active', 'completed', 'abandoned')),
        step int not null,
        accepted_at timestamptz,
        completed_at timestamptz,
        position bigint not null,
        primary key (player_id, quest_id)
      )`.execute(db);
    await sql`create index on ${sql.table(names.quest_progress!)} (quest_id, status)`.execute(db);
  },

  async apply(trx, events, names) {
    const loaded = lastContentLoaded(events);
    if (loaded) {
      const quests = loaded.content.quests.map((q) => ({
        quest_id: q.id,
        name: q.name,
        giver: q.giver,
        requires: q.requires ?? null,
        steps: q.steps,
        rewards: q.rewards,
        content_version: loaded.version,
      }));
      const table = sql.table(names.quests!);
      await sql`delete from ${table}`.execute(trx);
      await sql`
        insert into ${table} (quest_id, name, giver, requires, steps, rewards, content_version)
        select * from jsonb_to_recordset(${recordset(quests)}) as q(
          quest_id text, name text, giver text, requires text, steps jsonb, rewards jsonb, content_version text)`.execute(
        trx,
      );
    }

    const patches = new Map<string, ProgressPatch>();
    for (const stored of events) {
      if (!PROGRESS_EVENTS.has(stored.type)) continue;
      const event = stored as unknown as Extract<PlayerEvent, { data: { questId: string } }>;
      const { playerId, questId } = event.data;
      const key = `${playerId}\u0000${questId}`;
      const patch = patches.get(key) ?? {
        player_id: playerId,
        quest_id: questId,
        status: 'active',
        position: '0',
      };
      patches.set(key, patch);
      patch.position = stored.position.toString();
      const at = stored.metadata.timestamp;
      switch (event.type) {
        case 'QuestAccepted':
          // Accepting again after abandoning starts the quest over (see `restarted` below).
          Object.assign(patch, { status: 'active', step: 0, accepted_at: at, completed_at: null });
          break;
        case 'QuestStepCompleted':
          Object.assign(patch, { status: 'active', step: event.data.step + 1 });
          break;
        case 'QuestCompleted':
          // The last step's QuestStepCompleted came just before: `step` is already the step count.
          Object.assign(patch, { status: 'completed', completed_at: at });
          break;
        case 'QuestAbandoned':
          patch.status = 'abandoned';
          break;
      }
    }
    if (patches.size === 0) return;
    const table = sql.table(names.quest_progress!);
    // Only QuestAccepted sets accepted_at: a patch that has it replaces the row, any other merges into it.
    // Steps only go up within one acceptance, so merging them is `greatest`.
    const restarted = sql`excluded.accepted_at is not null`;
    await sql`
      insert into ${table} (player_id, quest_id, status, step, accepted_at, completed_at, position)
      select player_id, quest_id, status, coalesce(step, 0), accepted_at, completed_at, position
        from jsonb_to_recordset(${recordset([...patches.values()])}) as p(
          player_id text, quest_id text, status text, step int, accepted_at timestamptz, completed_at timestamptz,
          position bigint)
      on conflict (player_id, quest_id) do update set
        status = excluded.status,
        step = case when ${restarted} then excluded.step else greatest(excluded.step, ${table}.step) end,
        accepted_at = coalesce(excluded.accepted_at, ${table}.accepted_at),
        completed_at = case when ${restarted} then excluded.completed_at
                            else coalesce(excluded.completed_at, ${table}.completed_at) end,
        position = excluded.position`.execute(trx);
  },
};
