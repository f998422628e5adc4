import { nameBasedUuid } from '../commands/name-based-uuid.ts';
import { factsOfTalk, type PlayerFact, SINGLE_VALUED } from '../domain/memory/facts.ts';
import { FACT_IMPORTANCE } from '../domain/memory/memory-constants.ts';
import type { Observation } from '../domain/memory/observation-collector.ts';
import { observationsOf, WITNESSED_EVENT_TYPES } from '../domain/memory/observations.ts';
import {
  NO_REFLECTION,
  noteObservations,
  type Reflection,
  type ReflectionState,
} from '../domain/memory/reflection.ts';
import { rateImportance } from '../domain/memory/retrieval.ts';
import { recordWitnessed, type WitnessState } from '../domain/memory/witness-state.ts';
import type { PlayerEventOf } from '../domain/player/player-events.ts';
import { buildWorld, type World } from '../domain/world/world.ts';
import type { Position, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { NpcMemory } from '../infrastructure/memory/vector-memory.ts';
import { JournaledMap } from './journaled-map.ts';

export type MemoryToWrite = Omit<NpcMemory, 'embedding'>;

/** Every memory id derived from its source is a name-based UUID in this namespace. */
const MEMORY_NAMESPACE = '7b0c8e0e-4f39-4d0e-9a57-1f6c2a4e9d21';

/** The events that make memories, and those that tell the book what it needs to word them. */
export const MEMORY_EVENT_TYPES = [
  'WorldContentLoaded',
  'NpcConversationHeld',
  ...WITNESSED_EVENT_TYPES,
] as const;

/**
 * What NPCs remember of the events, in order: talks (private to their player: the words, the NPC's
 * answer, and the facts the player told about themselves), what they saw happen (public), and the
 * reflections those add up to (public). Its state (players' names and health, fights and comings seen lately, each
 * NPC's observations since its last reflection, the world content in force) is a function of the
 * events before, so any process that reads the same log words the same memories under the same ids.
 *
 * `read` changes nothing: `commit` applies the event once its memories are stored, so a failed write
 * leaves the book as it was and the event can come again; an event at or below the last committed one
 * is skipped (its memories are stored already).
 */
export class NpcMemoryBook {
  // Journaled, so that going back to a snapshot costs what changed since, not the number of players.
  private readonly witness = {
    names: new JournaledMap<string, string>(),
    health: new JournaledMap<string, { hp: number; maxHp: number }>(),
    lastSeen: new JournaledMap<string, number>(),
  } satisfies WitnessState;
  private readonly reflections = new JournaledMap<string, ReflectionState>();
  private applied: Position = -1n;

  constructor(private world: World) {}

  /** The last event committed. */
  get position(): Position {
    return this.applied;
  }

  /** The memories one event makes, and how to commit it; undefined for an event already committed. */
  read(event: StoredEvent): { memories: MemoryToWrite[]; commit: () => void } | undefined {
    if (event.position <= this.applied) return undefined;
    if (event.type === 'WorldContentLoaded') {
      const content = (event.data as { content?: unknown }).content;
      return { memories: [], commit: () => this.follow(event.position, content) };
    }
    if (event.type === 'NpcConversationHeld') {
      const talk = event.data as PlayerEventOf<'NpcConversationHeld'>['data'];
      return { memories: conversationMemories(event.id, talk), commit: () => this.done(event.position) };
    }
    const witnessed = { id: event.id, type: event.type, data: event.data, at: timeOf(event) };
    const observations = observationsOf(witnessed, this.world, this.witness);
    const byNpc = new Map<string, Observation[]>();
    for (const observation of observations) {
      byNpc.set(observation.npcId, [...(byNpc.get(observation.npcId) ?? []), observation]);
    }
    const next = new Map<string, ReflectionState>();
    const reflections: Reflection[] = [];
    for (const [npcId, seen] of byNpc) {
      const step = noteObservations(this.reflections.get(npcId) ?? NO_REFLECTION, seen, event.id);
      next.set(npcId, step.state);
      if (step.reflection) reflections.push(step.reflection);
    }
    return {
      memories: [...observations.map(observationMemory), ...reflections.map(reflectionMemory)],
      commit: () => {
        recordWitnessed(this.witness, witnessed, this.world);
        for (const [npcId, state] of next) this.reflections.set(npcId, state);
        this.done(event.position);
      },
    };
  }

  /** A way back to the book as it is now (when the memories of what it read since could not be stored). */
  snapshot(): () => void {
    const maps = [this.witness.names, this.witness.health, this.witness.lastSeen, this.reflections];
    for (const map of maps) map.begin();
    const { applied, world } = this;
    return () => {
      for (const map of maps) map.rollback();
      this.applied = applied;
      this.world = world;
    };
  }

  /** Reads an event for its effect on the book alone (catching up without writing memories again). */
  replay(event: StoredEvent): void {
    this.read(event)?.commit();
  }

  private follow(position: Position, content: unknown): void {
    try {
      this.world = buildWorld(content, 'WorldContentLoaded');
    } catch {
      // Recorded content was checked when it was loaded; one that no longer builds keeps the world before.
    }
    this.done(position);
  }

  private done(position: Position): void {
    this.applied = position;
  }
}

/** The talk (private to the player) and each fact they told about themselves (private too). */
function conversationMemories(
  eventId: string,
  talk: PlayerEventOf<'NpcConversationHeld'>['data'],
): MemoryToWrite[] {
  const { npcId, playerId, at } = talk;
  const talkMemory: MemoryToWrite = {
    id: eventId,
    npcId,
    playerId,
    kind: 'conversation',
    text: talk.message,
    npcReply: talk.reply,
    importance: rateImportance(talk.message),
    createdAt: at,
    lastAccessedAt: at,
  };
  return [
    talkMemory,
    ...factsOf(talk).map(
      (fact): MemoryToWrite => ({
        // One name, home and calling per player and NPC (the latest stands); each promise and quest its own.
        id: nameBasedUuid(
          `fact/${npcId}/${playerId}/${fact.kind}${SINGLE_VALUED.has(fact.kind) ? '' : `/${fact.value.toLowerCase()}`}`,
          MEMORY_NAMESPACE,
        ),
        npcId,
        playerId,
        kind: 'fact',
        text: factText(fact),
        fact,
        importance: FACT_IMPORTANCE[fact.kind],
        createdAt: at,
        lastAccessedAt: at,
      }),
    ),
  ];
}

/**
 * The facts of a talk: those the lane recorded with it (a model's, checked again here), and those the
 * extractor finds in the player's words; for one name, home or calling, the lane's stands.
 */
function factsOf(talk: PlayerEventOf<'NpcConversationHeld'>['data']): PlayerFact[] {
  // Read defensively: the events are the log's, whatever wrote them.
  const recorded: unknown[] = Array.isArray(talk.facts) ? talk.facts : [];
  const shaped = recorded.filter(
    (fact): fact is PlayerFact =>
      typeof fact === 'object' &&
      fact !== null &&
      typeof (fact as PlayerFact).kind === 'string' &&
      typeof (fact as PlayerFact).value === 'string',
  );
  return factsOfTalk(talk.message, shaped);
}

/** What the fact memory is about, for relevance to what the player says later. */
function factText(fact: PlayerFact): string {
  switch (fact.kind) {
    case 'name':
      return `Their name: ${fact.value}`;
    case 'home':
      return `Their home: ${fact.value}`;
    case 'calling':
      return `Their calling: ${fact.value}`;
    case 'promise':
      return `They promised: ${fact.value}`;
    case 'seeking':
      return `They are looking for: ${fact.value}`;
  }
}

function observationMemory(observation: Observation): MemoryToWrite {
  return {
    id: nameBasedUuid(`observation/${observation.key}`, MEMORY_NAMESPACE),
    npcId: observation.npcId,
    kind: 'observation',
    text: observation.text,
    importance: observation.importance,
    createdAt: observation.at,
    lastAccessedAt: observation.at,
  };
}

function reflectionMemory(reflection: Reflection): MemoryToWrite {
  return {
    id: nameBasedUuid(`reflection/${reflection.key}`, MEMORY_NAMESPACE),
    npcId: reflection.npcId,
    kind: 'reflection',
    text: reflection.text,
    importance: reflection.importance,
    createdAt: reflection.at,
    lastAccessedAt: reflection.at,
  };
}

/** When it happened: the time in its data when it has one, else when it was recorded. */
function timeOf(event: StoredEvent): Date {
  const at = (event.data as { at?: unknown }).at;
  const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return new Date(Number.isNaN(parsed) ? Date.parse(event.metadata.timestamp) : parsed);
}
