import { describe, expect, it } from 'vitest';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../backends/llm-backend.ts';
import { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { type ConversationDraft, LlmConversationWording } from './conversation-wording.ts';

const world = starterWorld();
const draft: ConversationDraft = {
  location: world.locations.get('tavern')!,
  speakers: [world.npcs.get('brenna')!, world.npcs.get('old-tom')!],
  topic: 'the wolves',
  timeOfDay: 'evening',
  weather: 'soft-drizzle',
  lines: [
    { npcId: 'brenna', text: 'Ha! Good to see you this evening, Old Tom.' },
    { npcId: 'old-tom', text: 'Wolves are bolder lately, friend.' },
  ],
};

type Reply = { lines: { text: string }[] } | 'malformed' | 'timeout';

function wording(replies: Reply[]) {
  const calls: LlmRequest<unknown>[] = [];
  const backend: LlmBackend = {
    name: 'scripted',
    model: 'scripted',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      calls.push(request as LlmRequest<unknown>);
      const reply = replies.shift();
      if (!reply) throw new LlmBackendError('unavailable', 'no scripted reply');
      if (reply === 'malformed') throw new LlmBackendError('malformed', 'not JSON');
      if (reply === 'timeout') throw new LlmBackendError('timeout', 'took too long');
      return {
        output: request.schema.parse(reply),
        raw: JSON.stringify(reply),
        promptTokens: 200,
        completionTokens: 40,
        durationMs: 300,
        model: 'scripted',
      };
    },
    async ping() {},
  };
  const lane = new LaneScheduler('npc', [{ backend, maxSlots: 1 }], {
    maxQueueWaitMs: 3_000,
    targetServiceMs: 300,
    breakerThreshold: 5,
  });
  return { calls, words: new LlmConversationWording({ lane, logger: createLogger('silent', false) }) };
}

describe('a model wording what NPCs say to each other', () => {
  it('says each line in other words, on the same speakers, as one clean line', async () => {
    const { words, calls } = wording([
      {
        lines: [
          { text: '"Tom! Pour me one, the drizzle\'s got into my bones."' },
          { text: 'Wolves are\nbold, friend.' },
        ],
      },
    ]);
    expect(await words.word(draft)).toEqual([
      { npcId: 'brenna', text: "Tom! Pour me one, the drizzle's got into my bones." },
      { npcId: 'old-tom', text: 'Wolves are bold, friend.' },
    ]);
    const prompt = calls[0]!.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain(world.npcs.get('brenna')!.speechStyle);
    expect(prompt).toContain(world.npcs.get('old-tom')!.speechStyle);
    expect(prompt).toContain('drinking companion');
    expect(prompt).toContain('2. Old Tom: "Wolves are bolder lately, friend."');
  });

  it('keeps the rules’ lines when the model fails, answers another number of lines, or an empty one', async () => {
    const { words } = wording([
      'malformed',
      'timeout',
      { lines: [{ text: 'Just one line.' }] },
      { lines: [{ text: 'Fine.' }, { text: '   ' }] },
    ]);
    for (let i = 0; i < 4; i++) expect(await words.word(draft)).toEqual(draft.lines);
  });
});
