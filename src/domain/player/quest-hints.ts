import { npcLocationAt } from '../world/clock.ts';
import type { Location, Quest, World } from '../world/world.ts';
import type { PlayerState } from './player.ts';

/**
 * A quest step's hint as things stand now: the content's words, and a note wherever they point at
 * something that is no longer where they say (a dagger taken from the smithy, a wolf slain in its
 * hollow), or at an item the player already carries or still lacks.
 */

/** What a player finds at a place now (a LocationScene fits): item ids, and the enemies standing there. */
export interface SeenPlace {
  items: readonly string[];
  enemies: readonly { enemy: { id: string } }[];
}

/** Something a hint sends the player to, where the content puts it. */
interface Pointer {
  kind: 'item' | 'enemy';
  id: string;
  name: string;
  /** The places that count: any one of them still having it is enough. */
  locations: Location[];
}

/** The player's current step of a quest (the first active quest when none is named). */
export function currentStep(
  world: World,
  player: Pick<PlayerState, 'quests'>,
  questId?: string,
): { quest: Quest; step: Quest['steps'][number] } | undefined {
  for (const [id, progress] of Object.entries(player.quests)) {
    if (progress.status !== 'active' || (questId !== undefined && id !== questId)) continue;
    const quest = world.quests.get(id);
    const step = quest?.steps[progress.step];
    if (quest && step) return { quest, step };
  }
  return undefined;
}

/** The places whose state the current hint depends on (to read them first, and only them). */
export function hintPlaces(world: World, player: Pick<PlayerState, 'quests'>, questId?: string): string[] {
  const current = currentStep(world, player, questId);
  if (!current) return [];
  return [...new Set(pointersOf(world, current.step).flatMap((p) => p.locations.map((l) => l.id)))];
}

/**
 * The hint of the player's current step (of `questId`, or of the first active quest), with what is no
 * longer so. `seen` tells what a place holds now for this player; a place it does not know (undefined)
 * is taken to be as the hint says. Undefined when the player has no such active quest.
 */
export function currentHint(
  world: World,
  player: Pick<PlayerState, 'quests' | 'inventory'>,
  seen: (locationId: string) => SeenPlace | undefined = () => undefined,
  questId?: string,
  /** The world's hour now: where the step's NPC is just then, when their schedule has taken them from home. */
  hourOfDay?: number,
): string | undefined {
  const current = currentStep(world, player, questId);
  if (!current) return undefined;
  const notes = pointersOf(world, current.step).flatMap((pointer) => noteOn(world, player, pointer, seen));
  const whereNow = hourOfDay === undefined ? undefined : npcAwayNote(world, current.step, hourOfDay);
  return [current.step.hint, ...notes, ...(whereNow ? [whereNow] : [])].join(' ');
}

/** "Just now Sylvi the Ranger is at the Sleeping Drake Tavern.", when the step's NPC is away from home. */
function npcAwayNote(world: World, step: Quest['steps'][number], hourOfDay: number): string | undefined {
  const { condition } = step;
  const npcId = condition.type === 'talk' || condition.type === 'deliver' ? condition.npc : undefined;
  const npc = npcId ? world.npcs.get(npcId) : undefined;
  if (!npc) return undefined;
  const now = npcLocationAt(npc, hourOfDay);
  const place = now === npc.location ? undefined : world.locations.get(now);
  return place ? `Just now ${npc.name} is ${placePhrase(place)}.` : undefined;
}

