import { describe, expect, it } from 'vitest';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import { actionContext, rulesProposal } from '../prompts/testing/context.ts';

const world = starterWorld();
const hunting = { quests: { 'elders-prophecy': { status: 'active' as const, step: 1 } } };

describe('quest status and accepting tell the hints as the world is now', () => {
  it('says the dagger is no longer in the Smithy when it was taken, and the wolf slain', async () => {
    const context = actionContext({
      world,
      action: { action_type: 'quest', op: 'status' },
      locationId: 'village-square',
      player: hunting,
      states: {
        smithy: { items: [], respawning: { 'rusty-dagger': ['2024-05-01T11:59:00Z'] } },
        'wolf-hollow': { enemies: { 'grey-wolf': { hp: 12, defeatedAt: '2024-05-01T11:59:50Z' } } },
      },
    });
    const { result } = await rulesProposal(context);
    expect(result.narration).toContain(
      'The rusty dagger is no longer at the Smithy — someone took it; another will turn up there before long.',
    );
    expect(result.narration).toContain('The grey wolf at Wolf Hollow was slain not long ago');
    expect(result.quests).toEqual([
      expect.objectContaining({
        current: expect.objectContaining({ hint: expect.stringContaining('no longer') }),
      }),
    ]);
  });

  it('tells the hint as written when the dagger is back from its respawn and the wolf prowls', async () => {
    const context = actionContext({
      world,
      action: { action_type: 'quest', op: 'status' },
      locationId: 'village-square',
      player: hunting,
      // Taken an hour before: its five minutes are long past, it lies there again.
      states: { smithy: { items: [], respawning: { 'rusty-dagger': ['2024-05-01T11:00:00Z'] } } },
    });
    const { result } = await rulesProposal(context);
    const hint = world.quests.get('elders-prophecy')!.steps[1]!.hint;
    expect(result.narration).toContain(`(${hint})`);
  });

  it('reads the place the player stands in from what they see there', async () => {
    const context = actionContext({
      world,
      action: { action_type: 'quest', op: 'status' },
      locationId: 'smithy',
      player: hunting,
      states: { smithy: { items: [] } },
    });
    const { result } = await rulesProposal(context);
    expect(result.narration).toContain('someone took it');
  });

  it('says where the NPC of the step is just now when their schedule has taken them from home', async () => {
    const context = actionContext({
      world,
      action: { action_type: 'quest', op: 'status' },
      locationId: 'village-square',
      player: { quests: { 'elders-prophecy': { status: 'active' as const, step: 0 } } },
    });
    const at = async (hourOfDay: number) =>
      (await rulesProposal({ ...context, time: { ...context.time, hourOfDay } })).result.narration;
    expect(await at(20)).toContain('Just now Sylvi the Ranger is at the Sleeping Drake Tavern.');
    expect(await at(10)).not.toContain('Just now');
  });
});
