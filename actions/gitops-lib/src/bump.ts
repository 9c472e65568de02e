// Change image pins in the GitOps repository through a pull request, by API only (no clone):
//   1 GraphQL read  — base and branch heads, the target files on both, the open PR, the token user's role
//   3 REST writes   — git tree (inline contents) → git commit → create or fast-forward the branch ref
//   1–2 PR calls    — create the PR (+ labels) or update the existing one
// The ref write is the compare-and-swap: creating a ref fails if it exists, and a non-forced update
// fails unless it fast-forwards from the head we read. On either, everything is re-read and redone,
// at most maxAttempts times with jittered backoff. Nothing is written when the branch (or the base)
// already holds the wanted images.
import { setImage, readImage, type EditResult, type ImageRef, type ImageTarget } from './yaml-edit.js';

/** The slice of Octokit used here: `request` (REST) and `graphql`. */
export interface GitHubApi {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export interface FileTarget {
  path: string;
  target: ImageTarget;
}

export interface ServiceChange {
  service: string;
  files: FileTarget[];
  image: ImageRef;
}

export interface FileOutcome {
  service: string;
  path: string;
  before: ImageRef;
  after: ImageRef;
  changed: boolean;
}

export interface PullRequestInfo {
  number: number;
  url: string;
}

export interface PullRequestOptions {
  title: string;
  /** Renders the body from the per-file outcomes (old → new). */
  body: (outcomes: FileOutcome[]) => string;
  labels?: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  draft?: boolean;
  /** Enable GitHub auto-merge with this method once the PR exists. */
  autoMerge?: 'MERGE' | 'SQUASH' | 'REBASE';
}

export interface BumpPlan {
  repository: string; // owner/name
  base: string; // base branch, e.g. main
  branch: string; // work branch, e.g. craftista/dev/frontend
  changes: ServiceChange[];
  commitMessage: string;
  pullRequest: PullRequestOptions;
  allowDowngrade?: boolean;
  maxAttempts?: number;
  /** Base of the jittered backoff between attempts, in ms. */
  backoffMs?: number;
  log?: (message: string) => void;
}

export type Operation = 'created' | 'updated' | 'none';

export interface BumpResult {
  operation: Operation;
  branch: string;
  pullRequest?: PullRequestInfo;
  commit?: string;
  changedFiles: string[];
  outcomes: FileOutcome[];
  attempts: number;
}

export class GitOpsError extends Error {
  override name = 'GitOpsError';
}

interface FileState {
  mode: number;
  text: string | null;
}
interface CommitState {
  oid: string;
  tree: { oid: string };
  history?: { nodes: { oid: string }[] };
  [alias: string]: unknown;
}
interface OpenPull {
  number: number;
  url: string;
  id: string;
  title: string;
  body: string;
  headRepository: { nameWithOwner: string } | null;
}
interface ReadResult {
  repository: {
    viewerPermission: string | null;
    base: { target: CommitState | null } | null;
    head: { target: CommitState | null } | null;
    pullRequests: { nodes: OpenPull[] };
  } | null;
}

const WRITE_PERMISSIONS = new Set(['WRITE', 'MAINTAIN', 'ADMIN']);

/** The repository permissions a bump needs, as GitHub names them for Apps and fine-grained tokens. */
export const REQUIRED_PERMISSIONS = 'contents: write and pull-requests: write';

function isRateLimit(err: { status?: number; message?: string; response?: { headers?: object } }): boolean {
  const headers = (err.response?.headers ?? {}) as Record<string, unknown>;
  return (
    err.status === 429 ||
    String(headers['x-ratelimit-remaining']) === '0' ||
    /rate limit/i.test(err.message ?? '')
  );
}

/**
 * A GitHub refusal (403, or GraphQL's "not accessible") of a call, as a sentence naming the permission to grant.
 * An App installation token has no user role to check beforehand (viewerPermission is null), so its first
 * refused call is where a missing permission shows; fine-grained tokens likewise carry their own grants.
 */
export function explainRefusal(err: unknown, call: string, repository: string): unknown {
  const e = err as { status?: number; message?: string; response?: { headers?: object } };
  const message = e?.message ?? '';
  const refused =
    (e?.status === 403 && !isRateLimit(e)) ||
    (e?.status === undefined && /not accessible by (integration|personal access token)/i.test(message));
  if (!refused) return err;
  const needs = /\/(pulls|issues)\b|PullRequest/.test(call) ? 'pull-requests: write' : 'contents: write';
  const holder = /by integration/i.test(message)
    ? 'the GitHub App installation token (grant the App these repository permissions, accept them on the installation, and let actions/create-github-app-token request them)'
    : /personal access token/i.test(message)
      ? 'the fine-grained personal access token'
      : 'the token (its user needs write access; a fine-grained token or App needs the permissions)';
  return new GitOpsError(
    `GitHub refused ${call} on ${repository} (403: ${message.replace(/ - https:\S+$/, '')}); this call needs ${needs}, and a bump needs ${REQUIRED_PERMISSIONS} for ${holder}`,
  );
}

/** The API with every refusal explained (see explainRefusal). */
function refusalsExplained(api: GitHubApi, repository: string): GitHubApi {
  return {
    request: (route, params) =>
      api.request(route, params).catch((err: unknown) => {
        throw explainRefusal(err, route, repository);
      }),
    graphql: <T>(query: string, variables?: Record<string, unknown>) =>
      api.graphql<T>(query, variables).catch((err: unknown) => {
        throw explainRefusal(
          err,
          `GraphQL ${/^\s*(query|mutation)\s+(\w+)/.exec(query)?.[2] ?? 'call'}`,
          repository,
        );
      }),
  };
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m) throw new GitOpsError(`"${repository}" is not an owner/name repository`);
  return { owner: m[1]!, repo: m[2]! };
}

