import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'migrations/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI lists every test, so its log shows which suites ran on which server.
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
