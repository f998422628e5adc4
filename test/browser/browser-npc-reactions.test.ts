import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import starterContent from '../../content/starter-world.json' with { type: 'json' };
import { chromiumPath, panel, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';

// An NPC taking the news of what happened where they stand, as the browser client shows it: a line of
// the log in the NPC's words, for the players there.

/** The starter world with Sylvi keeping watch in the wolf's hollow, and a wolf that fells in one bite. */
const folder = mkdtempSync(join(tmpdir(), 'langomni-npc-reactions-'));
const worldFile = join(folder, 'world.json');
const content = structuredClone(starterContent);
for (const npc of content.npcs)
  if (npc.id === 'sylvi') npc.schedule = [{ from: 0, to: 24, location: 'wolf-hollow' }];
for (const enemy of content.enemies) if (enemy.id === 'grey-wolf') enemy.damage = { min: 1000, max: 1000 };
writeFileSync(worldFile, JSON.stringify(content));

/** From the square to the wolf's hollow: each step's direction, and the place it reaches. */
const WALK_TO_THE_HOLLOW: [string, string][] = [
  ['s', 'Village Gate'],
  ['s', 'Forest Edge'],
  ['s', 'Whispering Path'],
  ['w', 'Wolf Hollow'],
];

describe.skipIf(!chromiumPath)('NPC reactions in headless Chromium', () => {
  const game = useBrowserGame({ WORLD_FILE: worldFile });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(
    'shows the words of an NPC who saw a player fall to the players standing there',
    async () => {
      const ayla = await game.newPlayer('ayla');
      const brannoc = await game.newPlayer('brannoc');
      for (const player of [brannoc, ayla])
        for (const [direction, place] of WALK_TO_THE_HOLLOW) {
          await player.type(direction);
          await panel(player, 'loc-name', place);
        }
      await panel(brannoc, 'loc-npcs', 'Sylvi the Ranger');
      await brannoc.sees(`${ayla.name} arrives from Whispering Path.`);
      await ayla.type('attack wolf');
      await ayla.sees('Darkness takes you');
      await brannoc.sees(/^Sylvi the Ranger says: "/);
      const text = await brannoc.page.locator('#log .entry.event-npc_reaction').first().textContent();
      // About the one who fell, in words: not markup, not the event's name.
      expect(text).toContain(ayla.name);
      expect(text).not.toContain('npc_reaction');
    },
    TEST_TIMEOUT_MS,
  );
});
