// The pull request side of a bump: open one (labels, reviewers, auto-merge) or take over the one a racing
// bump opened, and update an open one's title and body.
import { isStatus, type GitHubApi } from './client.js';
import type { BumpPlan, FileOutcome } from './bump.js';

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

export async function openPullRequest(
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

/** Gives an open pull request the plan's title and a body for these outcomes. */
export async function updatePullRequest(
  api: GitHubApi,
  plan: BumpPlan,
  owner: string,
  repo: string,
  pullNumber: number,
  outcomes: FileOutcome[],
): Promise<void> {
  await api.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner,
    repo,
    pull_number: pullNumber,
    title: plan.pullRequest.title,
    body: plan.pullRequest.body(outcomes),
  });
}
