import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_DOCS_PATH, renderEventDocs } from './event-docs.ts';
import { eventSchemas } from './event-schemas.ts';

describe('docs/events.md', () => {
  it('is what `npm run docs:events` writes from the schemas now', () => {
    const committed = readFileSync(new URL(`../../${EVENT_DOCS_PATH}`, import.meta.url), 'utf8');
    expect(committed, 'docs/events.md is stale: run `npm run docs:events`').toBe(renderEventDocs());
  });

  it('documents every event type, and every field with its type', () => {
    const docs = renderEventDocs();
    for (const type of Object.keys(eventSchemas)) expect(docs).toContain(`### ${type}\n`);
    expect(docs).toContain("| `emotion` | 'happy' \\| 'friendly'");
    expect(docs).toContain('| `sessionId` | string | yes | one connection;');
    expect(docs).toContain('| `processId` | string | no |');
  });
});

describe('event schemas', () => {
  it('accept what the deciders record and refuse what they do not', () => {
    const moved = { playerId: 'p1', from: 'square', to: 'hut', direction: 'north' };
    expect(eventSchemas.PlayerMoved.parse(moved)).toEqual(moved);
    expect(eventSchemas.PlayerMoved.safeParse({ ...moved, direction: 'sideways' }).success).toBe(false);
  });
});
