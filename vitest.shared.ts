// Shared by every workspace's vitest.config.ts: resolve workspace packages to their TypeScript sources,
// and give tests that start real servers room to do so.
import { defineConfig } from 'vitest/config';

const conditions = ['craftista-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=craftista-source`.trim() },
  },
});
