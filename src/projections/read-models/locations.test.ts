import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocationCommand, type LocationEvent, locationDecider } from '../../domain/location/location.ts';
import { pick, seededRandom } from '../../domain/random.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { buildWorld, type World } from '../../domain/world/world.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness, rowsOf } from '../testing/projection-harness.ts';
import { locationsProjection } from './locations.ts';
import {
  append,
  caughtUp,
  contentLoaded,
  expectRebuildIdentical,
  follow,
  type Harness,
} from './read-model-testing.ts';

const v1 = fixtureWorld();
const v2 = (() => {
  const content = structuredClone(v1.content);
  content.version = 'fixture-2';
  const [square, hut, woods] = content.locations;
  square!.items = ['herb', 'herb'];
  square!.description = 'A square where an old well stands.';
  hut!.items = ['fang', 'dagger'];
  woods!.items = [];
  return buildWorld(content);
})();
const AT = '2026-11-25T12:00:00.000Z';
const v3 = buildWorld({ ...v1.content, version: 'fixture-3' });

/** What the location streams hold now, the way the domain folds them under the content in force. */
function domainItems(world: World, history: Map<string, LocationEvent[]>) {
  const rows: { location_id: string; item_id: string; count: number }[] = [];
  for (const locationId of [...world.locations.keys()].sort()) {
    const decider = locationDecider(world, locationId);
    const state = (history.get(locationId) ?? []).reduce(decider.evolve, decider.initialState());
    for (const item_id of [...new Set(state.items)].sort())
      rows.push({ location_id: locationId, item_id, count: state.items.filter((i) => i === item_id).length });
  }
  return rows;
}

describe('locations read model', () => {
  let harness: Harness;
  let runner: ProjectionRunner;
  const history = new Map<string, LocationEvent[]>();

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = await follow(harness, locationsProjection);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  const itemsNow = async () =>
    (
      await sql<{ location_id: string; item_id: string; count: number }>`
        select location_id, item_id, count from rm_location_items where count > 0 order by 1, 2`.execute(
        harness.database.db,
      )
    ).rows;

  /** Players picking up what lies there (as the location decides) and dropping things, at random. */
  async function play(world: World, seed: string, actions: number) {
    const random = seededRandom(seed);
    for (let n = 0; n < actions; n++) {
      const locationId = pick(random, [...world.locations.keys()]);
      const decider = locationDecider(world, locationId);
      const past = history.get(locationId) ?? [];
      const state = past.reduce(decider.evolve, decider.initialState());
      const roll = random();
      const decided: LocationEvent[] =
        roll < 0.5 && state.items.length > 0
          ? decider.decide(
              { type: 'PickUpItem', itemId: pick(random, state.items), playerId: 'p1', at: AT },
              state,
            )
          : roll < 0.85
            ? decider.decide(
                { type: 'DropItem', itemId: pick(random, [...world.items.keys()]), playerId: 'p1', at: AT },
                state,
              )
            : [{ type: 'LootDropped', data: { locationId, enemyId: 'wolf', itemId: 'fang' } }];
      await record(locationId, decided);
    }
  }

  async function record(locationId: string, decided: LocationEvent[]) {
    history.set(locationId, [...(history.get(locationId) ?? []), ...decided]);
    await append(
      harness,
      `location-${locationId}`,
      decided.map((e) => event(e.type, e.data)),
    );
  }

  /** One command at a location, as the location decides it under this content. */
  async function act(world: World, locationId: string, command: LocationCommand) {
    const decider = locationDecider(world, locationId);
    const state = (history.get(locationId) ?? []).reduce(decider.evolve, decider.initialState());
    await record(locationId, decider.decide(command, state));
  }

  it('keeps the map of the content in force, searchable', async () => {
    await append(harness, 'world-content', [contentLoaded(v1.content)]);
    await caughtUp(runner);
    expect(await rowsOf(harness.database, 'rm_locations', 'location_id')).toMatchObject([
      {
        location_id: 'hut',
        name: "Elder's Hut",
        region: 'village',
        safe: true,
        content_version: 'fixture-1',
      },
      { location_id: 'square', description: 'A square.' },
      { location_id: 'woods', name: 'Dark Woods', safe: false },
    ]);
    expect(await rowsOf(harness.database, 'rm_location_exits', 'from_id, direction')).toEqual([
      { from_id: 'hut', direction: 'south', to_id: 'square' },
      { from_id: 'square', direction: 'north', to_id: 'hut' },
      { from_id: 'square', direction: 'south', to_id: 'woods' },
      { from_id: 'woods', direction: 'north', to_id: 'square' },
    ]);
    expect(await rowsOf(harness.database, 'rm_world_items', 'item_id')).toHaveLength(5);
    expect(await itemsNow()).toEqual(domainItems(v1, history));
    const { rows } = await sql<{ item_id: string }>`
      select item_id from rm_world_items where search @@ websearch_to_tsquery('english', 'wolf fangs')`.execute(
      harness.database.db,
    );
    expect(rows).toEqual([{ item_id: 'fang' }]);
  });

  it('counts items as the location streams do, across batches and content reloads', async () => {
    // The dagger taken under a content that starts the square with it (set down under one that does not, below).
    await act(v1, 'square', { type: 'PickUpItem', itemId: 'dagger', playerId: 'p1', at: AT });
    await play(v1, 'one', 30);
    await caughtUp(runner);
    expect(await itemsNow()).toEqual(domainItems(v1, history));

    // Set down under a content that no longer starts the square with one: `initial + net` is wrong there.
    await append(harness, 'world-content', [contentLoaded(v2.content)]);
    await act(v2, 'square', { type: 'DropItem', itemId: 'dagger', playerId: 'p1', at: AT });
    await caughtUp(runner);
    const { rows: floored } = await sql`
      select * from rm_location_items where count <> greatest(0, initial + net)`.execute(harness.database.db);
    expect(floored.length).toBeGreaterThan(0);
    expect(await itemsNow()).toEqual(domainItems(v2, history));

    for (const [world, seed] of [
      [v2, 'two'],
      [v3, 'three'],
      [v2, 'four'],
    ] as const) {
      await append(harness, 'world-content', [contentLoaded(world.content)]);
      await play(world, seed, 30);
      await caughtUp(runner);
      expect(await itemsNow()).toEqual(domainItems(world, history));
    }
    expect(await rowsOf(harness.database, 'rm_locations', 'location_id')).toMatchObject([
      { content_version: 'fixture-2' },
      { description: 'A square where an old well stands.' },
      { content_version: 'fixture-2' },
    ]);
  });

  it('rebuilds to the same rows as a copy built from zero', async () => {
    await expectRebuildIdentical(harness, runner, () => play(v2, 'five', 20), {
      locations: 'location_id',
      location_exits: 'from_id, direction',
      location_items: 'location_id, item_id',
      world_items: 'item_id',
    });
    expect(await itemsNow()).toEqual(domainItems(v2, history));
  });
});
