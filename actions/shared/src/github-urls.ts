// Web and API addresses of the GitHub instance the run is on, from @actions/github's context (GITHUB_SERVER_URL,
// GITHUB_API_URL, GITHUB_GRAPHQL_URL on GitHub Enterprise Server): nothing else in the actions spells out
// github.com. (Octokit derives the GraphQL endpoint from the API address.)
import { currentRepository, type GitHubContext } from './github-context.js';

export { contextOf, currentRepository, type Env, type GitHubContext } from './github-context.js';

/** The part of the context that addresses depend on. */
export type Instance = Pick<GitHubContext, 'serverUrl' | 'apiUrl'>;

// The context keeps a variable set to '' as ''; that means unset here, as it does on a runner.
const orDefault = (value: string | undefined, fallback: string): string =>
  value !== undefined && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : fallback;

/** Web address of the GitHub instance. */
export function serverUrl(at: Instance): string {
  return orDefault(at.serverUrl, 'https://github.com');
}

/** REST API base (on GHES it is <server>/api/v3). */
export function apiUrl(at: Instance): string {
  return orDefault(at.apiUrl, 'https://api.github.com');
}

// Path segments are encoded, but "/" in a ref (feature/x) stays readable, as GitHub itself links them.
const ref = (value: string): string => encodeURIComponent(value).replace(/%2F/gi, '/');

function checkRepository(repository: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new Error(`"${repository}" is not an owner/name repository`);
  }
  return repository;
}

export function repositoryUrl(repository: string, at: Instance): string {
  return `${serverUrl(at)}/${checkRepository(repository)}`;
}

export function commitUrl(repository: string, sha: string, at: Instance): string {
  return `${repositoryUrl(repository, at)}/commit/${ref(sha)}`;
}

export function compareUrl(repository: string, base: string, head: string, at: Instance): string {
  return `${repositoryUrl(repository, at)}/compare/${ref(base)}...${ref(head)}`;
}

export function pullRequestUrl(repository: string, number: number, at: Instance): string {
  return `${repositoryUrl(repository, at)}/pull/${number}`;
}

export interface RunRef {
  repository: string;
  runId: string | number;
  /** Links to a given attempt when above 1. */
  runAttempt?: string | number;
}

export function runUrl(run: RunRef, at: Instance): string {
  const base = `${repositoryUrl(run.repository, at)}/actions/runs/${encodeURIComponent(String(run.runId))}`;
  const attempt = Number(run.runAttempt ?? 1);
  return attempt > 1 ? `${base}/attempts/${attempt}` : base;
}

/** The current workflow run's address, or undefined outside a run (no repository or run id). */
export function currentRunUrl(context: GitHubContext): string | undefined {
  const repository = currentRepository(context);
  if (repository === undefined || !Number.isInteger(context.runId)) return undefined;
  return runUrl(
    Number.isInteger(context.runAttempt)
      ? { repository, runId: context.runId, runAttempt: context.runAttempt }
      : { repository, runId: context.runId },
    context,
  );
}
