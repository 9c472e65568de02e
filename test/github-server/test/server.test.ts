import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOctokit } from '@craftista/actions-shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GitHubServer } from '../src/index.js';

// Real git processes and a real server: generous limits so a busy 2-core machine does not time out.
vi.setConfig({ testTimeout: 180_000 });

const quiet = { info: () => {}, warning: () => {} };

for (const prefix of ['', '/api/v3'] as const) {
  describe(`GitHub-shaped server (${prefix === '' ? 'api.github.com' : 'GHES /api/v3'} layout)`, () => {
    let server: GitHubServer;
    let seed: string;
    beforeAll(async () => {
      server = await GitHubServer.start({
        prefix,
        tokens: {
          w: { kind: 'classic', login: 'bot', role: 'write' },
          r: { kind: 'classic', login: 'reader', role: 'read' },
          ghp_maintainer: { kind: 'classic', login: 'maintainer', role: 'maintain' },
          github_pat_contents_only: {
            kind: 'fine-grained',
            login: 'dev',
            role: 'admin',
            contents: 'write',
            pullRequests: 'read',
          },
          ghs_app: {
            kind: 'installation',
            login: 'craftista[bot]',
            contents: 'write',
            pullRequests: 'write',
          },
          ghs_app_read: {
            kind: 'installation',
            login: 'reader[bot]',
            contents: 'read',
            pullRequests: 'read',
          },
        },
      });
      seed = await mkdtemp(join(tmpdir(), 'seed-'));
      await mkdir(join(seed, 'env'), { recursive: true });
      await writeFile(join(seed, 'env', 'values.yaml'), 'tag: 1.0.0\n');
      await server.createRepo('acme/gitops', seed);
    });
    afterAll(() => server.close());

    it('runs the git-data flow on a real bare repository and answers like GitHub', async () => {
      const gh = createOctokit({ token: 'w', baseUrl: server.apiUrl, log: quiet, writeIntervalMs: 0 });
      const o = { owner: 'acme', repo: 'gitops' };
      const main = await gh.rest.git.getRef({ ...o, ref: 'heads/main' });
      const base = await gh.rest.git
        .getCommit({ ...o, commit_sha: main.data.object.sha })
        .catch((e: { status: number }) => e);
      // get-commit is not routed: the server says so instead of inventing an answer
      expect((base as { status: number }).status).toBe(404);
      expect(server.violations).toEqual([
        'unrouted request GET /repos/acme/gitops/git/commits/' + main.data.object.sha,
      ]);
      server.violations.length = 0;

      const { tree: baseTree } = await server.repo('acme/gitops').git.readCommit(main.data.object.sha);
      // a commit sha is not a tree: GitHub refuses it as base_tree
      await expect(
        gh.rest.git.createTree({ ...o, base_tree: main.data.object.sha, tree: [] }),
      ).rejects.toMatchObject({ status: 422 });
      const tree = await gh.rest.git.createTree({
        ...o,
        base_tree: baseTree,
        tree: [{ path: 'env/values.yaml', mode: '100644', type: 'blob', content: 'tag: 1.1.0\n' }],
      });
      const commit = await gh.rest.git.createCommit({
        ...o,
        message: 'bump',
        tree: tree.data.sha,
        parents: [main.data.object.sha],
      });
      await gh.rest.git.createRef({ ...o, ref: 'refs/heads/bump', sha: commit.data.sha });
      await expect(
        gh.rest.git.createRef({ ...o, ref: 'refs/heads/bump', sha: commit.data.sha }),
      ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/Reference already exists/) });
      // moving a ref backwards is not a fast forward unless forced
      await expect(
        gh.rest.git.updateRef({ ...o, ref: 'heads/bump', sha: main.data.object.sha }),
      ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/not a fast forward/) });
      await gh.rest.git.updateRef({ ...o, ref: 'heads/bump', sha: main.data.object.sha, force: true });
      await gh.rest.git.updateRef({ ...o, ref: 'heads/bump', sha: commit.data.sha });

      const pr = await gh.rest.pulls.create({ ...o, title: 't', head: 'bump', base: 'main', body: 'b' });
      expect(pr.data.html_url).toBe(`${server.serverUrl}/acme/gitops/pull/${pr.data.number}`);
      await expect(
        gh.rest.pulls.create({ ...o, title: 't', head: 'bump', base: 'main' }),
      ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/already exists/) });
      const list = await gh.rest.pulls.list({ ...o, head: 'acme:bump', state: 'open' });
      expect(list.data.map((p) => p.number)).toEqual([pr.data.number]);
      const labels = await gh.rest.issues.addLabels({
        ...o,
        issue_number: pr.data.number,
        labels: ['gitops'],
      });
      expect(labels.data.map((l) => l.name)).toEqual(['gitops']);

      // the result is in git itself
      const git = server.repo('acme/gitops').git;
      expect(await git.git(['show', 'bump:env/values.yaml'])).toBe('tag: 1.1.0\n');
      expect((await git.git(['rev-list', '--count', 'bump'])).trim()).toBe('2');
      expect(await git.git(['show', 'main:env/values.yaml'])).toBe('tag: 1.0.0\n');
      expect(server.violations).toEqual([]);
      if (process.env['GH_SERVER_TIMINGS'])
        console.log(server.calls.map((c) => `${c.ms}ms ${c.method} ${c.operation} ${c.status}`).join('\n'));
    });

    it('answers GraphQL at the GitHub (or GHES) address and validates documents against the schema', async () => {
      const gh = createOctokit({ token: 'w', baseUrl: server.apiUrl, log: quiet, writeIntervalMs: 0 });
      const r = await gh.graphql<{
        repository: {
          viewerPermission: string;
          ref: { target: { oid: string; file: { object: { text: string } } } };
        };
      }>(
        'query q($o: String!, $n: String!) { repository(owner: $o, name: $n) { viewerPermission ref(qualifiedName: "refs/heads/main") { target { oid ... on Commit { file(path: "env/values.yaml") { object { ... on Blob { text } } } } } } } }',
        { o: 'acme', n: 'gitops' },
      );
      expect(r.repository.viewerPermission).toBe('WRITE');
      expect(r.repository.ref.target.file.object.text).toBe('tag: 1.0.0\n');
      expect(server.calls.at(-1)!.path).toBe('/graphql');
      await expect(
        gh.graphql('query { repository(owner: "acme", name: "gitops") { noSuchField } }'),
      ).rejects.toThrow(/noSuchField/);
      expect(server.violations.splice(0)).toHaveLength(1);
    });

    it('answers each token kind as GitHub does: a user role for PATs, none for an App installation', async () => {
      const client = (token: string) =>
        createOctokit({ token, baseUrl: server.apiUrl, log: quiet, writeIntervalMs: 0, retries: 0 });
      const o = { owner: 'acme', repo: 'gitops' };
      const viewer = async (token: string) =>
        (
          await client(token).graphql<{ repository: { viewerPermission: string | null } }>(
            'query v { repository(owner: "acme", name: "gitops") { viewerPermission } }',
          )
        ).repository.viewerPermission;
      expect(await viewer('ghp_maintainer')).toBe('MAINTAIN');
      expect(await viewer('r')).toBe('READ');
      // a fine-grained PAT shows its user's role, whatever the token itself was granted
      expect(await viewer('github_pat_contents_only')).toBe('ADMIN');
      expect(await viewer('ghs_app')).toBeNull();

      const repo = async (token: string) => (await client(token).rest.repos.get(o)).data;
      expect((await repo('ghp_maintainer')).permissions).toEqual({
        admin: false,
        maintain: true,
        push: true,
        triage: true,
        pull: true,
      });
      expect((await repo('r')).permissions?.push).toBe(false);
      const app = await repo('ghs_app');
      expect(app.full_name).toBe('acme/gitops');
      expect(app).not.toHaveProperty('permissions');

      // writes are decided by the token's grants (fine-grained, App) and by the user's role (PATs)
      const tree = (token: string) =>
        client(token).rest.git.createTree({ ...o, tree: [{ path: 'a', mode: '100644', content: 'a' }] });
      await expect(tree('github_pat_contents_only')).resolves.toMatchObject({ status: 201 });
      await expect(tree('ghs_app')).resolves.toMatchObject({ status: 201 });
      await expect(tree('ghs_app_read')).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(/^Resource not accessible by integration/),
      });
      await expect(tree('r')).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(/^Must have push access to repository/),
      });
      await expect(
        client('github_pat_contents_only').rest.pulls.create({
          ...o,
          title: 't',
          head: 'bump',
          base: 'main',
        }),
      ).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(/^Resource not accessible by personal access token/),
      });
      expect(server.violations).toEqual([]);
    });

    it('refuses without a token, with a bad one, and writes with a read-only one', async () => {
      const res = await fetch(`${server.apiUrl}/repos/acme/gitops/pulls`);
      expect(res.status).toBe(401);
      await expect(
        createOctokit({ token: 'nope', baseUrl: server.apiUrl, log: quiet }).rest.pulls.list({
          owner: 'acme',
          repo: 'gitops',
        }),
      ).rejects.toMatchObject({ status: 401 });
      const reader = createOctokit({ token: 'r', baseUrl: server.apiUrl, log: quiet, writeIntervalMs: 0 });
      await expect(
        reader.rest.git.createRef({
          owner: 'acme',
          repo: 'gitops',
          ref: 'refs/heads/x',
          sha: '0'.repeat(40),
        }),
      ).rejects.toMatchObject({ status: 403 });
      expect(server.violations).toEqual([]);
    });
  });
}
