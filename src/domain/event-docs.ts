import { z } from 'zod';
import { eventSchemas } from './event-schemas.ts';

/** Where docs/events.md comes from; `npm run docs:events` writes it, a test fails when it is stale. */
export const EVENT_DOCS_PATH = 'docs/events.md';

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  description?: string;
}

const literal = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/** A short type for a table cell: `string`, `'a' \| 'b'`, `number[]`, `object, by kind: …`. */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return schema.enum.map(literal).join(' \\| ');
  const members = schema.oneOf ?? schema.anyOf;
  if (members) {
    const tag = discriminator(members);
    if (tag)
      return `object, by \`${tag}\`: ${members.map((m) => literal(m.properties![tag]!.const)).join(', ')}`;
    return members.map(typeOf).join(' \\| ');
  }
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'unknown'}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any JSON';
}

function discriminator(members: JsonSchema[]): string | undefined {
  const first = members[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((key) => members.every((m) => m.properties?.[key]?.const !== undefined));
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function fieldRows(schema: JsonSchema, prefix: string, depth: number): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) ? 'yes' : 'no';
    rows.push(`| \`${prefix}${name}\` | ${typeOf(field)} | ${required} | ${cell(field.description ?? '')} |`);
    if (depth > 0 && field.type === 'object' && field.properties)
      rows.push(...fieldRows(field, `${prefix}${name}.`, depth - 1));
  }
  return rows;
}

const ENVELOPE = `Every stored event is one JSON object, and one line of \`langomni replay\` (or
\`GET /admin/events\`) JSON lines:

| field | type | meaning |
| --- | --- | --- |
| \`position\` | string (a whole number) | global order across every stream; a string because it can pass 2^53 |
| \`revision\` | string (a whole number) | order within the stream, from 0 |
| \`id\` | string (UUID) | the event's id |
| \`stream\` | string | \`<category>-<id>\`: \`player-…\`, \`location-…\`, \`npc-…\`, \`account-…\`, \`world-…\` |
| \`type\` | string | one of the types below |
| \`data\` | object | the fields listed under the type |
| \`metadata.timestamp\` | string (ISO-8601) | when the producer created the event |
| \`metadata.correlationId\` | string, optional | the first message in the chain (e.g. the player's action) |
| \`metadata.causationId\` | string, optional | the message that directly caused this event |
| \`metadata.playerId\` | string, optional | the player the event is about, when the producer knows it |

In a notebook: \`pandas.read_json('events.jsonl', lines=True, dtype={'position': str, 'revision': str})\`,
then \`pandas.json_normalize\` on \`data\` and \`metadata\`. The CSV export has the columns
\`position, stream, revision, type, timestamp, player_id, id, correlation_id, causation_id, data, metadata\`
(\`data\` and \`metadata\` as JSON). \`AccountRegistered.passwordHash\` never leaves the store.`;

/** docs/events.md: the envelope, then every event type with its fields and their meaning. */
export function renderEventDocs(): string {
  const types = Object.keys(eventSchemas).sort() as (keyof typeof eventSchemas)[];
  const sections = types.map((type) => {
    const json = z.toJSONSchema(eventSchemas[type], { io: 'output', unrepresentable: 'any' }) as JsonSchema;
    return [
      `### ${type}`,
      '',
      json.description ?? '',
      '',
      '| field | type | required | meaning |',
      '| --- | --- | --- | --- |',
      ...fieldRows(json, '', 1),
    ].join('\n');
  });
  return `${[
    '# Events',
    '',
    '<!-- Generated from src/domain/event-schemas.ts by `npm run docs:events`: edit the schemas, not this file. -->',
    '',
    ENVELOPE,
    '',
    '## Event types',
    '',
    types.map((type) => `[${type}](#${type.toLowerCase()})`).join(' · '),
    '',
    sections.join('\n\n'),
  ].join('\n')}\n`;
}
