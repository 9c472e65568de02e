import { describe, expect, it } from 'vitest';
import { RateLimiter } from './security.js';

describe('RateLimiter', () => {
  it('allows the limit per window per client, then says when to retry, then resets', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    now = 15_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSec: 45 });
    expect(limiter.take('b')).toEqual({ ok: true });
    now = 60_000;
    expect(limiter.take('a')).toEqual({ ok: true });
  });
});
