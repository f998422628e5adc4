// The side panel: where the player stands (exits, people, foes, items, travellers), kept current from
// results and place news without a `look`; the status area (HP, XP, what the player carries with the
// wielded weapon marked, the quest log); and the tabs that switch between them on a phone.

import { comparePositions, el, isPosition, keepFocusButton, prefill, ui } from './page.js';

const panel = {
  location: null,
  /** Log position of the whole view shown last: changes from before it are in it already. */
  position: null,
  sendAction: () => false,
};

export function initPanel({ sendAction }) {
  panel.sendAction = sendAction;
  for (const tab of ui.panelTabs.querySelectorAll('[data-tab]'))
    keepFocusButton(tab, () => showTab(tab.dataset.tab));
  showTab('here');
}

function showTab(name) {
  ui.sidePanel.dataset.tab = name;
  for (const tab of ui.panelTabs.querySelectorAll('[data-tab]'))
    tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
}

/** A fresh start: the next whole views are shown whatever their positions (the log may be a new one). */
export function startViewsAfresh() {
  panel.position = null;
  status.position = null;
}

export function currentNpcNames() {
  return (panel.location?.npcs ?? []).map((npc) => npc.name);
}

/** A whole view of the place (welcome, look, move), unless a newer view is shown already. */
export function showLocation(location, position) {
  if (!location || typeof location !== 'object') return;
  if (isPosition(position) && isPosition(panel.position) && comparePositions(position, panel.position) < 0)
    return;
  panel.location = structuredClone(location);
  if (isPosition(position)) panel.position = position;
  renderPlace();
}

/** A change to the place shown, made at `position`; older than the view shown, it is in it already. */
export function changeLocation(position, change) {
  if (!panel.location) return;
  if (isPosition(position) && isPosition(panel.position) && comparePositions(position, panel.position) <= 0)
    return;
  change(panel.location);
  renderPlace();
}

export const removeItem = (item) => (place) => {
  const index = (place.items ?? []).findIndex((here) => here.id === item.id);
  if (index >= 0) place.items.splice(index, 1);
};

export const addItems = (items) => (place) => {
  place.items = [...(place.items ?? []), ...items.map(({ id, name }) => ({ id, name }))];
};

/**
 * A blow at an enemy here: its HP, or its fall and what it dropped. From an attack result, or from
 * someone else's `combat` news when that names the enemy's HP or fall (matched by id, else by name).
 */
export const attackResult = (result) => (place) => {
  const enemies = place.enemies ?? [];
  const enemy = result.enemy_id
    ? enemies.find((here) => here.id === result.enemy_id)
    : enemies.find((here) => here.name === result.enemy);
  if (result.defeated) {
    if (enemy) enemies.splice(enemies.indexOf(enemy), 1);
    if (Array.isArray(result.loot)) addItems(result.loot)(place);
  } else if (enemy && typeof result.enemy_hp === 'number') {
    enemy.hp = result.enemy_hp;
  }
};

/** Players come (`count`: how many in all, for a crowd summary that names only the first few). */
export const playersArrive =
  (names, count = names.length) =>
  (place) => {
    const players = place.players ?? [];
    const newcomers = names.filter((name) => !players.includes(name));
    place.players = [...players, ...newcomers].sort();
    const alreadyListed = names.length - newcomers.length;
    place.players_count = (place.players_count ?? players.length) + Math.max(0, count - alreadyListed);
  };

export const playersLeave =
  (names, count = names.length) =>
  (place) => {
    const players = place.players ?? [];
    const listed = names.filter((name) => players.includes(name));
    place.players = players.filter((name) => !listed.includes(name));
    place.players_count = Math.max(place.players.length, (place.players_count ?? players.length) - count);
  };

function fillChips(container, items, makeChip) {
  container.replaceChildren(...items.map(makeChip));
  if (!items.length) container.appendChild(el('span', 'none', '—'));
  // On a phone, an empty section takes no room.
  container.closest('.loc-section')?.toggleAttribute('data-empty', !items.length);
}

function chip(label, className, onClick, title) {
  const node = el(onClick ? 'button' : 'span', `chip ${className}`, label);
  if (onClick) keepFocusButton(node, onClick);
  if (title) node.title = title;
  return node;
}

function renderPlace() {
  const location = panel.location;
  const act = panel.sendAction;
  ui.locName.textContent = location.name ?? location.id ?? '…';
  ui.locDescription.textContent = location.description ?? '';
  fillChips(ui.locExits, location.exits ?? [], (exit) => {
    const label = exit.name ? `${exit.direction} → ${exit.name}` : exit.direction;
    return chip(label, 'exit', () =>
      act({ action_type: 'move', direction: exit.direction }, `go ${exit.direction}`),
    );
  });
  fillChips(ui.locNpcs, location.npcs ?? [], (npc) =>
    chip(npc.name, 'npc', () => prefill(`talk ${npc.name}: `), 'Talk'),
  );
  fillChips(ui.locEnemies, location.enemies ?? [], (enemy) =>
    chip(
      typeof enemy.hp === 'number' ? `${enemy.name} (${enemy.hp}/${enemy.max_hp ?? '?'} HP)` : enemy.name,
      'enemy',
      () => act({ action_type: 'attack', target: enemy.name }, `attack ${enemy.name}`),
      'Attack',
    ),
  );
  fillChips(ui.locItems, location.items ?? [], (item) =>
    chip(item.name, 'item', () => prefill(`take ${item.name}`), 'Take'),
  );
  const players = location.players ?? [];
  fillChips(ui.locPlayers, players, (name) => chip(String(name), 'player'));
  const unlisted = (location.players_count ?? players.length) - players.length;
  if (unlisted > 0) ui.locPlayers.appendChild(el('span', 'none', `and ${unlisted} more`));
  // The hint names what is here: a real exit, and someone to talk to when there is someone.
  const exit = location.exits?.[0]?.direction;
  const npc = location.npcs?.[0]?.name;
  ui.commandInput.placeholder = ['look', exit ? `go ${exit}` : null, npc ? `talk ${npc}: hello` : 'say hello']
    .filter(Boolean)
    .join(', ')
    .concat('…  (help)');
}

