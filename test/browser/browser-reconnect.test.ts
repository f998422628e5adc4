import { describe, expect, it } from 'vitest';
import { chromiumPath, gone, online, TEST_TIMEOUT_MS, useBrowserGame } from './browser-game.ts';
import { CuttableConnection, visible } from './browser-session.ts';

// The browser client's connection: losing it, reconnecting, resuming what was missed, reloading.

describe.skipIf(!chromiumPath)('the browser client when its connection is lost', () => {
  const game = useBrowserGame();
  const newPlayer: typeof game.newPlayer = (...args) => game.newPlayer(...args);

  async function twoPlayersOneCuttable() {
    let connection: CuttableConnection | undefined;
    const ayla = await newPlayer('ayla', async (page) => {
      connection = await CuttableConnection.install(page);
    });
    const brannoc = await newPlayer('brannoc');
    await ayla.sees(`${brannoc.name} appears.`);
    return { ayla, brannoc, connection: connection! };
  }

  const RECONNECT_TIMEOUT_MS = 60_000;

  it(
    'after a lost connection says so plainly, keeps the typed command, and reconnects',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      connection.cut();
      await visible(ayla.page.locator('#conn-status[data-state="offline"]'));
      await visible(ayla.page.getByRole('button', { name: /reconnect/i }));
      expect(await ayla.page.locator('#log').textContent()).not.toMatch(/\(100\d\)/);

      const input = ayla.page.locator('#command-input');
      await input.fill('say is anyone there?');
      await input.press('Enter');
      expect(await input.inputValue()).toBe('say is anyone there?');

      connection.restore();
      await ayla.page.getByRole('button', { name: /reconnect/i }).click();
      await ayla.page
        .locator('#conn-status[data-state="online"]')
        .waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
      expect(await input.inputValue()).toBe('say is anyone there?');
      await input.press('Enter');
      await brannoc.sees(`${ayla.name} says: "is anyone there?"`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'after a lost connection shows what was said meanwhile, once, and others never see the player go (resume)',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      connection.cut();
      await visible(ayla.page.locator('#conn-status[data-state="offline"]'));
      await brannoc.type('say you missed this');
      await brannoc.sees('You say: "you missed this"');

      connection.restore();
      // No click: the client's own retry brings it back (a click while a retry is under way would race it).
      await ayla.page
        .locator('#conn-status[data-state="online"]')
        .waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
      const missed = `${brannoc.name} says: "you missed this"`;
      await ayla.sees(missed);
      await ayla.type('say back again');
      await brannoc.sees(`${ayla.name} says: "back again"`);
      expect(await ayla.page.locator('#log .entry').filter({ hasText: missed }).count()).toBe(1);
      const gone = brannoc.page
        .locator('#log .entry')
        .filter({ hasText: ayla.name })
        .filter({ hasText: /fades|leaves/ });
      expect(await gone.count()).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the log across a reload and shows what was said during the reload, once (resume)',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      await ayla.type('say before the reload');
      await ayla.sees('You say: "before the reload"');
      // The reloaded page's connection waits while Brannoc speaks.
      connection.hold();
      const reconnecting = connection.nextAttempt();
      await ayla.page.reload();
      await reconnecting;
      await brannoc.type('say during the reload');
      await brannoc.sees('You say: "during the reload"');
      connection.release();

      await online(ayla);
      const during = `${brannoc.name} says: "during the reload"`;
      await ayla.sees(during);
      await ayla.type('say after the reload');
      await brannoc.sees(`${ayla.name} says: "after the reload"`);
      const lines = ayla.page.locator('#log .entry');
      expect(await lines.filter({ hasText: 'You say: "before the reload"' }).count()).toBe(1);
      expect(await lines.filter({ hasText: during }).count()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers what was in flight when the connection died, once: a result missed, and an action lost on the way sent again',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      connection.deafen();
      await ayla.type('say the server heard this');
      await brannoc.sees(`${ayla.name} says: "the server heard this"`);
      connection.mute();
      await ayla.type('say this never left');
      await visible(ayla.page.locator('#log .echo.pending').filter({ hasText: 'this never left' }));
      connection.cut();
      await visible(ayla.page.locator('#conn-status[data-state="offline"]'));

      connection.restore();
      await ayla.page
        .locator('#conn-status[data-state="online"]')
        .waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
      await ayla.sees('You say: "the server heard this"');
      await ayla.sees('You say: "this never left"');
      await brannoc.sees(`${ayla.name} says: "this never left"`);
      await gone(ayla.page.locator('#log .echo.pending'));
      const aylaLines = ayla.page.locator('#log .entry');
      expect(await aylaLines.filter({ hasText: 'You say: "the server heard this"' }).count()).toBe(1);
      expect(await aylaLines.filter({ hasText: 'You say: "this never left"' }).count()).toBe(1);
      await brannoc.type('say all heard');
      await ayla.sees(`${brannoc.name} says: "all heard"`);
      const brannocLines = brannoc.page.locator('#log .entry');
      expect(await brannocLines.filter({ hasText: 'says: "the server heard this"' }).count()).toBe(1);
      expect(await brannocLines.filter({ hasText: 'says: "this never left"' }).count()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'starts afresh from a kept position its server does not know (a log started anew), and resumes from there next time',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      // At the next load, the kept position is one past anything this server's log holds.
      await ayla.page.addInitScript(`(() => {
        if (sessionStorage.getItem('position-faked')) return;
        sessionStorage.setItem('position-faked', 'yes');
        const saved = JSON.parse(localStorage.getItem('langomni.scrollback') ?? '{}');
        localStorage.setItem('langomni.scrollback', JSON.stringify({ ...saved, position: '999999999999999' }));
      })()`);
      await ayla.page.reload();
      const awayTooLong = ayla.page.locator('#log .entry').filter({ hasText: 'You were away too long' });
      await visible(awayTooLong);
      await online(ayla);

      connection.cut();
      await visible(ayla.page.locator('#conn-status[data-state="offline"]'));
      await brannoc.type('say caught up after all');
      await brannoc.sees('You say: "caught up after all"');
      connection.restore();
      await ayla.page
        .locator('#conn-status[data-state="online"]')
        .waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
      await ayla.sees(`${brannoc.name} says: "caught up after all"`);
      expect(await awayTooLong.count()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps one connection when Reconnect now is clicked while a retry is under way',
    async () => {
      const { ayla, brannoc, connection } = await twoPlayersOneCuttable();
      connection.cut();
      await visible(ayla.page.locator('#conn-status[data-state="offline"]'));
      const retry = connection.nextAttempt();
      connection.hold();
      await retry;
      await ayla.page.getByRole('button', { name: /reconnect/i }).click();
      connection.release();
      await ayla.page
        .locator('#conn-status[data-state="online"]')
        .waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
      await ayla.type('say only one of me');
      await brannoc.sees(`${ayla.name} says: "only one of me"`);
      const welcomes = ayla.page.locator('#log .entry').filter({ hasText: `Welcome, ${ayla.name}.` });
      expect(await welcomes.count()).toBe(2);
      const appears = brannoc.page.locator('#log .entry').filter({ hasText: `${ayla.name} appears.` });
      expect(await appears.count()).toBeLessThanOrEqual(1);
    },
    TEST_TIMEOUT_MS,
  );
});
