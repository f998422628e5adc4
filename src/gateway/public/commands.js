// Typed-command parser for the LangOmni client. Pure functions, no DOM access.

// Only the directions the world has (src/domain/world/directions.ts): the server refuses any other.
const SHORT_DIRECTIONS = 'n:north s:south e:east w:west u:up d:down';

/** Every accepted spelling of a direction (abbreviation or full name) -> canonical name. */
const DIRECTIONS = Object.fromEntries(
  SHORT_DIRECTIONS.split(' ').flatMap((pair) => {
    const [short, full] = pair.split(':');
    return [
      [short, full],
      [full, full],
    ];
  }),
);

export const HELP_LINES = [
  'look (l) — describe where you are',
  'n / s / e / w / u / d, north…, go north — move (the exits of each place are listed beside the log)',
  'talk <npc>: <message>, ask <npc> about <topic>, talk to <npc> — speak with someone',
  'say <text>  or  "text — speak to everyone here',
  'emote <gesture> (me) — everyone here sees it: "me waves" → "Ayla waves."',
  'whisper <player>: <text> — only that player here hears it',
  'who — who is in the world, and where',
  'attack <target> — fight',
  'take <item> / get <item>, drop <item>, use <item> [on <target>]',
  'equip <weapon or armour> (wield, wear) — what you fight with and in; unequip <item> (remove, take off) — back to the best you carry',
  'drink <potion> (quaff), eat <food> — heal with what you carry',
  'examine <thing> (x) — a close look at something or someone here, or something you carry',
  'inventory (i) — what you carry',
  'quest accept [name], quest status, quest abandon <name>',
  'Anything else is read by the server: "take the bucket and go north", "ask the elder about the prophecy", "give the ring to Mira"',
  'Up/Down arrows recall earlier commands. Click exits, people and items in the side panel.',
];

/** Verbs whose words are a message: "and" or a comma in them is part of what is said. */
const MESSAGE_VERBS = new Set(['say', 'emote', 'me', 'em', 'whisper', 'whis', 'talk', 'ask', 'tell']);
/** Several actions in one line ("take the bucket and go north"): the server splits them. */
const COMPOUND = /\s(?:and|then)\s|[,;]/i;

/** Text for the server's parser (synonyms, compounds, names it knows where the player stands). */
const serverCommand = (text) => ({ action: { action_type: 'command', text } });

const usage = (text) => ({ error: `Usage: ${text}` });

/** Names the server's parser reads better: "all", "it", "me", a plural ("attack wolves"), "take all from …". */
const SERVER_READS = /^(?:all|everything|it|them|me|myself)$|\s(?:from|out of)\s|[^su]s$/i;
const serverReads = (rest) => SERVER_READS.test(rest.replace(/^(?:the|a|an|my)\s+/i, '').trim());

// Splits "npc: message" or "npc message". Known NPC names (longest first) are matched as a prefix,
// so "talk Old Tom hello" works for multi-word names; otherwise a colon, else the first word, ends the name.
function splitNpcAndMessage(rest, npcNames) {
  const lower = rest.toLowerCase();
  for (const name of [...npcNames].sort((a, b) => b.length - a.length)) {
    const after = lower.charAt(name.length);
    if (lower.startsWith(name.toLowerCase()) && (after === '' || after === ' ' || after === ':')) {
      return [
        name,
        rest
          .slice(name.length)
          .replace(/^\s*:?/, '')
          .trim(),
      ];
    }
  }
  const colon = rest.indexOf(':');
  if (colon > 0) return [rest.slice(0, colon).trim(), rest.slice(colon + 1).trim()];
  const space = rest.indexOf(' ');
  return space < 0 ? [rest, ''] : [rest.slice(0, space), rest.slice(space + 1).trim()];
}

/** Verbs of a thing named (taken, worn, struck…): their usage when the name is missing. */
const OBJECT_VERBS = Object.fromEntries(
  [
    ['take get pick', 'take <item>'],
    ['drop', 'drop <item>'],
    ['use', 'use <item> [on <target>]'],
    ['examine x inspect', 'examine <thing>'],
    ['attack kill fight hit', 'attack <target>'],
    ['equip wield wear don', 'equip <weapon or armour>'],
    ['unequip unwield remove doff', 'unequip <weapon or armour>'],
    ['drink quaff sip', 'drink <potion>'],
    ['eat', 'eat <food>'],
  ].flatMap(([verbs, text]) => verbs.split(' ').map((verb) => [verb, text])),
);

