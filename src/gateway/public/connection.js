// The WebSocket to the realm: one socket at a time, retries with backoff, pings, the actions in flight
// (kept across a lost connection and sent again, same id, once the stream is resumed), and the resume
// handshake after every welcome (docs/protocol.md, "Resume").

import { lastPosition, logLine, store, ui } from './page.js';

export const TOKEN_KEY = 'langomni.token';
// Protocol 3: a browser cannot set headers on a WebSocket, and a token never goes in a URL; it is
// offered as a subprotocol, and the server answers with the protocol's name only.
const WS_SUBPROTOCOL = 'langomni.v3';
const WS_TOKEN_SUBPROTOCOL_PREFIX = 'langomni.token.';
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 15000;
const PING_INTERVAL_MS = 25000;
/** An action refused for now (rate_limited, server_busy) is sent again at most this often. */
const MAX_RETRIES = 3;
const MIN_RETRY_WAIT_MS = 100;

const state = {
  socket: null,
  /**
   * `connecting` until the welcome; `resuming` from the resume frame to `resumed`; `fresh` after
   * `resume_unavailable`, until its new welcome; `live` once actions may go.
   */
  phase: 'closed',
  /** The position the current resume asked to continue after. */
  resumedAfter: null,
  pingCounter: 0,
  /** action id -> { text, data, echo, thinking }: sent (or waiting to be) and not answered yet. */
  pending: new Map(),
  pings: new Map(),
  backoffMs: FIRST_BACKOFF_MS,
  reconnectTimer: null,
  pingTimer: null,
  leaving: false,
  onMessage: () => {},
  onSignedOut: () => {},
};

export function initConnection({ onMessage, onSignedOut }) {
  state.onMessage = onMessage;
  state.onSignedOut = onSignedOut;
}

export function resumePhase() {
  return state.phase;
}

export function resumedAfter() {
  return state.resumedAfter;
}

function send(frame) {
  if (state.socket?.readyState !== WebSocket.OPEN) return false;
  state.socket.send(JSON.stringify(frame));
  return true;
}

/**
 * A frame id unique across reloads, tabs and devices: the server remembers it for 24 h, so a retry
 * with the same id acts once. crypto.randomUUID needs a secure context (https or localhost); over
 * plain http the same random UUID is made from getRandomValues.
 */
function newFrameId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sends an action typed (or clicked) by the player; false when offline (the command stays typed). */
export function sendAction(data, typedText) {
  if (state.socket?.readyState !== WebSocket.OPEN) {
    logLine(
      'error',
      'You are offline for a moment; your command is still in the box — send it again once reconnected.',
    );
    return false;
  }
  const id = newFrameId();
  const echo = logLine('echo pending', `› ${typedText}`);
  // A model may take seconds: say who is at work, and mark the log busy for assistive technology.
  const thinking =
    data.action_type === 'talk' && data.npc ? logLine('thinking', `${data.npc} is thinking…`) : undefined;
  state.pending.set(id, { text: typedText, data, echo, thinking });
  ui.log.setAttribute('aria-busy', 'true');
  // While the stream is being resumed the action waits: it goes right after `resumed`.
  if (state.phase === 'live') send({ type: 'action', id, data });
  return true;
}

/** Sends an action again (same id: it acts once) after the server's wait; false past the retries allowed. */
export function retryAction(id, afterMs) {
  const pending = state.pending.get(id);
  if (!pending || pending.retries >= MAX_RETRIES) return false;
  pending.retries = (pending.retries ?? 0) + 1;
  const wait = Math.min(Math.max(Number(afterMs) || 0, MIN_RETRY_WAIT_MS), MAX_BACKOFF_MS);
  setTimeout(() => {
    if (state.pending.get(id) === pending && state.phase === 'live')
      send({ type: 'action', id, data: pending.data });
  }, wait);
  return true;
}

/** The action `id` was answered: its echo stops waiting. Returns what was sent, if this window sent it. */
export function settleAction(id) {
  const pending = id ? state.pending.get(id) : undefined;
  if (!pending) return undefined;
  state.pending.delete(id);
  pending.echo.classList.remove('pending');
  pending.thinking?.remove();
  if (state.pending.size === 0) ui.log.setAttribute('aria-busy', 'false');
  return pending;
}

/** After every welcome: ask for what was missed since the last position shown (or since the welcome). */
export function welcomed(welcome) {
  if (state.phase === 'fresh') return goLive();
  const after = lastPosition() ?? welcome.position;
  if (typeof after !== 'string') return goLive(); // a server that keeps no positions
  state.phase = 'resuming';
  state.resumedAfter = after;
  send({ type: 'resume', after });
}

