import { z } from 'zod';
import { npcsAt } from '../world/clock.ts';
import { withArticle } from '../world/grammar.ts';
import type { Quest, World } from '../world/world.ts';
import {
  MAX_OBSERVED_LINE,
  OBSERVATION_IMPORTANCE,
  type ObservationKind,
  REPEAT_GAP_GAME_HOURS,
} from './memory-constants.ts';

/** A recorded event as the witnesses see it: `at` is when it happened (its data's or its record's time). */
export interface WitnessedEvent {
  id: string;
  type: string;
  data: unknown;
  at: Date;
}

/** Who and what an observation is about: what reflections count (never the memory's owner). */
export interface Subject {
  playerId?: string;
  playerName?: string;
  enemyName?: string;
  placeName?: string;
  questName?: string;
  npcName?: string;
  topic?: string;
}

/**
 * Something an NPC saw happen near it, or that was done to it, in its own terms. Public: anyone could
 * have seen it, so it belongs to no player (the memory carries no playerId).
 */
export interface Observation {
  /** Unique per event, NPC and kind: the memory's id is derived from it, so a redelivery replaces it. */
  key: string;
  npcId: string;
  kind: ObservationKind;
  text: string;
  importance: number;
  /** ISO-8601 */
  at: string;
  about: Subject;
}

/**
 * What the witnesses need to know of earlier events to tell later ones: players' names, how hurt they
 * are, and what was seen lately (one memory per fight, not per blow; one of a player pacing in and out
 * of a place). Kept by `recordWitnessed`.
 */
export interface WitnessState {
  names: Map<string, string>;
  health: Map<string, { hp: number; maxHp: number }>;
  /** `fight/location/player/enemy`, `arrival/location/player`, … → when it was last seen, ms. */
  lastSeen: Map<string, number>;
}

export function newWitnessState(): WitnessState {
  return { names: new Map(), health: new Map(), lastSeen: new Map() };
}

/** NPCs' own events (their talks with each other, their reactions) are in streams starting with this. */
export const NPC_STREAM_PREFIX = 'npc-';

/** The types of event that feed NPC memory besides talks (for readers that filter by type). */
export const WITNESSED_EVENT_TYPES = [
  'PlayerRegistered',
  'PlayerSpawned',
  'PlayerMoved',
  'PlayerRespawned',
  'DamageTaken',
  'PlayerHealed',
  'PlayerDefeated',
  'EnemyDamaged',
  'EnemyDefeated',
  'QuestAccepted',
  'QuestStepCompleted',
  'QuestCompleted',
  'QuestAbandoned',
  'ItemGivenToNpc',
  'NpcsConversed',
  'NpcReacted',
] as const;

/**
 * What each NPC concerned observes of one event: those at the place (by their schedules at the time)
 * for arrivals, departures, fights, slayings and deaths; the giver (and any NPC a step names) for a
 * quest; the receiver for a gift; the speakers for NPCs' own talk; the reacting NPC for its reaction.
 * Reads the state, never changes it (call `recordWitnessed` after).
 */
