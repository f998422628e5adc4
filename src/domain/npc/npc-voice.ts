import type { TimeOfDay } from '../world/clock.ts';
import type { Npc } from '../world/world.ts';

/** How an NPC sounds, from its content: the mood sets the interjections, the content gives the words. */
type Mood = Npc['personality']['mood'];

/** What other NPCs call an NPC: its name without the epithet ("Mira the Herbalist" is Mira). */
export function callName(npc: Npc): string {
  return npc.name.split(' the ')[0]!;
}

/** The word a line uses to speak of the NPC: the last of its call name (Old Tom is Tom). */
export function mentionName(npc: Npc): string {
  return callName(npc).split(/\s+/).at(-1)!;
}

/** How warmly `npc` feels about `other`: its relationship score in the content, 0 when none is given. */
export function regard(npc: Npc, other: Npc): { kind: string | undefined; score: number } {
  const relationship = npc.relationships.find((r) => r.npc === other.id);
  return { kind: relationship?.kind, score: relationship?.score ?? 0 };
}

export type Warmth = 'warm' | 'friendly' | 'cool' | 'cold';

export function warmthOf(score: number): Warmth {
  if (score >= 50) return 'warm';
  if (score >= 20) return 'friendly';
  if (score >= 0) return 'cool';
  return 'cold';
}

const INTERJECTION: Record<Mood, string> = {
  cheerful: 'Ha! ',
  calm: '',
  thoughtful: 'Hmm. ',
  grumpy: 'Hmph. ',
  wary: '',
  sad: 'Ah. ',
};

export function interjection(npc: Npc): string {
  return INTERJECTION[npc.personality.mood];
}

const PART_OF_DAY: Record<TimeOfDay, string> = {
  morning: 'this morning',
  day: 'today',
  evening: 'this evening',
  night: 'tonight',
};

export function partOfDay(timeOfDay: TimeOfDay): string {
  return PART_OF_DAY[timeOfDay];
}

/**
 * Greetings for what the speaker takes the listener to be (the relationship's kind in the content,
 * read by its words), tried in order; `{name}` is the listener, `{when}` the part of the day.
 */
const GREETING_BY_KIND: { kind: RegExp; greeting: string }[] = [
  { kind: /\brival\b/i, greeting: '{name}! Come to lose again {when}?' },
  { kind: /\b(admirer|sweetheart)\b/i, greeting: "Oh! {name}. I… didn't think I'd see you {when}." },
  {
    kind: /\b(teacher|mentor|master|elder)\b/i,
    greeting: '{name}. Your counsel is welcome {when}, as ever.',
  },
  {
    kind: /\b(student|apprentice|scout)\b/i,
    greeting: 'There you are, {name}. Keeping out of trouble {when}?',
  },
  { kind: /\bcommander\b/i, greeting: '{name}. Nothing to report {when}. Almost nothing.' },
  { kind: /\b(customer|regular)\b/i, greeting: '{name}! Back again {when}? The usual, then.' },
];

/** A greeting from `speaker` to `listener`: for what the listener is to it, else as warm as its regard. */
export function greetingLine(speaker: Npc, listener: Npc, timeOfDay: TimeOfDay): string {
  const name = callName(listener);
  const when = partOfDay(timeOfDay);
  const { kind, score } = regard(speaker, listener);
  const warmth = warmthOf(score);
  const byKind = kind && warmth !== 'cold' ? GREETING_BY_KIND.find((g) => g.kind.test(kind)) : undefined;
  if (byKind) return interjection(speaker) + byKind.greeting.replace('{name}', name).replace('{when}', when);
  switch (warmth) {
    case 'warm':
      return `${interjection(speaker)}${name}! Just the face I hoped to see ${when}.`;
    case 'friendly':
      return `${interjection(speaker)}Good to see you ${when}, ${name}.`;
    case 'cool':
      return `${name}. Quiet ${when}, isn't it?`;
    case 'cold':
      return `You again, ${name}. I had hoped for better company ${when}.`;
  }
}

/**
 * How `speaker` may take what the other said, from its mood and regard, the likeliest first: a
 * conversation takes the first not said at the place lately.
 */