/** `resumed` (or a server that does not know resume): live, and what was in flight goes again. */
export function goLive() {
  state.phase = 'live';
  state.backoffMs = FIRST_BACKOFF_MS;
  for (const [id, { data }] of state.pending) send({ type: 'action', id, data });
}

/** `resume_unavailable`: a fresh welcome follows, after which the stream is live. */
export function startingAfresh() {
  state.phase = 'fresh';
}

export function pongReceived(id) {
  const sentAt = state.pings.get(id);
  state.pings.delete(id);
  return sentAt === undefined ? undefined : Math.round(performance.now() - sentAt);
}

export function setStatus(stateName, text) {
  ui.connStatus.dataset.state = stateName;
  ui.connStatus.textContent = text;
}

function abandonPending(reason) {
  for (const { echo, thinking } of state.pending.values()) {
    echo.classList.remove('pending');
    thinking?.remove();
  }
  ui.log.setAttribute('aria-busy', 'false');
  if (state.pending.size && reason) logLine('error', reason);
  state.pending.clear();
}

export function connect() {
  const token = store.getItem(TOKEN_KEY);
  if (!token) return state.onSignedOut('');
  clearTimeout(state.reconnectTimer);
  state.leaving = false;
  // One socket at a time: a retry already under way (or an old socket) is given up first.
  const previous = state.socket;
  state.socket = null;
  // 4000, not 1000: a goodbye would end the session at once, and those nearby would see the player fade.
  previous?.close(4000, 'reconnecting');
  state.phase = 'connecting';
  setStatus('connecting', 'connecting…');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/ws`, [
    WS_SUBPROTOCOL,
    `${WS_TOKEN_SUBPROTOCOL_PREFIX}${token}`,
  ]);
  state.socket = socket;
  let opened = false;

  socket.addEventListener('message', (event) => {
    if (state.socket !== socket) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return logLine('error', 'Received an unreadable message from the server.');
    }
    state.onMessage(message);
  });

  socket.addEventListener('open', () => {
    opened = true;
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => {
      state.pingCounter += 1;
      const id = `p${state.pingCounter}`;
      if (send({ type: 'ping', id })) state.pings.set(id, performance.now());
    }, PING_INTERVAL_MS);
  });

  socket.addEventListener('close', async (event) => {
    if (state.socket !== socket) return;
    clearInterval(state.pingTimer);
    state.socket = null;
    state.phase = 'closed';
    state.pings.clear();
    if (state.leaving) return;
    if (event.code === 4401 || event.code === 4403) {
      store.removeItem(TOKEN_KEY);
      abandonPending();
      return state.onSignedOut(
        event.code === 4403
          ? 'You were signed out. Please sign in again.'
          : 'Your session has expired. Please sign in again.',
      );
    }
    // A refused upgrade (401) reaches a browser as a bare 1006: ask over HTTP whether the token still holds.
    if (!opened && (await tokenRefused(token))) {
      store.removeItem(TOKEN_KEY);
      abandonPending();
      return state.onSignedOut('Your session has expired. Please sign in again.');
    }
    const delay = state.backoffMs;
    state.backoffMs = Math.min(state.backoffMs * 2, MAX_BACKOFF_MS);
    setStatus('offline', `offline · retrying in ${delay / 1000} s`);
    ui.reconnectButton.hidden = false;
    // Log the first drop only; later retries just update the status badge.
    if (delay === FIRST_BACKOFF_MS)
      logLine(
        'system',
        state.pending.size
          ? 'The connection to the realm was lost. Reconnecting… (what you sent will be answered then)'
          : 'The connection to the realm was lost. Reconnecting… (your typed command is kept)',
      );
    state.reconnectTimer = setTimeout(connect, delay);
  });
}

/** "Reconnect now": a retry at once, and the waits start short again. */
export function reconnectNow() {
  state.backoffMs = FIRST_BACKOFF_MS;
  connect();
}

async function tokenRefused(token) {
  try {
    const response = await fetch('/players/me', { headers: { authorization: `Bearer ${token}` } });
    return response.status === 401;
  } catch {
    return false;
  }
}

/** Signing out or leaving: no retry, and nothing in flight is sent again. */
export function disconnect() {
  state.leaving = true;
  clearTimeout(state.reconnectTimer);
  clearInterval(state.pingTimer);
  state.socket?.close(1000, 'leaving');
  state.socket = null;
  state.phase = 'closed';
  abandonPending();
}
