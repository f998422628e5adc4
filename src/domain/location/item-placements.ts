import type { PlayerState } from '../player/player.ts';
import type { Location, World, WorldContent } from '../world/world.ts';

/**
 * The items the content places somewhere, as they are at a moment: placed items taken come back after
 * their respawn time (read at `at`, like an enemy's respawn: no timer), and per-player items lie there
 * for each player until they take their own.
 */

/** Who looks at a place's items: per-player items show to a player only while they may take one. */
export interface ItemViewer {
  playerId: string;
  inventory?: PlayerState['inventory'];
  quests?: PlayerState['quests'];
}

/** What the location keeps of its placed items (part of its state). */
export interface PlacedItemsState {
  /** Item ids lying here for everyone (an id once per item): placed ones still there, dropped, looted. */
  items: readonly string[];
  /** Placed items taken and not yet back: item id → when each was taken (ISO), oldest first. */
  respawning?: Readonly<Record<string, readonly string[]>>;
  /** Per-player placed items: item id → the players who took their own here. */
  takenBy?: Readonly<Record<string, readonly string[]>>;
}

const perPlayerSets = new WeakMap<WorldContent, ReadonlySet<string>>();

/** The items every player gets their own of where the content places them (see the item's `questItem`). */
export function perPlayerItems(content: WorldContent): ReadonlySet<string> {
  let set = perPlayerSets.get(content);
  if (!set) {
    const needed = new Set(
      content.quests.flatMap((quest) =>
        quest.steps.flatMap(({ condition }) =>
          condition.type === 'have' || condition.type === 'deliver' ? [condition.item] : [],
        ),
      ),
    );
    set = new Set(
      content.items
        .filter((item) => item.questItem ?? (item.kind === 'quest' || needed.has(item.id)))
        .map((item) => item.id),
    );
    perPlayerSets.set(content, set);
  }
  return set;
}

/** Whether this item lying here is one the content placed per player. */
export function placedPerPlayer(world: World, location: Location, itemId: string): boolean {
  return location.items.includes(itemId) && perPlayerItems(world.content).has(itemId);
}

/** The placed items everyone shares (what a location starts with on its floor). */
export function sharedPlacements(world: World, location: Location): string[] {
  const perPlayer = perPlayerItems(world.content);
  return location.items.filter((id) => !perPlayer.has(id));
}

/** When a placed item taken at `takenAt` is back, or undefined when it does not come back. */
export function backAt(location: Location, itemId: string, takenAt: string): number | undefined {
  const seconds = location.itemRespawns[itemId];
  return seconds === undefined ? undefined : Date.parse(takenAt) + seconds * 1000;
}

/** The taken placements of an item that are back by `at`, oldest first. */
export function dueRespawns(location: Location, state: PlacedItemsState, itemId: string, at: Date): string[] {
  return (state.respawning?.[itemId] ?? []).filter((takenAt) => {
    const back = backAt(location, itemId, takenAt);
    return back !== undefined && back <= at.getTime();
  });
}

/** What lies here for everyone at a moment: the floor, and the placed items back from their respawn. */
export function sharedItemsAt(location: Location, state: PlacedItemsState, at: Date): string[] {
  const back = Object.keys(state.respawning ?? {}).flatMap((itemId) =>
    dueRespawns(location, state, itemId, at).map(() => itemId),
  );
  return [...state.items, ...back];
}

/**
 * A player is past needing a per-player item when they carry one, or when every quest step that asks
 * for it is behind them (a player who has not taken up the quest yet may still need it).
 */
export function pastNeeding(world: World, viewer: ItemViewer, itemId: string): boolean {
  if (viewer.inventory?.includes(itemId)) return true;
  const steps = world.content.quests.flatMap((quest) =>
    quest.steps.flatMap((step, index) =>
      (step.condition.type === 'have' || step.condition.type === 'deliver') && step.condition.item === itemId
        ? [{ quest: quest.id, index }]
        : [],
    ),
  );
  if (steps.length === 0) return false;
  return steps.every(({ quest, index }) => {
    const progress = viewer.quests?.[quest];
    return progress !== undefined && (progress.status === 'completed' || progress.step > index);
  });
}

/** The per-player items here that this player may take now (their own one, not taken yet); all for nobody. */
export function ownItemsFor(
  world: World,
  location: Location,
  state: PlacedItemsState,
  viewer?: ItemViewer,
): string[] {
  const perPlayer = perPlayerItems(world.content);
  return [...new Set(location.items.filter((id) => perPlayer.has(id)))].filter(
    (id) => !viewer || (!state.takenBy?.[id]?.includes(viewer.playerId) && !pastNeeding(world, viewer, id)),
  );
}

/**
 * The items a player sees lying here at a moment: what everyone shares, and their own per-player ones.
 * Without a viewer, what a newcomer would find (every per-player item placed here).
 */
export function itemsSeenBy(
  world: World,
  location: Location,
  state: PlacedItemsState,
  at: Date,
  viewer?: ItemViewer,
): string[] {
  const shared = sharedItemsAt(location, state, at);
  const own = ownItemsFor(world, location, state, viewer).filter((id) => !shared.includes(id));
  return [...shared, ...own];
}
