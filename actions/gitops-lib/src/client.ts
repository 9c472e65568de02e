// The GitOps repository's API: the slice of Octokit used (REST `request` and `graphql`), built for a run with the
// token and the action's log; GitHub refusals turned into sentences naming the permission to grant, and any
// failure of a bump or promotion into one error message.
import {
  createOctokit,
  describeGitHubError,
  type ActionIO,
  type OctokitOptions,
} from '@craftista/actions-shared';
import { YamlEditError } from './yaml-scalar.js';

/** The slice of Octokit used here: `request` (REST) and `graphql`. */
export interface GitHubApi {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export class GitOpsError extends Error {
  override name = 'GitOpsError';
}

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
export function refusalsExplained(api: GitHubApi, repository: string): GitHubApi {
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

export function isStatus(err: unknown, status: number, message?: RegExp): boolean {
  const e = err as { status?: number; message?: string };
  return e?.status === status && (message === undefined || message.test(e.message ?? ''));
}

/** The GitOps repository's API for this run: Octokit with the token, logging to the action's log. */
export function gitOpsApi(io: ActionIO, token: string, options: Partial<OctokitOptions> = {}): GitHubApi {
  return createOctokit({
    token,
    context: io.context,
    log: { info: io.info, warning: io.warning },
    ...options,
  }) as unknown as GitHubApi;
}

/** Our own errors already say what went wrong; anything else is a GitHub API error to describe. */
export function explainFailure(err: unknown, ...ours: (abstract new (...args: never[]) => Error)[]): Error {
  if (err instanceof YamlEditError || err instanceof GitOpsError || ours.some((kind) => err instanceof kind))
    return err as Error;
  return new Error(describeGitHubError(err));
}
