import { sql } from 'kysely';
import type { PlayerEventOf } from '../../domain/player/player-events.ts';
import type { SqlProjection } from '../runner/projection.ts';
import { recordset } from './batch.ts';

/** The conversation history: every talk between a player and an NPC, searchable by its words. */
export const conversationsProjection: SqlProjection = {
  name: 'conversations',
  version: 1,
  filter: { eventTypes: ['NpcConversationHeld'] },
  tables: ['conversations'],

  async createTables(db, names) {
    const table = sql.table(names.conversations!);
    await sql`
      create table ${table} (
        event_id uuid primary key,
        position bigint not null,
        npc_id text not null,
        player_id text not null,
        location_id text not null,
        message text not null,
        reply text not null,
        emotion text not null,
        at timestamptz not null,
        search tsvector generated always as (to_tsvector('english', message || ' ' || reply)) stored
      )`.execute(db);
    await sql`create index on ${table} using gin (search)`.execute(db);
    await sql`create index on ${table} (player_id, at)`.execute(db);
    await sql`create index on ${table} (npc_id, at)`.execute(db);
  },

  async apply(trx, events, names) {
    const rows = events.map((stored) => {
      const { npcId, playerId, locationId, message, reply, emotion, at } = (
        stored as unknown as PlayerEventOf<'NpcConversationHeld'>
      ).data;
      return {
        event_id: stored.id,
        position: stored.position.toString(),
        npc_id: npcId,
        player_id: playerId,
        location_id: locationId,
        message,
        reply,
        emotion,
        at,
      };
    });
    if (rows.length === 0) return;
    await sql`
      insert into ${sql.table(names.conversations!)}
        (event_id, position, npc_id, player_id, location_id, message, reply, emotion, at)
      select * from jsonb_to_recordset(${recordset(rows)}) as c(
        event_id uuid, position bigint, npc_id text, player_id text, location_id text, message text, reply text,
        emotion text, at timestamptz)
      on conflict (event_id) do nothing`.execute(trx);
  },
};
