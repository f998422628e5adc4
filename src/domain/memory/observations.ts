import { withArticle } from '../world/grammar.ts';
import type { World } from '../world/world.ts';
import { causeText, npcReactedSchema, npcsConversedSchema, short } from './npc-event-observations.ts';
import { type Observation, Observations } from './observation-collector.ts';
import { questObservations } from './quest-observations.ts';
import {
  fightKey,
  isWounded,
  moveKey,
  seenLately,
  type WitnessedEvent,
  type WitnessState,
} from './witness-state.ts';

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
      // The longest line is what the talk was about (a greeting or a nod is shorter).
      const gist = lines.reduce<(typeof lines)[number] | undefined>(
        (longest, line) => (longest && longest.text.length >= line.text.length ? longest : line),
        undefined,
      );
      for (const [self, other] of [speakers, [speakers[1], speakers[0]] as const]) {
        const otherName = seen.npc(other);
        // Named once in the talk's line, then "he"/"she" ("…with Old Tom. He told me: '…'").
        const otherPronoun = seen.pronoun(other);
        const talked =
          topic === 'small talk'
            ? `I passed the time with ${otherName}.`
            : `I talked with ${otherName} about ${short(topic)}.`;
        // In single quotes: told as news inside an NPC's quoted reply, it still reads as one voice.
        const words = !gist
          ? ''
          : gist.npcId === self
            ? ` I told ${otherPronoun.them}: '${short(gist.text).replaceAll("'", '’')}'`
            : ` ${otherPronoun.They} told me: '${short(gist.text).replaceAll("'", '’')}'`;
        seen.by(self, 'npcTalk', `${talked}${words}`, { npcName: otherName, topic: short(topic) });
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
