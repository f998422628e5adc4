import { addresseeAndQuestion, byDescription, personDescribed } from './addressee.ts';
import {
  type Built,
  type ClauseContext,
  done,
  dropLeading,
  leadingName,
  lower,
  named,
  phrase,
  problem,
  some,
  splitAtLast,
} from './clause.ts';
import { namesInclude, resolveName, withoutArticles } from './scene-names.ts';

/** Reading the verbs of talking, giving, trading and quests. */

/** Words that stand for "whoever I am talking to" when only one person is here. */
const PRONOUNS = ['me', 'us', 'him', 'her', 'them', 'everyone'];

/**
 * talk / ask / tell: "talk to the elder about the prophecy", "ask Mira about herbs", "tell Tom that
 * the wolves are back", "talk to elder: hello", "talk to Old Tom hello", "ask about the star" (the
 * one person here). The message is what follows the name; without one, the NPC is greeted.
 */
export function talk(kind: 'talk' | 'ask' | 'tell' | 'greet') {
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
    } else if (kind === 'ask' && lowered.includes('for')) {
      // "ask the elder for work", "ask for an ale": "for" stays in the words asked, read by `asked`.
      const forAt = lowered.indexOf('for');
      who = rest.slice(0, forAt);
      said = rest.slice(forAt);
    } else if (that >= 0) {
      who = rest.slice(0, that);
      said = rest.slice(that + 1);
    } else if (kind !== 'greet') {
      const known = leadingName(rest, scene.npcs) ?? leadingName(rest, scene.players);
      if (known) [who, said] = known;
      else if (kind !== 'talk' && rest.length > 1) [who, said] = addresseeAndQuestion(rest);
    }
    let npcTyped = withoutArticles(phrase(who));
    const corrections: string[] = [];
    const described = byDescription(npcTyped, phrase(said), context);
    if (described && 'problem' in described) return described;
    if (described) {
      corrections.push(`"${npcTyped}" read as "${described.npc}"`);
      npcTyped = described.npc;
    }
    if (!npcTyped || PRONOUNS.includes(npcTyped.toLowerCase())) {
      if (scene.npcs.length !== 1)
        return problem(
          scene.npcs.length === 0 ? 'There is no one here to talk to.' : 'Talk to whom?',
          scene.npcs.map((npc) => `talk to ${npc}${said.length > 0 ? ` about ${phrase(said)}` : ''}`),
        );
      npcTyped = scene.npcs[0]!;
    }
    const message = asked(kind, phrase(said).replace(/^[,:]\s*/, ''));
    if (!namesInclude(scene.npcs, npcTyped) && namesInclude(scene.players, npcTyped))
      return toPlayer(kind, npcTyped, message, context);
    const npc = named(npcTyped, scene.npcs, corrections);
    return done(
      { action_type: 'talk', npc, ...(message ? { message } : kind === 'greet' ? { message: 'hello' } : {}) },
      corrections,
    );
  };
}

/**
 * Talking to another player here: "tell bea …" is private, as in every MUD (a whisper); "talk to bea:
 * …", "ask bea …" are said aloud to them.
 */
function toPlayer(kind: string, player: string, message: string, context: ClauseContext): Built {
  const words = message || 'hello';
  if (kind === 'tell' && context.has('whisper'))
    return done({ action_type: 'whisper', to: player, message: words });
  return done({ action_type: 'say', message: `${player}, ${words}` });
}

/** "ask the elder for work": a request, kept one ("do you have work for me?"), not the bare "for work". */
function asked(kind: 'talk' | 'ask' | 'tell' | 'greet', message: string): string {
  const wanted = /^for\s+(.+?)[?.!]*$/i.exec(message);
  return kind === 'ask' && wanted ? `do you have ${wanted[1]} for me?` : message;
}

