import { randomUUID } from 'node:crypto';
import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { nameBasedUuid } from './name-based-uuid.ts';

describe('name-based UUIDs', () => {
  it('are exactly the uuid package’s version 5 ids (so ids derived before stay the same)', () => {
    const namespace = '5b0c3f0e-7a8e-4c1d-9d55-2f1f0a6c9e11';
    for (const name of ['request-1/0', `resolve-${randomUUID()}/3`, 'ünïcödé ✓ /7', '']) {
      expect(nameBasedUuid(name, namespace)).toBe(v5(name, namespace));
    }
    const other = randomUUID();
    expect(nameBasedUuid('x', other)).toBe(v5('x', other));
  });
});
