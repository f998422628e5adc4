import { nameBasedUuid } from '../commands/name-based-uuid.ts';
import { whereThePlayerStood } from '../commands/where-the-player-stood.ts';
import type { LocationEvent } from '../domain/location/location.ts';
import {
  composeNpcConversation,
  conversationPair,
  conversationSlot,
  type TalkLately,
} from '../domain/npc/npc-conversation.ts';
import type { WorldHappening } from '../domain/npc/npc-happenings.ts';
import {
  type NpcLifeEventOf,
  npcConversationStream,
  npcReactionStream,
} from '../domain/npc/npc-life-events.ts';
import { reactionsTo } from '../domain/npc/npc-reactions.ts';
import type { PlayerEvent } from '../domain/player/player.ts';
import { weatherAt, worldTime } from '../domain/world/clock.ts';
import type { Npc, World } from '../domain/world/world.ts';
import type { ConversationWording } from '../gpu/npc-life/conversation-wording.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { Batch } from '../infrastructure/consumers/sink.ts';
import type { EventStore, NewEvent, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { limits } from '../limits.ts';

/**
 * What was said at a place lately, from its last conversations: every line, and whether the two
 * NPCs talked there within the last game hours (then they do not greet each other again).
 */
export function talkLately(
  earlier: readonly StoredEvent[],
  pair: readonly [Npc, Npc],
  at: Date,
  secondsPerGameHour: number,
): TalkLately {
  const talks = earlier
    .filter((event) => event.type === 'NpcsConversed')
    .map((event) => (event as unknown as NpcLifeEventOf<'NpcsConversed'>).data);
  const metSince = at.getTime() - limits.npcMetLatelyGameHours * secondsPerGameHour * 1000;
  const ids = pair.map((npc) => npc.id);
  return {
    met: talks.some(
      (talk) =>
        ids.every((id) => talk.speakers.includes(id)) &&
        Date.parse(talk.at) >= metSince &&
        Date.parse(talk.at) < at.getTime(),
    ),
    said: talks.flatMap((talk) => talk.lines.map((line) => line.text)),
  };
}

/** Names every NPC-life event id: the same cause or slot gives the same id in every process. */
const NPC_LIFE_NAMESPACE = '3d8a7c1e-5b2f-4e69-a0d4-6c9f1b2e7a53';
export const NPC_LIFE_CHECKPOINT = 'reactor:npc-life';
/** The world events NPCs react to. */
export const NPC_LIFE_EVENT_TYPES = ['QuestCompleted', 'PlayerDefeated', 'EnemyDefeated'];

export interface NpcLifeDeps {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** The content in force (it may be reloaded while running). */
  world: () => World;
  /** Who is online where: conversations happen only where someone hears them. */
  presence: {
    locationsWithPlayersOnline(): Iterable<string>;
    username(playerId: string): string | undefined;
  };
  clock: () => Date;
  logger: Logger;
  /** With an NPC lane: a model words the rules' lines (the slot's first process to finish records them). */
  wording?: ConversationWording;
  conversationEveryGameMinutes?: number;
  tickMs?: number;
  retryDelayMs?: number;
}

/**
 * NPCs living off the request path. A reactor (at least once, with a checkpoint) turns world events
 * (a quest completed, a player's death, a boss slain) into NpcReacted events of the NPCs concerned;
 * a timer has the NPCs standing together where a player is talk to each other once a slot of world
 * time (NpcsConversed). Every event's id is named by its cause (the world event and the NPC; the
 * place and the slot), so a redelivery after a crash, or another process doing the same, appends
 * nothing twice: the store takes an id it already holds as done.
 */
export class NpcLife {
  private readonly consumer: ConsumerRunner;
  private readonly everyGameMinutes: number;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> = Promise.resolve();
  /** Places whose conversation of the current slot is recorded (by this process or another). */
  private talked = { slot: Number.NaN, places: new Set<string>() };
  /** The last notable happening at each place, for the NPCs there to talk about. */
  private readonly recent = new Map<string, { happening: WorldHappening; at: Date }>();

  constructor(private readonly deps: NpcLifeDeps) {
    this.everyGameMinutes = deps.conversationEveryGameMinutes ?? limits.npcConversationEveryGameMinutes;
    this.tickMs = deps.tickMs ?? limits.npcLifeTickMs;
    this.consumer = new ConsumerRunner({
      name: 'npc-life',
      store: deps.store,
      filter: { eventTypes: NPC_LIFE_EVENT_TYPES },
      logger: deps.logger,
      ...(deps.retryDelayMs === undefined ? {} : { retryDelayMs: deps.retryDelayMs }),
      sink: {
        delivery: 'at-least-once',
        checkpoints: deps.checkpoints,
        checkpointName: NPC_LIFE_CHECKPOINT,
        handle: (batch) => this.react(batch),
      },
    });
  }

  async start(): Promise<void> {
    // A first start reacts from now on: a log's past deaths and quests are not news any more.
    if ((await this.deps.checkpoints.load(NPC_LIFE_CHECKPOINT)) === undefined)
      await this.deps.checkpoints.save(NPC_LIFE_CHECKPOINT, await this.deps.store.headPosition());
    await this.consumer.start();
    let busy = false;
    this.timer = setInterval(() => {
      // A tick still wording its conversations (a model may take seconds) is not joined by the next.
      if (busy) return;
      busy = true;
      this.ticking = this.converse()
        .catch((error) =>
          this.deps.logger.warn({ err: error }, 'NPC conversations failed; trying again next tick'),
        )
        .finally(() => {
          busy = false;
        });
    }, this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.consumer.stop();
  }

  caughtUp(): Promise<void> {
    return this.consumer.caughtUp();
  }

  /**
   * Records the conversations due in the current slot: one per place where a player is online and at
   * least two NPCs stand. Returns how many this call appended (another process may have done some).
   */
  async converse(): Promise<number> {
    const world = this.deps.world();
    const now = this.deps.clock();
    const slot = conversationSlot(world, now, this.everyGameMinutes);
    if (slot !== this.talked.slot) this.talked = { slot, places: new Set() };
    // The slot's start, not now: every process composes the same lines for the slot.
    const at = new Date(
      Math.ceil(((slot * this.everyGameMinutes) / 60) * world.content.time.secondsPerGameHour * 1000),
    );
    let appended = 0;
    for (const locationId of [...this.deps.presence.locationsWithPlayersOnline()]) {
      if (this.talked.places.has(locationId)) continue;
      const location = world.locations.get(locationId);
      const pair = location && conversationPair(world, locationId, at, slot);
      if (location && pair) {
        const conversationId = nameBasedUuid(`conversation/${locationId}/${slot}`, NPC_LIFE_NAMESPACE);
        const earlier = await this.earlierConversations(locationId);
        if (earlier[0]?.id === conversationId) {
          // Another process recorded it.
          this.talked.places.add(locationId);
          continue;
        }
        const { topic, lines: drafted } = composeNpcConversation(
          world,
          location,
          pair[0],
          pair[1],
          at,
          this.recentAt(locationId, at, now),
          talkLately(earlier, pair, at, world.content.time.secondsPerGameHour),
        );
        const lines = this.deps.wording
          ? await this.deps.wording.word({
              location,
              speakers: pair,
              topic,
              timeOfDay: worldTime(world, at).timeOfDay,
              weather: weatherAt(world, location.region, at).id,
              lines: drafted,
            })
          : drafted;
        const data: NpcLifeEventOf<'NpcsConversed'>['data'] = {
          conversationId,
          locationId,
          speakers: [pair[0].id, pair[1].id],
          topic,
          lines,
          at: at.toISOString(),
        };
        const result = await this.deps.store.appendToStream(
          npcConversationStream(locationId),
          [{ id: conversationId, type: 'NpcsConversed', data, metadata: { timestamp: at.toISOString() } }],
          { expectedRevision: 'any' },
        );
        if (!result.alreadyAppended) appended++;
        // Told once: the next conversations here move on.
        this.recent.delete(locationId);
      }
      this.talked.places.add(locationId);
    }
    return appended;
  }

  /** The place's last conversations, newest first. */
  private earlierConversations(locationId: string): Promise<StoredEvent[]> {
    return this.deps.store.readStream(npcConversationStream(locationId), {
      direction: 'backwards',
      maxCount: limits.npcConversationsRemembered,
    });
  }

  /** What happened at the place before now, and not long before the slot began. */
  private recentAt(locationId: string, slotStart: Date, now: Date): WorldHappening | undefined {
    const recent = this.recent.get(locationId);
    if (!recent || recent.at > now) return undefined;
    const freshMs =
      limits.npcRecentHappeningGameHours * this.deps.world().content.time.secondsPerGameHour * 1000;
    return slotStart.getTime() - recent.at.getTime() <= freshMs ? recent.happening : undefined;
  }

  /** Idempotent: each reaction's id is named by the world event and the NPC. */
  private async react(batch: Batch): Promise<void> {
    const world = this.deps.world();
    const now = this.deps.clock().getTime();
    for (const event of batch.events) {
      const at = new Date(event.metadata.timestamp);
      if (Number.isNaN(at.getTime()) || now - at.getTime() > limits.npcReactionMaxAgeMs) continue;
      const happening = await this.happeningOf(event);
      if (!happening) continue;
      if (happening.locationId) this.recent.set(happening.locationId, { happening, at });
      for (const reaction of reactionsTo(happening, world, at)) {
        const reacted: NewEvent = {
          id: nameBasedUuid(`reaction/${event.id}/${reaction.data.npcId}`, NPC_LIFE_NAMESPACE),
          type: reaction.type,
          data: reaction.data,
          metadata: {
            timestamp: reaction.data.at,
            causationId: event.id,
            correlationId: event.metadata.correlationId ?? event.id,
          },
        };
        await this.deps.store.appendToStream(npcReactionStream(reaction.data.npcId), [reacted], {
          expectedRevision: 'any',
        });
      }
    }
  }

  private async happeningOf(stored: StoredEvent): Promise<WorldHappening | undefined> {
    const event = stored as unknown as PlayerEvent | LocationEvent;
    const playerName = (playerId: string) => {
      const name = this.deps.presence.username(playerId);
      return name === undefined ? {} : { playerName: name };
    };
    switch (event.type) {
      case 'QuestCompleted': {
        const { playerId, questId } = event.data;
        // The completion itself is in the player's stream: where they stood as of it, inclusive.
        const locationId = await whereThePlayerStood(this.deps.store, stored.streamId, stored.revision);
        return {
          type: 'QuestCompleted',
          playerId,
          questId,
          ...(locationId ? { locationId } : {}),
          ...playerName(playerId),
        };
      }
      case 'PlayerDefeated': {
        const { playerId, locationId } = event.data;
        return { type: 'PlayerDefeated', playerId, locationId, ...playerName(playerId) };
      }
      case 'EnemyDefeated': {
        const { playerId, enemyId, locationId } = event.data;
        return { type: 'EnemyDefeated', playerId, enemyId, locationId, ...playerName(playerId) };
      }
      default:
        return undefined;
    }
  }
}
