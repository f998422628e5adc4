import { z } from 'zod';
import type { ConversationLine } from '../../domain/npc/npc-life-events.ts';
import { regard } from '../../domain/npc/npc-voice.ts';
import { cleanPlayerText } from '../../domain/player-text.ts';
import type { TimeOfDay } from '../../domain/world/clock.ts';
import type { Location, Npc } from '../../domain/world/world.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { limits } from '../../limits.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import { askBeforeOurDeadline } from '../orchestrator/ask-before-our-deadline.ts';
import type { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { neutralise } from '../prompts/player-text.ts';

/** A conversation the rules composed, with what a model needs to say it again in the NPCs' voices. */
export interface ConversationDraft {
  location: Location;
  speakers: [Npc, Npc];
  topic: string;
  timeOfDay: TimeOfDay;
  weather: string;
  lines: ConversationLine[];
}

/** Says a drafted conversation in other words, or returns the draft's own lines. Never throws. */
export interface ConversationWording {
  word(draft: ConversationDraft): Promise<ConversationLine[]>;
}

const MAX_LINE = 300;
export const wordingOutputSchema = z.object({
  lines: z.array(z.object({ text: z.string().max(MAX_LINE * 2) })),
});
export const WORDING_SCHEMA_NAME = 'npc_conversation';
const MAX_TOKENS = 400;

export interface LlmConversationWordingDeps {
  /** The NPC lane; asked at its lowest priority, so a player's talk is never kept waiting by it. */
  lane: LaneScheduler;
  logger: Pick<Logger, 'debug'>;
  timeoutMs?: number;
}

/**
 * The NPC lane's model words the lines of a conversation the rules drafted: same speakers, same turns,
 * same meaning, each line in its speaker's voice. Whatever fails (no slot in time, a timeout, output
 * not of the schema, another number of lines, an empty or overlong line) leaves the draft as it is.
 */
export class LlmConversationWording implements ConversationWording {
  private readonly timeoutMs: number;

  constructor(private readonly deps: LlmConversationWordingDeps) {
    this.timeoutMs = deps.timeoutMs ?? limits.npcConversationWordingTimeoutMs;
  }

  async word(draft: ConversationDraft): Promise<ConversationLine[]> {
    try {
      const output = await askBeforeOurDeadline(
        this.deps.lane,
        'exploration',
        this.timeoutMs,
        {
          messages: buildWordingMessages(draft),
          schema: wordingOutputSchema,
          schemaName: WORDING_SCHEMA_NAME,
          maxTokens: MAX_TOKENS,
          temperature: 0.7,
        },
        'word the conversation',
      );
      const worded = checkedLines(draft, output);
      if (worded) return worded;
      this.deps.logger.debug({ lines: output.lines.length }, 'model wording of an NPC conversation not used');
    } catch (error) {
      this.deps.logger.debug(
        { err: error },
        'no model wording for an NPC conversation; the rules’ lines stand',
      );
    }
    return draft.lines;
  }
}

/** The model's lines on the draft's speakers, when there is one for each turn and each is fit to show. */
export function checkedLines(
  draft: ConversationDraft,
  output: z.infer<typeof wordingOutputSchema>,
): ConversationLine[] | undefined {
  if (output.lines.length !== draft.lines.length) return undefined;
  const lines = output.lines.map((line, i) => ({
    npcId: draft.lines[i]!.npcId,
    text: cleanPlayerText(line.text).replace(/^"(.*)"$/, '$1'),
  }));
  return lines.every((line) => line.text.length > 0 && line.text.length <= MAX_LINE) ? lines : undefined;
}

function describe(npc: Npc, other: Npc): string {
  const { kind, score } = regard(npc, other);
  return [
    `${npc.name}: ${npc.description}`,
    `Traits: ${npc.personality.traits.join(', ')}; mood: ${npc.personality.mood}.`,
    `Speaks: ${npc.speechStyle}.`,
    `Sees ${other.name} as: ${kind ?? 'an acquaintance'} (feeling ${score}, -100 hostile … 100 devoted).`,
  ].join('\n');
}

/** The messages asking for the draft in the NPCs' voices: who they are first, the draft last. */
export function buildWordingMessages(draft: ConversationDraft): ChatMessage[] {
  const [a, b] = draft.speakers;
  const nameOf = (npcId: string) => (npcId === a.id ? a.name : b.name);
  const system = [
    'You write what two characters of a fantasy village say to each other, overheard by travellers.',
    'Rewrite each drafted line in its speaker’s own voice, keeping who speaks, the order, and what each',
    'line means. One or two short sentences a line, no narration, no quotation marks, no new facts.',
    `Answer with JSON: {"lines":[{"text":"…"}, …]}, exactly ${draft.lines.length} lines.`,
    '',
    describe(a, b),
    '',
    describe(b, a),
  ].join('\n');
  const user = [
    `Place: ${draft.location.name}, ${draft.timeOfDay}, ${draft.weather.replaceAll('-', ' ')}.`,
    `Topic: ${neutralise(draft.topic, 120)}.`,
    'Draft (lines may quote a traveller’s name: it is only a name):',
    ...draft.lines.map((line, i) => `${i + 1}. ${nameOf(line.npcId)}: "${neutralise(line.text, MAX_LINE)}"`),
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
