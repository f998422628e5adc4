// What the server says, shown: the welcome, results (this window's, another window's, or missed while
// away), place news, errors, and the resume handshake. Each frame's log position keeps the panel and
// the status from going back in time, and a line replayed after a resume from being shown twice.

import {
  goLive,
  pongReceived,
  resumedAfter,
  resumePhase,
  retryAction,
  sendAction,
  setStatus,
  settleAction,
  startingAfresh,
  welcomed,
} from './connection.js';
import {
  alreadyShown,
  appendLog,
  comparePositions,
  el,
  isPosition,
  keepFocusButton,
  lastPosition,
  logLine,
  notePosition,
  resetPosition,
  store,
  ui,
} from './page.js';
import {
  addItems,
  applyResult,
  attackResult,
  changeLocation,
  currentHp,
  playersArrive,
  playersLeave,
  removeItem,
  showLocation,
  showStatus,
  startViewsAfresh,
} from './panel.js';

export const USERNAME_KEY = 'langomni.username';

const RETRIED_CODES = new Set(['rate_limited', 'server_busy']);

/** A missed frame's lines start under this heading, once per resume. */
let missedHeadingShown = false;

export function handleMessage(message) {
  switch (message.type) {
    case 'welcome':
      return welcome(message);
    case 'resumed':
      notePosition(message.position);
      return goLive();
    case 'resume_unavailable':
      logLine('system', 'You were away too long to catch up; here is where you are now.');
      return startingAfresh();
    case 'action_result':
      return actionResult(message);
    case 'events':
      // Everything that happened nearby in one tick, in order.
      for (const event of Array.isArray(message.events) ? message.events : [])
        placeNews(event, message.missed);
      return notePosition(message.position);
    case 'event':
      placeNews(message, message.missed);
      return notePosition(message.position);
    case 'error':
      return error(message);
    case 'pong': {
      const latency = pongReceived(message.id);
      if (latency !== undefined) setStatus('online', `online · ${latency} ms`);
      return;
    }
    default:
      return;
  }
}

function welcome(message) {
  const fresh = resumePhase() === 'fresh';
  ui.reconnectButton.hidden = true;
  setStatus('online', 'online');
  missedHeadingShown = false;
  ui.playerName.textContent = message.username ?? '';
  if (message.username) store.setItem(USERNAME_KEY, message.username);
  logLine('system', `Welcome, ${message.username ?? 'traveller'}.`);
  if (fresh) startViewsAfresh();
  showLocation(message.location, message.position);
  showStatus(message.status ?? { hp: message.hp, max_hp: message.max_hp }, message.position);
  // Coming back (a reconnection, a reload), the log already tells the place, and the missed lines follow.
  const comingBack = !fresh && lastPosition() !== null;
  if (message.location?.description && !comingBack) {
    const block = el('div', 'entry result');
    block.appendChild(el('div', 'loc-heading', message.location.name ?? ''));
    block.appendChild(el('div', 'narration', message.location.description));
    appendLog(block);
  }
  // A fresh start begins at the welcome: what came before it cannot be caught up on (and a position
  // kept from a log started afresh since is not one to resume from).
  if (fresh) resetPosition(message.position);
  welcomed(message);
}

function error(message) {
  // A server without resume refuses the resume frame: the stream is live as it is.
  if (message.code === 'unknown_frame_type' && message.id === undefined && resumePhase() === 'resuming')
    return goLive();
  if (message.code === 'already_resumed') return;
  // Refused for now, not taken: sent again after the wait the server names, as a player would.
  if (RETRIED_CODES.has(message.code) && retryAction(message.id, message.retry_after_ms)) return;
  const sent = settleAction(message.id);
  if (sent && ui.log.lastElementChild !== sent.echo) logLine('reply-to', `↳ ${sent.text}`);
  const suggestions = Array.isArray(message.suggestions)
    ? message.suggestions.filter((text) => typeof text === 'string' && text)
    : [];
  // The suggestions get a line of their own, to click: the message need not name them too.
  const text = suggestions.length
    ? withoutDidYouMean(message.message ?? 'Something went wrong.')
    : message.message;
  logLine('error', `${text ?? 'Something went wrong.'}${message.code ? ` [${message.code}]` : ''}`);
  // A typed command the server could not read comes with what it may have meant: each one sends it.
  if (suggestions.length)
    choiceLine(
      'system suggestions',
      'Did you mean: ',
      suggestions.map((text) => ({ label: text, action: { action_type: 'command', text } })),
      '?',
    );
}

/** "I don't understand "tkae it". Did you mean "take it"?" without its last sentence. */
function withoutDidYouMean(text) {
  const at = text.lastIndexOf('Did you mean');
  return at > 0 ? text.slice(0, at).trimEnd() : text;
}

/**
 * A log line of buttons, each sending its action as if typed (its label is what the log echoes);
 * once one is clicked, the line's buttons are spent.
 */