/** The one GraphQL read: both heads, every target file on both, the open PR of the branch, our permission. */
export function readQuery(paths: string[]): string {
  const vars = paths.map((_, i) => `, $p${i}: String!`).join('');
  const files = paths
    .map((_, i) => ` f${i}: file(path: $p${i}) { mode object { ... on Blob { text } } }`)
    .join('');
  return `query craftistaGitopsState($owner: String!, $name: String!, $base: String!, $head: String!, $headName: String!${vars}) {
  repository(owner: $owner, name: $name) {
    viewerPermission
    base: ref(qualifiedName: $base) { target { ...State } }
    head: ref(qualifiedName: $head) { target { ...State ... on Commit { history(first: 100) { nodes { oid } } } } }
    pullRequests(headRefName: $headName, states: [OPEN], first: 5) { nodes { number url id title body headRepository { nameWithOwner } } }
  }
}
fragment State on Commit { oid tree { oid }${files} }`;
}

function fileAt(commit: CommitState, i: number): FileState | null {
  const entry = commit[`f${i}`] as { mode: number; object: { text?: string | null } | null } | null;
  if (!entry) return null;
  return { mode: entry.mode, text: entry.object?.text ?? null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isStatus(err: unknown, status: number, message?: RegExp): boolean {
  const e = err as { status?: number; message?: string };
  return e?.status === status && (message === undefined || message.test(e.message ?? ''));
}

interface Attempt {
  kind: 'done';
  result: BumpResult;
}

export async function applyBump(github: GitHubApi, plan: BumpPlan): Promise<BumpResult> {
  const { owner, repo } = splitRepository(plan.repository);
  const api = refusalsExplained(github, plan.repository);
  const log = plan.log ?? (() => {});
  const maxAttempts = plan.maxAttempts ?? 5;
  const backoff = plan.backoffMs ?? 300;
  const paths = [...new Set(plan.changes.flatMap((c) => c.files.map((f) => f.path)))];
  if (paths.length === 0)
    throw new GitOpsError('nothing to bump: no GitOps file is configured for the selected services');
  const query = readQuery(paths);
  const variables: Record<string, unknown> = {
    owner,
    name: repo,
    base: `refs/heads/${plan.base}`,
    head: `refs/heads/${plan.branch}`,
    headName: plan.branch,
  };
  paths.forEach((p, i) => (variables[`p${i}`] = p));

  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(api, plan, { owner, repo, paths, query, variables, attempt, log });
    if (outcome !== 'conflict') return outcome.result;
    if (attempt >= maxAttempts)
      throw new GitOpsError(
        `${plan.branch} kept moving under us: gave up after ${maxAttempts} attempts (another writer is racing on the same branch)`,
      );
    const wait = Math.round(backoff * 2 ** (attempt - 1) * (0.5 + Math.random()));
    log(`${plan.branch} moved while writing (attempt ${attempt}); retrying in ${wait} ms`);
    await sleep(wait);
  }
}

async function attemptOnce(
  api: GitHubApi,
  plan: BumpPlan,
  ctx: {
    owner: string;
    repo: string;
    paths: string[];
    query: string;
    variables: Record<string, unknown>;
    attempt: number;
    log: (m: string) => void;
  },
): Promise<Attempt | 'conflict'> {
  const { owner, repo, paths } = ctx;
  const state = await api.graphql<ReadResult>(ctx.query, ctx.variables);
  const repository = state.repository;
  if (!repository)
    throw new GitOpsError(`repository ${plan.repository} not found, or the token cannot see it`);
  // viewerPermission is the role of the token's user. An App installation token has no user: GitHub answers null,
  // and whether the App may write shows only when it writes (a 403, explained by explainRefusal).
  const role = repository.viewerPermission;
  if (role !== null && !WRITE_PERMISSIONS.has(role))
    throw new GitOpsError(
      `the token's user has ${role} permission on ${plan.repository}; it needs write access (${REQUIRED_PERMISSIONS})`,
    );
  const base = repository.base?.target;
  if (!base) throw new GitOpsError(`base branch ${plan.base} not found in ${plan.repository}`);
  const head = repository.head?.target ?? null;
  const pull = repository.pullRequests.nodes.find(
    (p) => p.headRepository?.nameWithOwner.toLowerCase() === plan.repository.toLowerCase(),
  );

  // Build on the branch when it is live (an open PR, or it already contains the base head — e.g. another
  // bump created it a moment ago); otherwise start again from the base and reset the stale branch.
  const onBranch =
    head !== null && (pull !== undefined || head.history?.nodes.some((n) => n.oid === base.oid) === true);
  const parent = onBranch ? head : base;
  const refWrite: 'create' | 'update' | 'reset' = head === null ? 'create' : onBranch ? 'update' : 'reset';

  const texts = new Map<string, FileState>();
  paths.forEach((p, i) => {
    const f = fileAt(parent, i);
    if (!f || f.text === null)
      throw new GitOpsError(
        `${p} not found (or not a text file) on ${onBranch ? plan.branch : plan.base} in ${plan.repository}`,
      );
    texts.set(p, f);
  });

  const outcomes: FileOutcome[] = [];
  const edited = new Map<string, string>();
  for (const change of plan.changes) {
    for (const file of change.files) {
      const current = edited.get(file.path) ?? texts.get(file.path)!.text!;
      const result: EditResult = setImage(current, file.target, change.image, {
        ...(plan.allowDowngrade !== undefined ? { allowDowngrade: plan.allowDowngrade } : {}),
        file: file.path,
      });
      outcomes.push({
        service: change.service,
        path: file.path,
        before: result.before,
        after: result.after,
        changed: result.changes.length > 0,
      });
      edited.set(file.path, result.output);
    }
  }
  const changedFiles = paths.filter((p) => edited.has(p) && edited.get(p) !== texts.get(p)!.text);

  if (changedFiles.length === 0) {
    if (onBranch && pull) return done('none', { number: pull.number, url: pull.url });
    if (!onBranch) {
      // The base already pins these images: nothing to propose.
      return done('none');
    }
    // The branch holds the change but its PR is gone (closed, or creation failed last time): open one.
    const created = await openPullRequest(api, plan, owner, repo, outcomes, ctx.log);
    return done('created', created);
  }

  // Writes: tree (contents inline) → commit → ref (the compare-and-swap).
  const tree = (
    await api.request('POST /repos/{owner}/{repo}/git/trees', {
      owner,
      repo,
      base_tree: parent.tree.oid,
      tree: changedFiles.map((p) => ({
        path: p,
        mode: texts.get(p)!.mode.toString(8),
        type: 'blob',
        content: edited.get(p)!,
      })),
    })
  ).data as { sha: string };
  const commit = (
    await api.request('POST /repos/{owner}/{repo}/git/commits', {
      owner,
      repo,
      message: plan.commitMessage,
      tree: tree.sha,
      parents: [parent.oid],
    })
  ).data as { sha: string };
  try {
    if (refWrite === 'create') {
      await api.request('POST /repos/{owner}/{repo}/git/refs', {
        owner,
        repo,
        ref: `refs/heads/${plan.branch}`,
        sha: commit.sha,
      });
    } else {
      await api.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        owner,
        repo,
        ref: `heads/${plan.branch}`,
        sha: commit.sha,
        force: refWrite === 'reset',
      });
    }
  } catch (err) {
    if (isStatus(err, 422, /already exists|not a fast forward/i)) return 'conflict';
    throw err;
  }
  ctx.log(
    `${refWrite === 'create' ? 'created' : refWrite === 'reset' ? 'reset' : 'advanced'} ${plan.branch} at ${commit.sha.slice(0, 7)} (${changedFiles.join(', ')})`,
  );

  if (pull) {
    await api.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: pull.number,
      title: plan.pullRequest.title,
      body: plan.pullRequest.body(outcomes),
    });
    return done('updated', { number: pull.number, url: pull.url }, commit.sha);
  }
  const created = await openPullRequest(api, plan, owner, repo, outcomes, ctx.log);
  return done(created.existed ? 'updated' : 'created', created, commit.sha);

  function done(operation: Operation, pr?: PullRequestInfo, sha?: string): Attempt {
    return {
      kind: 'done',
      result: {
        operation,
        branch: plan.branch,
        ...(pr ? { pullRequest: { number: pr.number, url: pr.url } } : {}),
        ...(sha ? { commit: sha } : {}),
        changedFiles: operation === 'none' ? [] : changedFiles,
        outcomes,
        attempts: ctx.attempt,
      },
    };
  }
}

