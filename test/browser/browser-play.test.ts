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

// Playing in the browser client: talking to NPCs and to other players, items, a quest, a fight, and
// the panel and the status following it all. (The client itself: browser-client.test.ts.)

describe.skipIf(!chromiumPath)('playing in the browser client in headless Chromium', () => {
  const game = useBrowserGame();
  const newPlayer: typeof game.newPlayer = (...args) => game.newPlayer(...args);

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
});

/** The wolf has 12 HP and a bare fist does at least 1. */
const MAX_ROUNDS_FOR_A_WOLF = 12;
