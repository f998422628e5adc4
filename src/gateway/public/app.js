// LangOmni browser client: plain ES modules, no dependencies. This one wires the screens, the sign-in
// form and the command box to the connection (connection.js), what the server says (messages.js),
// the page and its log (page.js), and the side panel with the status area (panel.js).
// All server-provided text is inserted with textContent, never innerHTML.

import { HELP_LINES, parseCommand } from './commands.js';
import { connect, disconnect, initConnection, reconnectNow, sendAction, TOKEN_KEY } from './connection.js';
import { handleMessage, USERNAME_KEY } from './messages.js';
import {
  appendLog,
  el,
  forgetScrollback,
  logLine,
  restoreScrollback,
  scrollToNewest,
  store,
  ui,
} from './page.js';
import { currentNpcNames, initPanel, resetStatus } from './panel.js';

// The token is kept for the whole browser (a new tab is signed in, as on any site); signing out
// revokes it on the server, so a copy left in another tab stops working at once.
const HISTORY_KEY = 'langomni.history';
const HISTORY_KEPT = 100;

const history = { lines: [], index: 0 };

function loadHistory() {
  try {
    const saved = JSON.parse(store.getItem(HISTORY_KEY) ?? '[]');
    if (Array.isArray(saved))
      history.lines = saved.filter((line) => typeof line === 'string').slice(-HISTORY_KEPT);
  } catch {
    history.lines = [];
  }
  history.index = history.lines.length;
}

function remember(text) {
  if (history.lines.at(-1) !== text) history.lines.push(text);
  if (history.lines.length > HISTORY_KEPT) history.lines.shift();
  history.index = history.lines.length;
  store.setItem(HISTORY_KEY, JSON.stringify(history.lines));
}

function runCommand(text) {
  const parsed = parseCommand(text, currentNpcNames());
  if (!parsed) return;
  // Online, the server answers help with examples from where the player stands.
  if (parsed.help && parsed.action && sendAction(parsed.action, text)) return true;
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

/** What this player read and typed (and where their stream stood) goes. */
function forgetLog() {
  forgetScrollback();
  store.removeItem(HISTORY_KEY);
  history.lines = [];
  history.index = 0;
  resetStatus();
}

// ---------- Wiring ----------

ui.authForm.addEventListener('submit', (event) => {
  event.preventDefault();
  authenticate(event.submitter?.dataset.mode === 'register' ? 'register' : 'login');
});

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
  remember(text);
  // What the player sends, they want to see answered: the log follows again.
  scrollToNewest();
  // Offline, the command stays in the box to be sent again.
  if (runCommand(text) !== false) ui.commandInput.value = '';
});

ui.reconnectButton.addEventListener('click', () => {
  reconnectNow();
  ui.commandInput.focus();
});

ui.commandInput.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  if (!history.lines.length) return;
  event.preventDefault();
  const step = event.key === 'ArrowUp' ? -1 : 1;
  history.index = Math.max(0, Math.min(history.lines.length, history.index + step));
  ui.commandInput.value = history.lines[history.index] ?? '';
  const end = ui.commandInput.value.length;
  ui.commandInput.setSelectionRange(end, end);
});

initConnection({ onMessage: handleMessage, onSignedOut: showAuth });
initPanel({ sendAction });
loadHistory();
restoreScrollback();
if (store.getItem(TOKEN_KEY)) showGame();
else showAuth();
