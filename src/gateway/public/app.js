// LangOmni browser client: plain ES module, no dependencies.
// All server-provided text is inserted with textContent, never innerHTML.

import { HELP_LINES, parseCommand } from './commands.js';

const TOKEN_KEY = 'langomni.token';
// Protocol 3: a browser cannot set headers on a WebSocket, and a token never goes in a URL; it is
// offered as a subprotocol, and the server answers with the protocol's name only.
const WS_SUBPROTOCOL = 'langomni.v3';
const WS_TOKEN_SUBPROTOCOL_PREFIX = 'langomni.token.';
const USERNAME_KEY = 'langomni.username';
const HISTORY_KEY = 'langomni.history';
const SCROLLBACK_KEY = 'langomni.scrollback';
/** Log entries kept across a reload (the newest). */
const SCROLLBACK_KEPT = 200;
// The token is kept for the whole browser (a new tab is signed in, as on any site); signing out
// revokes it on the server, so a copy left in another tab stops working at once.
const store = window.localStorage;
const MAX_LOG_ENTRIES = 600;
const MAX_BACKOFF_MS = 15000;
const PING_INTERVAL_MS = 25000;

const $ = (id) => document.getElementById(id);
const ui = {
  authScreen: $('auth-screen'),
  authForm: $('auth-form'),
  authUsername: $('auth-username'),
  authPassword: $('auth-password'),
  authMessage: $('auth-message'),
  gameScreen: $('game-screen'),
  playerName: $('player-name'),
  connStatus: $('conn-status'),
  hp: $('hp'),
  hpFill: $('hp-fill'),
  hpText: $('hp-text'),
  logoutButton: $('logout-button'),
  locName: $('loc-name'),
  locDescription: $('loc-description'),
  locExits: $('loc-exits'),
  locNpcs: $('loc-npcs'),
  locItems: $('loc-items'),
  locEnemies: $('loc-enemies'),
  locPlayers: $('loc-players'),
  log: $('log'),
  commandForm: $('command-form'),
  commandInput: $('command-input'),
  reconnectButton: $('reconnect-button'),
};

const state = {
  socket: null,
  pingCounter: 0,
  pending: new Map(), // action id -> { text, data, echo: HTMLElement }
  pings: new Map(), // ping id -> sent timestamp
  location: null,
  history: [],
  historyIndex: 0,
  backoffMs: 1000,
  reconnectTimer: null,
  pingTimer: null,
  leaving: false,
};

// ---------- DOM helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function appendLog(node) {
  const log = ui.log;
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  log.appendChild(node);
  while (log.childElementCount > MAX_LOG_ENTRIES) log.firstElementChild.remove();
  if (nearBottom) log.scrollTop = log.scrollHeight;
  saveScrollbackSoon();
  return node;
}

// The log is saved as plain data (class names and texts), and rebuilt with textContent on reload.
let saveTimer = null;
function saveScrollbackSoon() {
  if (saveTimer) return;
  saveTimer = setTimeout(saveScrollback, 250);
}

function saveScrollback() {
  clearTimeout(saveTimer);
  saveTimer = null;
  const entries = [...ui.log.children]
    .filter((entry) => !entry.classList.contains('thinking'))
    .slice(-SCROLLBACK_KEPT)
    .map((entry) => ({
      c: entry.className.replace(/\bpending\b/, '').trim(),
      t: entry.childElementCount ? undefined : entry.textContent,
      p: entry.childElementCount
        ? [...entry.children].map((part) => [part.className, part.textContent])
        : undefined,
    }));
  try {
    store.setItem(SCROLLBACK_KEY, JSON.stringify(entries));
  } catch {
    // Storage full or disabled: the log is simply not kept.
  }
}
// A reload or a closed tab within the 250 ms wait would otherwise lose the latest lines.
window.addEventListener('pagehide', saveScrollback);

function restoreScrollback() {
  let entries = [];
  try {
    entries = JSON.parse(store.getItem(SCROLLBACK_KEY) ?? '[]');
  } catch {
    entries = [];
  }
  if (!Array.isArray(entries) || ui.log.childElementCount > 0) return;
  for (const entry of entries) {
    const node = el('div', String(entry.c ?? 'entry'), entry.t);
    for (const [className, text] of Array.isArray(entry.p) ? entry.p : [])
      node.appendChild(el('div', className, text));
    ui.log.appendChild(node);
  }
  ui.log.scrollTop = ui.log.scrollHeight;
}

function loadHistory() {
  try {
    const saved = JSON.parse(store.getItem(HISTORY_KEY) ?? '[]');
    if (Array.isArray(saved)) state.history = saved.filter((line) => typeof line === 'string').slice(-100);
  } catch {
    state.history = [];
  }
  state.historyIndex = state.history.length;
}

