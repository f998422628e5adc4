import { sql, type Transaction } from 'kysely';
import { perPlayerItems } from '../../domain/location/item-placements.ts';
import type { LocationEvent } from '../../domain/location/location.ts';
import type { SqlProjection, TableNames } from '../runner/projection.ts';
import { type LoadedContent, lastContentLoaded, recordset } from './batch.ts';

const ITEM_EVENTS: Record<string, 1 | -1> = { ItemDropped: 1, LootDropped: 1, ItemPickedUp: -1 };

/**
 * The map of the content in force (locations, exits, item kinds, searchable by their words) and the
 * items lying in each location.
 *
 * Items after a content reload: the location stream decides against the NEW content's initial items
 * folded with every item event the stream ever recorded, a pick-up of an item that is not there being
 * a no-op. We keep exactly that, without replaying anything: per (location, item) the initial count of
 * the content in force, the net sum of the events' changes (`net`) and the lowest point that running sum
 * ever reached, 0 included (`low`). Counting up and down with a floor at 0 ends at
 * `net - least(-initial, low)` (Lindley's recursion), so a reload only rewrites `initial`, and a
 * batch merges into a row as `low = least(low, net + batch's own low)`, `net = net + batch's net`.
 * Rows whose count is 0 stay: they carry the history the next reload needs.
 * What lies there for everyone: per-player items (each player's own one) are left out, and placed
 * items back from their respawn are not counted until dropped again (they return by the clock, with
 * no event; the game reads them at the moment it is asked, see item-placements.ts).
 */
export const locationsProjection: SqlProjection = {
  name: 'locations',
  version: 1,
  filter: { eventTypes: ['WorldContentLoaded', ...Object.keys(ITEM_EVENTS)] },
  tables: ['locations', 'location_exits', 'location_items', 'world_items'],

  async createTables(db, names) {
    const searchable = sql`search tsvector generated always as (
      setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')) stored`;
    await sql`
      create table ${sql.table(names.locations!)} (
        location_id text primary key,
        name text not null,
        region text not null,
        description text not null,
        safe boolean not null,
        content_version text not null,
        ${searchable}
      )`.execute(db);
    await sql`create index on ${sql.table(names.locations!)} using gin (search)`.execute(db);
    await sql`
      create table ${sql.table(names.location_exits!)} (
        from_id text not null,
        direction text not null,
        to_id text not null,
        primary key (from_id, direction)
      )`.execute(db);
    await sql`create index on ${sql.table(names.location_exits!)} (to_id)`.execute(db);
    await sql`
      create table ${sql.table(names.location_items!)} (
        location_id text not null,
        item_id text not null,
        initial int not null default 0,
        net int not null default 0,
        low int not null default 0,
        count int generated always as (net - least(-initial, low)) stored,
        primary key (location_id, item_id)
      )`.execute(db);
    await sql`create index on ${sql.table(names.location_items!)} (item_id)`.execute(db);
    await sql`
      create table ${sql.table(names.world_items!)} (
        item_id text primary key,
        name text not null,
        description text not null,
        kind text not null,
        content_version text not null,
        ${searchable}
      )`.execute(db);
    await sql`create index on ${sql.table(names.world_items!)} using gin (search)`.execute(db);
  },

  async apply(trx, events, names) {
    const loaded = lastContentLoaded(events);
    if (loaded) await replaceContent(trx, names, loaded);

    const changes = new Map<string, { location_id: string; item_id: string; net: number; low: number }>();
    for (const stored of events) {
      const delta = ITEM_EVENTS[stored.type];
      if (delta === undefined) continue;
      const { locationId, itemId, ...moved } = (
        stored as unknown as Extract<LocationEvent, { data: { itemId: string } }>
      ).data;
      // A player's own one of a per-player item: what lies there for everyone is unchanged.
      if ('perPlayer' in moved && moved.perPlayer) continue;
      const key = `${locationId}\u0000${itemId}`;
      const change = changes.get(key) ?? { location_id: locationId, item_id: itemId, net: 0, low: 0 };
      changes.set(key, change);
      change.net += delta;
      change.low = Math.min(change.low, change.net);
    }
    if (changes.size === 0) return;
    const table = sql.table(names.location_items!);
    await sql`
      insert into ${table} (location_id, item_id, net, low)
      select * from jsonb_to_recordset(${recordset([...changes.values()])}) as c(
        location_id text, item_id text, net int, low int)
      on conflict (location_id, item_id) do update set
        low = least(${table}.low, ${table}.net + excluded.low),
        net = ${table}.net + excluded.net`.execute(trx);
  },
};

async function replaceContent(trx: Transaction<unknown>, names: TableNames, loaded: LoadedContent) {
  const { content, version } = loaded;
  const locations = content.locations.map((l) => ({
    location_id: l.id,
    name: l.name,
    region: l.region,
    description: l.description,
    safe: l.safe,
    content_version: version,
  }));
  const exits = content.locations.flatMap((l) =>
    Object.entries(l.exits).map(([direction, to]) => ({ from_id: l.id, direction, to_id: to })),
  );
  const initial = new Map<string, { location_id: string; item_id: string; initial: number }>();
  const perPlayer = perPlayerItems(content);
  for (const l of content.locations)
    for (const itemId of l.items.filter((id) => !perPlayer.has(id))) {
      const key = `${l.id}\u0000${itemId}`;
      const row = initial.get(key) ?? { location_id: l.id, item_id: itemId, initial: 0 };
      initial.set(key, row);
      row.initial++;
    }
  const items = content.items.map((i) => ({
    item_id: i.id,
    name: i.name,
    description: i.description,
    kind: i.kind,
    content_version: version,
  }));

  await sql`delete from ${sql.table(names.locations!)}`.execute(trx);
  await sql`
    insert into ${sql.table(names.locations!)} (location_id, name, region, description, safe, content_version)
    select * from jsonb_to_recordset(${recordset(locations)}) as l(
      location_id text, name text, region text, description text, safe boolean, content_version text)`.execute(
    trx,
  );
  await sql`delete from ${sql.table(names.location_exits!)}`.execute(trx);
  await sql`
    insert into ${sql.table(names.location_exits!)} (from_id, direction, to_id)
    select * from jsonb_to_recordset(${recordset(exits)}) as e(from_id text, direction text, to_id text)`.execute(
    trx,
  );
  const table = sql.table(names.location_items!);
  await sql`update ${table} set initial = 0 where initial <> 0`.execute(trx);
  await sql`
    insert into ${table} (location_id, item_id, initial)
    select * from jsonb_to_recordset(${recordset([...initial.values()])}) as i(
      location_id text, item_id text, initial int)
    on conflict (location_id, item_id) do update set initial = excluded.initial`.execute(trx);
  await sql`delete from ${sql.table(names.world_items!)}`.execute(trx);
  await sql`
    insert into ${sql.table(names.world_items!)} (item_id, name, description, kind, content_version)
    select * from jsonb_to_recordset(${recordset(items)}) as i(
      item_id text, name text, description text, kind text, content_version text)`.execute(trx);
}
