import type { Action } from '../../src/domain/actions.ts';
import { itemsSeenBy } from '../../src/domain/location/item-placements.ts';
import { enemiesPresent, locationDecider } from '../../src/domain/location/location.ts';
import { npcsAt, worldTime } from '../../src/domain/world/clock.ts';
import type { World } from '../../src/domain/world/world.ts';
import { limits } from '../../src/limits.ts';
import type { Range } from './simulated-model-server.ts';

/** The player model: bursts at the seed's per-player limit, then a pause to read and think. */
export const PLAYER = {
  burstActions: [2, 4] as Range,
  actionIntervalMs: 1000 / limits.actionsPerSecondPerPlayer,
  thinkMs: { mean: 5_000, min: 1_000, max: 20_000 },
};

/**
 * What a player decides to do next when not in the middle of something (weights). Talk, attack and
 * take start an activity: a conversation of 1-3 lines, a fight of 2-4 rounds, one pick-up. When the
 * activity is not possible here (nobody to talk to, no enemy, nothing lying here), the player walks
 * there first, one move per action toward the nearest place where it is, then carries it out; a
 * `move` drawn meanwhile also goes that way. The weights are tuned so that what players send comes
 * out near look 20%, move 25%, talk 17%, attack 9%, take 6%, say 10%, inventory 5%, quest 5%
 * (each step reports what was sent in actions_by_type).
 */
export const MIX = {
  look: 22,
  move: 8,
  talk: 12,
  attack: 8,
  take: 6,
  say: 10,
  inventory: 5,
  quest: 5,
} as const;
export const ACTIVITY: Record<Activity, Range> = { talk: [1, 3], attack: [2, 4], take: [1, 1] };
type Activity = 'talk' | 'attack' | 'take';
type Intent = keyof typeof MIX;

/** Share of talks that are a bare greeting; the rest ask about one of the NPC's topics. */
export const GREETING_SHARE = 0.35;
export const GREETINGS = ['hello', 'hi', 'greetings', 'hail', 'well met'];
export const SAYINGS = [
  'Anyone here?',
  'Hello, all.',
  'Which way to the ruins?',
  'Has anyone seen a wolf?',
  'Looking for a group.',
  'This place gives me the creeps.',
  'Nice weather, for once.',
  'Who sells potions around here?',
  'I need a better sword.',
  'Follow me!',
];

/** What a place offers a player, as the content puts it (items and enemies untouched by anyone). */
interface Place {
  id: string;
  exits: string[];
  npcs: string[];
  npcKeywords: Map<string, string[]>;
  enemies: string[];
  items: string[];
}

interface Places {
  byId: Map<string, Place>;
  ids: string[];
  /** kind → location id → direction to go (absent where the kind is here or nowhere reachable). */
  toward: Record<Activity, Map<string, string>>;
}

export interface SimPlayer {
  random: () => number;
  /** Where the player stands, as the server last told it (welcome, a result's location). */
  locationId: string;
  /** The activity under way: what, and how many more actions of it. */
  activity?: { kind: Activity; left: number };
}

/**
 * The players' knowledge of the world: where the NPCs are at this game hour (the game clock runs),
 * the enemies and items the content places, the ways between places. Rebuilt when the hour turns.
 */
export class WorldMap {
  private hour = -1;
  private places: Places | undefined;

  constructor(private readonly world: World) {}

  get locationIds(): string[] {
    return [...this.world.locations.keys()];
  }

  now(): Places {
    const at = new Date();
    const { hour } = worldTime(this.world, at);
    if (!this.places || hour !== this.hour) {
      this.places = mapPlaces(this.world, at);
      this.hour = hour;
    }
    return this.places;
  }

  /** The player's next action. */
  choose(player: SimPlayer): Action {
    return chooseAction(player, this.now());
  }
}

