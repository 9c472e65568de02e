// GitHub web and API addresses from the runner's environment, so GitHub Enterprise Server works:
// nothing else in the actions spells out github.com.
export type Env = Record<string, string | undefined>;

const DEFAULT_SERVER_URL = 'https://github.com';
const DEFAULT_API_URL = 'https://api.github.com';

const stripSlash = (url: string): string => url.replace(/\/+$/, '');
const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

/** Web address of the GitHub instance (GITHUB_SERVER_URL). */
export function serverUrl(env: Env = process.env): string {
  return stripSlash(nonEmpty(env['GITHUB_SERVER_URL']) ?? DEFAULT_SERVER_URL);
}

/** REST API base (GITHUB_API_URL; on GHES it is <server>/api/v3). */
export function apiUrl(env: Env = process.env): string {
  return stripSlash(nonEmpty(env['GITHUB_API_URL']) ?? DEFAULT_API_URL);
}

/** GraphQL endpoint (GITHUB_GRAPHQL_URL). */
export function graphqlUrl(env: Env = process.env): string {
  return stripSlash(nonEmpty(env['GITHUB_GRAPHQL_URL']) ?? `${apiUrl(env)}/graphql`);
}

// Path segments are encoded, but "/" in a ref (feature/x) stays readable, as GitHub itself links them.
const ref = (value: string): string => encodeURIComponent(value).replace(/%2F/gi, '/');

function checkRepository(repository: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new Error(`"${repository}" is not an owner/name repository`);
  }
  return repository;
}

export function repositoryUrl(repository: string, env: Env = process.env): string {
  return `${serverUrl(env)}/${checkRepository(repository)}`;
}

export function commitUrl(repository: string, sha: string, env: Env = process.env): string {
  return `${repositoryUrl(repository, env)}/commit/${ref(sha)}`;
}

export function compareUrl(repository: string, base: string, head: string, env: Env = process.env): string {
  return `${repositoryUrl(repository, env)}/compare/${ref(base)}...${ref(head)}`;
}

export function pullRequestUrl(repository: string, number: number, env: Env = process.env): string {
  return `${repositoryUrl(repository, env)}/pull/${number}`;
}

export interface RunRef {
  repository: string;
  runId: string | number;
  /** Links to a given attempt when above 1. */
  runAttempt?: string | number;
}

export function runUrl(run: RunRef, env: Env = process.env): string {
  const base = `${repositoryUrl(run.repository, env)}/actions/runs/${encodeURIComponent(String(run.runId))}`;
  const attempt = Number(run.runAttempt ?? 1);
  return attempt > 1 ? `${base}/attempts/${attempt}` : base;
}

/** The current workflow run's address, from GITHUB_REPOSITORY, GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT. */
export function currentRunUrl(env: Env = process.env): string | undefined {
  const repository = nonEmpty(env['GITHUB_REPOSITORY']);
  const runId = nonEmpty(env['GITHUB_RUN_ID']);
  if (repository === undefined || runId === undefined) return undefined;
  const runAttempt = nonEmpty(env['GITHUB_RUN_ATTEMPT']);
  return runUrl(runAttempt === undefined ? { repository, runId } : { repository, runId, runAttempt }, env);
}
