import type { PromptMessage } from './prefix-cache.ts';

const WORDS = [
  'the',
  'lantern',
  'light',
  'wavers',
  'over',
  'old',
  'stones',
  'and',
  'a',
  'cold',
  'wind',
  'stirs',
  'the',
  'leaves',
  'somewhere',
  'far',
  'off',
  'an',
  'owl',
  'calls',
  'you',
  'feel',
  'the',
  'night',
  'watching',
  'quietly',
] as const;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minItems?: number;
  minimum?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
};

/**
 * What a well-behaved model answers to a request (by its response_format's schema name), about
 * `completionTokens` long: the world lane's outcome carries the rule engine's suggested effects, read
 * from the prompt's `effects: [...]` line (so the rules accept it); a conversation has the number of
 * lines the prompt asks for; any other schema gets the smallest value its JSON schema admits.
 */
export function simulatedAnswer(
  schemaName: string,
  schema: unknown,
  messages: readonly PromptMessage[],
  completionTokens: number,
  random: () => number,
): unknown {
  const text = (maxChars: number) => words(completionTokens, maxChars, random);
  switch (schemaName) {
    case 'world_outcome':
      return { narration: text(2000), effects: suggestedEffects(messages) };
    case 'npc_reply':
      return { reply: text(1000), emotion: 'neutral', relationship_change: 1, facts: [] };
    case 'enemy_taunt':
      return { taunt: text(200) };
    case 'npc_conversation': {
      const asked = /exactly (\d+) lines/.exec(messages.map((m) => m.content).join('\n'));
      const lines = Math.max(1, Number(asked?.[1] ?? 2));
      return {
        lines: Array.from({ length: lines }, () => ({
          text: words(Math.ceil(completionTokens / lines), 300, random),
        })),
      };
    }
    default:
      return smallestOf(schema as JsonSchema);
  }
}

/** Tokens → text of about 0.75 words a token, at most `maxChars`. */
function words(tokens: number, maxChars: number, random: () => number): string {
  const picked: string[] = [];
  for (let i = 0; i < Math.max(1, Math.round(tokens * 0.75)); i++)
    picked.push(WORDS[Math.floor(random() * WORDS.length)]!);
  const sentence = picked.join(' ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`.slice(0, maxChars);
}

/** The rule engine's suggested effects, as the world prompt states them (`effects: [...]`). */
function suggestedEffects(messages: readonly PromptMessage[]): unknown[] {
  for (const message of messages) {
    if (message.role !== 'user') continue;
    const line = /^effects: (\[.*\])$/m.exec(message.content);
    if (!line) continue;
    try {
      const effects = JSON.parse(line[1]!) as unknown;
      return Array.isArray(effects) ? effects : [];
    } catch {
      return [];
    }
  }
  return [];
}

function smallestOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return null;
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const choice = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (choice) return smallestOf(choice);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, smallestOf(value)]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => smallestOf(schema.items));
    case 'string':
      return 'x'.repeat(Math.max(0, schema.minLength ?? 0));
    case 'integer':
    case 'number':
      return Math.max(0, schema.minimum ?? 0);
    case 'boolean':
      return false;
    default:
      return null;
  }
}
