/**
 * What permessage-deflate costs the server per connection, for choosing limits.wsCompression*:
 *
 *   npx tsx bench/ws-compression.ts [--sockets 2000] [--frames 20] [--bytes 4096] [--only shipped,…]
 *
 * A bare `ws` server (this process) and N clients (a child process, so their work is not counted)
 * for each setting in SETTINGS. Memory: the server's RSS after every client got one frame above the
 * threshold and sent one compressed frame (each socket then holds its zlib contexts), minus the same
 * without compression, per socket. CPU: the server's CPU time (zlib's threads included) to send one
 * pre-encoded frame of --bytes to all N sockets, --frames times, as the broadcast hub does, per frame
 * per recipient. Output: one JSON document on stdout.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket, { type PerMessageDeflateOptions, WebSocketServer } from 'ws';
import { PER_MESSAGE_DEFLATE } from '../src/gateway/ws-compression.ts';

const SETTINGS: Record<string, PerMessageDeflateOptions | false> = {
  off: false,
  'context takeover (ws defaults: window 15, memLevel 8, level 6)': { threshold: 1024 },
  'no context takeover, window 15, memLevel 8': {
    threshold: 1024,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
  },
  'no context takeover, window 10, memLevel 4, level 1': {
    threshold: 1024,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: 10,
    zlibDeflateOptions: { level: 1, memLevel: 4 },
  },
  'no context takeover, window 10, memLevel 4, level 1, 2 KiB zlib chunks': {
    threshold: 1024,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: 10,
    zlibDeflateOptions: { level: 1, memLevel: 4, chunkSize: 2048 },
    zlibInflateOptions: { chunkSize: 2048 },
  },
  'no context takeover, window 12, memLevel 5, level 3, 4 KiB zlib chunks': {
    threshold: 1024,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 12,
    clientMaxWindowBits: 12,
    zlibDeflateOptions: { level: 3, memLevel: 5, chunkSize: 4096 },
    zlibInflateOptions: { chunkSize: 4096 },
  },
  // What the gateway ships: the client's window is the client's (15 unless it asks).
  shipped: PER_MESSAGE_DEFLATE,
};

type ToClients = { url: string; sockets: number; frames: number; clientsPlain: boolean };

if (process.argv[2] === 'clients') void clients();
else if (process.argv[2] === 'server') void server(process.argv[3]!);
else void main();

/** One fresh server process per setting: freed zlib memory of one setting would count for the next. */
async function server(name: string) {
  const [options] = (await once(process, 'message')) as [
    { sockets: number; frames: number; bytes: number; clientsPlain: boolean },
  ];
  // A different frame each time, as each broadcast tick's news differs.
  const payloads = Array.from({ length: options.frames + 1 }, () => Buffer.from(sampleFrame(options.bytes)));
  const result = await measure(SETTINGS[name]!, options.sockets, payloads, options.clientsPlain);
  process.send?.({ setting: name, ...result }, () => process.exit(0));
}

