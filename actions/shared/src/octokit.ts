// One way to build an Octokit for the actions: @actions/github's getOctokit (REST methods, pagination, the
// runner's proxy settings) with GitHub's throttling rules and retries with backoff for transient errors, the base
// URL of the instance the run is on (GHES), and plain-English failures for auth and rate limits.
import { context, getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { apiUrl, type Instance } from './github-urls.js';

/** The REST client (the throttling and retry plugins only add behaviour, not methods we use). */
export type GitHubClient = ReturnType<typeof getOctokit>;

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

export interface OctokitOptions {
  token: string;
  /** Defaults to the API address of `context`. */
  baseUrl?: string;
  /** The run's context (default @actions/github's, from this process's environment). */
  context?: Instance;
  /** Retries of a request hit by a rate limit (primary or secondary). Default 2. */
  rateLimitRetries?: number;
  /** A rate-limit wait longer than this (seconds) is not waited out: the request fails. Default 120. */
  maxRateLimitWaitSeconds?: number;
  /** Retries of 5xx and network errors. Default 3. */
  retries?: number;
  /** Milliseconds per second of retry-after / backoff; tests make it small. Default 1000. */
  retryAfterBaseValue?: number;
  /** Minimum pause between content-creating requests (writes and GraphQL), in ms. GitHub asks for 1000 (the
   *  default); tests that make many writes against a local server make it small. */
  writeIntervalMs?: number;
  log?: Logger;
  userAgent?: string;
  fetch?: typeof fetch;
}

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warning: (m) => console.warn(m),
};

export function createOctokit(options: OctokitOptions): GitHubClient {
  if (options.token.trim() === '') throw new Error('a GitHub token is required (input "github-token")');
  const log = options.log ?? consoleLogger;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWaitSeconds ?? 120;
  const base = options.retryAfterBaseValue ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, req: { method: string; url: string }, _o: unknown, retryCount: number): boolean => {
      const what = `${req.method} ${req.url}`;
      if (retryCount >= rateLimitRetries) {
        log.warning(`GitHub ${kind} rate limit on ${what}: giving up after ${retryCount} retries`);
        return false;
      }
      if (retryAfter > maxWait) {
        log.warning(
          `GitHub ${kind} rate limit on ${what}: reset in ${retryAfter}s exceeds ${maxWait}s, not waiting`,
        );
        return false;
      }
      log.info(`GitHub ${kind} rate limit on ${what}: retrying in ${retryAfter}s (retry ${retryCount + 1})`);
      return true;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl ?? apiUrl(options.context ?? context),
      userAgent: options.userAgent ?? 'craftista-actions',
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log.warning(m),
        error: (m: string) => log.warning(m),
      },
      // Given only to replace @actions/github's proxy-aware fetch (options are merged shallowly).
      ...(options.fetch === undefined ? {} : { request: { fetch: options.fetch } }),
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: base,
        fallbackSecondaryRateRetryAfter: 60,
        ...(options.writeIntervalMs === undefined
          ? {}
          : { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }) }),
      },
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: base },
    },
    throttling,
    retry,
  );
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  request?: { method?: string; url?: string };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/** One sentence for a failed GitHub call, saying what to do about it. */
export function describeGitHubError(err: unknown): string {
  if (!isRequestError(err)) return err instanceof Error ? err.message : String(err);
  const where = err.request?.method !== undefined ? `${err.request.method} ${err.request.url ?? ''}: ` : '';
  const headers = err.response?.headers ?? {};
  if (err.status === 401) {
    return `${where}GitHub rejected the token (401 Bad credentials): check the token input and that it has not expired`;
  }
  const limited =
    String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(err.message) || err.status === 429;
  if ((err.status === 403 || err.status === 429) && limited) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
    return `${where}GitHub rate limit exceeded (${err.status})${when}: ${err.message}`;
  }
  if (err.status === 403) {
    return `${where}the token lacks permission (403): ${err.message}; grant it in the workflow's permissions block`;
  }
  if (err.status === 404) {
    return `${where}not found (404): the repository or ref does not exist, or the token cannot see it`;
  }
  return `${where}GitHub answered ${err.status}: ${err.message}`;
}
