import { describe, expect, it } from 'vitest';
import type { LocationView } from '../../domain/world/location-view.ts';
import { buildDescriptionMessages, descriptionFacts } from './description-prompt.ts';
import { actionContext, rulesProposal } from './testing/context.ts';

/** The rule engine's view of the woods, with a wolf, a petal lying and two other players there. */
async function woodsView(): Promise<LocationView> {
  const context = actionContext({
    action: { action_type: 'look' },
    locationId: 'woods',
    playersHere: ['brannoc', 'cyra'],
  });
  return (await rulesProposal(context)).result.location as LocationView;
}

describe('the description prompt', () => {
  it('given a place with people, items, enemies and players, when built, then it tells the place alone', async () => {
    const view = await woodsView();
    expect([view.items.length, view.enemies.length, view.players.length]).toEqual([1, 1, 2]);
    const messages = buildDescriptionMessages(actionContext({ action: { action_type: 'look' } }).world, view);
    const told = messages.map((m) => m.content).join('\n');
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(told).toContain('Place: Dark Woods, The Woods (outdoors).');
    expect(told).toContain('It looks like this: Trees.');
    expect(told).toContain(`Time: ${view.time_of_day}.`);
    expect(told).toContain('Weather: Fog hangs low.');
    expect(told).toContain('Ways out lead to: Square.');
    expect(told).not.toMatch(/brannoc|cyra|moon petal|wolf/i);
  });

  it('given two moments of one place, when keyed, then only what the text depends on tells them apart', async () => {
    const view = await woodsView();
    const later = { ...view, items: [], enemies: [], players: [], players_count: 0 };
    expect(descriptionFacts(later)).toEqual(descriptionFacts(view));
    expect(descriptionFacts(view)).toEqual({
      location: 'woods',
      weather: 'fog',
      timeOfDay: view.time_of_day,
      npcs: view.npcs.map((npc) => npc.id),
    });
    expect(descriptionFacts({ ...view, weather: { id: 'rain', description: 'Rain.' } })).not.toEqual(
      descriptionFacts(view),
    );
  });
});