/** "say hello", and "say hello to the elder" (someone here named at the end: talking to them). */
export function say(words: string[], context: ClauseContext): Built {
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

export function whisper(words: string[], context: ClauseContext): Built {
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
  const { players, npcs } = context.scene;
  // "whisper to old tom: …": NPCs are spoken with (a whisper is between players).
  if (!namesInclude(players, who) && namesInclude(npcs, who) && context.has('talk'))
    return done({ action_type: 'talk', npc: withoutArticles(who), message: said });
  return done({ action_type: 'whisper', to: named(who, players, corrections), message: said }, corrections);
}

export function emote(words: string[]): Built {
  const message = phrase(words);
  return message
    ? done({ action_type: 'emote', message })
    : problem('Emote what? "emote waves"', ['emote waves']);
}

/**
 * "give the ring to the elder", "give the elder the ring", "give bea the lantern" (an NPC or a player
 * here); without a give action, the item is used on them.
 */
export function give(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  const people = [...scene.npcs, ...scene.players];
  // "give me the sword", "give me 1000 xp": asking, which is talking to someone who has it.
  if (['me', 'us'].includes(lower(words)[0] ?? '') && words.length > 1)
    return askFor(words.slice(1), context);
  let parts = splitAtLast(words, ['to']);
  if (!parts) {
    const known = leadingName(words, people);
    if (known && known[1].length > 0) parts = [known[1], known[0]];
  }
  // "give tom the bucket" where no Tom is in sight: the rules say where he is.
  const article = lower(words).findIndex(
    (word, i) => i > 0 && ['the', 'a', 'an', 'my', 'this'].includes(word),
  );
  if (!parts && article > 0 && article < words.length - 1 && lower(words)[0] !== 'to')
    parts = [words.slice(article), words.slice(0, article)];
  if (!parts) return giveWhatToWhom(words, context);
  const corrections: string[] = [];
  const item = named(phrase(parts[0]), scene.carried, corrections);
  const described = personDescribed(withoutArticles(phrase(parts[1])), context);
  const to = described ?? named(phrase(parts[1]), people, corrections);
  if (!item || !to) return giveWhatToWhom(words, context);
  if (context.has('give')) return done({ action_type: 'give', item, to }, corrections);
  return done({ action_type: 'use', item, target: to }, corrections);
}

function askFor(wanted: string[], context: ClauseContext): Built {
  const what = phrase(wanted);
  return problem(
    `Nothing is handed over on command: ask someone here for the ${withoutArticles(what)}.`,
    context.has('talk') && context.scene.npcs.length > 0
      ? some(context.scene.npcs).map((npc) => `ask ${npc} for ${what}`)
      : ['look'],
  );
}

/** "give lantern", "give to bea", "give": the half that is missing, with whole commands to try. */
function giveWhatToWhom(words: string[], context: ClauseContext): Built {
  const { scene } = context;
  const people = [...scene.npcs, ...scene.players];
  const typed = withoutArticles(phrase(dropLeading(words, ['to'])));
  const person = typed ? leadingName(dropLeading(words, ['to']), people) : undefined;
  const carried = typed && !person ? resolveName(typed, scene.carried).text : undefined;
  if (person)
    return problem(
      `Give what to ${phrase(person[0])}? "give <item> to <someone>"`,
      some(scene.carried).map((item) => `give ${item} to ${phrase(person[0])}`),
    );
  if (carried)
    return problem(
      people.length === 0
        ? `Give the ${carried} to whom? There is no one here to give it to.`
        : `Give the ${carried} to whom? "give <item> to <someone>"`,
      some(people).map((someone) => `give ${carried} to ${someone}`),
    );
  return problem(
    'Give what, to whom? "give <item> to <someone>"',
    people.flatMap((someone) => some(scene.carried).map((item) => `give ${item} to ${someone}`)).slice(0, 3),
  );
}

/** Words that say whose a thing is ("her lantern", "bea's lantern"): dropped from an item's name. */
const POSSESSIVE = /^(?:my|your|his|her|their|its|[^\s]+'s|[^\s]+s')\s+/i;

/**
 * Trading with another player here: "trade my sword with bea for her lantern", "trade with bea:
 * sword for lantern", "offer bea my sword for her lantern"; without a name, the one other player here.
 */
export function trade(words: string[], context: ClauseContext): Built {
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
export function answerTrade(op: 'accept' | 'decline') {
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

export function quest(words: string[]): Built {
  const [first = '', ...rest] = words;
  const op = first.toLowerCase();
  if (['accept', 'take', 'start', 'begin'].includes(op)) return acceptQuest(rest);
  if (['abandon', 'drop', 'quit', 'leave'].includes(op)) return abandonQuest(rest);
  if (['status', 'log', 'list', 'journal', ''].includes(op))
    return done({ action_type: 'quest', op: 'status', ...(rest.length > 0 ? { quest: phrase(rest) } : {}) });
  return done({ action_type: 'quest', op: 'status', quest: phrase(words) });
}

export function acceptQuest(words: string[], context?: ClauseContext): Built {
  // "accept bea's trade", "accept the offer from bea": a trade, not a quest.
  if (context?.has('trade') && lower(words).some((word) => word === 'trade' || word === 'offer'))
    return answerTrade('accept')(words, context);
  const name = withoutArticles(phrase(dropLeading(words, ['quest', 'the'])));
  return done({ action_type: 'quest', op: 'accept', ...(name ? { quest: name } : {}) });
}

export function abandonQuest(words: string[]): Built {
  const name = withoutArticles(phrase(dropLeading(words, ['quest', 'the'])));
  return name
    ? done({ action_type: 'quest', op: 'abandon', quest: name })
    : problem('Abandon which quest?', ['quests']);
}
