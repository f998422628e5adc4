import { type Built, type ClauseContext, done, lower, onThing, type Verb } from './clause.ts';
import { distanceWithin, typoAllowance } from './edit-distance.ts';
import { MUD_HABITS } from './mud-habits.ts';
import { QUESTIONS } from './questions.ts';
import {
  abandonQuest,
  acceptQuest,
  answerTrade,
  emote,
  give,
  quest,
  say,
  talk,
  trade,
  whisper,
} from './social-verbs.ts';
import { GREETING, SHOPPING, SOCIAL_VERBS } from './socials.ts';
import { attack, drop, equip, inspect, look, move, put, take, unequip, use } from './world-verbs.ts';

export type { Built, ClauseContext, Verb } from './clause.ts';

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
    spellings: ['take', 'get', 'grab', 'pick up', 'pick', 'collect', 'fetch', 'snatch', 'bring'],
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
    alone: true,
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
    spellings: ['unequip', 'unwield', 'remove', 'take off', 'doff'],
    makes: 'unequip',
    repeats: true,
    build: unequip,
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
    alone: true,
    build: bare('who'),
  },
  { spellings: ['help', '?', 'commands', 'what can i do'], makes: 'help', build: bare('help') },
  ...MUD_HABITS,
  ...QUESTIONS,
  GREETING,
  SHOPPING,
  ...SOCIAL_VERBS,
];

export function available(verb: Verb, context: ClauseContext): boolean {
  return context.has(verb.makes) || (verb.orElse !== undefined && context.has(verb.orElse));
}

/** The verb the words start with (its longest spelling), and how many words that spelling took. */
export function verbAt(
  words: readonly string[],
  context: ClauseContext,
): { verb: Verb; length: number } | undefined {
  // "good evening, elder": a comma after the verb's words ends them.
  const lowered = lower(words).map((word) => word.replace(/([^,;:!?.])[,;:!?.]+$/, '$1'));
  let found: { verb: Verb; length: number } | undefined;
  for (const verb of VERBS) {
    if (!available(verb, context)) continue;
    for (const spelling of verb.spellings) {
      const parts = spelling.split(' ');
      if (parts.length > lowered.length || (found && parts.length <= found.length)) continue;
      if (verb.alone && parts.length < lowered.length) continue;
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
