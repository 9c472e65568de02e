import type { GitHubServer } from '@craftista/github-server';
import { recordingIO } from '@craftista/actions-shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as bump } from '../../gitops-bump/src/main.js';
import {
  CONFIG,
  FAST,
  GITOPS,
  actionEnv,
  digestOf,
  git,
  renderOverlay,
  startServer,
} from '../../gitops-bump/test/helpers.js';
import { run as promote } from '../src/main.js';

// Real git processes and a real server: generous limits so a busy 2-core machine does not time out.
vi.setConfig({ testTimeout: 180_000 });

async function action(server: GitHubServer, fn: typeof bump, inputs: Record<string, string>) {
  const rec = recordingIO(
    { config: CONFIG, token: 'app-token', 'workflow-token': 'workflow-token', ...inputs },
    actionEnv(server),
  );
  try {
    await fn(rec, { octokit: FAST });
  } catch (e) {
    rec.failure = (e as Error).message;
  }
  return rec;
}

const pinned = async (server: GitHubServer, env: string, service: string) => {
  const k = await git(server, ['show', `main:kubernetes/overlays/${env}/${service}/kustomization.yaml`]);
  return { tag: /newTag: (\S+)/.exec(k)![1], digest: /digest: (\S+)/.exec(k)![1] };
};

describe('promote dev → staging → prod', () => {
  let server: GitHubServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    expect(server.violations).toEqual([]);
    await server.close();
  });

  it('copies the exact digests forward, one PR per step, and never merges prod', async () => {
    // dev gets two new builds (merged), the others keep their pins
    for (const [i, s] of ['frontend', 'voting'].entries()) {
      const rec = await action(server, bump, {
        services: s,
        environment: 'dev',
        tag: `sha-${'abcdef1'.slice(0, 6)}${i}`,
        digest: digestOf(50 + i),
      });
      expect(rec.failure).toBeUndefined();
      await server.merge(GITOPS, Number(rec.outputs['pull-request-number']));
    }
    const dev = {
      frontend: await pinned(server, 'dev', 'frontend'),
      voting: await pinned(server, 'dev', 'voting'),
    };
    expect(dev.frontend).toEqual({ tag: 'sha-abcdef0', digest: digestOf(50) });

    server.resetCalls();
    const staging = await action(server, promote, {
      from: 'dev',
      to: 'staging',
      services: 'frontend,voting',
    });
    expect(staging.failure).toBeUndefined();
    expect(staging.outputs['operation']).toBe('created');
    expect(staging.outputs['branch']).toBe('craftista/staging/from-dev');
    const pr = server.repo(GITOPS).pulls.find((p) => p.head === 'craftista/staging/from-dev')!;
    expect(pr.body).toContain('Promotes images from **dev** to **staging**');
    expect(pr.body).toContain(`${server.serverUrl}/craftista/craftista/compare/0000000...abcdef0`);
    expect(pr.labels).toEqual(['gitops', 'promotion', 'env:staging']);
    await server.merge(GITOPS, pr.number);
    expect(await pinned(server, 'staging', 'frontend')).toEqual(dev.frontend);
    expect(await pinned(server, 'staging', 'voting')).toEqual(dev.voting);
    expect(await git(server, ['show', 'main:charts/craftista/values-staging.yaml'])).toContain(
      `digest: ${dev.voting.digest}`,
    );

    const prod = await action(server, promote, { from: 'staging', to: 'prod', services: 'all' });
    expect(prod.failure).toBeUndefined();
    const prodPr = server.repo(GITOPS).pulls.find((p) => p.head === 'craftista/prod/from-staging')!;
    expect(prodPr.state).toBe('open');
    expect(prodPr.autoMerge).toBeUndefined();
    // prod's branch pins exactly dev's digests; main (what ArgoCD deploys) is unchanged until a person merges
    const branchFile = await git(server, [
      'show',
      'craftista/prod/from-staging:kubernetes/overlays/prod/frontend/kustomization.yaml',
    ]);
    expect(branchFile).toContain(`digest: ${dev.frontend.digest}`);
    expect((await pinned(server, 'prod', 'frontend')).digest).not.toBe(dev.frontend.digest);
    const rendered = await renderOverlay(
      server,
      'craftista/prod/from-staging',
      'kubernetes/overlays/prod/voting',
    );
    expect(rendered).toContain(`craftista-voting:${dev.voting.tag}@${dev.voting.digest}`);

    // promoting again changes nothing
    server.resetCalls();
    const again = await action(server, promote, { from: 'staging', to: 'prod', services: 'all' });
    expect(again.outputs['operation']).toBe('none');
    expect(server.writes()).toEqual([]);
  });

  it('promotes with an App installation token (no role shown) or a PAT, and names a permission the App lacks', async () => {
    // every other test here uses the App token; this one adds the PAT and the App without pull-requests: write
    const missing = await action(server, promote, {
      from: 'dev',
      to: 'staging',
      services: 'voting',
      token: 'app-token-no-pulls',
    });
    expect(missing.failure).toMatch(
      /GitHub refused POST \/repos\/\{owner\}\/\{repo\}\/pulls on craftista\/craftista-gitops \(403: Resource not accessible by integration\); this call needs pull-requests: write, and a bump needs contents: write and pull-requests: write for the GitHub App installation token/,
    );
    const byPat = await action(server, promote, {
      from: 'dev',
      to: 'staging',
      services: 'voting',
      token: 'fine-grained-pat',
    });
    expect(byPat.failure).toBeUndefined();
    expect(byPat.outputs['operation']).toBe('created');
    expect(server.repo(GITOPS).pulls.map((p) => [p.user, p.head])).toEqual([
      ['maintainer', 'craftista/staging/voting'],
    ]);
  });

  it('refuses to promote backwards or from an environment whose files disagree', async () => {
    expect((await action(server, promote, { from: 'prod', to: 'dev' })).failure).toMatch(
      /promotion goes forward/,
    );
    // make dev's helm pin differ from its kustomize pin for catalogue
    const repo = server.repo(GITOPS).git;
    const main = (await repo.resolveRef('refs/heads/main'))!;
    const { tree } = await repo.readCommit(main);
    const values = (await git(server, ['show', 'main:charts/craftista/values-dev.yaml'])).replace(
      /(catalogue:\n {2}image:\n {4}repository: \S+\n {4}tag: )\S+/,
      '$1sha-fffffff',
    );
    const blob = await repo.hashBlob(values);
    const newTree = await repo.writeTree(tree, [
      { path: 'charts/craftista/values-dev.yaml', mode: '100644', sha: blob },
    ]);
    const commit = await repo.commitTree(newTree, [main], 'drift\n', {
      name: 't',
      email: 't@example.com',
      date: new Date().toISOString(),
    });
    await repo.updateRef('refs/heads/main', commit, main);
    const rec = await action(server, promote, { from: 'dev', to: 'staging', services: 'catalogue' });
    expect(rec.failure).toMatch(
      /catalogue in dev: kubernetes\/overlays\/dev\/catalogue\/kustomization\.yaml pins sha-0000000@.* but charts\/craftista\/values-dev\.yaml pins sha-fffffff/,
    );
    expect(server.writes()).toEqual([]);
  });
});
