import type { LocationView } from '../../domain/world/location-view.ts';
import type { World } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import { memoizedPerWorld } from './scene.ts';

/**
 * The description of a place alone, shared by every player who looks at it or walks into it while
 * it stays the same: the place, its region, the time of day, the weather, the people there by their
 * schedule and the names of the exits. Nothing of the player nor of the moment (items lying, enemies,
 * other players): the rules add those lines after it. Public facts only, so the answer is public too.
 */
export function buildDescriptionMessages(world: World, view: LocationView): ChatMessage[] {
  return [
    { role: 'system', content: descriptionSystemMessage(world, '') },
    { role: 'user', content: placeOf(view) },
  ];
}

/** Everything the description depends on besides the world version: the key of the shared entry. */
export function descriptionFacts(view: LocationView) {
  return {
    location: view.id,
    weather: view.weather.id,
    timeOfDay: view.time_of_day,
    npcs: view.npcs.map((npc) => npc.id),
  };
}

const descriptionSystemMessage = memoizedPerWorld((world) =>
  [
    `You describe the places of "${world.content.name}", a multiplayer text adventure, to whoever is there.`,
    'In the second person and present tense, in two to four vivid sentences (at most 600 characters), true',
    'to the place, the time of day and the weather. Name the people who are there, as part of the scene.',
    'Your text is shared by every player who comes here: say nothing of who they are or what they carry.',
    'The game lists the exits, the items lying around, the enemies and the other players after your text:',
    'do not list them, and never invent people, items, creatures or ways out the place does not have.',
    'Answer with JSON only: {"narration": "<the description>", "effects": []}.',
  ].join('\n'),
);

function placeOf(view: LocationView): string {
  const people = view.npcs.map((npc) => npc.name);
  return [
    `Place: ${view.name}, ${view.region} (${view.setting}).`,
    `It looks like this: ${view.description}`,
    `Time: ${view.time_of_day}.`,
    `Weather: ${view.weather.description}`,
    `People here: ${people.join(', ') || 'no one'}.`,
    `Ways out lead to: ${view.exits.map((exit) => exit.name).join(', ') || 'nowhere'}.`,
  ].join('\n');
}
