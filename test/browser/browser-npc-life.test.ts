import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import starterContent from '../../content/starter-world.json' with { type: 'json' };
import { chromiumPath, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';

// NPCs talking to each other, as the browser client shows them: a line of the log for each thing said.

/** The starter world with Brenna and Sylvi spending every hour in the square, where players arrive. */
const folder = mkdtempSync(join(tmpdir(), 'langomni-npc-life-'));
const worldFile = join(folder, 'world.json');
const content = structuredClone(starterContent);
for (const npc of content.npcs)
  if (npc.id === 'brenna' || npc.id === 'sylvi')
    npc.schedule = [{ from: 0, to: 24, location: 'village-square' }];
writeFileSync(worldFile, JSON.stringify(content));

describe.skipIf(!chromiumPath)('NPC conversations in headless Chromium', () => {
  const game = useBrowserGame({ WORLD_FILE: worldFile });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(
    'shows each line two NPCs say to each other where the player stands',
    async () => {
      const ayla = await game.newPlayer('ayla');
      const lines = ayla.page.locator('#log .entry.event-npc_conversation');
      await ayla.sees(
        /^(Brenna the Blacksmith says to Sylvi the Ranger|Sylvi the Ranger says to Brenna the Blacksmith): "/,
      );
      expect(await lines.count()).toBeGreaterThanOrEqual(2);
      const first = await lines.first().textContent();
      const second = await lines.nth(1).textContent();
      // The second line answers the first: its speaker is the first one's listener.
      const [, speaker, listener] = first!.match(/^(.+?) says to (.+?): "/)!;
      expect(second).toMatch(new RegExp(`^${listener} says to ${speaker}: "`));
    },
    TEST_TIMEOUT_MS,
  );
});
