import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { seededRandom } from '../../src/domain/random.ts';
import type { Account } from '../pipeline/accounts.ts';
import { PLAYER, type SimPlayer, type WorldMap } from './player-model.ts';

/** How long after the window the players wait for first answers still owed. */
const DRAIN_MS = 12_000;
const WELCOME_TIMEOUT_MS = 60_000;

export interface ActionRecord {
  type: string;
  /** The action_result's source, or `error:<code>`, or `no_answer` when nothing came back in time. */
  source: string;
  /** From the frame's send to its first answer (action_result or error). */
  latencyMs: number;
  /** After an action_timeout: the late action_result's source and latency, when it came. */
  late?: { source: string; latencyMs: number };
}

interface Connected extends SimPlayer {
  socket: WebSocket;
  pending: Map<string, { type: string; sentAt: number; record?: ActionRecord }>;
}

/**
 * The players of one step, each on its own WebSocket from its own loopback address, as browsers
 * would be. Each learns where it stands from its welcome and from its results' `location`.
 */
export class LanePlayers {
  private readonly records: ActionRecord[] = [];
  unexpectedFrames = 0;

  private constructor(
    private readonly players: Connected[],
    private readonly map: WorldMap,
  ) {}

  static async connect(baseUrl: string, accounts: readonly Account[], map: WorldMap, seed: string) {
    const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws`;
    const players = await Promise.all(
      accounts.map((account, i) => connectOne(wsUrl, account, `${seed}/p${i}`, map.locationIds[0]!)),
    );
    const lanePlayers = new LanePlayers(players, map);
    for (const player of players) player.socket.on('message', (data) => lanePlayers.receive(player, data));
    return lanePlayers;
  }

  /**
   * Players act for `seconds` (bursts at the per-player limit, think pauses), open loop: a player
   * sends without waiting for its answers, choosing from where it last knew itself to be. Then waits
   * for the answers still owed. Returns every action sent in the window.
   */
  async play(
    seconds: number,
    thinkMeanMs: number,
  ): Promise<{ records: ActionRecord[]; windowSeconds: number }> {
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const pause = (ms: number) => sleep(ms, undefined, { signal: stop.signal }).catch(() => {});
    const think = (random: () => number) =>
      Math.min(PLAYER.thinkMs.max, Math.max(PLAYER.thinkMs.min, -Math.log(1 - random()) * thinkMeanMs));
    const loop = async (player: Connected) => {
      await pause(player.random() * thinkMeanMs);
      while (!stop.signal.aborted) {
        const [min, max] = PLAYER.burstActions;
        const burst = min + Math.floor(player.random() * (max - min + 1));
        for (let i = 0; i < burst && !stop.signal.aborted; i++) {
          this.send(player);
          if (i < burst - 1) await pause(PLAYER.actionIntervalMs);
        }
        await pause(think(player.random));
      }
    };
    const startedAt = performance.now();
    const loops = this.players.map(loop);
    await sleep(seconds * 1000);
    stop.abort();
    const windowSeconds = (performance.now() - startedAt) / 1000;
    await Promise.all(loops);
    const drainUntil = performance.now() + DRAIN_MS;
    // Until every action has had its first answer; late results after a timeout count if they come meanwhile.
    const owed = (p: Connected) => [...p.pending.values()].some((waiting) => !waiting.record);
    while (performance.now() < drainUntil && this.players.some(owed)) await sleep(50);
    for (const player of this.players) {
      for (const [, waiting] of player.pending)
        if (!waiting.record)
          this.records.push({ type: waiting.type, source: 'no_answer', latencyMs: DRAIN_MS });
      player.pending.clear();
    }
    return { records: this.records, windowSeconds };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.players.map(
        (player) =>
          new Promise<void>((resolve) => {
            if (player.socket.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              player.socket.terminate();
              resolve();
            }, 2_000);
            player.socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            player.socket.close();
          }),
      ),
    );
  }

  private send(player: Connected): void {
    if (player.socket.readyState !== WebSocket.OPEN) return;
    const action = this.map.choose(player);
    const id = randomUUID();
    player.pending.set(id, { type: action.action_type, sentAt: performance.now() });
    player.socket.send(JSON.stringify({ type: 'action', id, data: action }));
  }

  private receive(player: Connected, data: WebSocket.RawData): void {
    const frame = JSON.parse(data.toString()) as {
      type: string;
      id?: string;
      source?: string;
      code?: string;
      result?: { location?: { id?: string }; respawned_at?: string };
    };
    if (frame.type !== 'action_result' && frame.type !== 'error') return;
    const waiting = frame.id === undefined ? undefined : player.pending.get(frame.id);
    if (!waiting) {
      this.unexpectedFrames++;
      return;
    }
    const latencyMs = performance.now() - waiting.sentAt;
    if (frame.type === 'action_result') {
      const here = frame.result?.respawned_at ?? frame.result?.location?.id;
      if (here) player.locationId = here;
      if (waiting.record) waiting.record.late = { source: frame.source ?? 'unknown', latencyMs };
      else this.records.push({ type: waiting.type, source: frame.source ?? 'unknown', latencyMs });
      player.pending.delete(frame.id!);
      return;
    }
    const record: ActionRecord = {
      type: waiting.type,
      source: `error:${frame.code ?? 'unknown'}`,
      latencyMs,
    };
    this.records.push(record);
    // After an action_timeout the outcome still follows (late: true): kept waiting for it.
    if (frame.code === 'action_timeout') waiting.record = record;
    else player.pending.delete(frame.id!);
  }
}

function connectOne(
  wsUrl: string,
  account: Account,
  seed: string,
  fallbackLocation: string,
): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, {
      headers: { authorization: `Bearer ${account.token}` },
      localAddress: account.address,
      handshakeTimeout: WELCOME_TIMEOUT_MS,
    });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${account.username}: no welcome within ${WELCOME_TIMEOUT_MS} ms`));
    }, WELCOME_TIMEOUT_MS);
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`${account.username}: the WebSocket upgrade was answered ${response.statusCode}`));
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('message', (data) => {
      clearTimeout(timer);
      const welcome = JSON.parse(data.toString()) as { type: string; location?: { id?: string } };
      if (welcome.type !== 'welcome') {
        reject(new Error(`${account.username}: the first frame was ${data.toString().slice(0, 200)}`));
        return;
      }
      resolve({
        socket,
        random: seededRandom(seed),
        locationId: welcome.location?.id ?? fallbackLocation,
        pending: new Map(),
      });
    });
  });
}
