// Client identity (signed cookie, else the socket address), CSRF tokens bound to it, a same-origin check for
// state-changing requests, and a per-client vote rate limit.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { signClientId } from '@craftista/http-client';
import type { Request, Response } from 'express';

const CLIENT_COOKIE = 'craftista_client';
const ONE_YEAR_S = 365 * 24 * 3600;
const ID = /^[0-9a-f-]{36}$/;

export interface ClientIdentity {
  /** Who votes: `c:<cookie id>` or, without a cookie, `ip:<socket address>`. */
  id: string;
  /** `ip:<socket address>`: votes are limited per address too, so new cookies do not multiply them. */
  address: string;
  /** What the backends receive in `x-craftista-client`: the id, signed with CLIENT_ID_SECRET when set. */
  header: string;
  csrfToken: string;
}

/** Signatures kept in memory: at ~200 bytes each, under 1 MB. */
const MEMO_SIZE = 4096;

/** New client cookies one address may be handed per minute: more are refused (it keeps its address id). */
const NEW_CLIENTS_PER_ADDRESS = 30;

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Identity {
  private readonly newClients = new RateLimiter(NEW_CLIENTS_PER_ADDRESS, 60_000);

  constructor(
    private readonly secret: string,
    /** Shared with the voting service, which trusts only identities signed with it. */
    private readonly clientIdSecret?: string,
  ) {}

  /** Signatures already computed: every request checks a cookie and derives a token, always the same few. */
  private readonly signed = new Map<string, string>();

  private memo(key: string, compute: () => string): string {
    let signature = this.signed.get(key);
    if (signature === undefined) {
      // Bounded: forged cookies and many clients only cost recomputing.
      if (this.signed.size >= MEMO_SIZE) this.signed.clear();
      signature = compute();
      this.signed.set(key, signature);
    }
    return signature;
  }

  private sign(purpose: string, value: string): string {
    const key = `${purpose}|${value}`;
    return this.memo(key, () => createHmac('sha256', this.secret).update(key).digest('base64url'));
  }

  /** The signed cookie's id when it is valid, else undefined. */
  private cookieId(req: Request): string | undefined {
    const raw = readCookie(req.headers.cookie, CLIENT_COOKIE);
    if (!raw) return undefined;
    const dot = raw.indexOf('.');
    const id = raw.slice(0, dot);
    if (dot === -1 || !ID.test(id)) return undefined;
    return equal(raw.slice(dot + 1), this.sign('client', id)) ? id : undefined;
  }

  /**
   * Who is asking. A browser without a valid cookie gets one when `issue` is set (pages), so its next
   * request (a form vote) carries the same identity; until then, and for clients that refuse cookies, the
   * socket address stands in (behind a proxy set TRUST_PROXY so that it is the client's, not the proxy's).
   */
  resolve(req: Request, res: Response, { issue }: { issue: boolean }): ClientIdentity {
    const address = `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
    let id = this.cookieId(req);
    if (!id && issue && this.newClients.take(address).ok) {
      id = randomUUID();
      res.append(
        'set-cookie',
        `${CLIENT_COOKIE}=${id}.${this.sign('client', id)}; Path=/; Max-Age=${ONE_YEAR_S}; HttpOnly; SameSite=Lax` +
          (req.secure ? '; Secure' : ''),
      );
    }
    const client = id ? `c:${id}` : address;
    return {
      id: client,
      address,
      header: this.clientIdSecret
        ? this.memo(`forwarded|${client}`, () => signClientId(this.clientIdSecret!, client))
        : client,
      csrfToken: this.sign('csrf', client),
    };
  }

  checkCsrf(identity: ClientIdentity, token: unknown): boolean {
    return typeof token === 'string' && equal(token, identity.csrfToken);
  }
}

/**
 * Refuses requests a browser sent on behalf of another site: `Sec-Fetch-Site: cross-site`, or an `Origin`
 * whose host is not ours. Clients that send neither (curl, other services) are not browsers and pass.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site === 'same-origin') return true;
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false; // includes "null": an opaque origin (sandboxed frame, data: URL)
  }
}

/** Fixed-window counter per client: `limit` votes per `windowMs`. In memory, so per frontend replica. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; when over the limit, says how many seconds until the window resets. */
  take(key: string): { ok: true } | { ok: false; retryAfterSec: number } {
    const now = this.now();
    if (this.windows.size > 50_000) {
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    }
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return { ok: true };
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) };
  }
}