function logLine(kind, text) {
  return appendLog(el('div', `entry ${kind}`, text));
}

// Shows which command a late reply belongs to, unless its echo is the line just above.
function attachToCommand(id) {
  const pending = id ? state.pending.get(id) : undefined;
  if (!pending) return undefined;
  state.pending.delete(id);
  pending.echo.classList.remove('pending');
  pending.thinking?.remove();
  if (state.pending.size === 0) ui.log.setAttribute('aria-busy', 'false');
  if (ui.log.lastElementChild !== pending.echo) logLine('reply-to', `↳ ${pending.text}`);
  return pending;
}

// ---------- Sending ----------

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

function sendAction(data, typedText) {
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
  send({ type: 'action', id, data });
  return true;
}

function runCommand(text) {
  const npcNames = (state.location?.npcs ?? []).map((npc) => npc.name);
  const parsed = parseCommand(text, npcNames);
  if (!parsed) return;
  if (parsed.help) {
    logLine('echo', `› ${text}`);
    const block = el('div', 'entry help');
    for (const line of HELP_LINES) block.appendChild(el('div', null, line));
    appendLog(block);
  } else if (parsed.error) {
    logLine('echo', `› ${text}`);
    logLine('error', parsed.error);
  } else {
    return sendAction(parsed.action, text);
  }
  return true;
}

// ---------- Rendering server data ----------

function chip(label, className, onClick, title) {
  const node = el(onClick ? 'button' : 'span', `chip ${className}`, label);
  if (onClick) {
    node.type = 'button';
    // The command box keeps the focus: the next typed command must not be lost to the page.
    node.addEventListener('mousedown', (event) => event.preventDefault());
    node.addEventListener('click', () => {
      onClick();
      ui.commandInput.focus();
    });
  }
  if (title) node.title = title;
  return node;
}

function fillChips(container, items, makeChip) {
  container.replaceChildren(...items.map(makeChip));
  if (!items.length) container.appendChild(el('span', 'none', '—'));
}

function prefill(text) {
  ui.commandInput.value = text;
  ui.commandInput.focus();
}

function renderLocation(location) {
  if (!location || typeof location !== 'object') return;
  state.location = location;
  ui.locName.textContent = location.name ?? location.id ?? '…';
  ui.locDescription.textContent = location.description ?? '';
  fillChips(ui.locExits, location.exits ?? [], (exit) => {
    const label = exit.name ? `${exit.direction} → ${exit.name}` : exit.direction;
    return chip(label, 'exit', () =>
      sendAction({ action_type: 'move', direction: exit.direction }, `go ${exit.direction}`),
    );
  });
  fillChips(ui.locNpcs, location.npcs ?? [], (npc) =>
    chip(npc.name, 'npc', () => prefill(`talk ${npc.name}: `), 'Talk'),
  );
  fillChips(ui.locEnemies, location.enemies ?? [], (enemy) =>
    chip(
      typeof enemy.hp === 'number' ? `${enemy.name} (${enemy.hp}/${enemy.max_hp ?? '?'} HP)` : enemy.name,
      'enemy',
      () => sendAction({ action_type: 'attack', target: enemy.name }, `attack ${enemy.name}`),
      'Attack',
    ),
  );
  fillChips(ui.locItems, location.items ?? [], (item) =>
    chip(item.name, 'item', () => prefill(`take ${item.name}`), 'Take'),
  );
  fillChips(ui.locPlayers, location.players ?? [], (name) => chip(String(name), 'player'));
  // The hint names what is here: a real exit, and someone to talk to when there is someone.
  const exit = location.exits?.[0]?.direction;
  const npc = location.npcs?.[0]?.name;
  ui.commandInput.placeholder = ['look', exit ? `go ${exit}` : null, npc ? `talk ${npc}: hello` : 'say hello']
    .filter(Boolean)
    .join(', ')
    .concat('…  (help)');
}

function renderHp(hp, maxHp) {
  if (typeof hp !== 'number') return;
  ui.hp.hidden = false;
  ui.hpText.textContent = typeof maxHp === 'number' ? `${hp}/${maxHp}` : String(hp);
  const ratio = typeof maxHp === 'number' && maxHp > 0 ? Math.max(0, Math.min(1, hp / maxHp)) : 1;
  ui.hpFill.style.width = `${Math.round(ratio * 100)}%`;
  ui.hp.dataset.level = ratio > 0.5 ? 'ok' : ratio > 0.2 ? 'low' : 'critical';
}