export function observationsOf(event: WitnessedEvent, world: World, state: WitnessState): Observation[] {
  const seen = new Observations(event, world, state);
  const data = event.data as Record<string, unknown>;
  const str = (field: string) => (typeof data[field] === 'string' ? (data[field] as string) : undefined);
  const playerId = str('playerId');
  switch (event.type) {
    case 'PlayerMoved': {
      const from = str('from');
      const to = str('to');
      if (!playerId || !from || !to) return [];
      const wounded = isWounded(state, playerId) ? ', wounded' : '';
      if (!seenLately(state, world, event, moveKey('arrival', to, playerId)))
        seen.atPlace(to, 'arrival', `${seen.who(playerId)} came in from ${seen.place(from)}${wounded}.`, {
          playerId,
        });
      if (!seenLately(state, world, event, moveKey('departure', from, playerId)))
        seen.atPlace(from, 'departure', `${seen.who(playerId)} left for ${seen.place(to)}.`, { playerId });
      break;
    }
    case 'PlayerSpawned': {
      const locationId = str('locationId');
      if (!playerId || !locationId) return [];
      seen.atPlace(
        locationId,
        'newcomer',
        `${seen.who(playerId)} turned up here for the first time, a stranger to these parts.`,
        { playerId },
      );
      break;
    }
    case 'PlayerRespawned': {
      const locationId = str('locationId');
      const from = str('from');
      if (!playerId || !locationId || !from) return [];
      seen.atPlace(
        locationId,
        'return',
        `${seen.who(playerId)} came back to life here, after falling at ${seen.place(from)}.`,
        { playerId },
      );
      break;
    }
    case 'PlayerDefeated': {
      const locationId = str('locationId');
      if (!playerId || !locationId) return [];
      const by = str('by');
      const killer = by && world.enemies.has(by) ? `the ${seen.enemy(by)}` : 'their wounds';
      seen.atPlace(
        locationId,
        'death',
        `${seen.who(playerId)} fell at ${seen.place(locationId)}, killed by ${killer}.`,
        { playerId, ...(by && world.enemies.has(by) ? { enemyName: seen.enemy(by) } : {}) },
      );
      break;
    }
    case 'EnemyDamaged': {
      const locationId = str('locationId');
      const enemyId = str('enemyId');
      if (!playerId || !locationId || !enemyId) return [];
      if (seenLately(state, world, event, fightKey(locationId, playerId, enemyId))) return [];
      seen.atPlace(
        locationId,
        'fight',
        `${seen.who(playerId)} fought the ${seen.enemy(enemyId)} at ${seen.place(locationId)}.`,
        { playerId, enemyName: seen.enemy(enemyId) },
      );
      break;
    }
    case 'EnemyDefeated': {
      const locationId = str('locationId');
      const enemyId = str('enemyId');
      if (!playerId || !locationId || !enemyId) return [];
      seen.atPlace(
        locationId,
        'defeat',
        `${seen.who(playerId)} slew the ${seen.enemy(enemyId)} at ${seen.place(locationId)}.`,
        { playerId, enemyName: seen.enemy(enemyId) },
      );
      break;
    }
    case 'QuestAccepted':
    case 'QuestStepCompleted':
    case 'QuestCompleted':
    case 'QuestAbandoned': {
      const quest = world.quests.get(str('questId') ?? '');
      if (!playerId || !quest) return [];
      questObservations(seen, event.type, quest, playerId, data.step);
      break;
    }
    case 'ItemGivenToNpc': {
      const npcId = str('npcId');
      const item = world.items.get(str('itemId') ?? '');
      if (!playerId || !npcId || !item) return [];
      seen.by(npcId, 'gift', `${seen.who(playerId)} gave me ${withArticle(item.name)}.`, { playerId });
      break;
    }
    case 'NpcsConversed': {
      const talk = npcsConversedSchema.safeParse(event.data);
      if (!talk.success) return [];
      const { speakers, topic, lines } = talk.data;
      for (const [self, other] of [speakers, [speakers[1], speakers[0]] as const]) {
        const said = lines.find((line) => line.npcId === other)?.text;
        const otherName = seen.npc(other);
        seen.by(
          self,
          'npcTalk',
          `I talked with ${otherName} about ${short(topic)}.${said ? ` ${otherName} said: "${short(said)}"` : ''}`,
          { npcName: otherName, topic: short(topic) },
        );
      }
      break;
    }
    case 'NpcReacted': {
      const reacted = npcReactedSchema.safeParse(event.data);
      if (!reacted.success) return [];
      const { npcId, reaction, line, cause } = reacted.data;
      const happening = causeText(seen, cause);
      seen.by(
        npcId,
        'npcReaction',
        `${happening}, and I was ${short(reaction)}. I said: "${short(line)}"`,
        cause.playerId ? { playerId: cause.playerId } : {},
      );
      break;
    }
  }
  return seen.all;
}

