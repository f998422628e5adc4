import { describe, it } from 'vitest';
import { chip, chromiumPath, gone, panel, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';
import { visible } from './browser-session.ts';

// Sentences typed in the browser client, read by the server: several actions in one line, each shown.

describe.skipIf(!chromiumPath)('typed commands in headless Chromium', () => {
  const game = useBrowserGame();

  it(
    'runs "pick up the bucket and go north": each step is shown, and the panel and inventory follow',
    async () => {
      const ayla = await game.newPlayer('ayla');
      await panel(ayla, 'loc-items', 'wooden bucket');
      await ayla.type('pick up the bucket and go north');
      await ayla.sees('You pick up the wooden bucket');
      await ayla.sees('You head north.');
      await panel(ayla, 'loc-name', "Elder's Hut");
      await visible(ayla.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));

      // Stopped at the first refusal: what follows is listed as not done.
      await ayla.type('go west, then take the scroll');
      await ayla.sees("You can't go west from here.");
      await ayla.sees('Not done: take scroll.');

      await ayla.type('tkae the scroll');
      await ayla.sees('Did you mean: take the scroll?');

      await ayla.type('go south and drop the bucket');
      await panel(ayla, 'loc-name', 'Village Square');
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
      await gone(ayla.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));
    },
    TEST_TIMEOUT_MS,
  );
});
