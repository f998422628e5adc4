import { findByName } from '../world/lookup.ts';
import { DIRECTION_SPELLINGS, directionOf, isDiagonal } from './directions.ts';
import { distanceWithin, typoAllowance } from './edit-distance.ts';
import { namesInclude, nearestName, resolveName, type SceneNames, withoutArticles } from './scene-names.ts';

export interface ClauseContext {
  scene: SceneNames;
  /** Whether the game has this action type: the table names some a game may not have. */
  has(actionType: string): boolean;
}

export type Built =
  | { actions: Record<string, unknown>[]; corrections: string[] }
  | { problem: string; suggestions: string[] };

export interface Verb {
  /** Lowercase; a spelling may be several words ("pick up"). The first is the one suggested. */
  spellings: readonly string[];
  /** The action type it makes (the verb is offered only when the game has it). */
  makes: string;
  /** Also offered when the game lacks `makes` but has this (give → use the item on someone). */
  orElse?: string;
  /** Its words are a message: the rest of the text is theirs, "and"s and commas included. */
  message?: true;
  /** A following clause without a verb of its own takes this one ("take the bucket and the scroll"). */
  repeats?: true;
  build(words: string[], context: ClauseContext): Built;
}

const phrase = (words: readonly string[]) => words.join(' ').trim();
const lower = (words: readonly string[]) => words.map((word) => word.toLowerCase());
const done = (action: Record<string, unknown>, corrections: string[] = []): Built => ({
  actions: [action],
  corrections,
});
const problem = (text: string, suggestions: string[] = []): Built => ({ problem: text, suggestions });
const some = (list: readonly string[]) => list.slice(0, 3);

/** A typed name as the action carries it, noting a typo corrected against the scene's names. */
function named(typed: string, names: readonly string[], corrections: string[]): string {
  const resolved = resolveName(typed, names);
  if (resolved.correctedFrom) corrections.push(`"${resolved.correctedFrom}" read as "${resolved.text}"`);
  return resolved.text;
}

/** Drops leading filler words ("at", "to") from the words after a verb. */
function dropLeading(words: string[], fillers: readonly string[]): string[] {
  let start = 0;
  while (start < words.length && fillers.includes(words[start]!.toLowerCase())) start++;
  return words.slice(start);
}

/** Splits the words at the last of `separators` ("use the key on the door" → key | door). */
function splitAtLast(words: string[], separators: readonly string[]): [string[], string[]] | undefined {
  const lowered = lower(words);
  for (let i = lowered.length - 2; i > 0; i--)
    if (separators.includes(lowered[i]!)) return [words.slice(0, i), words.slice(i + 1)];
  return undefined;
}

/**
 * The longest run of words at the start that names one of `names` ("old tom hello" → old tom |
 * hello), or undefined. Single words of two letters or fewer never count: they would match anything.
 */
function leadingName(words: string[], names: readonly string[]): [string[], string[]] | undefined {
  for (let k = words.length; k >= 1; k--) {
    const candidate = withoutArticles(phrase(words.slice(0, k)));
    if (candidate.length < 3) continue;
    if (
      names.some((name) => name.toLowerCase() === candidate.toLowerCase()) ||
      namesInclude(names, candidate)
    )
      return [words.slice(0, k), words.slice(k)];
  }
  return undefined;
}

const itemsAnywhere = (scene: SceneNames) => [...scene.itemsHere, ...scene.carried];
const everything = (scene: SceneNames) => [...itemsAnywhere(scene), ...scene.npcs, ...scene.enemies];

/** An action on one thing named from a pool of the scene's names ("take <item>"). */
function onThing(
  actionType: string,
  field: string,
  pool: (scene: SceneNames) => readonly string[],
  verb: string,
  cut: readonly string[] = [],
) {
  return (words: string[], context: ClauseContext): Built => {
    const upTo = lower(words).findIndex((word, i) => i > 0 && cut.includes(word));
    const typed = phrase(upTo > 0 ? words.slice(0, upTo) : words);
    const corrections: string[] = [];
    const names = pool(context.scene);
    const text = named(typed, names, corrections);
    if (!text)
      return problem(
        `${verb[0]!.toUpperCase()}${verb.slice(1)} what?`,
        some(names).map((name) => `${verb} ${name}`),
      );
    return done({ action_type: actionType, [field]: text }, corrections);
  };
}

const waysOut = (scene: SceneNames) => scene.exits.map((exit) => `go ${exit.direction}`);

