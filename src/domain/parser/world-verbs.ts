import { findByName } from '../world/lookup.ts';
import { personDescribed } from './addressee.ts';
import {
  type Built,
  type ClauseContext,
  done,
  dropLeading,
  everything,
  itemsAnywhere,
  lower,
  named,
  onThing,
  phrase,
  problem,
  some,
  splitAtLast,
} from './clause.ts';
import { DIRECTION_SPELLINGS, directionOf, isDiagonal } from './directions.ts';
import { nearestName, type SceneNames, withoutArticles } from './scene-names.ts';

/** Reading the verbs of moving, looking and handling things. */

export const waysOut = (scene: SceneNames) => scene.exits.map((exit) => `go ${exit.direction}`);

export function move(words: string[], context: ClauseContext): Built {
  const text = withoutArticles(phrase(dropLeading(words, ['to', 'towards', 'toward', 'into', 'through'])));
  const { scene } = context;
  if (!text) return problem('Go where?', waysOut(scene));
  const direction = directionOf(text);
  if (direction) return done({ action_type: 'move', direction });
  if (isDiagonal(text))
    return problem(
      `There are no diagonal ways: the world's ways are north, south, east, west, up and down.`,
      waysOut(scene),
    );
  const places = scene.exits.map((exit) => exit.name);
  // The rules take a way's place by its whole name only: "the smithy" goes as "The Smithy".
  const way = findByName(
    places.map((name) => ({ id: name, name })),
    text,
  );
  if (way) return done({ action_type: 'move', to: way.name });
  const place = nearestName(text, places);
  if (place) return done({ action_type: 'move', to: place }, [`"${text}" read as "${place}"`]);
  const typoOf = nearestName(text, DIRECTION_SPELLINGS);
  if (typoOf) {
    const corrected = directionOf(typoOf)!;
    return done({ action_type: 'move', direction: corrected }, [`"${text}" read as "${corrected}"`]);
  }
  return done({ action_type: 'move', to: text });
}

export function look(words: string[], context: ClauseContext): Built {
  const rest = dropLeading(words, ['around', 'about', 'here', 'at', 'in', 'on', 'to', 'the']);
  if (rest.length === 0 || directionOf(phrase(rest))) return done({ action_type: 'look' });
  return examine(rest, context);
}

export const examine = onThing('examine', 'target', everything, 'examine');

export function inspect(words: string[], context: ClauseContext): Built {
  const rest = dropLeading(words, ['at', 'the', 'my', 'your']);
  const text = phrase(rest).toLowerCase();
  if (['inventory', 'inv', 'bag', 'pack', 'items', 'me', 'myself', 'self'].includes(text))
    return done({ action_type: 'inventory' });
  if (['quests', 'quest', 'journal', 'quest log'].includes(text))
    return done({ action_type: 'quest', op: 'status' });
  const described = personDescribed(withoutArticles(phrase(rest)), context);
  if (described) return done({ action_type: 'examine', target: described });
  return examine(rest, context);
}

export function take(words: string[], context: ClauseContext): Built {
  // "fetch me that stick", "get the bucket for me": the player is the one who takes it.
  const forMe = /^(?:me|us|myself)$/i.test(words[0] ?? '') && words.length > 1 ? words.slice(1) : words;
  const ending = lower(forMe).slice(-2).join(' ');
  const mine = ['for me', 'for us'].includes(ending) && forMe.length > 2 ? forMe.slice(0, -2) : forMe;
  return takeThing(mine, context);
}

