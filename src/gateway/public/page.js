// The page: its elements and DOM helpers, the log position this client has reached, and the game
// log (lines appended, the scrollback kept across reloads with the position it reached, so a reload
// resumes from there, and a "new messages below" button while the player reads back).
// All server-provided text goes in with textContent.

export const store = window.localStorage;

const $ = (id) => document.getElementById(id);

export const ui = {
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
  sidePanel: $('side-panel'),
  panelTabs: $('panel-tabs'),
  locName: $('loc-name'),
  locDescription: $('loc-description'),
  locExits: $('loc-exits'),
  locNpcs: $('loc-npcs'),
  locItems: $('loc-items'),
  locEnemies: $('loc-enemies'),
  locPlayers: $('loc-players'),
  statusHp: $('status-hp'),
  statusXp: $('status-xp'),
  statusInventory: $('status-inventory'),
  statusQuests: $('status-quests'),
  log: $('log'),
  newMessages: $('new-messages'),
  commandForm: $('command-form'),
  commandInput: $('command-input'),
  reconnectButton: $('reconnect-button'),
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A button that leaves the focus in the command box: the next typed command must not be lost. */
export function keepFocusButton(node, onClick) {
  node.type = 'button';
  node.addEventListener('mousedown', (event) => event.preventDefault());
  node.addEventListener('click', () => {
    onClick();
    ui.commandInput.focus();
  });
  return node;
}

export function prefill(text) {
  ui.commandInput.value = text;
  ui.commandInput.focus();
}

/** Compares two log positions (opaque decimal strings) as BigInt; a missing one is -1. */
export function comparePositions(a, b) {
  const x = toBigInt(a);
  const y = toBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isPosition(value) {
  return typeof value === 'string' && /^\d{1,40}$/.test(value);
}

function toBigInt(position) {
  return isPosition(position) ? BigInt(position) : -1n;
}

// ---------- The log position reached ----------

/** Positions remembered as shown: far more than one resume replays between two saves. */
const SHOWN_KEPT = 2000;

let last = null;
const shown = new Set();

export function lastPosition() {
  return last;
}

/** Takes a frame's position into account: the last position is the greatest one seen. */
export function notePosition(position) {
  if (isPosition(position) && (last === null || comparePositions(position, last) > 0)) last = position;
}

/**
 * Starts again from a position (a restored scrollback, a fresh start, a sign-out): also lower than
 * the one kept, which the server's log may not reach (a log started afresh).
 */
export function resetPosition(position) {
  last = isPosition(position) ? position : null;
  shown.clear();
}

/** True when a line of this position was shown already; otherwise records it as shown now. */
export function alreadyShown(position) {
  if (!isPosition(position)) return false;
  if (shown.has(position)) return true;
  shown.add(position);
  if (shown.size > SHOWN_KEPT) shown.delete(shown.values().next().value);
  return false;
}

// ---------- The log ----------

export const SCROLLBACK_KEY = 'langomni.scrollback';
/** Log entries kept across a reload (the newest). */
const SCROLLBACK_KEPT = 200;
const MAX_LOG_ENTRIES = 600;
/** Closer than this to the bottom (px) counts as reading the newest lines. */
const NEAR_BOTTOM_PX = 80;
const SAVE_DELAY_MS = 250;

function nearBottom() {
  const log = ui.log;
  return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
}

export function scrollToNewest() {
  ui.log.scrollTop = ui.log.scrollHeight;
  ui.newMessages.hidden = true;
}

export function appendLog(node) {
  const log = ui.log;
  const following = nearBottom();
  log.appendChild(node);
  while (log.childElementCount > MAX_LOG_ENTRIES) log.firstElementChild.remove();
  if (following) scrollToNewest();
  else ui.newMessages.hidden = false;
  saveScrollbackSoon();
  return node;
}

export function logLine(kind, text) {
  return appendLog(el('div', `entry ${kind}`, text));
}

// The log is saved as plain data (class names and texts), and rebuilt with textContent on reload.
let saveTimer = null;
export function saveScrollbackSoon() {
  if (saveTimer) return;
  saveTimer = setTimeout(saveScrollback, SAVE_DELAY_MS);
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
    // One item: the lines and the position they reach are always saved together.
    store.setItem(SCROLLBACK_KEY, JSON.stringify({ position: lastPosition(), entries }));
  } catch {
    // Storage full or disabled: the log is simply not kept.
  }
}
// A reload or a closed tab within the wait would otherwise lose the latest lines.
window.addEventListener('pagehide', saveScrollback);

export function restoreScrollback() {
  let saved = {};
  try {
    saved = JSON.parse(store.getItem(SCROLLBACK_KEY) ?? '{}');
  } catch {
    saved = {};
  }
  // Before the log kept its position it was saved as a bare list of entries.
  const entries = Array.isArray(saved) ? saved : saved?.entries;
  if (!Array.isArray(entries) || ui.log.childElementCount > 0) return;
  resetPosition(Array.isArray(saved) ? null : saved.position);
  for (const entry of entries) {
    const node = el('div', String(entry.c ?? 'entry'), entry.t);
    for (const [className, text] of Array.isArray(entry.p) ? entry.p : [])
      node.appendChild(el('div', className, text));
    ui.log.appendChild(node);
  }
  scrollToNewest();
}

export function forgetScrollback() {
  clearTimeout(saveTimer);
  saveTimer = null;
  store.removeItem(SCROLLBACK_KEY);
  ui.log.replaceChildren();
  resetPosition(null);
}

ui.log.addEventListener('scroll', () => {
  if (nearBottom()) ui.newMessages.hidden = true;
});

ui.newMessages.addEventListener('mousedown', (event) => event.preventDefault());
ui.newMessages.addEventListener('click', () => {
  scrollToNewest();
  ui.commandInput.focus();
});
