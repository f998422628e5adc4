import { z } from 'zod';
import {
  ACTION_TYPE_ALIASES,
  ACTION_TYPES,
  type Action,
  actionSchemas,
  isActionType,
} from '../domain/actions.ts';
import { commandSchema } from '../domain/parser/command-schema.ts';

export const PROTOCOL_VERSION = 3;

/** The WebSocket subprotocol of this protocol; the server answers the upgrade with it. */
export const WS_SUBPROTOCOL = `langomni.v${PROTOCOL_VERSION}`;
/** A browser (which cannot set headers on a WebSocket) offers its token as this subprotocol + the token. */
export const WS_TOKEN_SUBPROTOCOL_PREFIX = 'langomni.token.';

/** WebSocket close codes the client acts on (4000-4999 are ours to define). */
export const CloseCode = {
  /** Bad, missing or expired token: sign in again. */
  unauthorized: 4401,
  /** The player opened more connections than allowed (limits.socketsPerPlayer): this, the oldest, was closed. */
  tooManyConnections: 4409,
  /** The token was revoked (logged out, here or elsewhere): sign in again. */
  revoked: 4403,
  /** The server is shutting down: reconnect later. */
  goingAway: 1001,
} as const;

const clientId = z
  .string()
  .min(1)
  .max(64)
  .refine((id) => !/[\p{Cc}\p{Cs}]/u.test(id), 'ids hold no control characters and no lone surrogates')
  .optional();

/** A position as the server sends it: a decimal string (JSON numbers cannot hold every one exactly). */
const position = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,29})$/, 'a position is a decimal string, as the server sent it, e.g. "1234"');

const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('action'), id: clientId, data: z.unknown() }),
  z.object({ type: z.literal('ping'), id: clientId }),
  z.object({ type: z.literal('resume'), id: clientId, after: position }),
]);

export type ClientFrame =
  | { type: 'action'; id?: string; action: Action }
  /** An action frame holding free text (`action_type: "command"`): the server reads it into actions. */
  | { type: 'command'; id?: string; text: string }
  | { type: 'ping'; id?: string }
  /** Send what was missed after `after` (the last position the client got), then go on live. */
  | { type: 'resume'; id?: string; after: bigint };

const FRAME_TYPES = ['action', 'ping', 'resume'];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: string,
    message: string,
    readonly id?: string,
  ) {
    super(message);
  }
}

/** Parses one text frame into a client frame, or throws a ProtocolError that says what is wrong. */
export function parseClientFrame(text: string): ClientFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError(
      'malformed_frame',
      'frames are JSON objects, e.g. {"type":"action","id":"c1","data":{"action_type":"look"}}',
    );
  }
  const id = typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id : undefined;
  const frame = clientFrameSchema.safeParse(json);
  if (!frame.success) {
    const type = (json as { type?: unknown })?.type;
    if (
      typeof json === 'object' &&
      json !== null &&
      typeof type === 'string' &&
      !FRAME_TYPES.includes(type)
    ) {
      throw new ProtocolError(
        'unknown_frame_type',
        `unknown frame type "${type.slice(0, 40)}"; send "action", "ping" or "resume"`,
        id,
      );
    }
    throw new ProtocolError('invalid_frame', describeIssues(frame.error), id);
  }
  if (frame.data.type === 'ping') return frame.data;
  if (frame.data.type === 'resume') {
    const { id: resumeId, after } = frame.data;
    return { type: 'resume', ...(resumeId === undefined ? {} : { id: resumeId }), after: BigInt(after) };
  }

  const sent = frame.data.data as { action_type?: unknown } | undefined;
  const sentType = sent?.action_type;
  // An alias is recorded as the action it names, so the log and the lanes know one word for it.
  const data =
    typeof sentType === 'string' && Object.hasOwn(ACTION_TYPE_ALIASES, sentType)
      ? { ...sent, action_type: ACTION_TYPE_ALIASES[sentType] }
      : sent;
  const actionType = data?.action_type;
  if (actionType === 'command') {
    const command = commandSchema.safeParse(data);
    if (!command.success) throw new ProtocolError('invalid_action', describeIssues(command.error), id);
    return { type: 'command', id: frame.data.id, text: command.data.text };
  }
  if (!isActionType(actionType)) {
    throw new ProtocolError(
      'unknown_action',
      `unknown action_type ${JSON.stringify(actionType)?.slice(0, 40) ?? 'undefined'}; known: ${ACTION_TYPES.join(', ')}, command`,
      id,
    );
  }
  const action = actionSchemas[actionType].safeParse(data);
  if (!action.success) throw new ProtocolError('invalid_action', describeIssues(action.error), id);
  return { type: 'action', id: frame.data.id, action: action.data as Action };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
