import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests open many loopback sockets; run files in separate forks, a couple at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
