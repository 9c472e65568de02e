// Shared by the API tests: a GitHub-shaped server holding a fresh copy of the GitOps template
// (deploy/gitops) as craftista/craftista-gitops, the action run through recordingIO, and real kustomize.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { recordingIO, type RecordingIO } from '@craftista/actions-shared';
import { GitHubServer, type TokenInfo } from '@craftista/github-server';
import { findTool } from '@craftista/testkit';

export const exec = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TEMPLATE = join(ROOT, 'deploy', 'gitops');
export const CONFIG = join(ROOT, 'craftista.services.yaml');
export const GITOPS = 'craftista/craftista-gitops';
/** The token kinds the workflows meet, as the server answers them (see @craftista/github-server tokens.ts). */
export const TOKENS: Record<string, TokenInfo> = {
  // what images.yml and promote.yml pass: an App installation token (actions/create-github-app-token)
  'app-token': { kind: 'installation', login: 'craftista-bot', contents: 'write', pullRequests: 'write' },
  'app-token-no-pulls': {
    kind: 'installation',
    login: 'craftista-bot',
    contents: 'write',
    pullRequests: 'read',
  },
  'fine-grained-pat': {
    kind: 'fine-grained',
    login: 'maintainer',
    role: 'write',
    contents: 'write',
    pullRequests: 'write',
  },
  'fine-grained-pat-read': {
    kind: 'fine-grained',
    login: 'maintainer',
    role: 'admin',
    contents: 'read',
    pullRequests: 'read',
  },
  'classic-pat': { kind: 'classic', login: 'maintainer', role: 'maintain' },
  'read-token': { kind: 'classic', login: 'reader', role: 'read' },
  'workflow-token': {
    kind: 'installation',
    login: 'github-actions',
    contents: 'write',
    pullRequests: 'write',
  },
};
export const FAST = { writeIntervalMs: 0, retryAfterBaseValue: 50 };

export async function startServer(prefix: '' | '/api/v3' = ''): Promise<GitHubServer> {
  const server = await GitHubServer.start({ prefix, tokens: TOKENS });
  await server.createRepo(GITOPS, TEMPLATE);
  return server;
}

export function actionEnv(server: GitHubServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_SERVER_URL: server.serverUrl,
    GITHUB_API_URL: server.apiUrl,
    GITHUB_GRAPHQL_URL: server.graphqlUrl,
    GITHUB_REPOSITORY: 'craftista/craftista',
    GITHUB_SHA: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
    GITHUB_RUN_ID: '4242',
    ...extra,
  };
}

export function io(
  server: GitHubServer,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): RecordingIO {
  return recordingIO(
    { config: CONFIG, token: 'app-token', 'workflow-token': 'workflow-token', ...inputs },
    actionEnv(server, env),
  );
}

export function git(server: GitHubServer, args: string[]): Promise<string> {
  return server.repo(GITOPS).git.git(args);
}

export const kustomizeBinary = (): string => findTool('kustomize', 'v5.7.1');

/** Render an overlay of a branch of the GitOps repository with the real kustomize. */
export async function renderOverlay(server: GitHubServer, branch: string, overlay: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'render-'));
  try {
    const repo = server.repo(GITOPS).git.dir;
    await exec('sh', ['-c', `git -C "${repo}" archive "${branch}" | tar -x -C "${dir}"`]);
    const { stdout } = await exec(kustomizeBinary(), ['build', join(dir, overlay)], {
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const digestOf = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;
