import { verifyClientId } from '@craftista/http-client';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { Identity, RateLimiter } from './security.js';

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

describe('Identity', () => {
  const page = (cookie?: string) => {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    const req = { headers, ip: '203.0.113.9', socket: {}, secure: false } as unknown as Request;
    const set: string[] = [];
    const res = { append: (_name: string, value: string) => set.push(value) } as unknown as Response;
    return { req, res, set };
  };

  it('hands one address at most 30 new client cookies a minute, then identifies it by address', () => {
    const identity = new Identity('s'.repeat(32));
    const ids = Array.from({ length: 31 }, () => {
      const { req, res } = page();
      return identity.resolve(req, res, { issue: true });
    });
    expect(new Set(ids.slice(0, 30).map((i) => i.id)).size).toBe(30);
    expect(ids.every((i) => i.address === 'ip:203.0.113.9')).toBe(true);
    expect(ids[30]!.id).toBe('ip:203.0.113.9');
  });

  it('signs the forwarded identity with the secret shared with voting', () => {
    const identity = new Identity('s'.repeat(32), 'v'.repeat(32));
    const { req, res } = page();
    const who = identity.resolve(req, res, { issue: false });
    expect(verifyClientId('v'.repeat(32), who.header)).toBe('ip:203.0.113.9');
    expect(verifyClientId('w'.repeat(32), who.header)).toBeUndefined();
  });

  it('recognises its own cookie on every visit and never a forged one for the same id', () => {
    const identity = new Identity('s'.repeat(32));
    const first = page();
    const issued = identity.resolve(first.req, first.res, { issue: true });
    const cookie = first.set[0]!.split(';')[0]!;
    for (let visit = 0; visit < 3; visit++) {
      const again = page(cookie);
      const who = identity.resolve(again.req, again.res, { issue: true });
      expect([who.id, who.csrfToken, again.set]).toEqual([issued.id, issued.csrfToken, []]);
    }
    const forged = page(`${cookie.slice(0, -4)}AAAA`);
    expect(identity.resolve(forged.req, forged.res, { issue: false }).id).toBe('ip:203.0.113.9');
  });
});