async function openPullRequest(
  api: GitHubApi,
  plan: BumpPlan,
  owner: string,
  repo: string,
  outcomes: FileOutcome[],
  log: (m: string) => void,
): Promise<PullRequestInfo & { existed: boolean }> {
  const pr = plan.pullRequest;
  let data: { number: number; html_url: string; node_id: string };
  try {
    data = (
      await api.request('POST /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        title: pr.title,
        head: plan.branch,
        base: plan.base,
        body: pr.body(outcomes),
        draft: pr.draft ?? false,
        maintainer_can_modify: true,
      })
    ).data as typeof data;
  } catch (err) {
    // A racing bump of the same branch opened it between our read and now: update that one instead.
    if (!isStatus(err, 422, /already exists/i)) throw err;
    const list = (
      await api.request('GET /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        head: `${owner}:${plan.branch}`,
        state: 'open',
      })
    ).data as {
      number: number;
      html_url: string;
    }[];
    const existing = list[0];
    if (!existing) throw err;
    await api.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: existing.number,
      body: pr.body(outcomes),
    });
    return { number: existing.number, url: existing.html_url, existed: true };
  }
  log(`opened pull request #${data.number}: ${data.html_url}`);
  if (pr.labels?.length)
    await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner,
      repo,
      issue_number: data.number,
      labels: pr.labels,
    });
  if (pr.reviewers?.length || pr.teamReviewers?.length)
    await api.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
      owner,
      repo,
      pull_number: data.number,
      reviewers: pr.reviewers ?? [],
      team_reviewers: pr.teamReviewers ?? [],
    });
  if (pr.autoMerge)
    await api.graphql(
      'mutation craftistaAutoMerge($id: ID!, $method: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $method }) { pullRequest { number } } }',
      { id: data.node_id, method: pr.autoMerge },
    );
  return { number: data.number, url: data.html_url, existed: false };
}

/** Read the image each target file pins on a branch (promote uses this for the source environment). */
export async function readImages(
  api: GitHubApi,
  repository: string,
  branch: string,
  files: FileTarget[],
): Promise<ImageRef[]> {
  const { owner, repo } = splitRepository(repository);
  const paths = [...new Set(files.map((f) => f.path))];
  const variables: Record<string, unknown> = {
    owner,
    name: repo,
    base: `refs/heads/${branch}`,
    head: `refs/heads/${branch}`,
    headName: branch,
  };
  paths.forEach((p, i) => (variables[`p${i}`] = p));
  const state = await api.graphql<ReadResult>(readQuery(paths), variables);
  const target = state.repository?.base?.target;
  if (!target)
    throw new GitOpsError(`branch ${branch} not found in ${repository}, or the token cannot see it`);
  return files.map((f) => {
    const file = fileAt(target, paths.indexOf(f.path));
    if (!file || file.text === null)
      throw new GitOpsError(`${f.path} not found on ${branch} in ${repository}`);
    return readImage(file.text, f.target, f.path);
  });
}