async function main() {
  const { values } = parseArgs({
    options: {
      sockets: { type: 'string', default: '2000' },
      frames: { type: 'string', default: '20' },
      bytes: { type: 'string', default: '4096' },
      only: { type: 'string' },
      // Clients that never compress what they send (their frames are small): the server's deflate only.
      'clients-plain': { type: 'boolean', default: false },
    },
  });
  const sockets = Number(values.sockets);
  const frames = Number(values.frames);
  const bytes = Number(values.bytes);
  const results: Record<string, unknown>[] = [];
  const only = values.only?.split(',');
  for (const name of Object.keys(SETTINGS).filter((n) => n === 'off' || !only || only.includes(n))) {
    const child = fork(import.meta.filename, ['server', name], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.send({ sockets, frames, bytes, clientsPlain: values['clients-plain'] });
    const [result] = (await once(child, 'message')) as [Record<string, unknown>];
    await once(child, 'exit');
    results.push(result);
    process.stderr.write(`${JSON.stringify(result)}\n`);
  }
  const off = results[0]!;
  for (const r of results)
    r['rss_bytes_per_socket_over_off'] = Math.round(
      (((r['rss_after_mib'] as number) - (off['rss_after_mib'] as number)) * 1_048_576) / sockets,
    );
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'ws-compression', sockets, frames, frame_bytes: bytes, results }, null, 2)}\n`,
  );
}

async function measure(
  perMessageDeflate: PerMessageDeflateOptions | false,
  sockets: number,
  payloads: Buffer[],
  clientsPlain: boolean,
) {
  const frames = payloads.length - 1;
  global.gc?.();
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate, maxPayload: 65_536 });
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = fork(import.meta.filename, ['clients'], { execArgv: process.execArgv });
  const fromChild = (kind: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const listen = (m: { kind: string } & Record<string, number>) => {
        if (m.kind !== kind) return;
        child.off('message', listen);
        resolve(m);
      };
      child.on('message', listen);
    });
  const connected = fromChild('connected');
  let received = 0;
  let allReceived: () => void = () => {};
  const inbound = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  server.on('connection', (socket) => {
    socket.on('message', () => {
      if (++received === sockets) allReceived();
    });
  });
  child.send({ url, sockets, frames, clientsPlain } satisfies ToClients);
  await connected;
  const open = [...server.clients];
  const extensions = open.filter((s) => s.extensions.includes('permessage-deflate')).length;
  // Each socket: one frame out above the threshold (its deflate context), one compressed frame in (inflate).
  const warmed = fromChild('warmed');
  for (const socket of open) socket.send(payloads[0]!);
  await Promise.all([warmed, inbound]);
  await sleep(2000);
  global.gc?.();
  await sleep(1000);
  const rssAfter = process.memoryUsage().rss;

  const done = fromChild('done');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < frames; i++) {
    for (const socket of open) socket.send(payloads[i + 1]!);
    await sleep(50);
  }
  const { wireBytes } = await done;
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  child.kill();
  for (const socket of open) socket.terminate();
  await new Promise((resolve) => server.close(resolve));
  return {
    negotiated: extensions,
    rss_after_mib: Math.round((rssAfter / 1_048_576) * 10) / 10,
    server_cpu_ms: Math.round(cpuMs),
    server_cpu_us_per_frame_per_recipient: Math.round(((cpuMs * 1000) / (frames * sockets)) * 10) / 10,
    wall_ms: Math.round(wallMs),
    wire_bytes_per_frame: Math.round((wireBytes ?? 0) / (sockets * (frames + 1))),
  };
}

async function clients() {
  const [message] = (await once(process, 'message')) as [ToClients];
  const send = (m: Record<string, unknown>) => process.send?.(m);
  const sockets: WebSocket[] = [];
  let wireBytes = 0;
  for (let i = 0; i < message.sockets; i++) {
    // Offers permessage-deflate and, like a browser, compresses what it sends however small (unless --clients-plain).
    const socket = new WebSocket(message.url, {
      perMessageDeflate: message.clientsPlain ? { threshold: 1024 } : { threshold: 0 },
    });
    socket.on('upgrade', (response) => response.socket.on('data', (d: Buffer) => (wireBytes += d.length)));
    sockets.push(socket);
    await once(socket, 'open');
  }
  send({ kind: 'connected' });
  let got = 0;
  const total = message.sockets * (1 + message.frames);
  for (const socket of sockets)
    socket.on('message', () => {
      got++;
      if (got <= message.sockets) socket.send('{"type":"action","id":"a1","data":{"action_type":"look"}}');
      if (got === message.sockets) send({ kind: 'warmed' });
      if (got === total) send({ kind: 'done', wireBytes });
    });
}

/** A JSON `events` frame of about `bytes`, as varied as the game's (names, speech, ids). */
function sampleFrame(bytes: number): string {
  const events: Record<string, unknown>[] = [];
  let i = Math.floor(Math.random() * 10_000);
  while (JSON.stringify(events).length < bytes - 60) {
    events.push({
      event: i % 3 === 0 ? 'player_spoke' : 'player_arrived',
      position: String(1_000_000 + i * 7),
      player: { id: crypto.randomUUID(), name: `Wanderer${(i * 7919) % 1000}` },
      message: i % 3 === 0 ? `hear ye, the wolves of the north road number ${i * 3} tonight` : undefined,
    });
    i++;
  }
  return JSON.stringify({ type: 'events', location_id: 'village-square', events });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