function takeThing(words: string[], context: ClauseContext): Built {
  // "take the jerkin off": taking off what one wears.
  if (lower(words).at(-1) === 'off' && words.length > 1 && context.has('unequip'))
    return unequip(words.slice(0, -1), context);
  const rest = lower(words).at(-1) === 'up' && words.length > 1 ? words.slice(0, -1) : words;
  const from = lower(rest).findIndex((word, i) => i > 0 && ['from', 'out', 'off'].includes(word));
  const text = phrase(from > 0 ? rest.slice(0, from) : rest).toLowerCase();
  if (ALL.includes(text)) {
    // The world's things hold nothing: "take all from the bucket" has nothing to take out.
    if (from > 0)
      return problem(
        `Nothing here holds other things to take out of it. "take all" picks up what lies here.`,
        ['take all', 'look'],
      );
    // What lies in the next place is not known until the player is there.
    if (context.moved)
      return problem('"take all" after a move takes what lies there: send it once you have arrived.', [
        'look',
      ]);
    return everyOne('take', context.scene.itemsHere, 'There is nothing here to take.', 'take all');
  }
  // A thing carried is named as the player knows it ("g" after "fetch me that stick": the quarterstaff).
  const known = (scene: SceneNames) => (rest.length > 0 ? itemsAnywhere(scene) : scene.itemsHere);
  return onThing('take', 'item', known, 'take', ['from', 'off', 'out'])(rest, context);
}

/** "all", "everything": each thing at hand, one action each. */
const ALL = [
  'all',
  'everything',
  'it all',
  'all of it',
  'all items',
  'all things',
  'all my items',
  'all my things',
];

function everyOne(actionType: string, items: readonly string[], none: string, again: string): Built {
  if (items.length === 0) return problem(none, ['look', 'inventory']);
  return { actions: items.map((item) => ({ action_type: actionType, item })), corrections: [], all: again };
}

export function drop(words: string[], context: ClauseContext): Built {
  const rest = lower(words).at(-1) === 'down' && words.length > 1 ? words.slice(0, -1) : words;
  if (ALL.includes(phrase(rest).toLowerCase()))
    return everyOne('drop', context.scene.carried, 'You are carrying nothing to drop.', 'drop all');
  return onThing('drop', 'item', (scene) => scene.carried, 'drop')(rest, context);
}

export const equip = onThing('equip', 'item', (scene) => scene.carried, 'wear');
export const unequip = onThing('unequip', 'item', (scene) => scene.carried, 'take off');

/** "put on the jerkin", "put the jerkin on", "put the dagger down". */
export function put(words: string[], context: ClauseContext): Built {
  const last = lower(words).at(-1);
  if (last === 'on' && words.length > 1 && context.has('equip')) return equip(words.slice(0, -1), context);
  if (last === 'down' || last === 'away') return drop(words.slice(0, -1), context);
  return problem('Put it where? Try "put down <item>" or "wear <item>".', ['inventory']);
}

export function use(words: string[], context: ClauseContext): Built {
  const split = splitAtLast(words, ['on', 'with', 'at']);
  const corrections: string[] = [];
  const { scene } = context;
  const item = named(phrase(split ? split[0] : words), itemsAnywhere(scene), corrections);
  if (!item)
    return problem(
      'Use what?',
      some(scene.carried).map((name) => `use ${name}`),
    );
  if (!split) return done({ action_type: 'use', item }, corrections);
  const target = named(phrase(split[1]), [...scene.npcs, ...scene.enemies], corrections);
  return done({ action_type: 'use', item, ...(target ? { target } : {}) }, corrections);
}

export function attack(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  // "attack", "kill it": the one enemy here.
  const pronoun = words.length === 1 && ['it', 'them', 'him', 'her'].includes(words[0]!.toLowerCase());
  if ((words.length === 0 || pronoun) && scene.enemies.length === 1)
    return done({ action_type: 'attack', target: scene.enemies[0] });
  if (words.length === 0)
    return problem(
      scene.enemies.length === 0 ? 'There is nothing here to fight.' : 'Attack what?',
      some(scene.enemies).map((enemy) => `attack ${enemy}`),
    );
  return onThing('attack', 'target', (s) => [...s.enemies, ...s.npcs], 'attack', ['with', 'using'])(
    words,
    context,
  );
}