function move(words: string[], context: ClauseContext): Built {
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

function look(words: string[], context: ClauseContext): Built {
  const rest = dropLeading(words, ['around', 'about', 'here', 'at', 'in', 'on', 'to', 'the']);
  if (rest.length === 0 || directionOf(phrase(rest))) return done({ action_type: 'look' });
  return examine(rest, context);
}

const examine = onThing('examine', 'target', everything, 'examine');

function inspect(words: string[], context: ClauseContext): Built {
  const rest = dropLeading(words, ['at', 'the', 'my', 'your']);
  const text = phrase(rest).toLowerCase();
  if (['inventory', 'inv', 'bag', 'pack', 'items'].includes(text)) return done({ action_type: 'inventory' });
  if (['quests', 'quest', 'journal', 'quest log'].includes(text))
    return done({ action_type: 'quest', op: 'status' });
  return examine(rest, context);
}

function take(words: string[], context: ClauseContext): Built {
  const rest = lower(words).at(-1) === 'up' && words.length > 1 ? words.slice(0, -1) : words;
  const text = phrase(rest).toLowerCase();
  if (['all', 'everything', 'it all'].includes(text)) {
    const here = context.scene.itemsHere;
    if (here.length === 0) return problem('There is nothing here to take.', ['look']);
    return { actions: here.map((item) => ({ action_type: 'take', item })), corrections: [] };
  }
  return onThing('take', 'item', (scene) => scene.itemsHere, 'take', ['from', 'off', 'out'])(rest, context);
}

function drop(words: string[], context: ClauseContext): Built {
  const rest = lower(words).at(-1) === 'down' && words.length > 1 ? words.slice(0, -1) : words;
  return onThing('drop', 'item', (scene) => scene.carried, 'drop')(rest, context);
}

const equip = onThing('equip', 'item', (scene) => scene.carried, 'wear');

/** "put on the jerkin", "put the jerkin on", "put the dagger down". */
function put(words: string[], context: ClauseContext): Built {
  const last = lower(words).at(-1);
  if (last === 'on' && words.length > 1 && context.has('equip')) return equip(words.slice(0, -1), context);
  if (last === 'down' || last === 'away') return drop(words.slice(0, -1), context);
  return problem('Put it where? Try "put down <item>" or "wear <item>".', ['inventory']);
}

function use(words: string[], context: ClauseContext): Built {
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

function attack(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  if (words.length === 0 && scene.enemies.length === 1)
    return done({ action_type: 'attack', target: scene.enemies[0] });
  return onThing('attack', 'target', (s) => [...s.enemies, ...s.npcs], 'attack', ['with', 'using'])(
    words,
    context,
  );
}

/** Words that stand for "whoever I am talking to" when only one person is here. */
const PRONOUNS = ['me', 'us', 'him', 'her', 'them', 'everyone'];

/**
 * talk / ask / tell: "talk to the elder about the prophecy", "ask Mira about herbs", "tell Tom that
 * the wolves are back", "talk to elder: hello", "talk to Old Tom hello", "ask about the star" (the
 * one person here). The message is what follows the name; without one, the NPC is greeted.
 */
function talk(kind: 'talk' | 'ask' | 'tell' | 'greet') {
  return (words: string[], context: ClauseContext): Built => {
    const { scene } = context;
    const rest = dropLeading(words, ['to', 'with']);
    let who: string[] = rest;
    let said: string[] = [];
    const text = phrase(rest);
    const colon = text.indexOf(':');
    const lowered = lower(rest);
    const about = lowered.indexOf('about');
    const that = kind === 'tell' ? lowered.indexOf('that') : -1;
    if (colon >= 0) {
      who = text.slice(0, colon).split(' ').filter(Boolean);
      said = text
        .slice(colon + 1)
        .split(' ')
        .filter(Boolean);
    } else if (about >= 0) {
      who = rest.slice(0, about);
      said = rest.slice(about + 1);
    } else if (that >= 0) {
      who = rest.slice(0, that);
      said = rest.slice(that + 1);
    } else if (kind !== 'greet') {
      const known = leadingName(rest, scene.npcs);
      if (known) [who, said] = known;
      else if (kind !== 'talk' && rest.length > 1) [who, said] = [rest.slice(0, 1), rest.slice(1)];
    }
    let npcTyped = withoutArticles(phrase(who));
    if (!npcTyped || PRONOUNS.includes(npcTyped.toLowerCase())) {
      if (scene.npcs.length !== 1)
        return problem(
          scene.npcs.length === 0 ? 'There is no one here to talk to.' : 'Talk to whom?',
          scene.npcs.map((npc) => `talk to ${npc}${said.length > 0 ? ` about ${phrase(said)}` : ''}`),
        );
      npcTyped = scene.npcs[0]!;
    }
    const corrections: string[] = [];
    const npc = named(npcTyped, scene.npcs, corrections);
    const message = phrase(said).replace(/^[,:]\s*/, '');
    return done(
      { action_type: 'talk', npc, ...(message ? { message } : kind === 'greet' ? { message: 'hello' } : {}) },
      corrections,
    );
  };
}

/** "say hello", and "say hello to the elder" (someone here named at the end: talking to them). */
function say(words: string[], context: ClauseContext): Built {
  const message = phrase(words);
  if (!message) return problem('Say what?', ['say hello']);
  const split = splitAtLast(words, ['to']);
  if (split) {
    const addressee = withoutArticles(phrase(split[1]));
    if (addressee.length >= 3 && namesInclude(context.scene.npcs, addressee))
      return done({ action_type: 'talk', npc: addressee, message: phrase(split[0]) });
  }
  return done({ action_type: 'say', message });
}

function whisper(words: string[], context: ClauseContext): Built {
  const rest = dropLeading(words, ['to']);
  const text = phrase(rest);
  const colon = text.indexOf(':');
  const [who, said] =
    colon > 0 ? [text.slice(0, colon), text.slice(colon + 1).trim()] : [rest[0] ?? '', phrase(rest.slice(1))];
  if (!who || !said)
    return problem(
      'Whisper what, to whom? "whisper <player> <message>"',
      some(context.scene.players).map((p) => `whisper ${p} hello`),
    );
  const corrections: string[] = [];
  return done(
    { action_type: 'whisper', to: named(who, context.scene.players, corrections), message: said },
    corrections,
  );
}

function emote(words: string[]): Built {
  const message = phrase(words);
  return message
    ? done({ action_type: 'emote', message })
    : problem('Emote what? "emote waves"', ['emote waves']);
}

/** "give the ring to the elder", "give the elder the ring"; without a give action, the item is used on them. */
function give(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  let parts = splitAtLast(words, ['to']);
  if (!parts) {
    const known = leadingName(words, scene.npcs);
    if (known && known[1].length > 0) parts = [known[1], known[0]];
  }
  if (!parts)
    return problem(
      'Give what, to whom? "give <item> to <someone>"',
      scene.npcs.flatMap((npc) => some(scene.carried).map((item) => `give ${item} to ${npc}`)).slice(0, 3),
    );
  const corrections: string[] = [];
  const item = named(phrase(parts[0]), scene.carried, corrections);
  const to = named(phrase(parts[1]), scene.npcs, corrections);
  if (!item || !to) return problem('Give what, to whom? "give <item> to <someone>"');
  if (context.has('give')) return done({ action_type: 'give', item, to }, corrections);
  return done({ action_type: 'use', item, target: to }, corrections);
}

/** Words that say whose a thing is ("her lantern", "bea's lantern"): dropped from an item's name. */
const POSSESSIVE = /^(?:my|your|his|her|their|its|[^\s]+'s|[^\s]+s')\s+/i;

/**
 * Trading with another player here: "trade my sword with bea for her lantern", "trade with bea:
 * sword for lantern", "offer bea my sword for her lantern"; without a name, the one other player here.
 */
function trade(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  const lowered = lower(words);
  const forAt = lowered.lastIndexOf('for');
  if (forAt < 0) return problem('Trade what, for what? "trade <your item> with <player> for <their item>"');
  let rest = words.slice(0, forAt);
  let wanted = words.slice(forAt + 1);
  let partner: string[] = [];
  // "… for her lantern with bea" / "… with bea for …" / "offer bea …"
  const wantedWith = lower(wanted).indexOf('with');
  if (wantedWith >= 0) [wanted, partner] = [wanted.slice(0, wantedWith), wanted.slice(wantedWith + 1)];
  const withAt = lower(rest).findIndex((word) => word === 'with' || word === 'to');
  if (withAt >= 0) {
    const after = rest.slice(withAt + 1);
    const colon = after.findIndex((word) => word.endsWith(':'));
    const nameEnd = colon >= 0 ? colon + 1 : withAt === 0 ? 1 : after.length;
    partner = after.slice(0, nameEnd).map((word) => word.replace(/:$/, ''));
    rest = [...rest.slice(0, withAt), ...after.slice(nameEnd)];
  } else if (partner.length === 0) {
    const known = leadingName(rest, scene.players);
    if (known && known[1].length > 0) [partner, rest] = known;
  }
  const corrections: string[] = [];
  let withName = withoutArticles(phrase(partner));
  if (!withName && scene.players.length === 1) withName = scene.players[0]!;
  const give = named(phrase(rest).replace(POSSESSIVE, ''), scene.carried, corrections);
  const forItem = withoutArticles(phrase(wanted).replace(POSSESSIVE, ''));
  if (!withName || !give || !forItem)
    return problem('Trade what, with whom, for what? "trade <your item> with <player> for <their item>"', [
      ...some(scene.players).map((player) => `trade ${scene.carried[0] ?? 'sword'} with ${player} for …`),
    ]);
  return done(
    {
      action_type: 'trade',
      op: 'offer',
      with: named(withName, scene.players, corrections),
      give,
      for: forItem,
    },
    corrections,
  );
}

/** "accept the trade from bea", "decline bea's offer", "refuse trade". */
function answerTrade(op: 'accept' | 'decline') {
  return (words: string[], context: ClauseContext): Built => {
    const typed = withoutArticles(
      phrase(dropLeading(words, ['from', 'of', 'with', 'the', 'trade', 'offer'])).replace(
        /(?:'s?)?\s+(?:trade|offer)$/i,
        '',
      ),
    );
    const corrections: string[] = [];
    const partner = typed ? named(typed, context.scene.players, corrections) : undefined;
    return done({ action_type: 'trade', op, ...(partner ? { with: partner } : {}) }, corrections);
  };
}

function quest(words: string[]): Built {
  const [first = '', ...rest] = words;
  const op = first.toLowerCase();
  if (['accept', 'take', 'start', 'begin'].includes(op)) return acceptQuest(rest);
  if (['abandon', 'drop', 'quit', 'leave'].includes(op)) return abandonQuest(rest);
  if (['status', 'log', 'list', 'journal', ''].includes(op))
    return done({ action_type: 'quest', op: 'status', ...(rest.length > 0 ? { quest: phrase(rest) } : {}) });
  return done({ action_type: 'quest', op: 'status', quest: phrase(words) });
}

function acceptQuest(words: string[], context?: ClauseContext): Built {
  // "accept bea's trade", "accept the offer from bea": a trade, not a quest.
  if (context?.has('trade') && lower(words).some((word) => word === 'trade' || word === 'offer'))
    return answerTrade('accept')(words, context);
  const name = withoutArticles(phrase(dropLeading(words, ['quest', 'the'])));
  return done({ action_type: 'quest', op: 'accept', ...(name ? { quest: name } : {}) });
}

function abandonQuest(words: string[]): Built {
  const name = withoutArticles(phrase(dropLeading(words, ['quest', 'the'])));
  return name
    ? done({ action_type: 'quest', op: 'abandon', quest: name })
    : problem('Abandon which quest?', ['quests']);
}

const bare = (actionType: string) => (): Built => done({ action_type: actionType });

/**
 * Every verb the parser reads, and what it makes. Adding an action is adding a line here: a verb
 * whose action type the game lacks is simply not offered.
 */
export const VERBS: readonly Verb[] = [
  { spellings: ['look', 'l', 'look around', 'glance', 'glance around'], makes: 'look', build: look },
  {
    spellings: ['examine', 'x', 'inspect', 'look at', 'read', 'check', 'study', 'search', 'describe'],
    makes: 'examine',
    repeats: true,
    build: inspect,
  },
  {
    spellings: [
      'go',
      'walk',
      'head',
      'run',
      'move',
      'travel',
      'go to',
      'walk to',
      'head to',
      'run to',
      'enter',
      'climb',
      'proceed',
    ],
    makes: 'move',
    repeats: true,
    build: move,
  },
  { spellings: ['ascend'], makes: 'move', build: () => done({ action_type: 'move', direction: 'up' }) },
  { spellings: ['descend'], makes: 'move', build: () => done({ action_type: 'move', direction: 'down' }) },
  {
    spellings: ['take', 'get', 'grab', 'pick up', 'pick', 'collect', 'fetch', 'snatch'],
    makes: 'take',
    repeats: true,
    build: take,
  },
  {
    spellings: ['drop', 'put down', 'discard', 'throw away', 'set down'],
    makes: 'drop',
    repeats: true,
    build: drop,
  },
  { spellings: ['put'], makes: 'drop', build: put },
  { spellings: ['use', 'apply'], makes: 'use', build: use },
  {
    spellings: ['attack', 'kill', 'hit', 'fight', 'strike', 'slay', 'stab', 'punch', 'slash'],
    makes: 'attack',
    repeats: true,
    build: attack,
  },
  {
    spellings: [
      'talk to',
      'talk with',
      'speak to',
      'speak with',
      'chat with',
      'chat to',
      'talk',
      'speak',
      'chat',
    ],
    makes: 'talk',
    message: true,
    build: talk('talk'),
  },
  { spellings: ['ask'], makes: 'talk', message: true, build: talk('ask') },
  { spellings: ['tell'], makes: 'talk', message: true, build: talk('tell') },
  { spellings: ['greet', 'hail', 'salute'], makes: 'talk', build: talk('greet') },
  { spellings: ['say', 'shout', 'yell', 'exclaim', 'announce'], makes: 'say', message: true, build: say },
  { spellings: ['whisper to', 'whisper'], makes: 'whisper', message: true, build: whisper },
  { spellings: ['emote', 'me', '/me'], makes: 'emote', message: true, build: emote },
  {
    spellings: ['inventory', 'inv', 'i', 'items', 'bag', 'possessions'],
    makes: 'inventory',
    build: bare('inventory'),
  },
  { spellings: ['quests', 'quest', 'journal', 'quest log'], makes: 'quest', build: quest },
  { spellings: ['accept', 'accept quest', 'take quest', 'start quest'], makes: 'quest', build: acceptQuest },
  { spellings: ['abandon', 'abandon quest', 'give up', 'quit quest'], makes: 'quest', build: abandonQuest },
  {
    spellings: ['wear', 'wield', 'equip', 'don', 'put on', 'hold'],
    makes: 'equip',
    repeats: true,
    build: equip,
  },
  {
    spellings: ['drink', 'quaff', 'sip', 'drink from'],
    makes: 'drink',
    build: onThing('drink', 'item', (scene) => scene.carried, 'drink'),
  },
  {
    spellings: ['eat', 'consume', 'devour', 'munch', 'nibble'],
    makes: 'eat',
    repeats: true,
    build: onThing('eat', 'item', (scene) => scene.carried, 'eat'),
  },
  {
    spellings: ['give', 'hand', 'offer', 'pass'],
    makes: 'give',
    orElse: 'use',
    // "offer bea my sword for her lantern" is a trade.
    build: (words, context) =>
      lower(words).includes('for') && context.has('trade') ? trade(words, context) : give(words, context),
  },
  { spellings: ['trade', 'swap', 'exchange', 'barter'], makes: 'trade', build: trade },
  {
    spellings: ['accept trade', 'accept the trade', 'accept offer', 'accept the offer', 'trade accept'],
    makes: 'trade',
    build: answerTrade('accept'),
  },
  {
    spellings: [
      'decline',
      'decline trade',
      'decline the trade',
      'refuse trade',
      'reject trade',
      'trade decline',
      'decline offer',
      'decline the offer',
    ],
    makes: 'trade',
    build: answerTrade('decline'),
  },
  {
    spellings: ['who', 'who is here', "who's here", 'whos here', 'players', 'online'],
    makes: 'who',
    build: bare('who'),
  },
  { spellings: ['help', '?', 'commands', 'what can i do'], makes: 'help', build: bare('help') },
];

export function available(verb: Verb, context: ClauseContext): boolean {
  return context.has(verb.makes) || (verb.orElse !== undefined && context.has(verb.orElse));
}

/** The verb the words start with (its longest spelling), and how many words that spelling took. */
export function verbAt(
  words: readonly string[],
  context: ClauseContext,
): { verb: Verb; length: number } | undefined {
  const lowered = lower(words);
  let found: { verb: Verb; length: number } | undefined;
  for (const verb of VERBS) {
    if (!available(verb, context)) continue;
    for (const spelling of verb.spellings) {
      const parts = spelling.split(' ');
      if (parts.length > lowered.length || (found && parts.length <= found.length)) continue;
      if (parts.every((part, i) => lowered[i] === part)) found = { verb, length: parts.length };
    }
  }
  return found;
}

/** Verbs spelled like a typo of `word` ("tkae" → take), nearest first. */
export function verbsNear(word: string, context: ClauseContext): string[] {
  const typed = word.toLowerCase();
  const allowance = typoAllowance(typed);
  if (allowance === 0) return [];
  const near: { spelling: string; distance: number }[] = [];
  for (const verb of VERBS) {
    if (!available(verb, context)) continue;
    const distances = verb.spellings
      .filter((spelling) => !spelling.includes(' ') && spelling.length > 2)
      .flatMap((spelling) => {
        const distance = distanceWithin(typed, spelling, allowance);
        return distance === undefined ? [] : [{ spelling, distance }];
      })
      .sort((a, b) => a.distance - b.distance);
    if (distances[0]) near.push(distances[0]);
  }
  return near.sort((a, b) => a.distance - b.distance).map(({ spelling }) => spelling);
}