function renderActionResult(message) {
  const sent = attachToCommand(message.id);
  const result = message.result ?? {};
  const block = el('div', `entry result action-${result.action_type ?? 'unknown'}`);
  // The speech block below says what the NPC said; narration that only repeats it is left out.
  const repeatsSpeech =
    typeof result.npc_response === 'string' &&
    typeof result.narration === 'string' &&
    result.narration.includes(result.npc_response);
  if (result.narration && !repeatsSpeech) block.appendChild(el('div', 'narration', result.narration));
  if (result.npc_response) {
    const speech = el('div', 'npc-speech');
    const speaker = result.npc_name ?? result.npc ?? sent?.data.npc ?? 'They';
    speech.appendChild(el('span', 'speaker', `${speaker}: `));
    speech.appendChild(el('span', 'speech', `“${result.npc_response}”`));
    if (result.npc_emotion) speech.appendChild(el('span', 'emotion', ` (${result.npc_emotion})`));
    block.appendChild(speech);
  }
  const details = [];
  if (typeof result.relationship_change === 'number' && result.relationship_change !== 0) {
    const sign = result.relationship_change > 0 ? '+' : '';
    details.push(`relationship ${sign}${result.relationship_change}`);
  }
  for (const [key, value] of Object.entries(result)) {
    if (key.includes('damage') && (typeof value === 'number' || typeof value === 'string')) {
      details.push(`${key.replace(/_/g, ' ')}: ${value}`);
    }
  }
  if (typeof result.hp === 'number')
    details.push(`HP ${result.hp}${result.max_hp ? `/${result.max_hp}` : ''}`);
  if (details.length) block.appendChild(el('div', 'details', details.join(' · ')));
  const meta = [message.source, typeof message.latency_ms === 'number' ? `${message.latency_ms} ms` : null];
  if (meta.some(Boolean)) block.appendChild(el('div', 'meta', meta.filter(Boolean).join(' · ')));
  appendLog(block);
  renderLocation(result.location);
  renderHp(result.hp, result.max_hp);
}

function showEvent(event) {
  logLine(`event event-${String(event.event ?? 'misc').replace(/[^\w-]/g, '')}`, event.text ?? event.event);
  renderLocation(event.location);
}

function handleMessage(message) {
  switch (message.type) {
    case 'welcome':
      state.backoffMs = 1000;
      ui.reconnectButton.hidden = true;
      setStatus('online', 'online');
      ui.playerName.textContent = message.username ?? '';
      if (message.username) store.setItem(USERNAME_KEY, message.username);
      logLine('system', `Welcome, ${message.username ?? 'traveller'}.`);
      renderLocation(message.location);
      renderHp(message.hp, message.max_hp);
      if (message.location?.description) {
        const block = el('div', 'entry result');
        block.appendChild(el('div', 'loc-heading', message.location.name ?? ''));
        block.appendChild(el('div', 'narration', message.location.description));
        appendLog(block);
      }
      break;
    case 'action_result':
      renderActionResult(message);
      break;
    case 'error':
      attachToCommand(message.id);
      logLine(
        'error',
        `${message.message ?? 'Something went wrong.'}${message.code ? ` [${message.code}]` : ''}`,
      );
      break;
    case 'event':
      showEvent(message);
      break;
    case 'events':
      // Protocol 2: everything that happened nearby in one tick, in order.
      for (const event of Array.isArray(message.events) ? message.events : []) showEvent(event);
      break;
    case 'pong': {
      const sentAt = state.pings.get(message.id);
      state.pings.delete(message.id);
      if (sentAt) setStatus('online', `online · ${Math.round(performance.now() - sentAt)} ms`);
      break;
    }
    default:
      break;
  }
}

// ---------- Connection ----------

function setStatus(stateName, text) {
  ui.connStatus.dataset.state = stateName;
  ui.connStatus.textContent = text;
}

function abandonPending(reason) {
  for (const { echo, thinking } of state.pending.values()) {
    echo.classList.remove('pending');
    thinking?.remove();
  }
  ui.log.setAttribute('aria-busy', 'false');
  if (state.pending.size) logLine('error', reason);
  state.pending.clear();
  state.pings.clear();
}

