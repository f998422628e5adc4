import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGON2_COST, PasswordHasher } from './password-hashing.ts';

const LONG = 'x'.repeat(72);

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

  it('hashes with argon2id, which tells apart passwords that differ past the 72nd byte', async () => {
    const stored = await hasher.hash(`${LONG}AAAA`);
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(stored, `${LONG}AAAA`)).toEqual({ matches: true, outdated: false });
    expect(await hasher.verify(stored, `${LONG}ZZZZZZZZ`)).toEqual({ matches: false, outdated: false });
  });

  it('still verifies a bcrypt hash, and says it is to be replaced', async () => {
    const legacy = await bcrypt.hash('correct horse', 4);
    expect(await hasher.verify(legacy, 'correct horse')).toEqual({ matches: true, outdated: true });
    expect((await hasher.verify(legacy, 'wrong horse')).matches).toBe(false);
    expect((await hasher.verify('not a hash', 'correct horse')).matches).toBe(false);
  });

  it('leaves the event loop idle while it hashes (the work runs on the thread pool)', async () => {
    const fullCost = new PasswordHasher(DEFAULT_ARGON2_COST);
    // The first call loads the native module: not what is measured.
    await fullCost.hash('warming up');
    const before = performance.eventLoopUtilization();
    // Several hashes one after another, so the window is long against a moment's noise on a busy machine.
    for (let i = 0; i < 4; i++) await fullCost.hash(`correct horse battery ${i}`);
    // bcryptjs, even "async", keeps the loop busy for the whole hash (utilization near 1).
    expect(performance.eventLoopUtilization(before).utilization).toBeLessThan(0.5);
  });
});
