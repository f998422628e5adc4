import { describe, expect, it } from 'vitest';
import { ParserInterpreter } from '../../domain/parser/command-interpreter.ts';
import type { SceneNames } from '../../domain/parser/scene-names.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../backends/llm-backend.ts';
import { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { LlmCommandInterpreter } from './llm-command-interpreter.ts';

const hut: SceneNames = {
  itemsHere: ['old scroll'],
  carried: ['tarnished oath-ring'],
  npcs: ['Elder Zorathian'],
  enemies: [],
  exits: [{ direction: 'south', name: 'Village Square' }],
  players: [],
};

const EMPTY = {
  direction: '',
  to: '',
  npc: '',
  message: '',
  target: '',
  item: '',
  op: '',
  quest: '',
  with: '',
  give: '',
  for: '',
};
const action = (fields: Record<string, string>) => ({ ...EMPTY, ...fields });

type Reply = { actions: unknown[] } | 'malformed' | { delayMs: number };

/** A backend that answers each request with the next scripted reply, as a model server would. */
function scriptedBackend(replies: Reply[]) {
  const calls: LlmRequest<unknown>[] = [];
  const backend: LlmBackend = {
    name: 'scripted',
    model: 'scripted',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      calls.push(request as LlmRequest<unknown>);
      const reply = replies.shift();
      if (!reply) throw new LlmBackendError('unavailable', 'no scripted reply');
      if (reply === 'malformed') throw new LlmBackendError('malformed', 'not JSON');
      if ('delayMs' in reply) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(reply.delayMs, request.timeoutMs)));
        throw new LlmBackendError('timeout', 'took too long');
      }
      return {
        output: request.schema.parse(reply),
        raw: JSON.stringify(reply),
        promptTokens: 80,
        completionTokens: 30,
        durationMs: 200,
        model: 'scripted',
      };
    },
    async ping() {},
  };
  return { backend, calls };
}

function interpreter(replies: Reply[], timeoutMs = 1_500) {
  const { backend, calls } = scriptedBackend(replies);
  // A lane whose answers typically take 100 ms; one failure held against a backend opens its breaker.
  const lane = new LaneScheduler('world', [{ backend, maxSlots: 2 }], {
    maxQueueWaitMs: 3_000,
    targetServiceMs: 200,
    breakerThreshold: 1,
  });
  return {
    calls,
    lane,
    commands: new LlmCommandInterpreter({
      lane,
      fallback: new ParserInterpreter(5),
      logger: createLogger('silent', false),
      timeoutMs,
    }),
  };
}

describe('a model reading free-text commands', () => {
  it('reads the text into actions, each checked by the actions schema', async () => {
    const { commands, calls } = interpreter([
      {
        actions: [
          action({ action_type: 'take', item: 'old scroll' }),
          action({
            action_type: 'talk',
            npc: 'Elder Zorathian',
            message: 'what does &quot;the star&quot; mean?',
          }),
        ],
      },
    ]);
    const read = await commands.interpret('grab that scroll and ask the old man what "the star" means', hut);
    expect(read).toEqual({
      ok: true,
      by: 'model',
      corrections: [],
      actions: [
        { action_type: 'take', item: 'old scroll' },
        { action_type: 'talk', npc: 'Elder Zorathian', message: 'what does "the star" mean?' },
      ],
    });
    const request = calls[0]!;
    expect(request.schemaName).toBe('command_actions');
    expect(request.temperature).toBe(0);
    expect(request.timeoutMs).toBeLessThanOrEqual(1_500);
    const [system, user] = request.messages;
    expect(system!.content).toContain('- give: give a carried item to someone here: item, to');
    // The parser's conventions for greetings, socials and statements.
    expect(system!.content).toContain('is talk with the whole text as message');
    expect(system!.content).toContain('is emote in the third person');
    expect(system!.content).toContain('is say with the whole text');
    expect(user!.content).toContain('People here: Elder Zorathian.');
    expect(user!.content).toContain('Ways: south to Village Square.');
    // The player's words last, neutralised between the delimiters.
    expect(
      user!.content.endsWith(
        '<player_input>grab that scroll and ask the old man what &quot;the star&quot; means</player_input>',
      ),
    ).toBe(true);
  });

  it('falls back to the parser when an action fails its checks: the model can only ask for what the game has', async () => {
    const { commands } = interpreter([
      { actions: [action({ action_type: 'move', direction: 'northeast' })] },
    ]);
    expect(await commands.interpret('go south', hut)).toEqual({
      ok: true,
      by: 'parser',
      corrections: [],
      actions: [{ action_type: 'move', direction: 'south' }],
    });
  });

  it('falls back to the parser when the model reads no action, answers no JSON or is too slow', async () => {
    const none = interpreter([{ actions: [] }]);
    expect(await none.commands.interpret('tkae scroll', hut)).toMatchObject({
      ok: false,
      by: 'parser',
      suggestions: expect.arrayContaining(['take scroll']),
    });
    const malformed = interpreter(['malformed']);
    expect(await malformed.commands.interpret('take scroll', hut)).toMatchObject({ ok: true, by: 'parser' });
    const slow = interpreter([{ delayMs: 5_000 }], 300);
    expect(await slow.commands.interpret('take scroll', hut)).toMatchObject({
      ok: true,
      by: 'parser',
      actions: [{ action_type: 'take', item: 'scroll' }],
    });
    // Our own short deadline is not the backend's failure: its breaker stays closed.
    expect(slow.calls).toHaveLength(1);
    expect(slow.lane.status()[0]!.breaker).toBe('closed');
  });

  it('refuses a model reading with more actions than a command may hold', async () => {
    const many = Array.from({ length: 6 }, () => action({ action_type: 'look' }));
    const { commands } = interpreter([{ actions: many }]);
    expect(await commands.interpret('look', hut)).toMatchObject({
      by: 'parser',
      actions: [{ action_type: 'look' }],
    });
  });

  it('reads a one-word command the parser knows without asking the model, and asks it about one it does not', async () => {
    const { commands, calls } = interpreter([{ actions: [action({ action_type: 'look' })] }]);
    expect(await commands.interpret('s', hut)).toEqual({
      ok: true,
      by: 'parser',
      corrections: [],
      actions: [{ action_type: 'move', direction: 'south' }],
    });
    expect(await commands.interpret('inventory', hut)).toMatchObject({ ok: true, by: 'parser' });
    expect(calls).toHaveLength(0);
    expect(await commands.interpret('lok', hut)).toMatchObject({
      ok: true,
      by: 'model',
      actions: [{ action_type: 'look' }],
    });
    expect(calls).toHaveLength(1);
  });
});
