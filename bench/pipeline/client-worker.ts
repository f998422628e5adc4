/**
 * A client process of the pipeline benchmark: it owns a share of the simulated players, each with its
 * own WebSocket from its own loopback source address, and answers the parent's requests over IPC
 * (see ./ipc.ts). Run by bench/pipeline.ts through child_process.fork; never on its own.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  type BroadcastReport,
  type ConnectReport,
  type FromWorker,
  type PlayerSpec,
  type PlayReport,
  type ToWorker,
  wallNow,
} from './ipc.ts';

/** The mix: an even share of each, in turn (player p's k-th action is MIX[(p + k) % 5]). */
const MIX = ['look', 'inventory', 'move', 'say', 'quest'] as const;
const FALLBACK_DIRECTIONS = ['north', 'south', 'east', 'west'];
const BROADCAST_MARKER = /bmsg-[0-9a-f-]{36}/g;

interface Player {
  spec: PlayerSpec;
  slot: number;
  socket: WebSocket;
  open: boolean;
  welcomed: boolean;
  locationId: string | undefined;
  exits: string[];
  actionsSent: number;
}

interface Waiting {
  scheduledAt: number;
  measured: boolean;
  type: string;
  player: Player;
}

const players: Player[] = [];
const waiting = new Map<string, Waiting>();
const framesByType: Record<string, number> = {};
let unmatchedAnswers = 0;
let socketsClosed = 0;
let play: { measured: PlayReport; warmupEndsAt: number } | undefined;
let broadcast: { arrivals: [string, number][]; ownMarkers: Set<string> } | undefined;