// ---------- The status area ----------
// `status` objects from the server (welcome, results that changed it) are the truth; results from a
// server that sends none (take, drop, inventory, quest status) keep it as current as they can.

const status = {
  hp: null,
  maxHp: null,
  xp: null,
  inventory: null,
  wielding: null,
  wearing: null,
  quests: null,
  /** Log position of the last whole status shown: results from before it are in it already. */
  position: null,
};

export function currentHp() {
  return status.hp;
}

/** A whole status from the server (welcome.status, result.status), unless a newer one is shown. */
export function showStatus(next, position) {
  if (!next || typeof next !== 'object') return;
  if (isOlder(position, 0)) return;
  if (isPosition(position)) status.position = position;
  if (typeof next.hp === 'number') status.hp = next.hp;
  if (typeof next.max_hp === 'number') status.maxHp = next.max_hp;
  if (typeof next.xp === 'number') status.xp = next.xp;
  if (Array.isArray(next.inventory))
    status.inventory = next.inventory.map(({ id, name, kind }) => ({ id, name, kind }));
  if ('wielding' in next) status.wielding = next.wielding ?? null;
  if ('wearing' in next) status.wearing = next.wearing ?? null;
  if (Array.isArray(next.quests)) status.quests = next.quests;
  renderStatus();
}

/** What a result without a whole status says about the player, when it is newer than the status shown. */
export function applyResult(result, position) {
  if (isOlder(position, 1)) return;
  if (typeof result.hp === 'number') status.hp = result.hp;
  if (typeof result.max_hp === 'number') status.maxHp = result.max_hp;
  if (typeof result.xp === 'number') status.xp = result.xp;
  const item = result.item && typeof result.item === 'object' ? result.item : null;
  if (result.action_type === 'take' && item) status.inventory = [...(status.inventory ?? []), item];
  if (result.action_type === 'drop' && item && status.inventory) {
    const index = status.inventory.findIndex((carried) => carried.id === item.id);
    if (index >= 0) status.inventory = status.inventory.toSpliced(index, 1);
  }
  if (result.action_type === 'inventory' && Array.isArray(result.items)) status.inventory = result.items;
  if (result.action_type === 'quest' && Array.isArray(result.quests))
    status.quests = result.quests.map((quest) => ({ ...quest, objective: quest.current?.description }));
  renderStatus();
}

/** Is `position` before the whole status shown (or at it, when `atCounts`)? Unknown positions are not. */
function isOlder(position, atCounts) {
  return (
    isPosition(position) &&
    isPosition(status.position) &&
    comparePositions(position, status.position) < atCounts
  );
}

export function resetStatus() {
  Object.assign(status, {
    hp: null,
    maxHp: null,
    xp: null,
    inventory: null,
    wielding: null,
    wearing: null,
    quests: null,
  });
  status.position = null;
  renderStatus();
}

function renderStatus() {
  renderHpBar();
  ui.statusHp.textContent = typeof status.hp === 'number' ? `${status.hp}/${status.maxHp ?? '?'}` : '…';
  ui.statusXp.textContent = typeof status.xp === 'number' ? String(status.xp) : '…';
  renderList(ui.statusInventory, status.inventory, 'nothing', (item) => {
    const wielded = status.wielding?.id === item.id;
    const worn = status.wearing?.id === item.id;
    const row = el('li', wielded ? 'wielded' : worn ? 'worn' : null, item.name);
    if (wielded) row.appendChild(el('span', 'tag', ' (wielded)'));
    if (worn) row.appendChild(el('span', 'tag', ' (worn)'));
    return row;
  });
  renderList(ui.statusQuests, status.quests, 'none yet', (quest) => {
    const completed = quest.status === 'completed';
    const row = el('li', completed ? 'quest completed' : 'quest');
    row.appendChild(el('span', 'quest-name', quest.name ?? quest.id));
    if (completed) row.appendChild(el('span', 'tag', ' ✓ completed'));
    else {
      // `step` counts the steps done: the one under way is the next.
      if (typeof quest.step === 'number' && typeof quest.steps === 'number')
        row.appendChild(
          el('span', 'quest-step', ` step ${Math.min(quest.step + 1, quest.steps)}/${quest.steps}`),
        );
      if (quest.objective) row.appendChild(el('div', 'quest-objective', quest.objective));
    }
    return row;
  });
}

function renderList(container, items, emptyText, makeRow) {
  if (items === null) container.replaceChildren(el('li', 'none', '…'));
  else if (!items.length) container.replaceChildren(el('li', 'none', emptyText));
  else container.replaceChildren(...items.map(makeRow));
}

function renderHpBar() {
  const { hp, maxHp } = status;
  if (typeof hp !== 'number') return;
  ui.hp.hidden = false;
  ui.hpText.textContent = typeof maxHp === 'number' ? `${hp}/${maxHp}` : String(hp);
  const ratio = typeof maxHp === 'number' && maxHp > 0 ? Math.max(0, Math.min(1, hp / maxHp)) : 1;
  ui.hpFill.style.width = `${Math.round(ratio * 100)}%`;
  ui.hp.dataset.level = ratio > 0.5 ? 'ok' : ratio > 0.2 ? 'low' : 'critical';
}
