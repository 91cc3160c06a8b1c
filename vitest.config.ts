import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: CLI tests spawn the binary several times at once on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 20_000,
    // Integration tests open many loopback sockets; run files in separate forks, a couple at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
