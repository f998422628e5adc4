import type { LocationView } from '../../domain/world/location-view.ts';
import { cacheTtlMs } from '../../limits.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { descriptionFacts } from '../prompts/description-prompt.ts';
import { feelingBand } from '../prompts/npc-prompt.ts';

export interface CachePlan {
  kind: 'description' | 'greeting' | 'action';
  /** Public answers are shared by every player; private ones only with the same player. */
  scope: { public: true } | { playerId: string };
  /** Everything the answer depends on: same facts, same answer. */
  facts: unknown;
  ttlMs: number;
  /**
   * The field of `facts` that holds the player's own wording: without it, the facts say which answers
   * may stand for one another when the wordings are alike (the semantic cache's bucket).
   */
  wording?: string;
}

const GREETING_ONLY = /^\s*(hi|hello|hey|greetings|good (morning|day|evening)|well met|hail)[\s!.,]*$/i;

/**
 * What of an LLM answer may be reused, for whom and for how long (the seed's cache table): location
 * descriptions for everyone (5 min), NPC greetings for everyone (10 min), and other recent actions
 * only for the player who made them (5 min). Combat is never reused: every blow is new.
 */
export function cachePlan(context: ActionContext, guidance: Proposal): CachePlan | undefined {
  const action = context.action;
  const world = {
    location: context.location.id,
    weather: context.weather.id,
    timeOfDay: context.time.timeOfDay,
  };
  switch (action.action_type) {
    case 'look':
    case 'move':
      // The rule engine's view of the scene (items, enemies, people, weather, time) is in the facts.
      return {
        kind: 'description',
        scope: { public: true },
        facts: { action, effects: guidance.effects, view: guidance.result.location ?? null, ...world },
        ttlMs: cacheTtlMs.locationDescription,
      };
    case 'talk': {
      const npc = context.npc?.id;
      if (!npc) return undefined;
      // What the NPC saw happen nearby (public observations, reflections) is not about this player and
      // not in a shared greeting's prompt: only a memory of this player makes the greeting theirs.
      const greeting =
        GREETING_ONLY.test(action.message) && context.memories.every((m) => m.playerId === undefined);
      if (greeting) {
        const offer = (guidance.result.quest_offer as { id?: string } | undefined)?.id ?? null;
        const band = feelingBand(context.player.relationships[npc] ?? 0);
        return {
          kind: 'greeting',
          scope: { public: true },
          facts: { npc, greeting: action.message.trim().toLowerCase(), band, offer, ...world },
          ttlMs: cacheTtlMs.npcGreeting,
          wording: 'greeting',
        };
      }
      return {
        kind: 'action',
        scope: { playerId: context.player.playerId },
        facts: {
          npc,
          message: action.message,
          memories: context.memories.map((m) => m.text),
          relationship: context.player.relationships[npc] ?? 0,
          // The reply takes what they carry and their quest steps into account.
          carried: context.player.inventory,
          quests: context.player.quests,
          ...world,
        },
        ttlMs: cacheTtlMs.similarAction,
        wording: 'message',
      };
    }
    case 'attack':
    case 'inventory':
    case 'quest':
      return undefined;
    default:
      return {
        kind: 'action',
        scope: { playerId: context.player.playerId },
        facts: {
          action,
          effects: guidance.effects,
          items: context.itemsHere,
          inventory: context.player.inventory,
          ...world,
        },
        ttlMs: cacheTtlMs.similarAction,
      };
  }
}

/**
 * A place's description shared apart from the moment ('shared-descriptions'): its key holds only what
 * the text depends on, so looking at a place and walking into it share one entry, whoever is there.
 */
export function sharedDescriptionPlan(view: LocationView): CachePlan {
  return {
    kind: 'description',
    scope: { public: true },
    facts: descriptionFacts(view),
    ttlMs: cacheTtlMs.locationDescription,
  };
}