/** Keeps what later observations need: names, health, what was seen lately. Mutates `state`. */
export function recordWitnessed(state: WitnessState, event: WitnessedEvent, world: World): void {
  const data = event.data as Record<string, unknown>;
  const playerId = typeof data.playerId === 'string' ? data.playerId : undefined;
  const num = (field: string) => (typeof data[field] === 'number' ? (data[field] as number) : undefined);
  if (!playerId) return;
  const maxHp = state.health.get(playerId)?.maxHp ?? world.content.player.maxHp;
  switch (event.type) {
    case 'PlayerRegistered':
      if (typeof data.username === 'string') state.names.set(playerId, data.username);
      break;
    case 'PlayerMoved': {
      const { from, to } = data;
      if (typeof from === 'string') sawNow(state, world, event, moveKey('departure', from, playerId));
      if (typeof to === 'string') sawNow(state, world, event, moveKey('arrival', to, playerId));
      break;
    }
    case 'PlayerSpawned':
      state.health.set(playerId, { hp: num('hp') ?? maxHp, maxHp: num('maxHp') ?? maxHp });
      break;
    case 'DamageTaken':
    case 'PlayerHealed':
    case 'PlayerRespawned': {
      const hp = num('hp');
      if (hp !== undefined) state.health.set(playerId, { hp, maxHp });
      break;
    }
    case 'EnemyDamaged': {
      const { locationId, enemyId } = data;
      if (typeof locationId !== 'string' || typeof enemyId !== 'string') break;
      sawNow(state, world, event, fightKey(locationId, playerId, enemyId));
      break;
    }
    case 'EnemyDefeated': {
      const { locationId, enemyId } = data;
      if (typeof locationId === 'string' && typeof enemyId === 'string')
        state.lastSeen.delete(fightKey(locationId, playerId, enemyId));
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------

/** The shapes of the NPCs' own events, read defensively: an event that does not fit is not observed. */
const npcsConversedSchema = z.object({
  speakers: z.tuple([z.string(), z.string()]),
  topic: z.string(),
  lines: z.array(z.object({ npcId: z.string(), text: z.string() })),
});
const npcReactedSchema = z.object({
  npcId: z.string(),
  reaction: z.string(),
  line: z.string(),
  cause: z.object({
    type: z.string(),
    playerId: z.string().optional(),
    questId: z.string().optional(),
    enemyId: z.string().optional(),
  }),
});

class Observations {
  readonly all: Observation[] = [];

  constructor(
    private readonly event: WitnessedEvent,
    private readonly world: World,
    private readonly state: WitnessState,
  ) {}

  /** Every NPC at the place when it happened. */
  atPlace(locationId: string, kind: ObservationKind, text: string, about: Subject): void {
    const placeName = this.place(locationId);
    for (const npc of npcsAt(this.world, locationId, this.event.at)) {
      this.by(npc.id, kind, text, { ...about, placeName });
    }
  }

  by(npcId: string, kind: ObservationKind, text: string, about: Subject): void {
    if (!this.world.npcs.has(npcId)) return;
    if (this.all.some((o) => o.npcId === npcId && o.kind === kind)) return;
    const playerName = about.playerId ? this.who(about.playerId) : undefined;
    this.all.push({
      key: `${this.event.id}/${npcId}/${kind}`,
      npcId,
      kind,
      text,
      importance: OBSERVATION_IMPORTANCE[kind],
      at: this.event.at.toISOString(),
      about: { ...about, ...(playerName ? { playerName } : {}) },
    });
  }

  who(playerId: string): string {
    return this.state.names.get(playerId) ?? 'A traveller';
  }

  place(locationId: string): string {
    const name = this.world.locations.get(locationId)?.name ?? 'somewhere';
    return name.replace(/^The\s/, 'the ');
  }

  enemy(enemyId: string): string {
    return this.world.enemies.get(enemyId)?.name ?? 'beast';
  }

  quest(questId: string): string | undefined {
    return this.world.quests.get(questId)?.name;
  }

  npc(npcId: string): string {
    return this.world.npcs.get(npcId)?.name ?? 'someone';
  }
}

function questObservations(
  seen: Observations,
  type: 'QuestAccepted' | 'QuestStepCompleted' | 'QuestCompleted' | 'QuestAbandoned',
  quest: Quest,
  playerId: string,
  stepIndex: unknown,
): void {
  const who = seen.who(playerId);
  const about = { playerId, questName: quest.name };
  const named = new Set(
    quest.steps.flatMap((step) =>
      step.condition.type === 'talk' || step.condition.type === 'deliver' ? [step.condition.npc] : [],
    ),
  );
  named.delete(quest.giver);
  switch (type) {
    case 'QuestAccepted':
      seen.by(quest.giver, 'questAccepted', `${who} took on my task: ${quest.name}.`, about);
      break;
    case 'QuestAbandoned':
      seen.by(quest.giver, 'questAbandoned', `${who} gave up on my task: ${quest.name}.`, about);
      break;
    case 'QuestStepCompleted': {
      const step = typeof stepIndex === 'number' ? quest.steps[stepIndex] : undefined;
      const what = step ? ` (${lowerFirst(step.description.replace(/\.$/, ''))})` : '';
      seen.by(quest.giver, 'questStep', `${who} got on with my task, ${quest.name}${what}.`, about);
      const stepNpc =
        step && (step.condition.type === 'talk' || step.condition.type === 'deliver')
          ? step.condition.npc
          : undefined;
      if (stepNpc && stepNpc !== quest.giver)
        seen.by(
          stepNpc,
          'questStep',
          `${who} came to me on ${seen.npc(quest.giver)}'s task, ${quest.name}.`,
          about,
        );
      break;
    }
    case 'QuestCompleted':
      seen.by(quest.giver, 'questCompleted', `${who} saw my task through: ${quest.name}.`, about);
      for (const npcId of named)
        seen.by(
          npcId,
          'questCompleted',
          `${who} finished ${quest.name} for ${seen.npc(quest.giver)}.`,
          about,
        );
      break;
  }
}

function causeText(seen: Observations, cause: z.infer<typeof npcReactedSchema>['cause']): string {
  const who = cause.playerId ? seen.who(cause.playerId) : 'Someone';
  switch (cause.type) {
    case 'PlayerDefeated':
      return `${who} fell`;
    case 'EnemyDefeated':
      return `${who} brought down the ${cause.enemyId ? seen.enemy(cause.enemyId) : 'beast'}`;
    case 'QuestCompleted': {
      const quest = cause.questId ? seen.quest(cause.questId) : undefined;
      return `${who} saw ${quest ? quest : 'a task'} through`;
    }
    default:
      return 'Something happened';
  }
}

function isWounded(state: WitnessState, playerId: string): boolean {
  const health = state.health.get(playerId);
  return health !== undefined && health.hp * 2 < health.maxHp;
}

function fightKey(locationId: string, playerId: string, enemyId: string): string {
  return `fight/${locationId}/${playerId}/${enemyId}`;
}

function moveKey(kind: 'arrival' | 'departure', locationId: string, playerId: string): string {
  return `${kind}/${locationId}/${playerId}`;
}

function repeatGapMs(world: World): number {
  return REPEAT_GAP_GAME_HOURS * world.content.time.secondsPerGameHour * 1000;
}

function seenLately(state: WitnessState, world: World, event: WitnessedEvent, key: string): boolean {
  const last = state.lastSeen.get(key);
  return last !== undefined && event.at.getTime() - last < repeatGapMs(world);
}

/** Past this many entries, those older than the gap (which tell nothing any more) are dropped. */
const LAST_SEEN_PRUNE_AT = 4_096;

function sawNow(state: WitnessState, world: World, event: WitnessedEvent, key: string): void {
  const now = event.at.getTime();
  if (state.lastSeen.size >= LAST_SEEN_PRUNE_AT) {
    for (const [old, at] of state.lastSeen) if (now - at >= repeatGapMs(world)) state.lastSeen.delete(old);
  }
  state.lastSeen.set(key, now);
}

/** One line of speech or a topic, cut to a length a memory keeps, and never with a double quote. */
function short(text: string): string {
  const plain = text
    .replace(/["\u201c\u201d]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= MAX_OBSERVED_LINE ? plain : `${plain.slice(0, MAX_OBSERVED_LINE - 1).trimEnd()}…`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
