import { defineConfig } from 'vitest/config';

const here = (path: string): string => new URL(path, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    // Examples import the package by name; in tests that name is the source.
    alias: [
      { find: /^marketmux\/testkit$/, replacement: here('./src/testkit/index.ts') },
      { find: /^marketmux\/(cs2cap|csboard|kalshi)$/, replacement: here('./providers/$1/index.ts') },
      { find: /^marketmux$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-build.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