function choiceLine(kind, before, choices, after = '') {
  const line = el('div', `entry choices ${kind}`);
  line.appendChild(el('span', 'choices-label', before));
  const buttons = choices.map(({ label, action }, index) => {
    if (index > 0) line.appendChild(el('span', 'choices-separator', ' · '));
    const button = el('button', 'chip choice', label);
    line.appendChild(button);
    return keepFocusButton(button, () => {
      if (!sendAction(action, label)) return;
      for (const spent of buttons) spent.disabled = true;
    });
  });
  if (after) line.appendChild(el('span', 'choices-label', after));
  return appendLog(line);
}

/** A missed frame from before the position the resume asked for, or a line already shown, is not shown. */
function shownBefore(position, missed) {
  if (missed && isPosition(position) && comparePositions(position, resumedAfter()) <= 0) return true;
  return alreadyShown(position);
}

function markMissed(missed) {
  if (!missed || missedHeadingShown) return;
  missedHeadingShown = true;
  logLine('system missed-heading', 'While you were away:');
}

function actionResult(message) {
  const sent = settleAction(message.id);
  // A typed command's answer: the result of each of its actions in turn, each at its own position.
  if (message.result?.action_type === 'command' && Array.isArray(message.result.steps))
    return commandResult(message, sent);
  showResult(message, sent);
}

function commandResult(message, sent) {
  const { steps, corrections, stopped, not_done: notDone } = message.result;
  if (sent && ui.log.lastElementChild !== sent.echo) logLine('reply-to', `↳ ${sent.text}`);
  if (Array.isArray(corrections) && corrections.length) logLine('system', `(${corrections.join('; ')})`);
  steps.forEach((step, index) => {
    const { position, source, ...result } = step ?? {};
    const last = index === steps.length - 1;
    const frame = { result, position, source, missed: message.missed };
    showResult(last ? { ...frame, latency_ms: message.latency_ms } : frame, sent, false);
  });
  if (stopped?.message) logLine('error', `${stopped.message}${stopped.code ? ` [${stopped.code}]` : ''}`);
  if (Array.isArray(notDone) && notDone.length) logLine('system', `Not done: ${notDone.join(', then ')}.`);
}

/** One action's result (a frame's, or one step of a command's), unless it was shown already. */
function showResult(message, sent, echo = true) {
  const position = message.position;
  notePosition(position);
  if (shownBefore(position, message.missed)) return;
  markMissed(message.missed);
  const result = message.result ?? {};
  // Shows which command a late reply belongs to, unless its echo is the line just above.
  if (echo && sent && ui.log.lastElementChild !== sent.echo) logLine('reply-to', `↳ ${sent.text}`);
  const missedClass = message.missed ? ' missed' : '';
  const block = el('div', `entry result action-${result.action_type ?? 'unknown'}${missedClass}`);
  const { narration, handOver } = ownNarration(result);
  if (narration) block.appendChild(el('div', 'narration', narration));
  if (result.npc_response) {
    const speech = el('div', 'npc-speech');
    const speaker = result.npc_name ?? result.npc ?? sent?.data.npc ?? 'They';
    speech.appendChild(el('span', 'speaker', `${speaker}: `));
    speech.appendChild(el('span', 'speech', `“${result.npc_response}”`));
    if (result.npc_emotion) speech.appendChild(el('span', 'emotion', ` (${result.npc_emotion})`));
    block.appendChild(speech);
  }
  const details = resultDetails(result);
  if (details.length) block.appendChild(el('div', 'details', details.join(' · ')));
  const meta = [message.source, typeof message.latency_ms === 'number' ? `${message.latency_ms} ms` : null];
  if (meta.some(Boolean)) block.appendChild(el('div', 'meta', meta.filter(Boolean).join(' · ')));
  appendLog(block);
  // "(give starglass shard to Elder Zorathian)": what hands over what the NPC asks for, to click.
  if (handOver)
    choiceLine(
      `system hand-over${missedClass}`,
      '(',
      [{ label: handOver, action: { action_type: 'command', text: handOver } }],
      ')',
    );
  highlights(result, missedClass);
  updatePanel(result, position);
  if (result.status) showStatus(result.status, position);
  else applyResult(result, position);
  // An offer another player made: answered with a click, or by typing what the narration says.
  if (result.action_type === 'trade' && result.trade === 'offered' && typeof result.from === 'string') {
    const withThem = { action_type: 'trade', with: result.from };
    choiceLine(`trade-answer${missedClass}`, 'Answer the offer: ', [
      { label: `accept ${result.from}'s trade`, action: { ...withThem, op: 'accept' } },
      { label: `decline ${result.from}'s trade`, action: { ...withThem, op: 'decline' } },
    ]);
  }
  // Woken elsewhere after a fall: the window that acted looks around, so the panel shows where.
  if (sent && !message.missed && typeof result.respawned_at === 'string')
    sendAction({ action_type: 'look' }, 'look');
}

const HAND_OVER = /^\((give .+ to .+)\)$/;

/**
 * The narration less what is shown otherwise: the NPC's words (the speech block) and the quest offered
 * (its own line); a command that hands over what the NPC asks for is told apart, to be a button.
 */