function mapPlaces(world: World, at: Date): Places {
  const byId = new Map<string, Place>();
  for (const location of world.locations.values()) {
    const state = locationDecider(world, location.id).initialState();
    const npcs = npcsAt(world, location.id, at);
    byId.set(location.id, {
      id: location.id,
      exits: Object.keys(location.exits),
      npcs: npcs.map((n) => n.name),
      npcKeywords: new Map(npcs.map((n) => [n.name, n.knowledge.map((k) => k.keywords[0]!)])),
      enemies: enemiesPresent(world, state, at).map((e) => e.enemy.name),
      items: itemsSeenBy(world, location, state, at).map((id) => world.items.get(id)?.name ?? id),
    });
  }
  const ids = [...byId.keys()];
  const nextStep = (has: (p: Place) => boolean): Map<string, string> => {
    const steps = new Map<string, string>();
    for (const start of ids) {
      if (has(byId.get(start)!)) continue;
      // Breadth first from `start`, remembering the first direction taken.
      const seen = new Set([start]);
      let frontier = Object.entries(world.locations.get(start)!.exits).map(([direction, to]) => ({
        id: to,
        first: direction,
      }));
      while (frontier.length > 0) {
        const found = frontier.find((f) => has(byId.get(f.id)!));
        if (found) {
          steps.set(start, found.first);
          break;
        }
        const next: typeof frontier = [];
        for (const f of frontier) {
          if (seen.has(f.id)) continue;
          seen.add(f.id);
          for (const to of Object.values(world.locations.get(f.id)!.exits))
            if (!seen.has(to)) next.push({ id: to, first: f.first });
        }
        frontier = next;
      }
    }
    return steps;
  };
  return {
    byId,
    ids,
    toward: {
      talk: nextStep((p) => p.npcs.length > 0),
      attack: nextStep((p) => p.enemies.length > 0),
      take: nextStep((p) => p.items.length > 0),
    },
  };
}

function chooseAction(player: SimPlayer, places: Places): Action {
  const random = player.random;
  const place = places.byId.get(player.locationId) ?? places.byId.get(places.ids[0]!)!;
  const pickFrom = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  type Direction = Extract<Action, { action_type: 'move' }>['direction'];
  const possible: Record<Activity, boolean> = {
    talk: place.npcs.length > 0,
    attack: place.enemies.length > 0,
    take: place.items.length > 0,
  };
  const move = (toward?: Activity): Action => ({
    action_type: 'move',
    direction: ((toward && places.toward[toward].get(place.id)) ?? pickFrom(place.exits)) as Direction,
  });
  const perform = (kind: Activity): Action => {
    switch (kind) {
      case 'talk': {
        const npc = pickFrom(place.npcs);
        const message =
          random() < GREETING_SHARE
            ? pickFrom(GREETINGS)
            : `What can you tell me about ${pickFrom(place.npcKeywords.get(npc) ?? ['yourself'])}?`;
        return { action_type: 'talk', npc, message };
      }
      case 'attack':
        return { action_type: 'attack', target: place.enemies[0]! };
      case 'take':
        return { action_type: 'take', item: pickFrom(place.items) };
    }
  };

  const activity = player.activity;
  if (activity && possible[activity.kind]) {
    activity.left--;
    if (activity.left <= 0) player.activity = undefined;
    return perform(activity.kind);
  }
  const intent = weighted(random, MIX);
  switch (intent) {
    case 'talk':
    case 'attack':
    case 'take': {
      const [min, max] = ACTIVITY[intent];
      const left = min + Math.floor(random() * (max - min + 1));
      if (!possible[intent]) {
        player.activity = { kind: intent, left };
        return move(intent);
      }
      player.activity = left > 1 ? { kind: intent, left: left - 1 } : undefined;
      return perform(intent);
    }
    case 'move':
      return move(activity?.kind);
    case 'look':
      return { action_type: 'look' };
    case 'say':
      return { action_type: 'say', message: pickFrom(SAYINGS) };
    case 'inventory':
      return { action_type: 'inventory' };
    case 'quest':
      return { action_type: 'quest', op: 'status' };
  }
}

function weighted(random: () => number, weights: Readonly<Record<Intent, number>>): Intent {
  const entries = Object.entries(weights) as [Intent, number][];
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [intent, weight] of entries) {
    roll -= weight;
    if (roll < 0) return intent;
  }
  return entries[entries.length - 1]![0];
}
