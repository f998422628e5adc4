import { sql, type Transaction } from 'kysely';
import type { PlayerEventOf } from '../../domain/player/player-events.ts';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { SqlProjection, TableNames } from '../runner/projection.ts';
import { type LoadedContent, lastContentLoaded, recordset } from './batch.ts';

interface Relationship {
  npc_id: string;
  other_id: string;
  other_kind: 'npc' | 'player';
  /** NPCs: the name in the content; players: null here, their username is looked up on the way in. */
  other_name: string | null;
  kind: string;
  score: number;
  updated_at: string;
}

/**
 * NPCs of the content in force with what players did with them: conversations held, and what each NPC
 * thinks of other NPCs (from the content) and of players (RelationshipChanged carries the new score).
 * An NPC that leaves the content keeps its row, with its content columns emptied (content_version
 * null), so its history is still there if a later version brings it back. Relationships carry the
 * other side's name (the NPC's, or the player's username from PlayerRegistered) next to its id.
 */
export const npcsProjection: SqlProjection = {
  name: 'npcs',
  version: 2,
  filter: {
    eventTypes: ['WorldContentLoaded', 'PlayerRegistered', 'NpcConversationHeld', 'RelationshipChanged'],
  },
  tables: ['npcs', 'npc_relationships', 'npc_player_names'],

  async createTables(db, names) {
    await sql`
      create table ${sql.table(names.npcs!)} (
        npc_id text primary key,
        name text,
        location text,
        description text,
        traits jsonb,
        mood text,
        speech_style text,
        knowledge text,
        content_version text,
        conversations int not null default 0,
        last_talk_at timestamptz,
        search tsvector generated always as (
          setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
          setweight(to_tsvector('english', coalesce(knowledge, '')), 'C')) stored
      )`.execute(db);
    await sql`create index on ${sql.table(names.npcs!)} using gin (search)`.execute(db);
    await sql`
      create table ${sql.table(names.npc_relationships!)} (
        npc_id text not null,
        other_id text not null,
        other_kind text not null check (other_kind in ('npc', 'player')),
        other_name text,
        kind text not null,
        score int not null,
        updated_at timestamptz not null,
        primary key (npc_id, other_kind, other_id)
      )`.execute(db);
    await sql`create index on ${sql.table(names.npc_relationships!)} (other_kind, other_id)`.execute(db);
    await sql`
      create table ${sql.table(names.npc_player_names!)} (
        player_id text primary key,
        username text not null
      )`.execute(db);
  },

  async apply(trx, events, names) {
    const loaded = lastContentLoaded(events);
    if (loaded) await replaceContent(trx, names, loaded);
    await rememberPlayerNames(trx, names, events);

    const talks = new Map<string, { npc_id: string; conversations: number; last_talk_at: string }>();
    const opinions = new Map<string, Relationship>();
    for (const stored of events) {
      if (stored.type === 'NpcConversationHeld') {
        const { npcId, at } = (stored as unknown as PlayerEventOf<'NpcConversationHeld'>).data;
        const talk = talks.get(npcId) ?? { npc_id: npcId, conversations: 0, last_talk_at: at };
        talks.set(npcId, talk);
        talk.conversations++;
        if (Date.parse(at) > Date.parse(talk.last_talk_at)) talk.last_talk_at = at;
      } else if (stored.type === 'RelationshipChanged') {
        const { npcId, playerId, score, reason } = (stored as unknown as PlayerEventOf<'RelationshipChanged'>)
          .data;
        // Players have no kind of relationship in the content: the kind is what last changed the score.
        opinions.set(`${npcId}\u0000${playerId}`, {
          npc_id: npcId,
          other_id: playerId,
          other_kind: 'player',
          other_name: null,
          kind: reason,
          score,
          updated_at: stored.metadata.timestamp,
        });
      }
    }
    if (talks.size > 0) {
      const table = sql.table(names.npcs!);
      await sql`
        insert into ${table} (npc_id, conversations, last_talk_at)
        select * from jsonb_to_recordset(${recordset([...talks.values()])}) as t(
          npc_id text, conversations int, last_talk_at timestamptz)
        on conflict (npc_id) do update set
          conversations = ${table}.conversations + excluded.conversations,
          last_talk_at = greatest(${table}.last_talk_at, excluded.last_talk_at)`.execute(trx);
    }
    if (opinions.size > 0) await upsertRelationships(trx, names, [...opinions.values()]);
  },
};

