import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { type Frame, GameClient, Pacer, register } from './game-client.ts';

/** What a player knows of where it stands (the `Location` of the protocol, the parts it uses). */
interface Place {
  id: string;
  exits: { direction: string }[];
  items: { name: string }[];
  enemies: { name: string }[];
}

/** One action as the client saw it: its frame id, what it asked and the outcome it was finally given. */
export interface SentAction {
  id: string;
  data: Record<string, unknown>;
  /** The final answer: an `action_result`, or the `error` that ended it (a bug of the script or the server). */
  answer: Frame;
  /** Sends of this id (1, or more when retried after a lost connection, a refusal or a timeout). */
  attempts: number;
}

/** No answer at all (not even the close of the socket) within this long means the server is stuck. */
const ANSWER_TIMEOUT_MS = 120_000;
const WELCOME_TIMEOUT_MS = 60_000;
const MAX_ATTEMPTS = 20;
/** Refusals after which the same id is simply sent again (they took nothing, or a retry never acts twice). */
const RETRYABLE = new Set(['rate_limited', 'server_busy', 'internal_error', 'action_timeout']);

/**
 * A scripted player that survives the loss of its server: when its socket closes it reconnects (to
 * whichever server `servers()` names first) and retries the action in flight with the same id, as the
 * protocol's *Retries* tells clients to. Every action it sends is kept in `sent`.
 */
export class RoamingPlayer {
  readonly sent: SentAction[] = [];
  /** Base URLs this player was connected to, in order (one entry per connection). */
  readonly connections: string[] = [];
  /** Every connection's client, in order: together they hold everything the player was sent. */
  readonly clients: GameClient[] = [];
  client!: GameClient;
  private place: Place | undefined;
  private readonly inventory: string[] = [];
  private readonly pacer: Pacer;
  /** Hunters head south and west, toward the enemies; the others wander. */
  hunter = false;

  constructor(
    readonly username: string,
    readonly playerId: string,
    private readonly token: string,
    private readonly servers: () => string[],
    actionsPerSecond = 2,
  ) {
    this.pacer = new Pacer(actionsPerSecond);
  }

  get server(): string {
    return this.connections.at(-1) ?? '';
  }

