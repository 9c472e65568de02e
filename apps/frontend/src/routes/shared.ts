import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Backends } from '../backends.js';
import type { Identity, RateLimiter } from '../security.js';

export interface RouteDeps {
  backends: Backends;
  identity: Identity;
  limiter: RateLimiter;
  logger: Logger;
}

/**
 * Counts a vote attempt against the client's limit and its address's (the same number: a client cannot
 * multiply its votes with new cookies); answers 429 with Retry-After when over either.
 */
export function overLimit(deps: RouteDeps, res: Response, render: (retryAfterSec: number) => void): boolean {
  const { id, address } = res.locals.identity;
  const byAddress = deps.limiter.take(address);
  const verdict = id === address || !byAddress.ok ? byAddress : deps.limiter.take(id);
  if (verdict.ok) return false;
  res.status(429).set('retry-after', String(verdict.retryAfterSec));
  render(verdict.retryAfterSec);
  return true;
}

export const tooManyVotes = (seconds: number) => ({
  error: 'rate_limited',
  message: `Too many votes from this client; try again in ${seconds} s.`,
});