async function replaceContent(trx: Transaction<unknown>, names: TableNames, loaded: LoadedContent) {
  const table = sql.table(names.npcs!);
  const npcs = loaded.content.npcs.map((npc) => ({
    npc_id: npc.id,
    name: npc.name,
    location: npc.location,
    description: npc.description,
    traits: npc.personality.traits,
    mood: npc.personality.mood,
    speech_style: npc.speechStyle,
    knowledge: npc.knowledge.map((k) => `${k.topic}: ${[k.text, ...k.more].join(' ')}`).join('\n'),
    content_version: loaded.version,
  }));
  await sql`
    update ${table} set name = null, location = null, description = null, traits = null, mood = null,
                        speech_style = null, knowledge = null, content_version = null
     where content_version is not null`.execute(trx);
  await sql`
    insert into ${table} (npc_id, name, location, description, traits, mood, speech_style, knowledge, content_version)
    select * from jsonb_to_recordset(${recordset(npcs)}) as n(
      npc_id text, name text, location text, description text, traits jsonb, mood text, speech_style text,
      knowledge text, content_version text)
    on conflict (npc_id) do update set
      name = excluded.name, location = excluded.location, description = excluded.description,
      traits = excluded.traits, mood = excluded.mood, speech_style = excluded.speech_style,
      knowledge = excluded.knowledge, content_version = excluded.content_version`.execute(trx);

  const npcNames = new Map(loaded.content.npcs.map((npc) => [npc.id, npc.name]));
  const between = new Map<string, Relationship>();
  for (const npc of loaded.content.npcs)
    for (const r of npc.relationships)
      between.set(`${npc.id}\u0000${r.npc}`, {
        npc_id: npc.id,
        other_id: r.npc,
        other_kind: 'npc',
        other_name: npcNames.get(r.npc) ?? null,
        kind: r.kind,
        score: r.score,
        updated_at: loaded.at,
      });
  await sql`delete from ${sql.table(names.npc_relationships!)} where other_kind = 'npc'`.execute(trx);
  if (between.size > 0) await upsertRelationships(trx, names, [...between.values()]);
}

/** Usernames of the batch's new players, and on any relationship that was waiting for one. */
async function rememberPlayerNames(
  trx: Transaction<unknown>,
  names: TableNames,
  events: readonly StoredEvent[],
) {
  const players = events
    .filter((stored) => stored.type === 'PlayerRegistered')
    .map((stored) => {
      const { playerId, username } = (stored as unknown as PlayerEventOf<'PlayerRegistered'>).data;
      return { player_id: playerId, username };
    });
  if (players.length === 0) return;
  await sql`
    insert into ${sql.table(names.npc_player_names!)} (player_id, username)
    select * from jsonb_to_recordset(${recordset(players)}) as p(player_id text, username text)
    on conflict (player_id) do update set username = excluded.username`.execute(trx);
  await sql`
    update ${sql.table(names.npc_relationships!)} r set other_name = p.username
      from ${sql.table(names.npc_player_names!)} p
     where r.other_kind = 'player' and r.other_id = p.player_id
       and r.other_id in (select player_id from jsonb_to_recordset(${recordset(players)}) as n(player_id text))`.execute(
    trx,
  );
}

async function upsertRelationships(trx: Transaction<unknown>, names: TableNames, rows: Relationship[]) {
  await sql`
    insert into ${sql.table(names.npc_relationships!)}
      (npc_id, other_id, other_kind, other_name, kind, score, updated_at)
    select r.npc_id, r.other_id, r.other_kind, coalesce(r.other_name, p.username), r.kind, r.score, r.updated_at
      from jsonb_to_recordset(${recordset(rows)}) as r(
        npc_id text, other_id text, other_kind text, other_name text, kind text, score int, updated_at timestamptz)
      left join ${sql.table(names.npc_player_names!)} p on r.other_kind = 'player' and p.player_id = r.other_id
    on conflict (npc_id, other_kind, other_id) do update set
      other_name = coalesce(excluded.other_name, ${sql.table(names.npc_relationships!)}.other_name), kind = excluded.kind, score = excluded.score,
      updated_at = excluded.updated_at`.execute(trx);
}
