import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contextOf, createOctokit, describeGitHubError } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  at: number;
}

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];

const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      auth: req.headers.authorization,
      at: Date.now(),
    });
    handler(req, res, seen.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

const warnings: string[] = [];
const log = { info: (m: string) => warnings.push(m), warning: (m: string) => warnings.push(m) };

describe('createOctokit', () => {
  it('uses GITHUB_API_URL as base (GHES) and sends the token', async () => {
    handler = (_req, res) => json(res, 200, { full_name: 'acme/app' });
    const octokit = createOctokit({
      token: 't0k',
      context: contextOf({ GITHUB_API_URL: `${base}/api/v3` }),
      log,
    });
    const { data } = await octokit.rest.repos.get({ owner: 'acme', repo: 'app' });
    expect(data.full_name).toBe('acme/app');
    expect(seen).toEqual([
      expect.objectContaining({ method: 'GET', url: '/api/v3/repos/acme/app', auth: 'token t0k' }),
    ]);
  });

  it('waits out a secondary rate limit for the retry-after it was given, then succeeds', async () => {
    handler = (_req, res, n) =>
      n === 1
        ? json(res, 403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '3' })
        : json(res, 200, { full_name: 'acme/app' });
    const octokit = createOctokit({ token: 't', baseUrl: base, retryAfterBaseValue: 40, log });
    await octokit.rest.repos.get({ owner: 'acme', repo: 'app' });
    expect(seen).toHaveLength(2);
    const waited = seen[1]!.at - seen[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(110); // 3 "seconds" of 40 ms
    expect(waited).toBeLessThan(2000);
  });

  it('does not wait for a primary rate limit that resets in an hour and explains the failure', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    handler = (_req, res) =>
      json(
        res,
        403,
        { message: 'API rate limit exceeded for installation.' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        },
      );
    const octokit = createOctokit({ token: 't', baseUrl: base, retryAfterBaseValue: 1, log });
    const err = await octokit.rest.repos.get({ owner: 'acme', repo: 'app' }).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(describeGitHubError(err)).toMatch(
      new RegExp(`rate limit exceeded \\(403\\); it resets at ${new Date(reset * 1000).toISOString()}`),
    );
    expect(warnings.at(-1)).toMatch(/exceeds 120s, not waiting/);
  });

  it('stops at once on 401 without retrying', async () => {
    handler = (_req, res) => json(res, 401, { message: 'Bad credentials' });
    const octokit = createOctokit({ token: 'expired', baseUrl: base, retryAfterBaseValue: 1, log });
    const err = await octokit.rest.repos.get({ owner: 'acme', repo: 'app' }).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(describeGitHubError(err)).toMatch(/GET .*\/repos\/acme\/app: GitHub rejected the token \(401/);
  });

  it('retries a 502 with backoff and gives up after the configured retries', async () => {
    handler = (_req, res, n) =>
      n <= 2 ? json(res, 502, { message: 'bad gateway' }) : json(res, 200, { full_name: 'x/y' });
    const octokit = createOctokit({ token: 't', baseUrl: base, retryAfterBaseValue: 1, log });
    await octokit.rest.repos.get({ owner: 'x', repo: 'y' });
    expect(seen).toHaveLength(3);

    seen = [];
    handler = (_req, res) => json(res, 503, { message: 'unavailable' });
    const once = createOctokit({ token: 't', baseUrl: base, retries: 1, retryAfterBaseValue: 1, log });
    const err = await once.rest.repos.get({ owner: 'x', repo: 'y' }).catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect(describeGitHubError(err)).toMatch(/GitHub answered 503/);
  });

  it('explains 403 without rate limiting and 404 differently', () => {
    expect(describeGitHubError({ status: 403, message: 'Resource not accessible by integration' })).toMatch(
      /lacks permission/,
    );
    expect(describeGitHubError({ status: 404, message: 'Not Found' })).toMatch(/not found \(404\)/);
    expect(() => createOctokit({ token: ' ' })).toThrow(/token is required/);
  });
});
