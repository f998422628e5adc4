import { viewLocation } from '../domain/world/location-view.ts';
import { findExit, requireLocation } from '../domain/world/world.ts';
import type { ActionContext, Lane, Proposal } from './lane.ts';

const DIRECTION_WORDS: Record<string, string> = {
  n: 'north',
  s: 'south',
  e: 'east',
  w: 'west',
  u: 'up',
  d: 'down',
};

/** The seed's "GPU offline → rule-based AI": resolves every action from the rules and the world data alone. */
export class RulesEngine implements Lane {
  readonly name = 'rules';

  async resolve(context: ActionContext): Promise<Proposal> {
    switch (context.action.action_type) {
      case 'look':
        return this.look(context);
      case 'move':
        return this.move(context, context.action.direction ?? context.action.to ?? '');
    }
  }

  private look(context: ActionContext): Proposal {
    const { world, player, itemsHere, playersHere } = context;
    const location = viewLocation(world, requireLocation(world, player.locationId), itemsHere, playersHere);
    return {
      effects: [],
      source: 'rules',
      result: { action_type: 'look', narration: narrateLocation(location), location },
    };
  }

  private async move(context: ActionContext, wanted: string): Promise<Proposal> {
    const { world, player } = context;
    const here = requireLocation(world, player.locationId);
    const target = DIRECTION_WORDS[wanted] ?? wanted;
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
    const location = viewLocation(
      world,
      exit.to,
      await context.itemsAt(exit.to.id),
      context.playersAt(exit.to.id),
    );
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
}

function narrateLocation(location: ReturnType<typeof viewLocation>): string {
  const lines = [`${location.name} (${location.region})`, location.description];
  if (location.items.length > 0) lines.push(`You see: ${location.items.map((i) => i.name).join(', ')}.`);
  if (location.players.length > 0) lines.push(`Also here: ${location.players.join(', ')}.`);
  lines.push(`Exits: ${location.exits.map((e) => `${e.direction} (${e.name})`).join(', ') || 'none'}.`);
  return lines.join('\n');
}
