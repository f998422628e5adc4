import type { Action } from '../../domain/actions.ts';
import type { Proposal } from '../lane.ts';

/** Actions that ask for a change: an answer of theirs that changes nothing says why it could not be. */
const CHANGING: ReadonlySet<Action['action_type']> = new Set([
  'move',
  'take',
  'drop',
  'use',
  'attack',
  'talk',
  'give',
  'trade',
  'equip',
  'unequip',
  'drink',
  'eat',
  'whisper',
  'emote',
  'say',
]);

/**
 * Whether the rules' answer refuses the action: it asked for a change and none is proposed (no such
 * exit, item, person or enemy here; a peaceful place), a quest to accept or abandon that cannot be,
 * or a thing to examine that is not here.
 */
export function refuses(action: Action, proposal: Proposal): boolean {
  if (CHANGING.has(action.action_type)) return proposal.effects.length === 0;
  if (action.action_type === 'quest') return action.op !== 'status' && proposal.effects.length === 0;
  if (action.action_type === 'examine') return proposal.result.target === undefined;
  return false;
}

/**
 * The proposal with its result marked `refused: true` when it refuses the action, so that what reads
 * the result (a compound command stopping at its first refusal, a client) need not guess from the words.
 */
export function markRefusal(action: Action, proposal: Proposal): Proposal {
  if (!refuses(action, proposal)) return proposal;
  return { ...proposal, result: { ...proposal.result, refused: true } };
}
