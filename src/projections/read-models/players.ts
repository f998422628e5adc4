import { sql } from 'kysely';
import type { PlayerEvent } from '../../domain/player/player-events.ts';
import type { SqlProjection } from '../runner/projection.ts';

interface PlayerPatch {
  player_id: string;
  username?: string;
  location_id?: string;
  hp?: number;
  max_hp?: number;
  xp?: number;
  quests_completed: number;
  enemies_slain: number;
  defeats: number;
  sessions_open: number;
  sessions_total: number;
  registered_at?: string;
  last_seen_at: string;
  position: string;
}

/** Player profiles and progression: where each player is, HP, experience and what they have done. */
export const playersProjection: SqlProjection = {
  name: 'players',
  version: 1,
  filter: {
    eventTypes: [
      'PlayerRegistered',
      'PlayerSpawned',
      'PlayerMoved',
      'PlayerRespawned',
      'DamageTaken',
      'PlayerHealed',
      'XpGained',
      'QuestCompleted',
      'EnemySlain',
      'PlayerDefeated',
      'PlayerEnteredWorld',
      'PlayerLeftWorld',
    ],
  },
  tables: ['players'],

  async createTables(db, names) {
    await sql`
      create table ${sql.table(names.players!)} (
        player_id text primary key,
        username text not null default '',
        location_id text,
        hp int,
        max_hp int,
        xp int not null default 0,
        quests_completed int not null default 0,
        enemies_slain int not null default 0,
        defeats int not null default 0,
        sessions_open int not null default 0,
        sessions_total int not null default 0,
        registered_at timestamptz,
        last_seen_at timestamptz,
        position bigint not null
      )`.execute(db);
    await sql`create index on ${sql.table(names.players!)} (location_id)`.execute(db);
    await sql`create index on ${sql.table(names.players!)} (xp desc)`.execute(db);
  },

  async apply(trx, events, names) {
    const patches = new Map<string, PlayerPatch>();
    for (const stored of events) {
      const event = stored as unknown as PlayerEvent;
      if (!('playerId' in event.data)) continue;
      const id = event.data.playerId;
      const patch = patches.get(id) ?? {
        player_id: id,
        quests_completed: 0,
        enemies_slain: 0,
        defeats: 0,
        sessions_open: 0,
        sessions_total: 0,
        last_seen_at: stored.metadata.timestamp,
        position: '0',
      };
      patches.set(id, patch);
      patch.last_seen_at = stored.metadata.timestamp;
      patch.position = stored.position.toString();
      switch (event.type) {
        case 'PlayerRegistered':
          patch.username = event.data.username;
          patch.registered_at = stored.metadata.timestamp;
          break;
        case 'PlayerSpawned':
          Object.assign(patch, {
            location_id: event.data.locationId,
            hp: event.data.hp,
            max_hp: event.data.maxHp,
          });
          break;
        case 'PlayerMoved':
          patch.location_id = event.data.to;
          break;
        case 'PlayerRespawned':
          Object.assign(patch, { location_id: event.data.locationId, hp: event.data.hp });
          break;
        case 'DamageTaken':
        case 'PlayerHealed':
          patch.hp = event.data.hp;
          break;
        case 'XpGained':
          patch.xp = event.data.xp;
          break;
        case 'QuestCompleted':
          patch.quests_completed++;
          break;
        case 'EnemySlain':
          patch.enemies_slain++;
          break;
        case 'PlayerDefeated':
          patch.defeats++;
          break;
        case 'PlayerEnteredWorld':
          patch.sessions_open++;
          patch.sessions_total++;
          break;
        case 'PlayerLeftWorld':
          patch.sessions_open--;
          break;
      }
    }
    if (patches.size === 0) return;
    const table = sql.table(names.players!);
    // One statement per batch: absolute values overwrite (when present), counters add up.
    await sql`
      insert into ${table} (player_id, username, location_id, hp, max_hp, xp, quests_completed, enemies_slain, defeats,
                            sessions_open, sessions_total, registered_at, last_seen_at, position)
      select player_id, coalesce(username, ''), location_id, hp, max_hp, coalesce(xp, 0), quests_completed, enemies_slain, defeats,
             sessions_open, sessions_total, registered_at, last_seen_at, position
        from jsonb_to_recordset(${JSON.stringify([...patches.values()])}::jsonb) as p(
          player_id text, username text, location_id text, hp int, max_hp int, xp int, quests_completed int,
          enemies_slain int, defeats int, sessions_open int, sessions_total int, registered_at timestamptz,
          last_seen_at timestamptz, position bigint)
      on conflict (player_id) do update set
        username = case when excluded.username = '' then ${table}.username else excluded.username end,
        location_id = coalesce(excluded.location_id, ${table}.location_id),
        hp = coalesce(excluded.hp, ${table}.hp),
        max_hp = coalesce(excluded.max_hp, ${table}.max_hp),
        xp = greatest(excluded.xp, ${table}.xp),
        quests_completed = ${table}.quests_completed + excluded.quests_completed,
        enemies_slain = ${table}.enemies_slain + excluded.enemies_slain,
        defeats = ${table}.defeats + excluded.defeats,
        sessions_open = greatest(0, ${table}.sessions_open + excluded.sessions_open),
        sessions_total = ${table}.sessions_total + excluded.sessions_total,
        registered_at = coalesce(${table}.registered_at, excluded.registered_at),
        last_seen_at = excluded.last_seen_at,
        position = excluded.position`.execute(trx);
  },
};
