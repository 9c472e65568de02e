import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleAction, committedBundle } from '../../shared/scripts/bundle.mjs';

const actionDir = fileURLToPath(new URL('..', import.meta.url));

describe('the committed bundle', () => {
  it('is what the sources build to (run `npm run build -w @craftista/promote` after changing them)', async () => {
    const fresh = await bundleAction(actionDir);
    expect(committedBundle(actionDir) === fresh, 'actions/promote/dist/index.js is stale').toBe(true);
  });
});
