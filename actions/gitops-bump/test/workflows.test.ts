import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findTool } from '@craftista/testkit';
import { parse } from 'yaml';
import { affectedServices } from '../scripts/affected-services.mjs';
import { CONFIG, ROOT } from './helpers.js';

const WORKFLOWS = join(ROOT, '.github', 'workflows');

describe('workflows', () => {
  it('every workflow passes actionlint with shellcheck', async () => {
    const files = readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(WORKFLOWS, f));
    expect(files.map((f) => f.split('/').pop())).toEqual(
      expect.arrayContaining(['images.yml', 'promote.yml']),
    );
    // shellcheck comes from Debian (apt-get install -y shellcheck), so only PATH has it.
    const shellcheck = findTool('shellcheck', 'system');
    try {
      await promisify(execFile)(
        findTool('actionlint', 'v1.7.12'),
        ['-shellcheck', shellcheck, '-no-color', ...files],
        { cwd: ROOT },
      );
    } catch (e) {
      throw new Error(
        `actionlint found problems:\n${(e as { stdout?: string }).stdout ?? (e as Error).message}`,
      );
    }
  });

  it('pins every third-party action by full commit SHA and grants least privilege', () => {
    for (const file of ['images.yml', 'promote.yml']) {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]!);
      for (const u of uses)
        if (!u.startsWith('./'))
          expect(u, `${file}: ${u}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      const wf = parse(text) as { permissions: Record<string, string> };
      expect(wf.permissions).toEqual({ contents: 'read' });
    }
  });

  it('maps turbo affected workspaces and Dockerfile changes to services', () => {
    const config = readFileSync(CONFIG, 'utf8');
    const turbo = (paths: string[]) =>
      JSON.stringify({
        packageManager: 'npm',
        packages: { count: paths.length, items: paths.map((path) => ({ name: path, path })) },
      });
    expect(
      affectedServices(config, turbo(['apps/voting', 'packages/contracts']), 'apps/voting/src/app.ts\n'),
    ).toEqual(['voting']);
    expect(
      affectedServices(config, turbo(['actions/gitops-bump']), 'actions/gitops-bump/src/main.ts\n'),
    ).toEqual([]);
    expect(affectedServices(config, turbo([]), 'docker/Dockerfile\n')).toEqual([
      'frontend',
      'catalogue',
      'voting',
      'recommendation',
    ]);
  });
});
