import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import starterContent from '../../content/starter-world.json' with { type: 'json' };
import { chromiumPath, panel, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';
import { visible } from './browser-session.ts';

// An NPC asking for what the player carries, as the browser client shows it: the NPC's words, and the
// command that hands it over (a button), not lost with the narration that repeats the words.

/** The starter world where the Elder's quest is one step: bring him the wooden bucket from the square. */
const folder = mkdtempSync(join(tmpdir(), 'langomni-hand-over-'));
const worldFile = join(folder, 'world.json');
const content = structuredClone(starterContent);
for (const quest of content.quests)
  if (quest.id === 'elders-prophecy')
    quest.steps = [
      {
        id: 'bring-the-bucket',
        description: 'Bring the wooden bucket to Elder Zorathian.',
        condition: { type: 'deliver', item: 'wooden-bucket', npc: 'elder-zorathian' },
        hint: 'The bucket stands by the well in the Village Square.',
      },
    ];
writeFileSync(worldFile, JSON.stringify(content));

describe.skipIf(!chromiumPath)('handing over what an NPC asks for, in headless Chromium', () => {
  const game = useBrowserGame({ WORLD_FILE: worldFile });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(
    'shows the command that hands over the item the NPC asks for, and hands it over with a click',
    async () => {
      const ayla = await game.newPlayer('ayla');
      await ayla.type('take the bucket');
      await ayla.sees('You pick up the wooden bucket');
      await ayla.type('n');
      await panel(ayla, 'loc-npcs', 'Elder Zorathian');
      await ayla.type('quest accept');
      await ayla.sees("Quest accepted: The Elder's Prophecy.");
      await ayla.type('talk Elder Zorathian: hello');
      const handOver = ayla.page.locator('#log .hand-over button', { hasText: /^give wooden bucket to / });
      await visible(handOver);
      // Said once: in the NPC's words, not again as narration.
      const speech = await ayla.page.locator('#log .action-talk .speech').last().textContent();
      expect(await ayla.page.locator('#log .action-talk .narration').count()).toBe(0);
      expect(speech).toBeTruthy();
      await handOver.click();
      await ayla.sees("Quest complete: The Elder's Prophecy");
    },
    TEST_TIMEOUT_MS,
  );
});
