import { z } from 'zod';
import { type DomainEvent, fold } from '../../domain/decider.ts';
import { locationDecider, locationStream } from '../../domain/location/location.ts';
import { NPC_HISTORY_CATEGORIES, NPC_HISTORY_EVENT_TYPES, npcHistory } from '../../domain/npc/npc-history.ts';
import { playerDecider, playerStream } from '../../domain/player/player.ts';
import { type ContentEvent, WORLD_CONTENT_STREAM } from '../../domain/world/content-decider.ts';
import { buildWorld, type World } from '../../domain/world/world.ts';
import type { EventStore, Position, StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import { dateParam, positionParam, queryEvents } from './event-query.ts';

export const STATE_KINDS = ['player', 'location', 'npc'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/** Whose state, and when: at a position (inclusive), at a time (inclusive), or now when neither. */
export interface StateTarget {
  kind: StateKind;
  id: string;
  position?: Position;
  at?: Date;
}

export interface StateAt {
  kind: StateKind;
  id: string;
  /** The last event folded into the state. */
  asOf: { position: Position; timestamp: string | null };
  /** The world content version whose rules folded the events. */
  contentVersion: string;
  state: unknown;
}

/** Nothing to show: no events up to there, or no world content recorded yet. */
export class StateNotFoundError extends Error {
  override readonly name = 'StateNotFoundError';
}

/**
 * Rebuilds what an aggregate looked like at a past moment from the events alone, with the same
 * deciders the game uses, built on the world content that was in force then. Reads only: no lanes.
 */
export async function stateAt(store: EventStore, target: StateTarget): Promise<StateAt> {
  const world = await worldAt(store, target);
  const { events, state } = await foldTarget(store, target, world);
  const last = events.at(-1);
  if (!last) throw new StateNotFoundError(`no events about ${target.kind} "${target.id}"${describe(target)}`);
  return {
    kind: target.kind,
    id: target.id,
    asOf: { position: last.position, timestamp: last.metadata?.timestamp ?? null },
    contentVersion: world.content.version,
    state,
  };
}

async function foldTarget(
  store: EventStore,
  target: StateTarget,
  world: World,
): Promise<{ events: StoredEvent[]; state: unknown }> {
  switch (target.kind) {
    case 'player': {
      const events = upTo(target, await store.readStream(playerStream(target.id)));
      return { events, state: fold(playerDecider(world), asDomain(events)) };
    }
    case 'location': {
      if (!world.locations.has(target.id))
        throw new StateNotFoundError(
          `content version ${world.content.version} has no location "${target.id}"${describe(target)}`,
        );
      const events = upTo(target, await store.readStream(locationStream(target.id)));
      return { events, state: fold(locationDecider(world, target.id), asDomain(events)) };
    }
    case 'npc': {
      const history = npcHistory(target.id, (questId) => world.quests.get(questId)?.giver);
      const candidates: StoredEvent[] = [];
      const query = {
        category: NPC_HISTORY_CATEGORIES,
        types: NPC_HISTORY_EVENT_TYPES,
        ...(target.position !== undefined ? { until: target.position } : {}),
      };
      for await (const event of queryEvents(store, query)) candidates.push(event);
      const events = upTo(target, candidates).filter(history.isAbout);
      return { events, state: fold(history, asDomain(events)) };
    }
  }
}

/** The content version recorded last at or before the target. */
export async function worldAt(store: EventStore, target: Omit<StateTarget, 'kind' | 'id'>): Promise<World> {
  const recorded = upTo(target, await store.readStream(WORLD_CONTENT_STREAM));
  const last = recorded.at(-1) as (StoredEvent & ContentEvent) | undefined;
  if (!last) throw new StateNotFoundError(`no world content was recorded${describe(target)}`);
  return buildWorld(last.data.content, `content version ${last.data.version}`);
}

/**
 * The events (in order) up to the target. Stops at the first one past it rather than skipping it,
 * so the state is always that of a prefix of the history.
 */
function upTo(target: { position?: Position; at?: Date }, events: readonly StoredEvent[]): StoredEvent[] {
  const limit = target.at?.getTime();
  const end = events.findIndex(
    (event) =>
      (target.position !== undefined && event.position > target.position) ||
      (limit !== undefined && !(Date.parse(event.metadata?.timestamp ?? '') <= limit)),
  );
  return end < 0 ? [...events] : events.slice(0, end);
}

const asDomain = <E extends DomainEvent>(events: readonly StoredEvent[]) => events as unknown as E[];

function describe(target: { position?: Position; at?: Date }): string {
  if (target.position !== undefined) return ` at or before position ${target.position}`;
  if (target.at) return ` at or before ${target.at.toISOString()}`;
  return '';
}

/** `?position=` or `?at=`, from HTTP query strings and CLI flags. */
export const stateQuerySchema = z
  .strictObject({ position: positionParam.optional(), at: dateParam.optional() })
  .refine((query) => query.position === undefined || query.at === undefined, {
    message: 'give position or at, not both',
  });

export const stateKindSchema = z.enum(STATE_KINDS, { error: 'unknown kind: use player, location or npc' });

/** For JSON: the positions as strings. */
export function stateAtToJson(result: StateAt) {
  return {
    ...result,
    asOf: { position: result.asOf.position.toString(), timestamp: result.asOf.timestamp },
  };
}
