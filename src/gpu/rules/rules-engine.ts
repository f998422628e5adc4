import type { ActionOf } from '../../domain/actions.ts';
import { seededRandom } from '../../domain/random.ts';
import { DIRECTION_LETTERS } from '../../domain/world/directions.ts';
import { viewLocation } from '../../domain/world/location-view.ts';
import { findByName } from '../../domain/world/lookup.ts';
import { findExit } from '../../domain/world/world.ts';
import type { ActionContext, Lane, Proposal } from '../lane.ts';
import { attack } from './combat.ts';
import { drink, eat } from './consume.ts';
import { narrateLocation } from './describe.ts';
import { emote } from './emote.ts';
import { equip, unequip } from './equip.ts';
import { examine } from './examine.ts';
import { give } from './give.ts';
import { help } from './help.ts';
import { drop, inventory, take, use } from './items.ts';
import { quest } from './quests.ts';
import { markRefusal } from './refusal.ts';
import { composeReply } from './talk.ts';
import { trade } from './trade.ts';
import { whisper } from './whisper.ts';
import { who } from './who.ts';

/**
 * The seed's "GPU offline → rule-based AI": resolves every action from the rules and the world data
 * alone, with randomness seeded by the action id so a retried action comes out the same.
 */
export class RulesEngine implements Lane {
  readonly name = 'rules';

  async resolve(context: ActionContext): Promise<Proposal> {
    return markRefusal(context.action, await this.answer(context));
  }

  private async answer(context: ActionContext): Promise<Proposal> {
    const random = seededRandom(context.actionId);
    const action = context.action;
    switch (action.action_type) {
      case 'look':
        return {
          effects: [],
          source: 'rules',
          result: { action_type: 'look', ...this.describeHere(context) },
        };
      case 'move':
        return this.move(context, action.direction ?? action.to ?? '');
      case 'talk':
        return this.talk(context, action, random);
      case 'attack':
        return attack(context, action, random);
      case 'take':
        return take(context, action);
      case 'drop':
        return drop(context, action);
      case 'use':
        return use(context, action);
      case 'inventory':
        return inventory(context);
      case 'quest':
        return quest(context, action);
      case 'examine':
        return examine(context, action);
      case 'give':
        return give(context, action);
      case 'trade':
        return trade(context, action);
      case 'who':
        return who(context);
      case 'help':
        return help(context);
      case 'emote':
        return emote(context, action);
      case 'whisper':
        return whisper(context, action);
      case 'equip':
        return equip(context, action);
      case 'unequip':
        return unequip(context, action);
      case 'drink':
        return drink(context, action);
      case 'eat':
        return eat(context, action);
      case 'say':
        return {
          effects: [{ kind: 'say', message: action.message }],
          source: 'rules',
          result: { action_type: 'say', narration: `You say: "${action.message}"`, message: action.message },
        };
    }
  }

  private describeHere(context: ActionContext) {
    const location = viewLocation(context.world, context.location, {
      items: context.itemsHere,
      players: context.playersHere,
      ...(context.playersHereCount === undefined ? {} : { playersCount: context.playersHereCount }),
      npcs: context.npcsHere,
      enemies: context.enemiesHere,
      weather: context.weather,
      timeOfDay: context.time.timeOfDay,
    });
    return { narration: narrateLocation(location), location };
  }

  private async move(context: ActionContext, wanted: string): Promise<Proposal> {
    const { world, location: here } = context;
    const target = Object.hasOwn(DIRECTION_LETTERS, wanted) ? DIRECTION_LETTERS[wanted]! : wanted;
    const exit = findExit(world, here, target);
    if (!exit) {
      const ways = Object.keys(here.exits).join(', ') || 'nowhere';
      return {
        effects: [],
        source: 'rules',
        result: {
          action_type: 'move',
          moved: false,
          narration: `You can't go ${target} from here. Ways out: ${ways}.`,
        },
      };
    }
    const there = await context.describe(exit.to.id);
    const location = viewLocation(world, exit.to, there);
    return {
      effects: [{ kind: 'move', to: exit.to.id }],
      source: 'rules',
      result: {
        action_type: 'move',
        moved: true,
        direction: exit.direction,
        from: here.id,
        narration: `You head ${exit.direction}.\n\n${narrateLocation(location)}`,
        location,
      },
    };
  }

  private async talk(
    context: ActionContext,
    action: ActionOf<'talk'>,
    random: () => number,
  ): Promise<Proposal> {
    const npc = context.npc ?? findByName(context.npcsHere, action.npc);
    if (!npc) {
      const elsewhere = findByName(context.world.content.npcs, action.npc);
      const narration = elsewhere
        ? `${elsewhere.name} is not here.`
        : `There is no one called ${action.npc} here.`;
      return { effects: [], source: 'rules', result: { action_type: 'talk', narration } };
    }
    const reply = await composeReply(context, npc, action, random);
    return {
      effects: [
        {
          kind: 'talk',
          npc: npc.id,
          message: action.message,
          reply: reply.reply,
          emotion: reply.emotion,
          relationshipChange: reply.relationshipChange,
          ...(reply.told.length > 0 ? { told: reply.told } : {}),
        },
      ],
      source: 'rules',
      result: {
        action_type: 'talk',
        npc: npc.name,
        npc_id: npc.id,
        npc_response: reply.reply,
        npc_emotion: reply.emotion,
        relationship_change: reply.relationshipChange,
        topics: reply.topics,
        memories_used: reply.memoriesUsed,
        ...(reply.offer
          ? {
              quest_offer: {
                id: reply.offer.id,
                name: reply.offer.name,
                description: reply.offer.description,
              },
            }
          : {}),
        narration: [
          `${npc.name} (${reply.emotion}): "${reply.reply}"`,
          ...(reply.hint ? [reply.hint] : []),
          ...(reply.offer
            ? [
                `Quest offered — ${reply.offer.name}: ${reply.offer.description} (quest accept ${reply.offer.name})`,
              ]
            : []),
        ].join('\n'),
      },
    };
  }
}
