import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type WebSocketRoute,
} from 'playwright-core';
import WebSocket from 'ws';

/** Where a failing test leaves a screenshot and the page's HTML, per page: `<test name>[-<player>].png`. */
export const ARTIFACT_DIR = join(import.meta.dirname, '../../test-results/browser');

/** The system's Chromium (Debian's `chromium` package); playwright-core downloads no browser. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'], timeout: 60_000 });
}

/** Generous: CI has 2 cores and runs other suites beside this one. Every wait is for something visible. */
export const UI_TIMEOUT_MS = 30_000;

/** One player in a browser context of their own (their own sessionStorage), in the game's page. */
export interface Player {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Types a command in the command box and presses Enter, as a player does. */
  type(command: string): Promise<void>;
  /** Waits until the game log shows a line with this text (a substring, or a pattern). */
  sees(text: string | RegExp): Promise<void>;
}

/** The pages a test opened, so a failure can photograph them and every test closes its own. */
export class OpenPages {
  private readonly open: { label: string; context: BrowserContext }[] = [];

  constructor(private readonly browser: Browser) {}

  /** `role` names the player's artifacts ("ayla"); `name` is the unique name they register with. */
  async newPlayer(
    baseUrl: string,
    name: string,
    role: string,
    viewport: { width: number; height: number } = { width: 1280, height: 800 },
  ): Promise<Player> {
    const context = await this.browser.newContext({ viewport });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    await comeFromAddressOfEachPageLoad(context);
    this.open.push({ label: role, context });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    return playerOn(name, context, page);
  }

  /**
   * Screenshots and HTML of every page still open, for a test that failed: `<test name>.png` when it
   * had one page, else `<test name>-<role>.png` (and `-2`, `-3` for a player's further tabs).
   */
  async keepArtifacts(testName: string): Promise<string[]> {
    await mkdir(ARTIFACT_DIR, { recursive: true });
    const shots = this.open.flatMap(({ label, context }) =>
      context
        .pages()
        .map((page, index) => ({ page, suffix: `-${slug(label)}${index ? `-${index + 1}` : ''}` })),
    );
    const saved: string[] = [];
    for (const { page, suffix } of shots) {
      const file = join(ARTIFACT_DIR, `${slug(testName)}${shots.length > 1 ? suffix : ''}`);
      await page.screenshot({ path: `${file}.png`, fullPage: true, timeout: 10_000 }).catch(() => {});
      await writeFile(`${file}.html`, await page.content().catch(() => '')).catch(() => {});
      saved.push(`${file}.png`);
    }
    return saved;
  }

  async closeAll(): Promise<void> {
    const open = this.open.splice(0);
    await Promise.all(open.map(({ context }) => context.close().catch(() => {})));
  }
}

let addressCounter = 0;

/**
 * Every page load of the context comes from an address of its own (X-Forwarded-For; the test server
 * trusts loopback as its proxy), as players on their own machines do. The server allows 10 HTTP requests
 * per second per address, and one load of the client is 8 of them (the page, its stylesheet and six
 * modules): two players, or a register then a reload, within one second from one address would be
 * refused and the page would come up without its script.
 */
async function comeFromAddressOfEachPageLoad(context: BrowserContext): Promise<void> {
  const addressOf = new WeakMap<Page, string>();
  await context.route('**/*', async (route) => {
    const request = route.request();
    const page = request.frame().page();
    if (request.isNavigationRequest() || !addressOf.has(page)) {
      addressCounter += 1;
      addressOf.set(
        page,
        `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`,
      );
    }
    await route.continue({ headers: { ...request.headers(), 'x-forwarded-for': addressOf.get(page)! } });
  });
}

export function playerOn(name: string, context: BrowserContext, page: Page): Player {
  return {
    name,
    context,
    page,
    type: async (command) => {
      const input = page.locator('#command-input');
      await input.fill(command);
      await input.press('Enter');
    },
    sees: (text) => visible(page.locator('#log .entry').filter({ hasText: text })),
  };
}

/** Waits until the locator's first match is visible. */
export function visible(locator: Locator): Promise<void> {
  return locator.first().waitFor({ state: 'visible' });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
}

/**
 * The page's WebSocket relayed through the test, so a test can cut it as a failing network does: the
 * server's socket is destroyed without a close frame (1006 there), the page sees its socket close, and
 * every new attempt is refused until `restore()`. `hold()` instead keeps new attempts waiting (the
 * page's socket open, no answer) until `release()`. `mute()` and `deafen()` lose frames on the way
 * while the connection stays up, as a dying network does before the sockets notice.
 */
export class CuttableConnection {
  private gate: 'open' | 'refuse' | 'hold' = 'open';
  /** Frames from the page are dropped on the way (the server never gets them). */
  private muted = false;
  /** Frames from the server are dropped on the way (the page never gets them). */
  private deaf = false;
  private readonly upstreams = new Set<WebSocket>();
  private held: (() => void)[] = [];
  private attemptWaiters: (() => void)[] = [];

  static async install(page: Page): Promise<CuttableConnection> {
    const connection = new CuttableConnection();
    await page.routeWebSocket(/\/ws$/, (route) => connection.relay(route));
    return connection;
  }

  cut(): void {
    this.gate = 'refuse';
    for (const upstream of this.upstreams) upstream.terminate();
    this.upstreams.clear();
  }

  /** Back to a working network: new attempts go through, and frames flow both ways again. */
  restore(): void {
    this.muted = false;
    this.deaf = false;
    this.release();
  }

  /** What the page sends from now on is lost before it reaches the server. */
  mute(): void {
    this.muted = true;
  }

  /** What the server sends from now on is lost before it reaches the page. */
  deafen(): void {
    this.deaf = true;
  }

  hold(): void {
    this.gate = 'hold';
  }

  release(): void {
    this.gate = 'open';
    for (const connect of this.held.splice(0)) connect();
  }

  /** Resolves at the page's next connection attempt. */
  nextAttempt(): Promise<void> {
    return new Promise((resolve) => this.attemptWaiters.push(resolve));
  }

  private relay(route: WebSocketRoute): void {
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
    if (this.gate === 'refuse') {
      void route.close().catch(() => {});
      return;
    }
    let upstream: WebSocket | undefined;
    let pageClosed = false;
    const early: (string | Buffer)[] = [];
    route.onMessage((message) => {
      if (this.muted) return;
      if (upstream?.readyState === WebSocket.OPEN) upstream.send(message);
      else early.push(message);
    });
    route.onClose((code, reason) => {
      pageClosed = true;
      if (!upstream) return;
      if (code !== undefined && (code === 1000 || code >= 3000)) upstream.close(code, reason);
      else upstream.close();
    });
    const connect = () => {
      if (pageClosed) return;
      // The page's own subprotocols, token included, so the server sees what the browser would send.
      const socket = new WebSocket(route.url(), route.protocols());
      upstream = socket;
      this.upstreams.add(socket);
      socket.on('open', () => {
        for (const message of early.splice(0)) socket.send(message);
      });
      socket.on('message', (data, isBinary) => {
        if (this.deaf) return;
        try {
          route.send(isBinary ? (data as Buffer) : data.toString());
        } catch {
          // The page's side is already closed.
        }
      });
      socket.on('close', () => {
        this.upstreams.delete(socket);
        void route.close().catch(() => {});
      });
      socket.on('error', () => {});
    };
    if (this.gate === 'hold') this.held.push(connect);
    else connect();
  }
}
