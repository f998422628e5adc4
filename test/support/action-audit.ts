import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { ActionRequests } from '../../src/commands/action-requests.ts';
import { quoteIdentifier } from '../../src/infrastructure/database.ts';
import type { Frame } from './game-client.ts';

/** Every action the store holds, by action id: its requests and its outcomes' results. */
export interface ActionLedger {
  requested: Map<string, number>;
  resolved: Map<string, unknown[]>;
  head: bigint;
}

/** One action as a client saw it. */
export interface ClientAction {
  playerId: string;
  username: string;
  frameId: string;
  answer: Frame;
}

/** Reads the events table of `schema` directly, as an auditor would, not through the product's code. */
export async function readActionLedger(url: string, schema: string): Promise<ActionLedger> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = `${quoteIdentifier(schema)}.events`;
    const { rows } = await client.query<{ event_type: string; action_id: string | null; result: unknown }>(
      `select event_type, data->>'actionId' as action_id, data->'result' as result from ${table}
        where event_type in ('ActionRequested', 'ActionResolved') order by position`,
    );
    const head = await client.query<{ head: string | null }>(`select max(position) as head from ${table}`);
    const ledger: ActionLedger = {
      requested: new Map(),
      resolved: new Map(),
      head: BigInt(head.rows[0]?.head ?? -1),
    };
    for (const row of rows) {
      const id = row.action_id ?? '(no actionId)';
      if (row.event_type === 'ActionRequested') ledger.requested.set(id, (ledger.requested.get(id) ?? 0) + 1);
      else ledger.resolved.set(id, [...(ledger.resolved.get(id) ?? []), row.result]);
    }
    return ledger;
  } finally {
    await client.end();
  }
}

export function unresolved(ledger: ActionLedger): string[] {
  return [...ledger.requested.keys()].filter((id) => !ledger.resolved.has(id));
}

/**
 * Everything wrong between what the clients saw and what the store holds: an action requested or
 * resolved other than exactly once, an outcome without its request, an answer the store does not
 * hold (or holds with another result), a recorded action no client sent, a client left with an error.
 */
export function auditActions(ledger: ActionLedger, sent: readonly ClientAction[]): string[] {
  const problems: string[] = [];
  for (const [id, count] of ledger.requested) {
    const outcomes = ledger.resolved.get(id)?.length ?? 0;
    if (count !== 1 || outcomes !== 1)
      problems.push(`action ${id}: requested ${count}×, resolved ${outcomes}×`);
  }
  for (const [id, outcomes] of ledger.resolved) {
    if (ledger.requested.has(id)) continue;
    // A delivery (an item given, a kill shared, a trade noted) reaches another player as an outcome
    // of its own, `<actionId>/<kind>/<playerId>`, with no request: once, and only for a requested action.
    const notice = /^(.+)\/(receive|share|note)\/[^/]+$/.exec(id);
    if (!notice) problems.push(`action ${id}: resolved ${outcomes.length}× but never requested`);
    else if (!ledger.requested.has(notice[1] as string))
      problems.push(`delivery ${id}: its action ${notice[1]} was never requested`);
    else if (outcomes.length !== 1) problems.push(`delivery ${id}: delivered ${outcomes.length}×`);
  }
  const sentIds = new Set<string>();
  for (const action of sent) {
    const actionId = ActionRequests.actionId(action.playerId, action.frameId);
    sentIds.add(actionId);
    const label = `${action.username}'s action ${action.frameId} (${actionId})`;
    if (action.answer.type !== 'action_result') {
      problems.push(`${label} ended with ${JSON.stringify(action.answer)}`);
      continue;
    }
    const stored = ledger.resolved.get(actionId);
    if (!stored) problems.push(`${label} was answered but the store holds no outcome for it`);
    else if (!stored.some((result) => isDeepStrictEqual(result, action.answer.result)))
      problems.push(
        `${label}: the client got another outcome than the store holds: ${fieldsApart(action.answer.result, stored[0])}`,
      );
  }
  for (const id of ledger.requested.keys())
    if (!sentIds.has(id)) problems.push(`action ${id} is recorded but no client sent it`);
  return problems;
}

/** Where two results differ, down to the field: `location.players: client … ≠ store …`. */
function fieldsApart(client: unknown, stored: unknown, path = ''): string {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(client) || !isObject(stored)) {
    const cut = (value: unknown) => JSON.stringify(value)?.slice(0, 200) ?? 'absent';
    return `${path || '(result)'}: client ${cut(client)} ≠ store ${cut(stored)}`;
  }
  return [...new Set([...Object.keys(client), ...Object.keys(stored)])]
    .filter((key) => !isDeepStrictEqual(client[key], stored[key]))
    .map((key) => fieldsApart(client[key], stored[key], path ? `${path}.${key}` : key))
    .join('; ');
}

/** The first problems and how many there are in all, for an assertion message. */
export function summarise(problems: readonly string[], shown = 15): string {
  if (problems.length === 0) return 'no problems';
  const more = problems.length > shown ? `\n… and ${problems.length - shown} more` : '';
  return `${problems.length} problems:\n${problems.slice(0, shown).join('\n')}${more}`;
}

/** Sessions the events show entered and never left: `username (session id)`. */
export async function openSessions(url: string, schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ player_id: string; session_id: string }>(
      `select data->>'playerId' as player_id, data->>'sessionId' as session_id
         from ${quoteIdentifier(schema)}.events where event_type = 'PlayerEnteredWorld'
       except
       select data->>'playerId', data->>'sessionId'
         from ${quoteIdentifier(schema)}.events where event_type = 'PlayerLeftWorld'`,
    );
    return rows.map((r) => `${r.player_id} (session ${r.session_id})`);
  } finally {
    await client.end();
  }
}
