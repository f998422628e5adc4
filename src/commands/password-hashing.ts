import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/** argon2id's variant number in @node-rs/argon2 (its `Algorithm` is a const enum, which tsx cannot inline). */
const ARGON2ID = 2;

export interface Argon2Cost {
  /** KiB. OWASP's recommendation for argon2id: 19 MiB, 2 passes, 1 lane. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const DEFAULT_ARGON2_COST: Argon2Cost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * argon2id reads every byte of the password (bcrypt stops at the 72nd), and @node-rs/argon2 runs on
 * libuv's thread pool, so hashing never blocks the event loop.
 */
export class PasswordHasher {
  constructor(private readonly cost: Argon2Cost = DEFAULT_ARGON2_COST) {}

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.cost });
  }

  /**
   * Checks a password against an argon2id hash, or a bcrypt one (`$2…`) recorded before argon2id:
   * those still log in once, and `outdated` tells the caller to store a new hash.
   */
  async verify(storedHash: string, password: string): Promise<{ matches: boolean; outdated: boolean }> {
    if (storedHash.startsWith('$2')) {
      return { matches: await bcrypt.compare(password, storedHash), outdated: true };
    }
    return { matches: await verify(storedHash, password).catch(() => false), outdated: false };
  }
}