  async connect(baseUrl = this.servers()[0]!): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let client: GameClient | undefined;
      try {
        client = await GameClient.connect(baseUrl, this.token);
        const welcome = await client.waitFor((f) => f.type === 'welcome', WELCOME_TIMEOUT_MS);
        // As the protocol's *Resume* says: what was missed while away, then live.
        const after = this.lastPosition() ?? BigInt(welcome.position as string);
        client.sendRaw(JSON.stringify({ type: 'resume', after: String(after) }));
        const resumed = await client.waitFor(
          (f) => f.type === 'resumed' || f.type === 'resume_unavailable',
          WELCOME_TIMEOUT_MS,
        );
        if (resumed.type !== 'resumed')
          throw new Error(`${this.username} could not resume: ${resumed.message}`);
        this.client = client;
        this.clients.push(client);
        this.connections.push(baseUrl);
        this.place = structuredClone(welcome.location) as Place;
        return;
      } catch (error) {
        // A server that restarts or is at capacity refuses for a while: back off and try again.
        await client?.close();
        if (attempt >= 10) throw new Error(`${this.username} cannot connect to ${baseUrl}: ${error}`);
        await sleep(500 * attempt);
        baseUrl = this.servers()[0]!;
      }
    }
  }

  /** Sends one action (a new id) and returns its final answer, across reconnections and retries. */
  async act(data: Record<string, unknown>): Promise<Frame> {
    const action: SentAction = { id: randomUUID(), data, answer: { type: 'none' }, attempts: 0 };
    this.sent.push(action);
    while (action.attempts < MAX_ATTEMPTS) {
      if (this.client.socket.readyState !== WebSocket.OPEN) {
        await this.connect();
        // Answered in what the resume replayed: no need to ask again.
        const replayed = this.client.frames.find((f) => f.type === 'action_result' && f.id === action.id);
        if (replayed) {
          action.answer = replayed;
          this.learn(replayed.result as Record<string, unknown>);
          return replayed;
        }
      }
      await this.pacer.slot();
      action.attempts++;
      const since = this.client.frames.length;
      this.client.sendRaw(JSON.stringify({ type: 'action', id: action.id, data }));
      let answer = await this.answerOrClose(
        action.id,
        since,
        (f) => f.type === 'action_result' || f.type === 'error',
      );
      // Recorded, and its outcome still to come (late) on this connection.
      if (answer?.type === 'error' && answer.code === 'action_timeout' && answer.recorded === true)
        answer = await this.answerOrClose(action.id, since, (f) => f.type === 'action_result');
      if (answer === undefined) continue; // the connection was lost: reconnect, same id again
      action.answer = answer;
      if (answer.type === 'error' && RETRYABLE.has(String(answer.code))) {
        await sleep(Number(answer.retry_after_ms ?? 500));
        continue;
      }
      if (answer.type === 'action_result') this.learn(answer.result as Record<string, unknown>);
      return answer;
    }
    return action.answer;
  }

  /** The next move of the script, chosen from where the player stands. */
  nextAction(step: number): Record<string, unknown> {
    const place = this.place;
    if (!place || step % 7 === 6) return { action_type: 'look' };
    const enemy = place.enemies[0];
    if (enemy && step % 3 !== 2) return { action_type: 'attack', target: enemy.name };
    const roll = (step * 7 + this.username.length) % 10;
    const item = place.items[0];
    if (roll < 4 && place.exits.length > 0) {
      const south = place.exits.find((e) => e.direction === 'south' || e.direction === 'west');
      const exit = this.hunter && south ? south : place.exits[(step + roll) % place.exits.length]!;
      return { action_type: 'move', direction: exit.direction };
    }
    if (roll < 6) return { action_type: 'say', message: `${this.username} step ${step}` };
    if (roll < 8 && item) return { action_type: 'take', item: item.name };
    if (roll < 9 && this.inventory.length > 0) return { action_type: 'drop', item: this.inventory[0] };
    return { action_type: roll === 9 ? 'inventory' : 'look' };
  }

  /** Keeps track of where the player is and what it carries, from its results. */
  private learn(result: Record<string, unknown>): void {
    // A copy: the answer itself stays as received, for the audit.
    if (result.location) this.place = structuredClone(result.location) as Place;
    const item = (result.item as { name?: string } | undefined)?.name;
    if (result.action_type === 'take' && item) {
      this.inventory.push(item);
      if (this.place) this.place.items = this.place.items.filter((i) => i.name !== item);
    }
    const carried = item ? this.inventory.indexOf(item) : -1;
    if (result.action_type === 'drop' && carried >= 0) this.inventory.splice(carried, 1);
    // A fight may end with the player waking elsewhere, and an enemy may fall: look before going on.
    if (result.action_type === 'attack') this.place = undefined;
  }

  /** The answer to `id` received after `since`, or undefined when the socket closes first. */
  private answerOrClose(id: string, since: number, kind: (f: Frame) => boolean): Promise<Frame | undefined> {
    const { client } = this;
    const match = (f: Frame) => f.id === id && kind(f);
    return new Promise((resolve, reject) => {
      const finish = (frame: Frame | undefined) => {
        clearTimeout(timer);
        client.socket.off('message', onMessage);
        client.socket.off('close', onClose);
        resolve(frame);
      };
      // GameClient's own listener runs first (registered first): `frames` already holds the new frame.
      const onMessage = () => {
        const found = client.frames.slice(since).find(match);
        if (found) finish(found);
      };
      const onClose = () => finish(client.frames.slice(since).find(match));
      const timer = setTimeout(() => {
        client.socket.off('message', onMessage);
        client.socket.off('close', onClose);
        reject(new Error(`${this.username}: no answer to action ${id} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      client.socket.on('message', onMessage);
      client.socket.on('close', onClose);
      onMessage();
      if (client.socket.readyState !== WebSocket.OPEN) onClose();
    });
  }

  close(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }

  /** Positions of every result and event of the player's stream, over all its connections, in order. */
  receivedPositions(): bigint[] {
    return this.clients.flatMap((client) =>
      client.frames.flatMap((f) => {
        // An answer to an id sent again repeats a result on purpose (see *Retries*): not the stream's.
        if (f.type === 'action_result') return f.replayed === true ? [] : [BigInt(f.position as string)];
        if (f.type === 'events') return (f.events as { position: string }[]).map((e) => BigInt(e.position));
        return [];
      }),
    );
  }

  private lastPosition(): bigint | undefined {
    let last: bigint | undefined;
    for (const position of this.receivedPositions())
      if (last === undefined || position > last) last = position;
    return last;
  }
}

/**
 * `register`, retried while the server answers 429: the pacer keeps requests under the per-IP limit
 * when they leave, but a loaded machine can deliver several windows' worth at once.
 */
export async function registerPolitely(
  baseUrl: string,
  username: string,
): Promise<{ token: string; player_id: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await register(baseUrl, username);
    } catch (error) {
      if (attempt >= 10 || !/: 429 /.test((error as Error).message)) throw error;
      await sleep(1_000);
    }
  }
}
