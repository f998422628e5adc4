import { nameBasedUuid } from '../../commands/name-based-uuid.ts';
import type { Action } from '../../domain/actions.ts';
import type { Location, Npc, World } from '../../domain/world/world.ts';
import type { SituationKind } from '../../infrastructure/memory/situation-store.ts';
import { commandText } from '../prompts/scene.ts';

/** The UUID namespace of situation entries (a fixed random UUID). */
const SITUATION_NAMESPACE = '5d0c7a52-1f3e-4c1b-9a7e-2b8f3c6d9e41';

/** Characters of a result's narration kept in a player action's line. */
const NARRATION_HEAD_CHARS = 140;

/** Actions that say nothing of what the player did (looking things up): not remembered as situations. */
const NOT_SITUATIONS: ReadonlySet<Action['action_type']> = new Set(['inventory', 'who', 'help']);

/** A place's or an NPC's entry under one content version: the same id in every process and after restarts. */
export function publicSituationId(
  kind: Exclude<SituationKind, 'player_action'>,
  worldVersion: string,
  id: string,
) {
  return nameBasedUuid(`${kind}/${worldVersion}/${id}`, SITUATION_NAMESPACE);
}

/** A player action's entry: named by the event that resolved it, so a redelivered event replaces its own. */
export function playerActionSituationId(eventId: string): string {
  return nameBasedUuid(`player_action/${eventId}`, SITUATION_NAMESPACE);
}

/** A place's or an NPC's snippet at most (the compact world prompt keeps 200 characters of one). */
const SNIPPET_CHARS = 190;

/** A place as a prompt is told of it: its name, region and the first sentence of its description. */
export function placeSnippet(world: World, location: Location): string {
  return snippet(`${location.name} (${regionName(world, location)}): `, location.description);
}

/** An NPC as a prompt is told of it: who, where usually, and the first sentence of their description. */
export function npcSnippet(world: World, npc: Npc): string {
  const home = world.locations.get(npc.location)?.name ?? npc.location;
  return snippet(`${npc.name}, usually at ${home}: `, npc.description);
}

/** A place as it is embedded: name, region, description and how it changes through the day. */
export function placeText(world: World, location: Location): string {
  const region = regionName(world, location);
  const times = Object.entries(location.timeOfDay).map(([time, line]) => `${capitalised(time)}: ${line}`);
  return [`${location.name} (${region}): ${location.description}`, ...times].join(' ');
}

/** An NPC as it is embedded: who they are, where they are usually found and what they know of (topics only). */
export function npcText(world: World, npc: Npc): string {
  const home = world.locations.get(npc.location)?.name ?? npc.location;
  const topics = npc.knowledge.map((k) => k.topic);
  return [
    `${npc.name}, usually at ${home}: ${npc.description}`,
    ...(topics.length > 0 ? [`Knows of: ${topics.join(', ')}.`] : []),
  ].join(' ');
}

/**
 * What a player did where, and what came of it, in one short line ("At Village Square: take bucket.
 * You lift the bucket…"), or undefined for an action that is no situation (inventory, who, help).
 */
export function playerActionLine(action: Action, placeName: string, narration: string): string | undefined {
  if (NOT_SITUATIONS.has(action.action_type)) return undefined;
  return `At ${placeName}: ${commandText(action).trim()}. ${head(narration, NARRATION_HEAD_CHARS)}`.trim();
}

/**
 * Commands whose words find nothing the situation does not already show ("look", "go north": the
 * place and the way are in the scene), or that no prompt of a model reads.
 */
const NOT_LOOKED_UP: ReadonlySet<Action['action_type']> = new Set([...NOT_SITUATIONS, 'look', 'move']);

/** The query a command is looked up by: the command as typed (whispers without their words). */
export function situationQuery(action: Action): string | undefined {
  return NOT_LOOKED_UP.has(action.action_type) ? undefined : commandText(action);
}

function snippet(lead: string, description: string): string {
  return `${lead}${head(description, Math.max(SNIPPET_CHARS - lead.length, 40))}`;
}

/** The first sentence of a text, cut at a word within `maxChars`. */
function head(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = flat.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? flat;
  if (sentence.length <= maxChars) return sentence;
  const cut = sentence.slice(0, maxChars);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

function regionName(world: World, location: Location): string {
  return world.content.regions.find((region) => region.id === location.region)?.name ?? location.region;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
