import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  chip,
  chromiumPath,
  expectText,
  gone,
  online,
  panel,
  TEST_TIMEOUT_MS,
  useBrowserGame,
} from './browser-game.ts';
import { playerOn, visible } from './browser-session.ts';

// Playing in the browser client: signing in, moving, talking, the panel and the status, a phone.

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
    'says hello, and talks to Elder Zorathian by clicking his name',
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.type('say hello');
      await ayla.sees('You say: "hello"');

      await ayla.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await panel(ayla, 'loc-npcs', 'Elder Zorathian');
      await ayla.page.getByRole('button', { name: 'Elder Zorathian' }).click();
      const input = ayla.page.locator('#command-input');
      expect(await input.inputValue()).toBe('talk Elder Zorathian: ');
      await input.press('End');
      await input.pressSequentially('what is the prophecy?');
      await input.press('Enter');
      await ayla.sees('› talk Elder Zorathian: what is the prophecy?');
      const speech = ayla.page.locator('#log .npc-speech').filter({ hasText: 'Elder Zorathian:' });
      await visible(speech);
      await expectText(speech.first(), 'the star that fell');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "shows an NPC's reply once",
    async () => {
      const ayla = await newPlayer('ayla');
      await ayla.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await panel(ayla, 'loc-npcs', 'Elder Zorathian');
      await ayla.type('talk Elder Zorathian: what is the prophecy?');
      await visible(ayla.page.locator('#log .npc-speech'));
      expect(await ayla.page.locator('#log').getByText('the star that fell').count()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "shows a second player's arrival and speech in the first player's log",
    async () => {
      const ayla = await newPlayer('ayla');
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      await brannoc.type(`say Well met, ${ayla.name}!`);
      await brannoc.sees(`You say: "Well met, ${ayla.name}!"`);
      await ayla.sees(`${brannoc.name} says: "Well met, ${ayla.name}!"`);

      await ayla.type('say And you, stranger.');
      await brannoc.sees(`${ayla.name} says: "And you, stranger."`);
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
    'keeps the panel and the status current after take and drop, without a look',
    async () => {
      const ayla = await newPlayer('ayla');
      await panel(ayla, 'loc-items', 'wooden bucket');
      await visible(ayla.page.locator('#status-inventory').filter({ hasText: 'nothing' }));
      await ayla.type('take wooden bucket');
      await ayla.sees('You pick up the wooden bucket');
      await gone(chip(ayla, 'loc-items', 'wooden bucket'));
      await visible(ayla.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));

      await ayla.type('drop wooden bucket');
      await ayla.sees('You set down the wooden bucket');
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
      await gone(ayla.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));
      expect(await ayla.page.locator('#log .entry').filter({ hasText: '› look' }).count()).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows what another player here picks up and sets down, without a look',
    async () => {
      const ayla = await newPlayer('ayla');
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
      await brannoc.type('take wooden bucket');
      await ayla.sees(`${brannoc.name} picks up the wooden bucket.`);
      await gone(chip(ayla, 'loc-items', 'wooden bucket'));
      await brannoc.type('drop wooden bucket');
      await ayla.sees(`${brannoc.name} sets down the wooden bucket.`);
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "follows what the player's other window does: its take and drop update this window's panel and status",
    async () => {
      const ayla = await newPlayer('ayla');
      const other = playerOn(ayla.name, ayla.context, await ayla.context.newPage());
      await other.page.goto(`${game.baseUrl}/`);
      await online(other);
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
      await other.type('take wooden bucket');
      await other.sees('You pick up the wooden bucket');
      await ayla.sees('You pick up the wooden bucket');
      await gone(chip(ayla, 'loc-items', 'wooden bucket'));
      await visible(ayla.page.locator('#status-inventory li').filter({ hasText: 'wooden bucket' }));
      expect(await ayla.page.locator('#log .entry').filter({ hasText: '› take' }).count()).toBe(0);

      await other.type('drop wooden bucket');
      await ayla.sees('You set down the wooden bucket');
      await visible(chip(ayla, 'loc-items', 'wooden bucket'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'highlights quest progress in the log and moves the quest log on a step (asking Sylvi, for the Elder)',
    async () => {
      const ayla = await newPlayer('ayla');
      const walk = async (...steps: [string, string][]) => {
        for (const [direction, place] of steps) {
          await ayla.page.getByRole('button', { name: new RegExp(`^${direction} → `) }).click();
          await panel(ayla, 'loc-name', place);
        }
      };
      await walk(['north', "Elder's Hut"]);
      await ayla.type('quest accept');
      const quest = ayla.page.locator('#status-quests li').filter({ hasText: "The Elder's Prophecy" });
      await expectText(quest, 'step 1/3');
      await walk(
        ['south', 'Village Square'],
        ['south', 'Village Gate'],
        ['south', 'Forest Edge'],
        ['east', "Ranger's Camp"],
      );
      // In the evening Sylvi drinks at the tavern (the world's clock runs a game hour a minute).
      if ((await chip(ayla, 'loc-npcs', 'Sylvi').count()) === 0)
        await walk(
          ['west', 'Forest Edge'],
          ['north', 'Village Gate'],
          ['north', 'Village Square'],
          ['west', 'The Sleeping Drake Tavern'],
        );
      await visible(chip(ayla, 'loc-npcs', 'Sylvi'));
      await ayla.type('talk Sylvi: what have you seen in the woods?');
      await visible(
        ayla.page.locator('#log .entry.quest-progress').filter({ hasText: "The Elder's Prophecy" }),
      );
      await expectText(quest, 'step 2/3');
      await expectText(quest, 'Defeat a grey wolf');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fights the grey wolf: the panel follows its HP and its fall, the loot appears, damage taken stands out',
    async () => {
      const ayla = await newPlayer('ayla');
      for (const [direction, place] of [
        ['south', 'Village Gate'],
        ['south', 'Forest Edge'],
        ['south', 'Whispering Path'],
        ['west', 'Wolf Hollow'],
      ]) {
        await ayla.page.getByRole('button', { name: new RegExp(`^${direction} → `) }).click();
        await panel(ayla, 'loc-name', place!);
      }
      const wolf = chip(ayla, 'loc-enemies', 'grey wolf');
      await expectText(wolf, '(12/12 HP)');
      const results = ayla.page.locator('#log .entry.action-attack');
      let hitsTaken = 0;
      for (let round = 1; round <= MAX_ROUNDS_FOR_A_WOLF; round++) {
        await ayla.type('attack grey wolf');
        await results.nth(round - 1).waitFor({ state: 'visible' });
        const result = (await results.nth(round - 1).textContent()) ?? '';
        if (result.includes('falls and moves no more')) break;
        hitsTaken += 1;
        const left = /grey wolf: (\d+)\/12 HP/.exec(result)?.[1];
        expect(left).toBeDefined();
        await expectText(wolf, `(${left}/12 HP)`);
      }
      await gone(wolf);
      await visible(chip(ayla, 'loc-items', 'starglass shard'));
      await ayla.sees(/It drops: .*starglass shard/);
      expect(await ayla.page.locator('#log .entry.damage').count()).toBe(hitsTaken);
      expect(await ayla.page.locator('#log .entry').filter({ hasText: '› look' }).count()).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the travellers in the panel current as another player appears, leaves and comes back',
    async () => {
      const ayla = await newPlayer('ayla');
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      await visible(chip(ayla, 'loc-players', brannoc.name));

      await brannoc.page.getByRole('button', { name: "north → Elder's Hut" }).click();
      await ayla.sees(`${brannoc.name} leaves north`);
      await gone(chip(ayla, 'loc-players', brannoc.name));

      await brannoc.page.getByRole('button', { name: 'south → Village Square' }).click();
      await ayla.sees(`${brannoc.name} arrives from Elder's Hut.`);
      await visible(chip(ayla, 'loc-players', brannoc.name));
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

  it(
    'typed emotes and whispers reach the others, and the weapon wielded is marked',
    async () => {
      const ayla = await newPlayer('ayla');
      const brannoc = await newPlayer('brannoc');
      await ayla.sees(`${brannoc.name} appears.`);
      await ayla.type('me waves');
      await brannoc.sees(`${ayla.name} waves.`);
      await ayla.type(`whisper ${brannoc.name}: the smithy`);
      await ayla.sees(`You whisper to ${brannoc.name}: "the smithy"`);
      await brannoc.sees(`${ayla.name} whispers to you: "the smithy"`);
      await ayla.type('e');
      await ayla.type('take rusty dagger');
      await ayla.type('wield dagger');
      await ayla.sees('You wield the rusty dagger.');
      await visible(ayla.page.locator('#status-inventory .wielded').filter({ hasText: 'rusty dagger' }));
    },
    TEST_TIMEOUT_MS,
  );

  /** Ayla, whose connection the test can cut, and Brannoc beside her in the Village Square. */
});

const PHONE = { width: 390, height: 844 };
/** The wolf has 12 HP and a bare fist does at least 1. */
const MAX_ROUNDS_FOR_A_WOLF = 12;

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