/**
 * Turns typed text into { action } | { help: true } | { error } | null (blank input).
 * npcNames: names of the NPCs at the current location, used to split "talk <npc> <message>".
 */
export function parseCommand(input, npcNames = []) {
  const text = input.trim();
  if (!text) return null;
  if (text.startsWith('"') || text.startsWith("'")) {
    const message = text.slice(1).replace(/["']$/, '').trim();
    return message ? { action: { action_type: 'say', message } } : usage('"<text>');
  }
  const [rawVerb, ...words] = text.split(/\s+/);
  const verb = rawVerb.toLowerCase();
  const rest = words.join(' ');

  if (DIRECTIONS[verb] && !rest) return { action: { action_type: 'move', direction: DIRECTIONS[verb] } };
  // What a player names, the server reads: misspellings, partial names, articles, "it", plurals.
  if (OBJECT_VERBS[verb]) return rest ? serverCommand(text) : usage(OBJECT_VERBS[verb]);
  if (!MESSAGE_VERBS.has(verb) && (COMPOUND.test(text) || serverReads(rest))) return serverCommand(text);
  switch (verb) {
    case 'help':
    case '?':
      // The server's help gives examples from where the player stands; HELP_LINES when it cannot answer.
      return { help: true, action: { action_type: 'help' } };
    case 'who':
      // "who are you", "I am a smith": words after them are the server's to read.
      return rest ? serverCommand(text) : { action: { action_type: 'who' } };
    case 'emote':
    case 'me':
    case 'em':
      return rest ? { action: { action_type: 'emote', message: rest } } : usage('emote <gesture>');
    case 'whisper':
    case 'whis': {
      const [to, message] = splitNpcAndMessage(rest.replace(/^to\s+/i, ''), npcNames);
      if (!to || !message) return usage('whisper <player>: <text>');
      // Whispered to someone of the world here, it is a quiet word with them: the server reads it as talk.
      if (npcNames.some((name) => name.toLowerCase().includes(to.toLowerCase())))
        return serverCommand(`whisper to ${to}: ${message}`);
      return { action: { action_type: 'whisper', to, message } };
    }
    case 'look':
    case 'l':
      // "look at the well", "l bucket": the server reads what is looked at.
      return rest ? serverCommand(text) : { action: { action_type: 'look' } };
    case 'go':
    case 'move':
    case 'walk': {
      // "go north" is a move; "go to the tavern", "go ne" are the server's to read (and answer).
      const direction = DIRECTIONS[rest.toLowerCase()];
      if (direction) return { action: { action_type: 'move', direction } };
      return rest ? serverCommand(text) : usage('go <direction> | go to <place>');
    }
    case 'talk':
    case 'ask':
    case 'tell': {
      // "talk <npc>: <message>" is sent as it is; any other way of putting it is read by the server.
      if (!rest.includes(':')) return serverCommand(text);
      const [npc, message] = splitNpcAndMessage(rest.replace(/^(to|with)\s+/i, ''), npcNames);
      if (!npc || !message) return usage('talk <npc>: <message>');
      return { action: { action_type: 'talk', npc, message } };
    }
    case 'say':
      return rest ? { action: { action_type: 'say', message: rest } } : usage('say <text>');
    case 'inventory':
    case 'inv':
    case 'i':
      return rest ? serverCommand(text) : { action: { action_type: 'inventory' } };
    case 'quest':
    case 'quests': {
      const [rawOp = 'status', ...nameWords] = words;
      const op = rawOp.toLowerCase();
      const quest = nameWords.join(' ');
      if (op === 'status') return { action: { action_type: 'quest', op, ...(quest ? { quest } : {}) } };
      // Without a name, "quest accept" takes the quest someone here is offering.
      if (op === 'accept') return { action: { action_type: 'quest', op, ...(quest ? { quest } : {}) } };
      if (op === 'abandon' && quest) return { action: { action_type: 'quest', op, quest } };
      return usage('quest accept [name] | quest status | quest abandon <name>');
    }
    default:
      return serverCommand(text);
  }
}