function noteOn(
  world: World,
  player: Pick<PlayerState, 'inventory'>,
  pointer: Pointer,
  seen: (locationId: string) => SeenPlace | undefined,
): string[] {
  const { name } = pointer;
  if (pointer.kind === 'item' && player.inventory.includes(pointer.id))
    return [`You already carry the ${name}.`];
  const places = pointer.locations.map((location) => ({ location, now: seen(location.id) }));
  if (places.length === 0) {
    // Not placed anywhere: it comes from an enemy (loot), so say who leaves one.
    const sources = world.content.enemies.filter((e) => e.loot.some((l) => l.item === pointer.id));
    if (pointer.kind !== 'item' || sources.length === 0) return [];
    return [
      `You do not carry the ${name}: the ${sources.map((e) => e.name).join(' or the ')} leaves one when slain.`,
    ];
  }
  const stillThere = places.some(({ now }) =>
    now === undefined
      ? true
      : pointer.kind === 'item'
        ? now.items.includes(pointer.id)
        : now.enemies.some((e) => e.enemy.id === pointer.id),
  );
  if (stillThere) return [];
  const where = placePhrase(places[0]!.location);
  if (pointer.kind === 'enemy')
    return [`The ${name} ${where} was slain not long ago; another will be there before long.`];
  const comesBack = places.some(({ location }) => pointer.id in location.itemRespawns);
  return [
    `The ${name} is no longer ${where} — someone took it${comesBack ? '; another will turn up there before long' : ''}.`,
  ];
}

/** What a step points at: its condition's enemy or item, and any placed item its hint names. */
function pointersOf(world: World, step: Quest['steps'][number]): Pointer[] {
  const pointers: Pointer[] = [];
  const { condition } = step;
  if (condition.type === 'defeat') {
    const enemy = world.enemies.get(condition.enemy);
    if (enemy)
      pointers.push({
        kind: 'enemy',
        id: enemy.id,
        name: enemy.name,
        locations: world.content.locations.filter((l) => l.enemies.includes(enemy.id)),
      });
  }
  const asked = condition.type === 'have' || condition.type === 'deliver' ? condition.item : undefined;
  return [...pointers, ...itemPointersIn(world, step.hint, asked)];
}

/**
 * The items a text names (and `asked`, named or not), at the places it names them at, else (unless
 * `placeNamed`) wherever they lie. With `placeNamed`, a word of the place's name is enough ("the
 * clearing" for the Moonlit Clearing, "my smithy"): a line that names no place points nowhere.
 */
function itemPointersIn(world: World, text: string, asked?: string, placeNamed = false): Pointer[] {
  const pointers: Pointer[] = [];
  for (const item of world.content.items) {
    if (item.id !== asked && !namedIn(text, item.name)) continue;
    const placed = world.content.locations.filter((l) => l.items.includes(item.id));
    // A text naming the place ("the dagger in the Smithy") points there; otherwise anywhere it lies.
    const named = placed.filter((l) =>
      placeNamed ? placeWordsOf(l).some((word) => namedIn(text, word)) : namedIn(text, bareName(l.name)),
    );
    if (placeNamed && named.length === 0) continue;
    pointers.push({
      kind: 'item',
      id: item.id,
      name: item.name,
      locations: named.length > 0 ? named : placed,
    });
  }
  return pointers;
}

/** The places whose state tells whether the items a text points at (an NPC's line) still lie there. */
export function placesOfItemsIn(world: World, text: string): string[] {
  return [
    ...new Set(itemPointersIn(world, text, undefined, true).flatMap((p) => p.locations.map((l) => l.id))),
  ];
}

/**
 * What is no longer so of the items a text points at where it says they lie ("There's a rusty dagger
 * on the rack in my smithy"): a note for each one gone from every place it names. Items the player carries
 * are left out (whoever tells the text sees them on the player, and says so in its own way).
 */
export function itemNotesIn(
  world: World,
  player: Pick<PlayerState, 'inventory'>,
  text: string,
  seen: (locationId: string) => SeenPlace | undefined,
): string[] {
  return itemPointersIn(world, text, undefined, true)
    .filter((pointer) => pointer.locations.length > 0 && !player.inventory.includes(pointer.id))
    .flatMap((pointer) => noteOn(world, player, pointer, seen));
}

function namedIn(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${escaped}s?\\b`, 'i').test(text);
}

const bareName = (name: string) => name.replace(/^the\s+/i, '');

/** The words a place may be called by in passing: "smithy", "clearing", "forest" (not "the", "of"). */
const placeWordsOf = (location: Location) =>
  bareName(location.name)
    .split(/[\s']+/)
    .filter((word) => word.length >= 5);

function placePhrase(location: Location): string {
  return `at ${location.name.replace(/^The\s+/, 'the ')}`;
}
