import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Loopback source addresses, one per simulated player: 127.0.0.2 … 127.0.0.254, then 127.0.1.1 …
 * (the whole of 127.0.0.0/8 reaches the server on Linux). The server limits per IP, so every player
 * gets its own, as players on the internet would have.
 */
export class SourceAddresses {
  private next = 0;
  /** Registration requests rotate over these (at least 100 distinct addresses in every run). */
  readonly registration: readonly string[] = this.take(REGISTRATION_ADDRESSES);

  /** Addresses never handed out before in this run. */
  take(count: number): string[] {
    const taken = Array.from({ length: count }, (_, i) => sourceAddress(this.next + i));
    this.next += count;
    return taken;
  }

  get used(): number {
    return this.next;
  }
}

const REGISTRATION_ADDRESSES = 100;

export function sourceAddress(n: number): string {
  const k = n + 1;
  const block = Math.floor(k / 254);
  const host = (k % 254) + 1;
  if (block > 0xffff) throw new Error('out of loopback source addresses');
  return `127.${block >> 8}.${block & 0xff}.${host}`;
}

export interface Account {
  username: string;
  token: string;
  address: string;
}

const PASSWORD = 'bench-password-1';

/**
 * Registers one account per username through POST /auth/register, `concurrency` at a time, the
 * requests rotating over `addresses` so that no address comes near the per-IP limit. A 429 is waited
 * out (Retry-After or 1 s) and retried.
 */
export async function registerAccounts(
  baseUrl: string,
  usernames: readonly string[],
  addresses: readonly string[],
  playerAddresses: readonly string[],
  options: { concurrency?: number; deadlineMs?: number } = {},
): Promise<{ accounts: Account[]; retriesAfterRefusal: number; seconds: number }> {
  const started = performance.now();
  const deadline = Date.now() + (options.deadlineMs ?? 10 * 60_000);
  const accounts: Account[] = new Array(usernames.length);
  let retriesAfterRefusal = 0;
  let next = 0;
  const lane = async () => {
    while (next < usernames.length) {
      const i = next++;
      for (;;) {
        if (Date.now() > deadline) throw new Error('registration did not finish in time');
        const response = await postJson(
          `${baseUrl}/auth/register`,
          { username: usernames[i], password: PASSWORD },
          addresses[i % addresses.length]!,
        );
        if (response.status === 201) {
          const body = response.body as { token: string };
          accounts[i] = { username: usernames[i]!, token: body.token, address: playerAddresses[i]! };
          break;
        }
        if (response.status === 429 || response.status === 503) {
          retriesAfterRefusal++;
          await sleep(Number(response.headers['retry-after'] ?? 1) * 1000 || 1000);
          continue;
        }
        throw new Error(`register ${usernames[i]}: ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, lane));
  return { accounts, retriesAfterRefusal, seconds: (performance.now() - started) / 1000 };
}

export function postJson(
  url: string,
  body: unknown,
  localAddress: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: unknown; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

export function getStatus(url: string, localAddress = '127.0.0.1', timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { localAddress, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}
