import { factsOfTalk } from '../../../domain/memory/facts.ts';
import type { PlayerFact } from '../../lane.ts';

/** What a player's words to an NPC ask for, read without a model. */
export interface Intent {
  /** The words, lowercased. */
  text: string;
  /** The words without what the player tells of themselves ("I am a blacksmith" names no smith). */
  aboutOthers: string;
  rude: boolean;
  polite: boolean;
  greeting: boolean;
  farewell: boolean;
  /** Asks for work, or about quests. */
  questAsk: boolean;
  /** Asks whether the NPC remembers the player or what they said. */
  askMemory: boolean;
  /** Asks what the NPC knows of one thing they told of themselves ("what is my name?"). */
  askFact: PlayerFact['kind'] | undefined;
  /** Asks what is new, what happened. */
  askNews: boolean;
  /** Asks what the NPC and someone else talked about ("what did you and Old Tom talk about?"). */
  askTalkWith: boolean;
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
  /\b(quests?|tasks?|jobs?|work for|any work|errands?|can i help|could i help|help you|need (help|anything|someone)|do for you|anything i can do)\b|^\s*work\b/;
const GO_ON = /\b(go on|tell me more|more about that|and then|continue|what else)\b/;
const WEATHER_WORDS = /\b(weather|rain|raining|sun|sunny|wind|windy|cold|warm|fog|mist|storm|sky)\b/;
const MEMORY_WORDS =
  /\b(remember|recall|forget|forgotten)\b|\bwhat did i (say|tell|ask)\b|\bwho am i\b|\bdo you know me\b/;
/** Questions about one thing the player told of themselves, by the kind of fact they ask for. */
const FACT_QUESTIONS: [PlayerFact['kind'], RegExp][] = [
  ['name', /\b(what('s| is| was) my name|(know|remember|recall) my name|my name again)\b/],
  [
    'home',
    /\bwhere (do|did) i (come|hail) from\b|\bwhere am i from\b|\bwhere('s| is) my home\b|\bmy home ?town\b/,
  ],
  ['calling', /\bwhat('s| is) my (trade|calling|craft|profession)\b|\bwhat do i do for a living\b/],
  ['promise', /\bwhat did i (promise|swear|vow)\b|\bwhat('s| was) my (promise|vow)\b/],
  ['seeking', /\bwhat am i (looking for|seeking|searching for|after)\b/],
];
const NEWS_WORDS =
  /\b(news|happened|happening|going on|new around|lately|anything new|what'?s new|what is new|what else is new)\b/;

const TALK_WITH =
  /\b(you and [\w ]+|with [\w ]+|did [\w ]+)\b.*\b(talk|talked|talking|speak|spoke|spoken|chat|chatted|discuss|discussed|say|said|tell you|told you)\b|\b(talked|spoke|spoken|chatted) (with|to)\b/;

export function readIntent(message: string): Intent {
  const text = message.toLowerCase();
  const told = factsOfTalk(message);
  return {
    text,
    aboutOthers: told.reduce((rest, fact) => rest.replace(fact.value.toLowerCase(), ' '), text),
    rude: RUDE.test(text),
    polite: POLITE.test(text),
    greeting: GREETING.test(text),
    farewell: FAREWELL.test(text),
    questAsk: QUEST_WORDS.test(text),
    askMemory: MEMORY_WORDS.test(text),
    askFact: FACT_QUESTIONS.find(([, question]) => question.test(text))?.[0],
    askNews: NEWS_WORDS.test(text),
    askTalkWith: TALK_WITH.test(text),
    goOn: GO_ON.test(text),
    weather: WEATHER_WORDS.test(text),
    // Read as the memory keeps them (src/domain/memory/facts.ts), so what is heard now is what is recalled later.
    told,
  };
}

/** Each person word as the NPC says it back: the player's "my" is its "your", and the player's "you" (the NPC) its "me". */
const TURNED: Record<string, string> = {
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  me: 'you',
  i: 'you',
  your: 'my',
  yours: 'mine',
  yourself: 'myself',
  you: 'me',
};
/** After these, the player's "you" is the one doing it: "I", not "me" ("what you need" → "what I need"). */
const YOU_DOES = /^\s+(are|were|will|would|can|could|need|want|have|had|asked|said|told|lost|seek)\b/i;

/**
 * A player's own words about themselves told back in the NPC's mouth: "my brother" → "your brother",
 * "bring you a wolf pelt" → "bring me a wolf pelt". One pass, so that a word turned is not turned back.
 */
export function toSecondPerson(value: string): string {
  return value.replace(/\b(my|mine|myself|me|i|your|yours|yourself|you)\b/gi, (word, _w, offset: number) => {
    const lower = word.toLowerCase();
    if (lower === 'you' && YOU_DOES.test(value.slice(offset + word.length))) return 'I';
    return TURNED[lower]!;
  });
}
