import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { npcOutputSchema, tauntOutputSchema, worldOutputSchema } from './schemas.ts';

const worldOutput = {
  narration: 'You pick up the dagger.',
  effects: [
    { kind: 'take_item', item: 'dagger' },
    { kind: 'attack', enemy: 'wolf', damage_dealt: 3, damage_taken: 2 },
  ],
};

describe('the output schemas', () => {
  it('accept what a model should answer', () => {
    expect(worldOutputSchema.parse(worldOutput)).toEqual(worldOutput);
    expect(worldOutputSchema.parse({ narration: 'Nothing happens.', effects: [] }).effects).toEqual([]);
    const reply = {
      reply: 'Welcome, child.',
      emotion: 'friendly',
      relationship_change: 1,
      facts: [{ kind: 'name', value: 'Aldric' }],
    };
    expect(npcOutputSchema.parse(reply)).toEqual(reply);
    expect(tauntOutputSchema.parse({ taunt: 'Grrr.' })).toEqual({ taunt: 'Grrr.' });
  });

  it('refuse unknown effect kinds, names for ids, too many effects and too long narrations', () => {
    const bad = [
      { ...worldOutput, effects: [{ kind: 'grant_gold', amount: 1000 }] },
      { ...worldOutput, effects: [{ kind: 'take-item', item: 'dagger' }] },
      { ...worldOutput, effects: [{ kind: 'take_item', item: 'Rusty Dagger' }] },
      { ...worldOutput, effects: [{ kind: 'attack', enemy: 'wolf', damage_dealt: -1, damage_taken: 0 }] },
      { ...worldOutput, effects: Array(5).fill({ kind: 'move', to: 'hut' }) },
      { ...worldOutput, narration: 'x'.repeat(2001) },
      { ...worldOutput, narration: '' },
      { narration: 'No effects field.' },
    ];
    for (const output of bad)
      expect(worldOutputSchema.safeParse(output).success, JSON.stringify(output)).toBe(false);
    expect(worldOutputSchema.safeParse({ ...worldOutput, narration: 'x'.repeat(2000) }).success).toBe(true);
  });

  it('refuse unknown emotions and fractions, but leave the relationship bound to the rules', () => {
    const reply = { reply: 'Hmm.', emotion: 'neutral', relationship_change: 0, facts: [] };
    expect(npcOutputSchema.safeParse({ ...reply, emotion: 'furious' }).success).toBe(false);
    expect(npcOutputSchema.safeParse({ ...reply, relationship_change: 1.5 }).success).toBe(false);
    expect(npcOutputSchema.safeParse({ ...reply, reply: 'x'.repeat(1001) }).success).toBe(false);
    expect(npcOutputSchema.safeParse({ reply: 'Hmm.', emotion: 'neutral' }).success).toBe(false);
    expect(npcOutputSchema.parse({ ...reply, relationship_change: 50 }).relationship_change).toBe(50);
    expect(npcOutputSchema.safeParse({ ...reply, facts: [{ kind: 'age', value: 'old' }] }).success).toBe(
      false,
    );
    expect(
      npcOutputSchema.safeParse({ ...reply, facts: [{ kind: 'name', value: 'x'.repeat(61) }] }).success,
    ).toBe(false);
    expect(
      npcOutputSchema.safeParse({ ...reply, facts: Array(6).fill({ kind: 'name', value: 'Al' }) }).success,
    ).toBe(false);
    expect(tauntOutputSchema.safeParse({ taunt: 'x'.repeat(201) }).success).toBe(false);
    expect(tauntOutputSchema.safeParse({ taunt: '' }).success).toBe(false);
  });

  it.each([
    ['world', worldOutputSchema],
    ['npc', npcOutputSchema],
    ['taunt', tauntOutputSchema],
  ])('%s: render as a strict-mode JSON schema (all properties required, no oneOf)', (_, schema) => {
    const json = z.toJSONSchema(schema);
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) {
        for (const child of node) visit(child);
        return;
      }
      const record = node as Record<string, unknown>;
      expect(record).not.toHaveProperty('oneOf');
      if (record.type === 'object') {
        expect(record.additionalProperties).toBe(false);
        expect([...(record.required as string[])].sort()).toEqual(
          Object.keys(record.properties as object).sort(),
        );
      }
      for (const child of Object.values(record)) visit(child);
    };
    visit(json);
    expect(json.type).toBe('object');
  });
});