function reply(message: FromWorker): void {
  process.send?.(message);
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToWorker) => {
  handle(message).then(
    (body) => reply({ kind: 'reply', requestId: message.requestId, body }),
    (error: unknown) =>
      reply({
        kind: 'failed',
        requestId: message.requestId,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

async function handle(message: ToWorker): Promise<unknown> {
  switch (message.kind) {
    case 'connect':
      return connectAll(message);
    case 'play':
      return playSteps(message);
    case 'broadcast':
      return runBroadcast(message);
    case 'close':
      return closeAll();
  }
}

function count(type: string): void {
  framesByType[type] = (framesByType[type] ?? 0) + 1;
}

async function connectAll(message: Extract<ToWorker, { kind: 'connect' }>): Promise<ConnectReport> {
  const report: ConnectReport = { connected: 0, failed: {}, welcomeMs: [] };
  const attempts: Promise<void>[] = [];
  for (let i = 0; i < message.players.length; i++) {
    const at = message.startAt + (message.perSecond ? (i * 1000) / message.perSecond : 0);
    const wait = at - wallNow();
    if (wait > 0) await sleep(Math.ceil(wait));
    const spec = message.players[i]!;
    attempts.push(
      connectOne(`${spec.serverUrl.replace(/^http/, 'ws')}/ws`, spec, message.welcomeTimeoutMs).then(
        () => {
          report.connected++;
          report.welcomeMs.push(wallNow() - message.startAt);
        },
        (reason: Error) => {
          report.failed[reason.message] = (report.failed[reason.message] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(attempts);
  return report;
}

function connectOne(wsUrl: string, spec: PlayerSpec, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, {
      headers: { authorization: `Bearer ${spec.token}` },
      localAddress: spec.address,
      handshakeTimeout: timeoutMs,
    });
    const player: Player = {
      spec,
      slot: players.length,
      socket,
      open: false,
      welcomed: false,
      locationId: undefined,
      exits: [],
      actionsSent: 0,
    };
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.terminate();
        reject(error);
      } else {
        players.push(player);
        resolve();
      }
    };
    const timer = setTimeout(() => settle(new Error('timeout')), timeoutMs);
    socket.on('unexpected-response', (_request, response) =>
      settle(new Error(`http_${response.statusCode}`)),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => settle(new Error(error.code ?? 'socket_error')));
    socket.on('open', () => {
      player.open = true;
    });
    socket.on('close', (code) => {
      player.open = false;
      if (player.welcomed) socketsClosed++;
      settle(new Error(`closed_${code}`));
    });
    socket.on('message', (data) => {
      const text = data.toString();
      if (!player.welcomed) {
        const frame = parse(text);
        if (frame?.type === 'welcome') {
          player.welcomed = true;
          // As the browser client does: start the stream at once (nothing to catch up on).
          socket.send(JSON.stringify({ type: 'resume', after: frame.position }));
          readLocation(player, frame.location);
          count('welcome');
          settle();
          return;
        }
      }
      onFrame(player, text);
    });
  });
}

type Frame = {
  type?: unknown;
  id?: unknown;
  code?: unknown;
  result?: unknown;
  location?: unknown;
  position?: unknown;
};

function parse(text: string): Frame | undefined {
  try {
    const frame: unknown = JSON.parse(text);
    return frame && typeof frame === 'object' ? (frame as Frame) : undefined;
  } catch {
    return undefined;
  }
}

function readLocation(player: Player, location: unknown): void {
  if (!location || typeof location !== 'object') return;
  const { id, exits } = location as { id?: unknown; exits?: unknown };
  if (typeof id === 'string') player.locationId = id;
  if (Array.isArray(exits)) {
    player.exits = exits
      .map((exit) =>
        exit && typeof exit === 'object' ? (exit as { direction?: unknown }).direction : undefined,
      )
      .filter((direction): direction is string => typeof direction === 'string');
  }
}

/** How the server begins every batch of others' events (src/gateway/broadcast-batch.ts). */
const EVENTS_FRAME_START = '{"type":"events",';

function onFrame(player: Player, text: string): void {
  const arrivedAt = wallNow();
  // Others' news is only counted outside the broadcast scenario: parsing tens of thousands of batch
  // frames a second would take CPU from the server on this shared machine for nothing measured.
  if (!broadcast && text.startsWith(EVENTS_FRAME_START)) {
    count('events');
    return;
  }
  const frame = parse(text);
  const type = typeof frame?.type === 'string' ? frame.type : frame ? 'untyped' : 'unparsable';
  count(type);
  if (broadcast && (type === 'event' || type === 'events')) {
    for (const marker of new Set(text.match(BROADCAST_MARKER) ?? [])) {
      if (!broadcast.ownMarkers.has(`${player.slot}:${marker}`)) broadcast.arrivals.push([marker, arrivedAt]);
    }
  }
  if ((type !== 'action_result' && type !== 'error') || typeof frame?.id !== 'string') return;
  const action = waiting.get(frame.id);
  if (!action) {
    unmatchedAnswers++;
    return;
  }
  waiting.delete(frame.id);
  if (type === 'action_result' && frame.result && typeof frame.result === 'object') {
    const result = frame.result as { moved?: unknown; location?: unknown };
    if (result.location && (result.moved === true || action.type === 'look'))
      readLocation(player, result.location);
  }
  if (action.measured && play) {
    record(
      play.measured,
      action,
      arrivedAt - action.scheduledAt,
      type === 'action_result' ? 'result' : String(frame.code ?? 'error_without_code'),
    );
  }
}

function record(report: PlayReport, action: Waiting, latencyMs: number, outcome: string): void {
  report.scheduledMs.push(round1(action.scheduledAt - (play?.warmupEndsAt ?? 0)));
  report.latencyMs.push(Number.isNaN(latencyMs) ? Number.NaN : round1(latencyMs));
  report.outcome.push(outcome);
  report.actionType.push(action.type);
}

function nextAction(player: Player): Record<string, unknown> {
  const type = MIX[(player.slot + player.actionsSent++) % MIX.length]!;
  switch (type) {
    case 'move': {
      const choices = player.exits.length > 0 ? player.exits : FALLBACK_DIRECTIONS;
      return { action_type: 'move', direction: choices[Math.floor(Math.random() * choices.length)] };
    }
    case 'say':
      return { action_type: 'say', message: `Anyone seen the smith? (${player.actionsSent})` };
    case 'quest':
      return { action_type: 'quest', op: 'status' };
    default:
      return { action_type: type };
  }
}

async function playSteps(message: Extract<ToWorker, { kind: 'play' }>): Promise<PlayReport> {
  const report: PlayReport = {
    scheduledMs: [],
    latencyMs: [],
    outcome: [],
    actionType: [],
    sendLagMs: [],
    framesByType,
    unmatchedAnswers: 0,
    socketsClosedDuringStep: 0,
  };
  const warmupEndsAt = message.startAt + message.warmupMs;
  const endsAt = warmupEndsAt + message.measureMs;
  play = { measured: report, warmupEndsAt };
  for (const key of Object.keys(framesByType)) delete framesByType[key];
  unmatchedAnswers = 0;
  socketsClosed = 0;
  const acting = players.filter((p) => p.spec.plays).sort((a, b) => a.spec.phaseMs - b.spec.phaseMs);
  let round = 0;
  let next = 0;
  while (acting.length > 0) {
    const player = acting[next]!;
    const scheduledAt = message.startAt + round * message.intervalMs + player.spec.phaseMs;
    if (scheduledAt >= endsAt) break;
    const wait = scheduledAt - wallNow();
    if (wait > 0) {
      await sleep(Math.ceil(wait));
      continue;
    }
    const measured = scheduledAt >= warmupEndsAt;
    const data = nextAction(player);
    const action: Waiting = { scheduledAt, measured, type: String(data.action_type), player };
    if (player.open) {
      const id = randomUUID();
      waiting.set(id, action);
      player.socket.send(JSON.stringify({ type: 'action', id, data }));
      if (measured) report.sendLagMs.push(round1(wallNow() - scheduledAt));
    } else if (measured) {
      record(report, action, Number.NaN, 'connection_closed');
    }
    next++;
    if (next === acting.length) {
      next = 0;
      round++;
    }
  }
  const measuredWaiting = () => [...waiting.values()].some((a) => a.measured);
  while (measuredWaiting() && wallNow() < endsAt + message.graceMs) await sleep(50);
  for (const [id, action] of waiting) {
    if (action.measured)
      record(report, action, Number.NaN, action.player.open ? 'no_answer' : 'connection_closed');
    waiting.delete(id);
  }
  play = undefined;
  report.unmatchedAnswers = unmatchedAnswers;
  report.socketsClosedDuringStep = socketsClosed;
  return report;
}

async function runBroadcast(message: Extract<ToWorker, { kind: 'broadcast' }>): Promise<BroadcastReport> {
  for (const key of Object.keys(framesByType)) delete framesByType[key];
  const speakers = players.slice(0, message.speakers);
  const startLocation = players[0]?.locationId;
  broadcast = { arrivals: [], ownMarkers: new Set() };
  const sends: [string, number][] = [];
  const endsAt = message.startAt + message.durationMs;
  const schedule = speakers.map((speaker, i) => ({
    speaker,
    at: message.startAt + (i * message.everyMs) / Math.max(1, speakers.length),
  }));
  while (schedule.length > 0) {
    schedule.sort((a, b) => a.at - b.at);
    const first = schedule[0]!;
    if (first.at >= endsAt) break;
    const wait = first.at - wallNow();
    if (wait > 0) {
      await sleep(Math.ceil(wait));
      continue;
    }
    const marker = `bmsg-${randomUUID()}`;
    broadcast.ownMarkers.add(`${first.speaker.slot}:${marker}`);
    if (first.speaker.open) {
      first.speaker.socket.send(
        JSON.stringify({
          type: 'action',
          id: randomUUID(),
          data: { action_type: 'say', message: `hear ye ${marker}` },
        }),
      );
      sends.push([marker, wallNow()]);
    }
    first.at += message.everyMs;
  }
  await sleep(message.settleMs);
  const report: BroadcastReport = {
    sends,
    arrivals: broadcast.arrivals,
    listeners: players.filter((p) => p.open && p.locationId === startLocation).length,
    framesByType: { ...framesByType },
  };
  broadcast = undefined;
  return report;
}

async function closeAll(): Promise<{ closed: number }> {
  const closing = players.splice(0).map(
    (player) =>
      new Promise<void>((resolve) => {
        if (!player.open) return resolve();
        const timer = setTimeout(() => {
          player.socket.terminate();
          resolve();
        }, 3_000);
        player.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        player.socket.close(1000, 'bench step over');
      }),
  );
  await Promise.all(closing);
  waiting.clear();
  return { closed: closing.length };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