export function answerLines(speaker: Npc, listener: Npc): string[] {
  const name = callName(listener);
  const warmth = warmthOf(regard(speaker, listener).score);
  if (warmth === 'cold')
    return [
      `If you say so, ${name}. You always did think you knew best.`,
      `So you keep telling me, ${name}.`,
      `I'll believe it when I see it, ${name}.`,
    ];
  switch (speaker.personality.mood) {
    case 'cheerful':
      return warmth === 'warm'
        ? [
            `Ha! That's the truest thing I've heard all week, ${name}.`,
            `Ha! You and me both, ${name}.`,
            `Now that's worth a drink, ${name}. Ha!`,
          ]
        : [`Ha! If you say so, ${name}.`, `Ha! Well, there's a thing, ${name}.`, `Is that so, ${name}? Ha!`];
    case 'thoughtful':
      return [
        `Hmm. There is more in that than you know, ${name}.`,
        `Hmm. I have wondered the same, ${name}.`,
        `So it seems, ${name}. So it seems.`,
      ];
    case 'grumpy':
      return [
        `Hmph. Everybody's got an opinion, ${name}.`,
        `Hmph. Tell me something I don't know, ${name}.`,
        `If you must, ${name}. If you must.`,
      ];
    case 'wary':
      return [
        `Keep your voice down when you say such things, ${name}.`,
        `Noted, ${name}. I'll keep an eye on it.`,
        `Careful, ${name}. Walls have ears.`,
      ];
    case 'sad':
      return [
        `Ah. It was not always so, ${name}.`,
        `Ah. You may be right, ${name}.`,
        `I remember when it was otherwise, ${name}.`,
      ];
    case 'calm':
      return warmth === 'warm'
        ? [`Mm. I'd noticed too, ${name}.`, `True enough, ${name}.`, `Mm. We'll see, ${name}.`]
        : [`Mm. Noted, ${name}.`, `Fair enough, ${name}.`, `Could be, ${name}.`];
  }
}

/**
 * How `speaker` takes its leave of a neighbour it will see again (not a player it sends on the road),
 * from its mood and regard; `when` is the part of the day.
 */
export function leaveTakingLines(speaker: Npc, listener: Npc, timeOfDay: TimeOfDay): string[] {
  const name = callName(listener);
  const when = partOfDay(timeOfDay);
  const later = timeOfDay === 'night' ? 'in the morning' : 'later';
  if (warmthOf(regard(speaker, listener).score) === 'cold')
    return [`That's enough of you for ${when}, ${name}.`, `I've better things to do, ${name}.`];
  switch (speaker.personality.mood) {
    case 'cheerful':
      return [`Right, I'll let you get on, ${name}. Ha!`, `Same again ${later}, ${name}? Ha!`];
    case 'thoughtful':
      return [`Hmm. I'll think on that ${when}, ${name}.`, `We'll speak of it again, ${name}.`];
    case 'grumpy':
      return [`Hmph. Work won't do itself, ${name}.`, `Enough chatter for ${when}, ${name}.`];
    case 'wary':
      return [`Keep your eyes open ${when}, ${name}.`, `Tell me if you hear more, ${name}.`];
    case 'sad':
      return [`Ah. Look after yourself, ${name}.`, `I'll leave you to it, ${name}.`];
    case 'calm':
      return [`Until ${later}, ${name}.`, `I'll leave you to it, ${name}.`];
  }
}

/** Below this many characters a first sentence ("Wolves?") says nothing on its own. */
const SHORTEST_GIST = 30;

/**
 * The opening of a text, for quoting a piece of what an NPC knows without its whole speech: its first
 * sentence, with the next ones while it is too short to say anything ("Wolves? Grey, big, hungry.").
 */
export function firstSentence(text: string): string {
  const sentences = text.match(/[^.!?]*[.!?]+(?=\s|$)|[^.!?]+$/g) ?? [text];
  let gist = '';
  for (const sentence of sentences) {
    gist = `${gist} ${sentence.trim()}`.trim();
    if (gist.length >= SHORTEST_GIST) break;
  }
  return gist;
}
