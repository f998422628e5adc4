import { describe, expect, it } from 'vitest';
import { chromiumPath, expectText, panel, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';
import { visible } from './browser-session.ts';

// What a player types and is offered in the browser client (issue 12): the server's "did you mean"
// to click, the short verbs, gifts, whispers for one pair of ears, trade offers to answer, and other
// players' words shown as text, never as markup.

const MARKUP = '<img src=x onerror=alert(1)>';

describe.skipIf(!chromiumPath)('player verbs in headless Chromium', () => {
  const game = useBrowserGame();

  it(
    'shows the suggestions of a command not understood once, as buttons that send them',
    async () => {
      const ayla = await game.newPlayer('ayla');
      // The world has no diagonal ways: the client does not read "ne" as one, the server says so.
      await ayla.type('ne');
      await ayla.sees('There are no diagonal ways');
      await ayla.type('go nw');
      // Its own answer and suggestions, after those of "ne".
      await visible(ayla.page.locator('#log .entry.error').nth(1).filter({ hasText: 'no diagonal ways' }));
      await visible(ayla.page.locator('#log .suggestions').nth(1));
      const north = ayla.page.locator('#log .suggestions button', { hasText: 'go north' }).last();
      await north.click();
      await panel(ayla, 'loc-name', "Elder's Hut");
      // Spent once clicked: a second click cannot walk the player on.
      expect(await north.isDisabled()).toBe(true);

      await ayla.type('tkae the scrol');
      const take = ayla.page.locator('#log .suggestions button', { hasText: /^take the scro/ });
      await visible(take);
      // The error says what went wrong; the line of buttons alone says what may have been meant.
      const error = ayla.page.locator('#log .entry.error').filter({ hasText: 'tkae the scrol' });
      expect(await error.textContent()).not.toContain('Did you mean');
      await take.click();
      await visible(ayla.page.locator('#status-inventory li').filter({ hasText: 'old scroll' }));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'accepts a quest an NPC offers with a click on the offer, and answers a whisper to the NPC as talk',
    async () => {
      const ayla = await game.newPlayer('ayla');
      await ayla.type('n');
      await panel(ayla, 'loc-npcs', 'Elder Zorathian');
      await ayla.type('talk Elder Zorathian: hello');
      // The offer says what the quest is, and how to take it on.
      await ayla.sees(/^Quest offered: The Elder's Prophecy — Elder Zorathian fears .*\(quest accept\)$/);
      await ayla.page.locator('#log .quest-progress button', { hasText: 'quest accept' }).click();
      await ayla.sees("Quest accepted: The Elder's Prophecy.");
      await visible(ayla.page.locator('#status-quests li').filter({ hasText: "The Elder's Prophecy" }));
      // A whisper to an NPC is a quiet word with them: they answer.
      await ayla.type('whisper elder: what of the star?');
      await visible(ayla.page.locator('#log .action-talk .speaker').filter({ hasText: 'Elder Zorathian' }));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reads x, i, l, who and help from the input box, a misspelt name, and gives an item to another player',
    async () => {
      const ayla = await game.newPlayer('ayla');
      const brannoc = await game.newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      await ayla.type('x bucket');
      await expectText(ayla.page.locator('#log .action-examine').last(), 'rope handle');
      await ayla.type('l');
      await visible(ayla.page.locator('#log .action-look'));
      await ayla.type('who');
      await expectText(ayla.page.locator('#log .action-who').last(), brannoc.name);
      await ayla.type('help');
      await expectText(ayla.page.locator('#log .action-help').last(), 'whisper');

      // Typed names are read by the server, misspelt ones too.
      await ayla.type('take the bukcet');
      await ayla.sees('"bukcet" read as "wooden bucket"');
      await ayla.sees('You pick up the wooden bucket');
      await ayla.type(`give bucket to ${brannoc.name}`);
      await brannoc.sees(`${ayla.name} gives you a wooden bucket`);
      await visible(brannoc.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));
      await brannoc.type('i');
      await expectText(brannoc.page.locator('#log .action-inventory').last(), 'wooden bucket');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows a whisper to its target alone, and markup from another player as the text it is',
    async () => {
      const alerts: string[] = [];
      const ayla = await game.newPlayer('ayla');
      const brannoc = await game.newPlayer('brannoc');
      const cora = await game.newPlayer('cora');
      for (const player of [brannoc, cora])
        player.page.on('dialog', (dialog) => alerts.push(dialog.message()));
      await ayla.sees(`${cora.name} appears.`);

      await ayla.type(`whisper ${brannoc.name}: ${MARKUP} meet me at the well`);
      await brannoc.sees(`${ayla.name} whispers to you: "${MARKUP} meet me at the well"`);
      await ayla.type(`say ${MARKUP}`);
      await ayla.type(`emote <b>bows</b>`);
      for (const listener of [brannoc, cora]) {
        await listener.sees(`${ayla.name} says: "${MARKUP}"`);
        await listener.sees(`${ayla.name} <b>bows</b>.`);
        expect(await listener.page.locator('#log img, #log b').count()).toBe(0);
      }
      // Cora heard what was said after the whisper, and never the whisper.
      expect(await cora.page.locator('#log .entry', { hasText: 'meet me at the well' }).count()).toBe(0);
      expect(alerts).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows a trade offer with how to answer it, and accepts it with a click',
    async () => {
      const ayla = await game.newPlayer('ayla');
      const brannoc = await game.newPlayer('brannoc');
      for (const player of [ayla, brannoc]) {
        await player.type('s');
        await panel(player, 'loc-name', 'Village Gate');
        await player.type('u');
        await panel(player, 'loc-name', 'Gate Watchtower');
      }
      await ayla.type('take the staff');
      await ayla.sees('You pick up the oak quarterstaff');
      await brannoc.type('take the lantern');
      await brannoc.sees('You pick up the hooded lantern');

      await brannoc.type(`trade lantern with ${ayla.name} for staff`);
      await ayla.sees(`${brannoc.name} offers you a hooded lantern for your oak quarterstaff.`);
      await ayla.sees(`accept ${brannoc.name}'s trade`);
      await ayla.page.locator('#log .trade-answer button', { hasText: 'accept' }).click();
      await ayla.sees(`You accept ${brannoc.name}'s offer`);
      await brannoc.sees(`${ayla.name} accepts your offer`);
      await visible(ayla.page.locator('#status-inventory li').filter({ hasText: 'hooded lantern' }));
      await visible(brannoc.page.locator('#status-inventory li').filter({ hasText: 'oak quarterstaff' }));
    },
    TEST_TIMEOUT_MS,
  );
});
