import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type SpawnedServer, spawnServer } from '../support/spawn-server.ts';
import { findChromium, launchChromium, OpenPages, type Player, visible } from './browser-session.ts';

// The browser client (src/gateway/public) driven as a player drives it, in headless Chromium, against
// the real server (embedded database) in a child process. A failing test leaves a screenshot and the
// HTML of each of its pages in test-results/browser/.

export const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipped: no chromium (apt-get install chromium)');

export const PASSWORD = 'correct horse battery';
export const TEST_TIMEOUT_MS = 120_000;
let nameCounter = 0;
/** A name no earlier test used: every test registers its own players. */
const freshName = (base: string) => `${base}${++nameCounter}${randomBytes(2).toString('hex')}`;

export interface BrowserGame {
  readonly baseUrl: string;
  /** Opens the page in a context of its own and registers through the sign-in form. */
  newPlayer(
    base: string,
    beforeSignIn?: (page: Page) => Promise<unknown>,
    viewport?: { width: number; height: number },
  ): Promise<Player>;
}

/**
 * Starts a server and Chromium for the tests of one file (call inside its `describe`); `env` adds to
 * the server's environment (say, a WORLD_FILE of the test's own).
 */
export function useBrowserGame(env: Record<string, string> = {}): BrowserGame {
  let server: SpawnedServer;
  let dataDir: string;
  let browser: Browser;
  let pages: OpenPages;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-browser-'));
    [server, browser] = await Promise.all([
      // Loopback is the proxy: each page load names its own client address (see browser-session.ts).
      spawnServer({
        DATA_DIR: dataDir,
        JWT_SECRET: randomBytes(24).toString('hex'),
        TRUST_PROXY: 'loopback',
        ...env,
      }),
      launchChromium(chromiumPath!),
    ]);
    pages = new OpenPages(browser);
  }, 180_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      const saved = await pages.keepArtifacts(task.name);
      console.log(`browser test failed: ${task.name}\n  artifacts: ${saved.join(', ')}`);
    }
    await pages.closeAll();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  return {
    get baseUrl() {
      return server.baseUrl;
    },
    async newPlayer(base, beforeSignIn, viewport) {
      const player = await pages.newPlayer(server.baseUrl, freshName(base), base, viewport);
      const { page } = player;
      await beforeSignIn?.(page);
      await page.locator('#auth-username').fill(player.name);
      await page.locator('#auth-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Register' }).click();
      await player.sees(`Welcome, ${player.name}.`);
      await online(player);
      return player;
    },
  };
}

export const online = (player: Player) => visible(player.page.locator('#conn-status[data-state="online"]'));
export const panel = (player: Player, id: string, text: string | RegExp) =>
  visible(player.page.locator(`#${id}`).filter({ hasText: text }));
/** Waits until no element of the locator is left on the page. */
export const gone = (locator: Locator) => locator.first().waitFor({ state: 'detached' });
export const chip = (player: Player, id: string, text: string) =>
  player.page.locator(`#${id} .chip`).filter({ hasText: text });

/** Waits until the element's text contains `text`, then asserts it (so a failure says what was there). */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await locator
    .filter({ hasText: text })
    .waitFor({ state: 'visible' })
    .catch(() => {});
  expect(await locator.textContent()).toContain(text);
}
