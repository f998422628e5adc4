import type { Action } from '../../domain/actions.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { Location } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { narratorRules } from './narrator-rules.ts';
import { neutralise, playerInput } from './player-text.ts';
import {
  type Audience,
  commandText,
  enemyNumbers,
  exitsLine,
  itemMention,
  memoizedPerWorld,
  placeLines,
  playerLines,
  presenceLines,
  range,
  SHARED_PLAYER_LINE,
  signed,
  suggestedOutcomeLines,
} from './scene.ts';

const MAX_RELATED = 2;
const MAX_RELATED_CHARS = 200;

/**
 * The compressed world prompt: the narrator's rules and output contract (one system message for every
 * request in one world: a prefix the server keeps), the region card (one per region: warm on the
 * instance that serves the region), then only what this situation needs, and the command, delimited.
 */
export function buildCompactWorldMessages(
  context: ActionContext,
  guidance: Proposal,
  audience: Audience,
): ChatMessage[] {
  return [
    { role: 'system', content: compactRules(context.world, '') },
    { role: 'system', content: regionCard(context.world, context.location.region) },
    { role: 'user', content: situation(context, guidance, audience) },
    { role: 'user', content: `The player's command:\n${playerInput(commandText(context.action))}` },
  ];
}

const compactRules = memoizedPerWorld((world) =>
  [
    ...narratorRules(world, 'cards'),
    `Players have ${world.content.player.maxHp} HP at most; bare fists deal ${range(world.content.player.unarmedDamage)}.`,
  ].join('\n'),
);

/** A region's places, weather and the enemies met there: the same for every request in the region. */
export const regionCard = memoizedPerWorld((world, regionId) => {
  const region = world.content.regions.find((r) => r.id === regionId);
  const places = world.content.locations.filter((l) => l.region === regionId);
  const enemyIds = new Set(places.flatMap((l) => l.enemies ?? []));
  const enemies = world.content.enemies.filter((e) => enemyIds.has(e.id));
  const placeIds = new Set(places.map((l) => l.id));
  const people = world.content.npcs.filter((n) => placeIds.has(n.location));
  return [
    `Region card: ${region?.name ?? regionId} (${regionId}).`,
    `Weather: ${(region?.weather ?? []).map((w) => `${w.id}${w.combatModifier ? ` (combat ${signed(w.combatModifier)})` : ''}`).join(', ')}.`,
    `Places (id: name): ${places.map(placeEntry).join('; ')}.`,
    ...(people.length > 0
      ? [`People who live here: ${people.map((n) => `${n.name} (${n.id})`).join(', ')}.`]
      : []),
    ...(enemies.length > 0
      ? [
          `Enemies met here: ${enemies.map((e) => `${e.name} (${e.id}, HP ${e.hp}, ${enemyNumbers(e)})`).join(', ')}.`,
        ]
      : []),
  ].join('\n');
});

const placeEntry = (l: Location) => `${l.id}: ${l.name}${l.safe ? ', safe' : ''}`;

function situation(context: ActionContext, guidance: Proposal, audience: Audience): string {
  const head = [
    'Situation',
    ...placeLines(context, audience),
    exitsLine(context),
    ...presenceLines(context, { withNumbers: true }),
    ...(audience === 'public' ? [SHARED_PLAYER_LINE] : playerLines(context, { withNumbers: true })),
    ...namedElsewhereLines(context, audience),
    ...relatedLines(context, audience),
  ];
  return [...head, '', ...suggestedOutcomeLines(context, guidance, head.join('\n'))].join('\n');
}

/** What the command names that is neither here nor carried, with its numbers: the rules may need them. */
function namedElsewhereLines(context: ActionContext, audience: Audience): string[] {
  const { world, action } = context;
  const near = [
    ...[...context.itemsHere, ...(audience === 'private' ? context.player.inventory : [])].flatMap((id) => {
      const item = world.items.get(id);
      return item ? [item] : [];
    }),
    ...context.npcsHere,
    ...context.enemiesHere.map((e) => e.enemy),
  ];
  const { items, npcs, enemies } = world.content;
  const lookups = [
    (name: string) => {
      const enemy = findByName(enemies, name);
      return enemy && `${enemy.name} (${enemy.id}, HP ${enemy.hp}, ${enemyNumbers(enemy)})`;
    },
    (name: string) => {
      const npc = findByName(npcs, name);
      return npc && `${npc.name} (${npc.id})`;
    },
    (name: string) => {
      const item = findByName(items, name);
      return item && itemMention(world, item.id, true);
    },
  ];
  // What an attack names is an enemy first ("grey wolf", not the grey wolf pelt); anything else, an item.
  if (action.action_type !== 'attack') lookups.reverse();
  const mentions = new Set<string>();
  for (const name of namedInCommand(action)) {
    if (findByName(near, name)) continue;
    const found = lookups.map((lookup) => lookup(name)).find((text) => text !== undefined);
    if (found) mentions.add(found);
  }
  return mentions.size > 0 ? [`Named in the command, not here: ${[...mentions].join(', ')}.`] : [];
}

function namedInCommand(action: Action): string[] {
  switch (action.action_type) {
    case 'take':
    case 'drop':
    case 'equip':
    case 'unequip':
    case 'drink':
    case 'eat':
      return [action.item];
    case 'use':
      return [action.item, ...(action.target ? [action.target] : [])];
    case 'attack':
    case 'examine':
      return [action.target];
    case 'give':
      return [action.item];
    default:
      return [];
  }
}

/**
 * What the similarity search found (`context.related`), at most two: in a public prompt only the
 * public ones (places, people), in a private one the player's own recent actions too.
 */
function relatedLines(context: ActionContext, audience: Audience): string[] {
  const related = context.related;
  if (!related) return [];
  const picked =
    audience === 'public'
      ? related.public.slice(0, MAX_RELATED)
      : interleave(related.private, related.public).slice(0, MAX_RELATED);
  const texts = picked.map((text) => neutralise(text, MAX_RELATED_CHARS)).filter((text) => text.trim());
  return texts.length > 0 ? [`Related: ${texts.join(' | ')}`] : [];
}

function interleave(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}
