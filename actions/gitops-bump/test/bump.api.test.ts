import type { GitHubServer } from '@craftista/github-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';
import { FAST, GITOPS, digestOf, git, io, renderOverlay, startServer } from './helpers.js';

// Real git processes and a real server: generous limits so a busy 2-core machine does not time out.
vi.setConfig({ testTimeout: 180_000 });

const bump = (server: GitHubServer, inputs: Record<string, string>, env: Record<string, string> = {}) => {
  const rec = io(server, { environment: 'dev', ...inputs }, env);
  return run(rec, { octokit: FAST }).then(
    () => rec,
    (e: Error) => {
      rec.failure = e.message;
      return rec;
    },
  );
};

describe('gitops-bump against a GitHub-shaped server holding the GitOps template', () => {
  let server: GitHubServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    expect(server.violations).toEqual([]);
    await server.close();
  });

  it('opens a PR for one service in at most 6 API calls, changing only the image values', async () => {
    const mainBefore = await git(server, ['rev-parse', 'main']);
    const rec = await bump(server, {
      services: 'frontend',
      tag: 'sha-9f8e7d6',
      digest: digestOf(1),
      'trivy-counts': 'critical=0,high=2',
      'quality-gate': 'OK',
    });
    expect(rec.failure).toBeUndefined();
    expect(rec.outputs['operation']).toBe('created');
    expect(rec.outputs['branch']).toBe('craftista/dev/frontend');
    expect(rec.outputs['changed-files']!.split('\n').sort()).toEqual([
      'charts/craftista/values-dev.yaml',
      'kubernetes/overlays/dev/frontend/kustomization.yaml',
    ]);
    expect(server.calls.length).toBeLessThanOrEqual(6);
    expect(server.calls.map((c) => c.operation)).toEqual([
      'graphql craftistaGitopsState',
      'git/create-tree',
      'git/create-commit',
      'git/create-ref',
      'pulls/create',
      'issues/add-labels',
    ]);

    // git itself: one commit on top of main, main untouched, and the diff is the four value lines
    expect(await git(server, ['rev-parse', 'main'])).toBe(mainBefore);
    expect((await git(server, ['rev-parse', 'craftista/dev/frontend^'])).trim()).toBe(mainBefore.trim());
    const diff = await git(server, ['diff', '-U0', 'main', 'craftista/dev/frontend']);
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    const old = 'sha256:f99d8ab2940a14752127af62e4487c5e9a53bd6772fe0e580c743d3e6c511013';
    expect(changed).toEqual([
      '-    tag: sha-0000000',
      `-    digest: ${old}`,
      '+    tag: sha-9f8e7d6',
      `+    digest: ${digestOf(1)}`,
      '-    newTag: sha-0000000',
      `-    digest: ${old}`,
      '+    newTag: sha-9f8e7d6',
      `+    digest: ${digestOf(1)}`,
    ]);

    // the edited overlay still renders, pinned by tag and digest
    const rendered = await renderOverlay(
      server,
      'craftista/dev/frontend',
      'kubernetes/overlays/dev/frontend',
    );
    expect(rendered).toContain(`image: ghcr.io/craftista/craftista-frontend:sha-9f8e7d6@${digestOf(1)}`);

    const pr = server.repo(GITOPS).pulls[0]!;
    expect(pr.labels).toEqual(['gitops', 'env:dev']);
    expect(pr.body).toContain('sha-0000000');
    expect(pr.body).toContain('sha-9f8e7d6');
    expect(pr.body).toContain('Trivy: critical 0, high 2');
    expect(pr.body).toContain('SonarQube quality gate: **OK**');
    expect(pr.body).toContain(`${server.serverUrl}/craftista/craftista/actions/runs/4242`);
    expect(pr.body).toContain(
      `${server.serverUrl}/craftista/craftista/commit/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432`,
    );
    expect(rec.outputs['pull-request-url']).toBe(`${server.serverUrl}/${GITOPS}/pull/${pr.number}`);
  });

  it('re-running the same bump writes nothing and reports operation none', async () => {
    const inputs = { services: 'catalogue', tag: 'sha-1111111', digest: digestOf(2) };
    expect((await bump(server, inputs)).outputs['operation']).toBe('created');
    const head = await git(server, ['rev-parse', 'craftista/dev/catalogue']);
    server.resetCalls();
    const again = await bump(server, inputs);
    expect(again.outputs['operation']).toBe('none');
    expect(server.writes()).toEqual([]);
    expect(server.calls).toHaveLength(1);
    expect(await git(server, ['rev-parse', 'craftista/dev/catalogue'])).toBe(head);
    expect(server.repo(GITOPS).pulls).toHaveLength(1);
  });

  it('a newer build of the same service advances the branch and updates the open PR', async () => {
    await bump(server, { services: 'voting', tag: 'sha-1111111', digest: digestOf(3) });
    const first = (await git(server, ['rev-parse', 'craftista/dev/voting'])).trim();
    server.resetCalls();
    const rec = await bump(server, { services: 'voting', tag: 'sha-2222222', digest: digestOf(4) });
    expect(rec.outputs['operation']).toBe('updated');
    expect(server.calls.map((c) => c.operation)).toEqual([
      'graphql craftistaGitopsState',
      'git/create-tree',
      'git/create-commit',
      'git/update-ref',
      'pulls/update',
    ]);
    expect((await git(server, ['rev-parse', 'craftista/dev/voting^'])).trim()).toBe(first);
    expect(server.repo(GITOPS).pulls).toHaveLength(1);
    expect(server.repo(GITOPS).pulls[0]!.body).toContain('sha-2222222');
    expect(
      await git(server, ['show', 'craftista/dev/voting:kubernetes/overlays/dev/voting/kustomization.yaml']),
    ).toContain(`digest: ${digestOf(4)}`);
  });

  it('four services bumped at once all land, each on its own branch', async () => {
    const services = ['frontend', 'catalogue', 'voting', 'recommendation'];
    const results = await Promise.all(
      services.map((s, i) =>
        bump(server, { services: s, tag: `sha-${i}${i}${i}${i}${i}${i}${i}`, digest: digestOf(10 + i) }),
      ),
    );
    expect(results.map((r) => r.failure)).toEqual([undefined, undefined, undefined, undefined]);
    expect(results.map((r) => r.outputs['operation'])).toEqual(['created', 'created', 'created', 'created']);
    for (const [i, s] of services.entries()) {
      const values = await git(server, ['show', `craftista/dev/${s}:charts/craftista/values-dev.yaml`]);
      expect(values).toContain(`digest: ${digestOf(10 + i)}`);
    }
    expect(
      server
        .repo(GITOPS)
        .pulls.map((p) => p.head)
        .sort(),
    ).toEqual(services.map((s) => `craftista/dev/${s}`).sort());
  });

  it('four services racing on one shared branch all land: compare-and-swap, retry, no lost update', async () => {
    const services = ['frontend', 'catalogue', 'voting', 'recommendation'];
    const results = await Promise.all(
      services.map((s, i) =>
        bump(server, {
          services: s,
          tag: `sha-${i}${i}${i}${i}${i}${i}${i}`,
          digest: digestOf(20 + i),
          branch: 'craftista/dev/release',
        }),
      ),
    );
    expect(results.map((r) => r.failure)).toEqual([undefined, undefined, undefined, undefined]);
    // git log on the bare repository: four bump commits on top of main, in some order
    const log = (await git(server, ['log', '--format=%s', 'main..craftista/dev/release'])).trim().split('\n');
    expect(log).toHaveLength(4);
    expect(log.map((l) => l.replace(/^chore\(dev\): bump (\w+) .*$/, '$1')).sort()).toEqual(
      [...services].sort(),
    );
    const values = await git(server, ['show', 'craftista/dev/release:charts/craftista/values-dev.yaml']);
    for (const i of [0, 1, 2, 3]) expect(values).toContain(`digest: ${digestOf(20 + i)}`);
    expect(server.repo(GITOPS).pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    expect(
      server.calls
        .filter((c) => c.operation === 'git/create-ref' || c.operation === 'git/update-ref')
        .some((c) => c.status === 422),
    ).toBe(true);
  });

  it('bumps several services in one commit on a batch branch', async () => {
    const rec = await bump(server, {
      images: `frontend=sha-aaaaaaa@${digestOf(30)}\nvoting=sha-aaaaaaa@${digestOf(31)}`,
    });
    expect(rec.outputs['branch']).toBe('craftista/dev/batch-9f8e7d6');
    expect((await git(server, ['rev-list', '--count', 'main..craftista/dev/batch-9f8e7d6'])).trim()).toBe(
      '1',
    );
    expect(rec.outputs['changed-files']!.split('\n')).toHaveLength(3);
  });

  it('refuses a downgrade before writing anything', async () => {
    await bump(server, {
      services: 'frontend',
      tag: '2.0.0',
      digest: digestOf(40),
      'allow-downgrade': 'true',
    });
    server.resetCalls();
    const rec = await bump(server, { services: 'frontend', tag: '1.9.0', digest: digestOf(41) });
    expect(rec.failure).toMatch(/2\.0\.0 → 1\.9\.0 is a downgrade; set allow-downgrade/);
    expect(server.writes()).toEqual([]);
  });

  it("fails fast, before any call, when given the workflow's GITHUB_TOKEN", async () => {
    const rec = await bump(server, { services: 'frontend', tag: 'x', token: 'workflow-token' });
    expect(rec.failure).toMatch(
      /GITHUB_TOKEN: it cannot write to craftista\/craftista-gitops .*do not trigger workflows.*GitHub App token/,
    );
    expect(server.calls).toEqual([]);
  });

  it('stops on a read-only token after one read', async () => {
    const rec = await bump(server, {
      services: 'frontend',
      tag: 'sha-1234567',
      digest: digestOf(5),
      token: 'read-token',
    });
    expect(rec.failure).toMatch(
      /the token's user has READ permission on craftista\/craftista-gitops; it needs write access/,
    );
    expect(server.calls).toHaveLength(1);
  });

  it('waits out a 429 secondary rate limit as retry-after says, then completes', async () => {
    server.inject({
      method: 'POST',
      path: /git\/trees$/,
      status: 429,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '3' },
    });
    const started = Date.now();
    const rec = await bump(server, { services: 'frontend', tag: 'sha-7777777', digest: digestOf(6) });
    expect(rec.failure).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * FAST.retryAfterBaseValue);
    expect(server.calls.map((c) => c.status)).toEqual([200, 429, 201, 201, 201, 201, 200]);
    expect(rec.logs.join('\n')).toMatch(/secondary rate limit .* retrying in 3s/);
  });

  it('retries a 403 primary rate limit until its reset, and gives up cleanly when the reset is too far', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    server.inject({
      path: /git\/commits$/,
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const ok = await bump(server, { services: 'frontend', tag: 'sha-7777777', digest: digestOf(6) });
    expect(ok.failure).toBeUndefined();

    const far = String(Math.floor(Date.now() / 1000) + 3600);
    server.inject({
      path: /git\/trees$/,
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': far },
    });
    const before = server.repo(GITOPS).pulls.length;
    const rec = await bump(server, { services: 'catalogue', tag: 'sha-7777777', digest: digestOf(7) });
    expect(rec.failure).toMatch(/rate limit exceeded \(403\); it resets at/);
    expect(server.repo(GITOPS).pulls).toHaveLength(before);
    expect(await git(server, ['branch', '--list', 'craftista/dev/catalogue'])).toBe('');
  });

  it('stops on a 403 permission error without retrying or writing more', async () => {
    server.inject({ path: /git\/trees$/, status: 403, message: 'Resource not accessible by integration' });
    const rec = await bump(server, { services: 'frontend', tag: 'sha-7777777', digest: digestOf(8) });
    expect(rec.failure).toMatch(
      /GitHub refused POST \/repos\/\{owner\}\/\{repo\}\/git\/trees on craftista\/craftista-gitops \(403: Resource not accessible by integration\); this call needs contents: write, and a bump needs contents: write and pull-requests: write for the GitHub App installation token/,
    );
    expect(server.calls.map((c) => c.operation)).toEqual(['graphql craftistaGitopsState', 'fault']);
  });

  it('works with each token kind the workflows may be given, deciding from what GitHub shows each', async () => {
    // Every other test here runs with the App installation token, for which GitHub shows no role (null).
    // A PAT's user role is shown (viewerPermission) and checked before any write.
    for (const [i, token] of ['fine-grained-pat', 'classic-pat'].entries()) {
      const rec = await bump(server, {
        services: ['catalogue', 'voting'][i]!,
        tag: 'sha-3333333',
        digest: digestOf(60 + i),
        token,
      });
      expect(rec.failure, token).toBeUndefined();
      expect(rec.outputs['operation']).toBe('created');
    }
    expect(server.repo(GITOPS).pulls.map((p) => p.user)).toEqual(['maintainer', 'maintainer']);
  });

  it('an App token without pull-requests: write gets the branch written and a failure naming that permission', async () => {
    const rec = await bump(server, {
      services: 'frontend',
      tag: 'sha-4444444',
      digest: digestOf(62),
      token: 'app-token-no-pulls',
    });
    expect(rec.failure).toMatch(
      /GitHub refused POST \/repos\/\{owner\}\/\{repo\}\/pulls .*\(403: Resource not accessible by integration\); this call needs pull-requests: write, .*GitHub App installation token/,
    );
    expect(server.repo(GITOPS).pulls).toEqual([]);
    // once the App has the permission, the next run opens the PR for the branch already written
    server.resetCalls();
    const again = await bump(server, { services: 'frontend', tag: 'sha-4444444', digest: digestOf(62) });
    expect(again.outputs['operation']).toBe('created');
    expect(server.writes().map((c) => c.operation)).toEqual(['pulls/create', 'issues/add-labels']);
  });

  it('a fine-grained token whose user is admin but which holds contents: read is refused at its first write', async () => {
    const rec = await bump(server, {
      services: 'frontend',
      tag: 'sha-5555555',
      digest: digestOf(63),
      token: 'fine-grained-pat-read',
    });
    expect(rec.failure).toMatch(
      /\(403: Resource not accessible by personal access token\); this call needs contents: write, and a bump needs contents: write and pull-requests: write for the fine-grained personal access token/,
    );
    expect(server.writes().map((c) => c.status)).toEqual([403]);
  });
});

describe('gitops-bump against a GitHub Enterprise Server layout (/api/v3, /api/graphql)', () => {
  it('runs the same flow with GHES-style URLs', async () => {
    const server = await startServer('/api/v3');
    try {
      const rec = await bump(server, { services: 'recommendation', tag: 'sha-5555555', digest: digestOf(9) });
      expect(rec.failure).toBeUndefined();
      expect(rec.outputs['pull-request-url']).toBe(`${server.serverUrl}/${GITOPS}/pull/1`);
      expect(server.calls.length).toBe(6);
      expect(server.violations).toEqual([]);
      const rendered = await renderOverlay(
        server,
        'craftista/dev/recommendation',
        'kubernetes/overlays/dev/recommendation',
      );
      expect(rendered).toContain(`craftista-recommendation:sha-5555555@${digestOf(9)}`);
    } finally {
      await server.close();
    }
  });
});