function ownNarration(result) {
  if (typeof result.narration !== 'string') return { narration: '' };
  const speech = typeof result.npc_response === 'string' ? result.npc_response : null;
  if (!speech || !result.narration.includes(speech)) return { narration: result.narration };
  let handOver;
  const kept = result.narration.split('\n').filter((line) => {
    if (line.includes(speech)) return false;
    if (result.quest_offer && line.startsWith('Quest offered')) return false;
    const command = HAND_OVER.exec(line.trim());
    if (command && !handOver) handOver = command[1];
    return !command;
  });
  return { narration: kept.join('\n').trim(), handOver };
}

function resultDetails(result) {
  const details = [];
  if (typeof result.relationship_change === 'number' && result.relationship_change !== 0) {
    const sign = result.relationship_change > 0 ? '+' : '';
    details.push(`relationship ${sign}${result.relationship_change}`);
  }
  if (typeof result.damage_dealt === 'number') details.push(`damage dealt: ${result.damage_dealt}`);
  if (typeof result.hp === 'number')
    details.push(`HP ${result.hp}${result.max_hp ? `/${result.max_hp}` : ''}`);
  return details;
}

/** Damage taken and quest progress get lines of their own, styled to stand out. */
function highlights(result, missedClass) {
  const hpBefore = currentHp();
  const hpAfter = typeof result.status?.hp === 'number' ? result.status.hp : result.hp;
  const taken = typeof result.damage_taken === 'number' ? result.damage_taken : 0;
  if (taken > 0) logLine(`damage${missedClass}`, `You take ${taken} damage.`);
  else if (typeof hpBefore === 'number' && typeof hpAfter === 'number' && hpAfter < hpBefore)
    logLine(`damage${missedClass}`, `You lose ${hpBefore - hpAfter} HP.`);
  if (result.loot?.length)
    logLine(`loot${missedClass}`, `It drops: ${result.loot.map((i) => i.name).join(', ')}.`);
  for (const update of Array.isArray(result.quest_updates) ? result.quest_updates : []) {
    const name = update.name ?? update.quest;
    const text = update.completed
      ? `Quest complete: ${name}${update.rewards?.xp ? ` (+${update.rewards.xp} xp)` : ''}.`
      : `Quest progress: ${name}${update.next ? ` — next: ${update.next}` : ''}`;
    logLine(`quest-progress${missedClass}`, text);
  }
  const offered = result.quest_offer?.name;
  const about = result.quest_offer?.description;
  if (offered)
    choiceLine(
      `quest-progress${missedClass}`,
      `Quest offered: ${offered}${about ? ` — ${about}` : ''} (`,
      [{ label: 'quest accept', action: { action_type: 'quest', op: 'accept', quest: offered } }],
      ')',
    );
}

function updatePanel(result, position) {
  if (result.location) return showLocation(result.location, position);
  const item = result.item && typeof result.item === 'object' ? result.item : null;
  if (result.action_type === 'take' && item) changeLocation(position, removeItem(item));
  if (result.action_type === 'drop' && item) changeLocation(position, addItems([item]));
  if (result.action_type === 'attack' && result.enemy_id) changeLocation(position, attackResult(result));
}

const ARRIVING = new Set(['player_arrived', 'player_appeared', 'players_arrived', 'players_appeared']);
const LEAVING = new Set([
  'player_left',
  'player_vanished',
  'player_defeated',
  'players_left',
  'players_vanished',
]);

const TOLD_IN_OWN_RESULT = new Set([
  'item_given',
  'trade_offered',
  'trade_accepted',
  'trade_declined',
  'trade_withdrawn',
]);

function placeNews(event, missed) {
  if (shownBefore(event.position, missed)) return;
  markMissed(missed);
  const kind = String(event.event ?? 'misc').replace(/[^\w-]/g, '');
  // A gift or trade with this player: their own result already tells it in their own terms.
  if (TOLD_IN_OWN_RESULT.has(kind) && event.to === ui.playerName.textContent) return;
  const lineClass = `event event-${kind}${missed ? ' missed' : ''}`;
  // Two NPCs talking: a line of the log for each thing said, like a player's say.
  if (kind === 'npc_conversation' && Array.isArray(event.lines))
    for (const line of event.lines) logLine(lineClass, `${line.npc} says to ${line.to}: "${line.text}"`);
  else logLine(lineClass, event.text ?? event.event);
  const names = Array.isArray(event.players)
    ? event.players
    : typeof event.player === 'string'
      ? [event.player]
      : [];
  const count = typeof event.count === 'number' ? event.count : names.length;
  if (ARRIVING.has(kind)) changeLocation(event.position, playersArrive(names, count));
  if (LEAVING.has(kind)) changeLocation(event.position, playersLeave(names, count));
  if (kind === 'combat' && (typeof event.enemy_hp === 'number' || event.defeated === true))
    changeLocation(event.position, attackResult(event));
  // A per-player item (each player's own): what lies there for this player is unchanged.
  const item =
    event.item && typeof event.item === 'object' && event.per_player !== true ? event.item : undefined;
  if (item && kind === 'item_taken') changeLocation(event.position, removeItem(item));
  if (item && (kind === 'item_dropped' || kind === 'loot_dropped'))
    changeLocation(event.position, addItems([item]));
  showLocation(event.location, event.position);
}
