import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  chip,
  chromiumPath,
  expectText,
  online,
  panel,
  TEST_TIMEOUT_MS,
  useBrowserGame,
} from './browser-game.ts';
import { visible } from './browser-session.ts';

// The browser client itself: signing in, moving by the panel, the command box and its history,
// reloads and new tabs, the scrollback, a phone. (Playing with the world and others: browser-play.test.ts.)

describe.skipIf(!chromiumPath)('the browser client in headless Chromium', () => {
  const game = useBrowserGame();
  const newPlayer: typeof game.newPlayer = (...args) => game.newPlayer(...args);

  it(
    'registers a new player through the sign-in form and shows where they stand',
    async () => {
      const ayla = await newPlayer('ayla');
      expect(await ayla.page.locator('#auth-screen').isHidden()).toBe(true);
      await expectText(ayla.page.locator('#player-name'), ayla.name);
      await panel(ayla, 'loc-name', 'Village Square');
      await panel(ayla, 'loc-exits', "north → Elder's Hut");
      await ayla.sees('Cobblestones ring a moss-covered well');
      await visible(ayla.page.locator('#hp-text').filter({ hasText: '100/100' }));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'moves when an exit is clicked, and the panel shows the new place and who is there',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await ayla.sees('› go north');
      await ayla.sees('You head north.');
      await panel(ayla, 'loc-name', "Elder's Hut");
      await panel(ayla, 'loc-npcs', 'Elder Zorathian');
      await panel(ayla, 'loc-exits', 'south → Village Square');

      await ayla.page.getByRole('button', { name: 'south → Village Square' }).click();
      await panel(ayla, 'loc-name', 'Village Square');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the focus in the command box after an exit is clicked',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await panel(ayla, 'loc-name', "Elder's Hut");
      await ayla.page.keyboard.type('look');
      await ayla.page.keyboard.press('Enter');
      await ayla.sees('› look');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'recalls earlier commands with the arrow keys',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.type('look');
      await ayla.sees('› look');
      await ayla.type('say the well is deep');
      await ayla.sees('You say: "the well is deep"');
      const input = ayla.page.locator('#command-input');
      await input.press('ArrowUp');
      expect(await input.inputValue()).toBe('say the well is deep');
      await input.press('ArrowUp');
      expect(await input.inputValue()).toBe('look');
      await input.press('ArrowDown');
      expect(await input.inputValue()).toBe('say the well is deep');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stays signed in across a reload, where the player left off',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await panel(ayla, 'loc-name', "Elder's Hut");
      await ayla.page.reload();
      await online(ayla);
      await ayla.sees(`Welcome, ${ayla.name}.`);
      await panel(ayla, 'loc-name', "Elder's Hut");
      expect(await ayla.page.locator('#auth-screen').isHidden()).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the scrollback across a reload',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.type('say remember the well');
      await ayla.sees('You say: "remember the well"');
      await ayla.page.reload();
      await online(ayla);
      await ayla.sees('You say: "remember the well"');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the command history across a reload',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.type('say remember the well');
      await ayla.sees('You say: "remember the well"');
      await ayla.page.reload();
      await online(ayla);
      const input = ayla.page.locator('#command-input');
      await input.press('ArrowUp');
      expect(await input.inputValue()).toBe('say remember the well');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'signs in a new tab of the same browser',
    async () => {
      const ayla = await newPlayer('ayla');
      const tab = await ayla.context.newPage();
      await tab.goto(`${game.baseUrl}/`);
      await visible(tab.locator('#conn-status[data-state="online"]'));
      await expectText(tab.locator('#player-name'), ayla.name);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows a "new messages below" button to a player reading back, which brings them to the newest line',
    async () => {
      const ayla = await newPlayer('ayla');
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      // A log taller than its box (help is the server's: every answer is in before reading back).
      for (let shown = 0; shown < 6; shown++) await ayla.type('help');
      await ayla.page.locator('#log .action-help').nth(5).waitFor({ state: 'visible' });
      const log = ayla.page.locator('#log');
      await log.evaluate((element) => {
        element.scrollTop = 0;
      });
      const marker = ayla.page.getByRole('button', { name: /new messages below/i });
      expect(await marker.isHidden()).toBe(true);

      await brannoc.type('say look down here');
      await ayla.sees(`${brannoc.name} says: "look down here"`);
      await visible(marker);
      expect(await log.evaluate((element) => element.scrollTop)).toBe(0);

      await marker.click();
      await marker.waitFor({ state: 'hidden' });
      const distanceFromBottom = await log.evaluate(
        (element) => element.scrollHeight - element.scrollTop - element.clientHeight,
      );
      expect(distanceFromBottom).toBeLessThan(2);
      await ayla.type('say I see it');
      await ayla.sees('You say: "I see it"');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'on a 390×844 phone shows the exits, people and items and the command box without scrolling the page',
    async () => {
      const ayla = await newPlayer('ayla', undefined, PHONE);
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      for (let shown = 0; shown < 4; shown++) await ayla.type('help');
      const { page } = ayla;
      await visible(chip(ayla, 'loc-players', brannoc.name));
      const screen = { x: 0, y: 0, width: PHONE.width, height: PHONE.height };
      const sidePanel = await box(page.locator('#side-panel'));
      // Each section is on screen, in the panel's shown part (however many travellers linger here)…
      for (const section of ['loc-exits', 'loc-items', 'loc-players']) {
        const shown = await box(page.locator(`#${section}`));
        expect(within(shown, screen)).toBe(true);
        expect(within(shown, sidePanel)).toBe(true);
      }
      // …and each chip in it comes into view without the page or the panel moving (a sideways swipe).
      for (const reachable of [
        chip(ayla, 'loc-exits', 'south'),
        chip(ayla, 'loc-items', 'wooden bucket'),
        chip(ayla, 'loc-players', brannoc.name),
      ]) {
        await reachable.first().scrollIntoViewIfNeeded();
        const shown = await box(reachable);
        expect(within(shown, screen)).toBe(true);
        expect(within(shown, sidePanel)).toBe(true);
        expect(await box(page.locator('#side-panel'))).toEqual(sidePanel);
      }
      const input = await box(page.locator('#command-input'));
      expect(within(input, { x: 0, y: 0, width: PHONE.width, height: PHONE.height })).toBe(true);
      // The page itself has nothing to scroll (a string: this project's types know no DOM).
      expect(await page.evaluate('document.documentElement.scrollHeight <= window.innerHeight')).toBe(true);
      // The log keeps room to be read.
      expect((await box(page.locator('#log'))).height).toBeGreaterThan(PHONE.height / 3);

      await page.getByRole('tab', { name: 'You' }).click();
      await visible(page.locator('#status-panel'));
      expect(await page.locator('#location-panel').isHidden()).toBe(true);
      await page.keyboard.type('look');
      await page.keyboard.press('Enter');
      await ayla.sees('› look');
    },
    TEST_TIMEOUT_MS,
  );
});

const PHONE = { width: 390, height: 844 };

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  await visible(locator);
  const found = await locator.first().boundingBox();
  expect(found).not.toBeNull();
  return found!;
}

/** Whether `inner` lies wholly inside `outer` (half a pixel of rounding allowed). */
function within(inner: Box, outer: Box): boolean {
  const slack = 0.5;
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}
