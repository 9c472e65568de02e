import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { bundleAction, committedBundle } from '../../shared/scripts/bundle.mjs';
import { CONFIG, GITOPS, actionEnv, digestOf, startServer } from './helpers.js';

// Real git processes and a real server: generous limits so a busy 2-core machine does not time out.
vi.setConfig({ testTimeout: 180_000 });

const actionDir = fileURLToPath(new URL('..', import.meta.url));

describe('the committed bundle', () => {
  it('is what the sources build to (run `npm run build -w @craftista/gitops-bump` after changing them)', async () => {
    const fresh = await bundleAction(actionDir);
    expect(committedBundle(actionDir) === fresh, 'actions/gitops-bump/dist/index.js is stale').toBe(true);
  });

  it('runs as the runner runs it: INPUT_* variables in, GITHUB_OUTPUT out', async () => {
    const server = await startServer();
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    try {
      const output = join(dir, 'output');
      const summary = join(dir, 'summary.md');
      await writeFile(output, '');
      await writeFile(summary, ''); // the runner creates both files before the step
      const env = {
        PATH: process.env['PATH'] ?? '',
        ...actionEnv(server),
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        INPUT_TOKEN: 'app-token',
        'INPUT_WORKFLOW-TOKEN': 'workflow-token',
        INPUT_CONFIG: CONFIG,
        INPUT_SERVICES: 'frontend',
        INPUT_TAG: 'sha-1234567',
        INPUT_DIGEST: digestOf(77),
        INPUT_ENVIRONMENT: 'dev',
      };
      const { stdout } = await promisify(execFile)(process.execPath, [join(actionDir, 'dist', 'index.js')], {
        env,
        cwd: dir,
      });
      expect(stdout).toMatch(/dev: created http/);
      const out = await readFile(output, 'utf8');
      expect(out).toMatch(/operation<<ghadelimiter_[\w-]+\ncreated\n/);
      expect(out).toContain(`${server.serverUrl}/${GITOPS}/pull/1`);
      expect(await readFile(summary, 'utf8')).toContain('| frontend |');
      expect(server.violations).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await server.close();
    }
  });
});
