// Change image pins in the GitOps repository through a pull request, by API only (no clone):
//   1 GraphQL read  — base and branch heads, the target files on both, the open PR, the token user's role (state.ts)
//   3 REST writes   — git tree (inline contents) → git commit → create or fast-forward the branch ref
//   1–2 PR calls    — create the PR (+ labels) or update the existing one (pull-request.ts)
// The ref write is the compare-and-swap: creating a ref fails if it exists, and a non-forced update
// fails unless it fast-forwards from the head we read. On either, everything is re-read and redone,
// at most maxAttempts times with jittered backoff. Nothing is written when the branch (or the base)
// already holds the wanted images.
import {
  GitOpsError,
  REQUIRED_PERMISSIONS,
  isStatus,
  refusalsExplained,
  splitRepository,
  type GitHubApi,
} from './client.js';
import { setImage, type EditResult } from './image-edit.js';
import type { ImageRef } from './image-ref.js';
import {
  openPullRequest,
  updatePullRequest,
  type PullRequestInfo,
  type PullRequestOptions,
} from './pull-request.js';
import { fileAt, readState, repositoryOf, type FileState } from './state.js';
import type { FileTarget } from './targets.js';

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

const WRITE_PERMISSIONS = new Set(['WRITE', 'MAINTAIN', 'ADMIN']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(api, plan, { owner, repo, paths, attempt, log });
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
    attempt: number;
    log: (m: string) => void;
  },
): Promise<Attempt | 'conflict'> {
  const { owner, repo, paths } = ctx;
  const state = await readState(api, plan.repository, { base: plan.base, head: plan.branch }, paths);
  const repository = repositoryOf(state, plan.repository);
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
    await updatePullRequest(api, plan, owner, repo, pull.number, outcomes);
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
