import { npcsAt } from '../world/clock.ts';
import { type Pronoun, pronounOf } from '../world/grammar.ts';
import type { World } from '../world/world.ts';
import { OBSERVATION_IMPORTANCE, type ObservationKind } from './memory-constants.ts';
import type { WitnessedEvent, WitnessState } from './witness-state.ts';

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

/** Gathers one event's observations, at most one of each kind per NPC, and words who and where. */
export class Observations {
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

  /** How an NPC is spoken of once named: he, she or they. */
  pronoun(npcId: string): Pronoun {
    return pronounOf({ description: this.world.npcs.get(npcId)?.description ?? '' });
  }
}
