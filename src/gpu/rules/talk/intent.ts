import type { PlayerFact } from '../../lane.ts';

/** What a player's words to an NPC ask for, read without a model. */
export interface Intent {
  /** The words, lowercased. */
  text: string;
  rude: boolean;
  polite: boolean;
  greeting: boolean;
  farewell: boolean;
  /** Asks for work, or about quests. */
  questAsk: boolean;
  /** Asks whether the NPC remembers the player or what they said. */
  askMemory: boolean;
  /** Asks what is new, what happened. */
  askNews: boolean;
  /** Asks the NPC to go on with what it was saying. */
  goOn: boolean;
  /** Speaks of the weather. */
  weather: boolean;
  /** What the player tells of themselves in these words (their name, home, …), normalised. */
  told: PlayerFact[];
}

const RUDE = /\b(stupid|idiot|fool|shut up|hate you|ugly|liar|useless|die)\b/;
const POLITE = /\b(please|thank|thanks|grateful|kind|sorry|friend)\b/;
const GREETING =
  /^\s*(hi|hello|hey|greetings|good (morning|day|afternoon|evening)|well met|hail|evening|morning)\b/;
const FAREWELL = /\b(bye|goodbye|farewell|see you|good night|take care|i must go|i'll be going)\b/;
const QUEST_WORDS =
  /\b(quests?|tasks?|jobs?|work for|any work|errands?|can i help|could i help|help you|need (help|anything|someone)|do for you|anything i can do)\b/;
const GO_ON = /\b(go on|tell me more|more about that|and then|continue|what else)\b/;
const WEATHER_WORDS = /\b(weather|rain|raining|sun|sunny|wind|windy|cold|warm|fog|mist|storm|sky)\b/;
const MEMORY_WORDS =
  /\b(remember|recall|forget|forgotten)\b|\bwhat did i (say|tell|ask)\b|\bwho am i\b|\bdo you know me\b/;
const NEWS_WORDS = /\b(news|happened|happening|going on|new around|lately|anything new|what's new)\b/;

const NAME =
  /\b(?:my name is|my name's|i am called|i'm called|call me|they call me|name's)\s+([a-z][a-z'-]{1,19})\b/i;
/** "I'm Aldric" / "I am Aldric": a capitalised word that is not a common word. */
const IAM_NAME = /\b(?:i'm|i am|it's|it is)\s+([A-Z][a-z'-]{1,19})\b/;
const HOME =
  /\b(?:i'm from|i am from|i come from|i hail from|my home is in|my home is|i live in|i grew up in|i was born in)\s+(?:the\s+)?([a-z][a-z' -]{1,28}?)\s*(?=[.,!?;]|$|\band\b|\bbut\b)/i;
const CALLING = /\b(?:i'm|i am|i work as)\s+an?\s+([a-z]{3,20})\s*(?=[.,!?;]|$|\band\b|\bby\b)/i;
const PROMISE =
  /\bi (?:promise|swear|vow)(?: to| that i will| that i'll| i will| i'll)?\s+([a-z][a-z' ]{2,60}?)\s*(?=[.,!?;]|$)/i;
const SEEKING =
  /\b(?:i'm|i am) (?:looking for|searching for|seeking|trying to find|hunting for)\s+([a-z][a-z' ]{2,50}?)\s*(?=[.,!?;]|$)/i;

/** Capitalised words that follow "I'm" without being names. */
const NOT_NAMES = new Set([
  'Sorry',
  'Fine',
  'Well',
  'Here',
  'Back',
  'Ready',
  'Lost',
  'Tired',
  'Hungry',
  'Glad',
  'Not',
  'Just',
  'Looking',
  'From',
  'The',
  'Your',
  'A',
  'An',
]);
const NOT_CALLINGS = new Set(['bit', 'little', 'lot', 'friend', 'stranger', 'fool', 'idiot', 'way']);

export function readIntent(message: string): Intent {
  const text = message.toLowerCase();
  return {
    text,
    rude: RUDE.test(text),
    polite: POLITE.test(text),
    greeting: GREETING.test(text),
    farewell: FAREWELL.test(text),
    questAsk: QUEST_WORDS.test(text),
    askMemory: MEMORY_WORDS.test(text),
    askNews: NEWS_WORDS.test(text),
    goOn: GO_ON.test(text),
    weather: WEATHER_WORDS.test(text),
    told: toldFacts(message),
  };
}

/** What the words tell of the player, each value reduced to letters, spaces and apostrophes. */
function toldFacts(message: string): PlayerFact[] {
  const facts: PlayerFact[] = [];
  const name = NAME.exec(message)?.[1] ?? IAM_NAME.exec(message)?.[1];
  if (name && !NOT_NAMES.has(capitalise(name))) facts.push({ kind: 'name', value: capitalise(name) });
  const home = HOME.exec(message)?.[1];
  if (home) facts.push({ kind: 'home', value: titleCase(home) });
  const calling = CALLING.exec(message)?.[1]?.toLowerCase();
  if (calling && !NOT_CALLINGS.has(calling)) facts.push({ kind: 'calling', value: calling });
  const promise = PROMISE.exec(message)?.[1];
  if (promise) facts.push({ kind: 'promise', value: words(promise, 8) });
  const seeking = SEEKING.exec(message)?.[1];
  if (seeking) facts.push({ kind: 'seeking', value: words(seeking, 6) });
  return facts;
}

function words(text: string, most: number): string {
  return text.toLowerCase().trim().split(/\s+/).slice(0, most).join(' ');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function titleCase(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .slice(0, 4)
    .map((word, i) => (i > 0 && /^(of|the|upon|on)$/i.test(word) ? word.toLowerCase() : capitalise(word)))
    .join(' ');
}

/** A player's own words about themselves told back in the NPC's mouth: "my brother" → "your brother". */
export function toSecondPerson(value: string): string {
  return value
    .replace(/\bmy\b/gi, 'your')
    .replace(/\bmine\b/gi, 'yours')
    .replace(/\bmyself\b/gi, 'yourself')
    .replace(/\bme\b/gi, 'you')
    .replace(/\bi\b/gi, 'you');
}
