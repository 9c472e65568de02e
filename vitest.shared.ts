// Shared by every workspace's vitest.config.ts: resolve workspace packages to their TypeScript sources,
// and give tests that start real servers room to do so.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Each workspace's results also go to test-artifacts/results/, from which `npm test` prints one total.
const resultsFile = path.join(
  import.meta.dirname,
  'test-artifacts',
  'results',
  `${path.basename(process.cwd())}.json`,
);

const conditions = ['craftista-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: [path.join(import.meta.dirname, 'vitest.tmpdir.ts')],
    exclude: ['**/node_modules/**', '**/dist/**'],
    reporters: ['default', 'json'],
    outputFile: { json: resultsFile },
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=craftista-source`.trim() },
  },
});