function connect() {
  const token = store.getItem(TOKEN_KEY);
  if (!token) return showAuth();
  clearTimeout(state.reconnectTimer);
  state.leaving = false;
  // One socket at a time: a retry already under way (or an old socket) is given up first.
  const previous = state.socket;
  state.socket = null;
  previous?.close(1000, 'reconnecting');
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
    handleMessage(message);
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
    abandonPending('The connection dropped before the server answered.');
    if (state.leaving) return;
    if (event.code === 4401 || event.code === 4403) {
      store.removeItem(TOKEN_KEY);
      return showAuth(
        event.code === 4403
          ? 'You were signed out. Please sign in again.'
          : 'Your session has expired. Please sign in again.',
      );
    }
    // A refused upgrade (401) reaches a browser as a bare 1006: ask over HTTP whether the token still holds.
    if (!opened && (await tokenRefused(token))) {
      store.removeItem(TOKEN_KEY);
      return showAuth('Your session has expired. Please sign in again.');
    }
    const delay = state.backoffMs;
    state.backoffMs = Math.min(state.backoffMs * 2, MAX_BACKOFF_MS);
    setStatus('offline', `offline · retrying in ${delay / 1000} s`);
    ui.reconnectButton.hidden = false;
    // Log the first drop only; later retries just update the status badge.
    if (delay === 1000)
      logLine('system', 'The connection to the realm was lost. Reconnecting… (your typed command is kept)');
    state.reconnectTimer = setTimeout(connect, delay);
  });
}

async function tokenRefused(token) {
  try {
    const response = await fetch('/players/me', { headers: { authorization: `Bearer ${token}` } });
    return response.status === 401;
  } catch {
    return false;
  }
}

function disconnect() {
  state.leaving = true;
  clearTimeout(state.reconnectTimer);
  clearInterval(state.pingTimer);
  state.socket?.close(1000, 'leaving');
  state.socket = null;
}

// ---------- Screens ----------

function showAuth(message = '') {
  disconnect();
  ui.gameScreen.hidden = true;
  ui.authScreen.hidden = false;
  ui.authMessage.textContent = message;
  ui.authUsername.value ||= store.getItem(USERNAME_KEY) ?? '';
  (ui.authUsername.value ? ui.authPassword : ui.authUsername).focus();
}

function showGame() {
  ui.authScreen.hidden = true;
  ui.gameScreen.hidden = false;
  ui.playerName.textContent = store.getItem(USERNAME_KEY) ?? '';
  ui.commandInput.focus();
  connect();
}

async function authenticate(mode) {
  const username = ui.authUsername.value.trim();
  const password = ui.authPassword.value;
  ui.authMessage.textContent = mode === 'register' ? 'Creating your character…' : 'Entering…';
  try {
    const response = await fetch(`/auth/${mode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || !body.token) {
      const hint =
        mode === 'login' && response.status === 401 ? ' New here? Choose a password and press Register.' : '';
      ui.authMessage.textContent = `${body.error?.message ?? `Request failed (${response.status}).`}${hint}`;
      return;
    }
    // Another player signing in on this browser does not see the previous one's log.
    if (store.getItem(USERNAME_KEY) !== username) forgetLog();
    store.setItem(TOKEN_KEY, body.token);
    store.setItem(USERNAME_KEY, username);
    ui.authPassword.value = '';
    ui.authMessage.textContent = '';
    showGame();
  } catch {
    ui.authMessage.textContent = 'Cannot reach the server.';
  }
}

// ---------- Wiring ----------

ui.authForm.addEventListener('submit', (event) => {
  event.preventDefault();
  authenticate(event.submitter?.dataset.mode === 'register' ? 'register' : 'login');
});

function forgetLog() {
  for (const key of [SCROLLBACK_KEY, HISTORY_KEY]) store.removeItem(key);
  ui.log.replaceChildren();
  state.history = [];
  state.historyIndex = 0;
}

ui.logoutButton.addEventListener('click', () => {
  const token = store.getItem(TOKEN_KEY);
  store.removeItem(TOKEN_KEY);
  // This browser may be someone else's next: what this player read and typed goes too.
  forgetLog();
  showAuth('You have left the realm.');
  // Revokes the token on the server too, so a copy of it (another tab, a stolen one) stops working.
  if (token)
    fetch('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
});

ui.commandForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.commandInput.value.trim();
  if (!text) return;
  if (state.history.at(-1) !== text) state.history.push(text);
  if (state.history.length > 100) state.history.shift();
  state.historyIndex = state.history.length;
  store.setItem(HISTORY_KEY, JSON.stringify(state.history));
  // Offline, the command stays in the box to be sent again.
  if (runCommand(text) !== false) ui.commandInput.value = '';
});

ui.reconnectButton.addEventListener('click', () => {
  state.backoffMs = 1000;
  connect();
  ui.commandInput.focus();
});

ui.commandInput.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  if (!state.history.length) return;
  event.preventDefault();
  const step = event.key === 'ArrowUp' ? -1 : 1;
  state.historyIndex = Math.max(0, Math.min(state.history.length, state.historyIndex + step));
  ui.commandInput.value = state.history[state.historyIndex] ?? '';
  const end = ui.commandInput.value.length;
  ui.commandInput.setSelectionRange(end, end);
});

loadHistory();
restoreScrollback();
if (store.getItem(TOKEN_KEY)) showGame();
else showAuth();
