// PostgreSQL really stopped and really crashed (immediate shutdown, no checkpoint): the service answers
// 503 quickly, recovers by itself, and every vote it acknowledged is still there after crash recovery.
import { createPostgresPool } from '@craftista/stores/postgres';
import { startPostgres, type PostgresHandle } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { CLIENT_ID_SECRET, ledger, openStream, signedClient, storedVotes } from './support.js';

let server: PostgresHandle;
let pool: pg.Pool;
let app: FastifyInstance;

beforeAll(async () => {
  server = await startPostgres();
  pool = createPostgresPool(server.url, { max: 10, connectTimeoutMs: 1000 });
  app = await buildApp({
    config: readConfig({ VOTE_LIMIT_PER_MINUTE: '100000', CLIENT_ID_SECRET, LOG_LEVEL: 'silent' }),
    // Its own pool with a shorter connect timeout than compose's, so the outage answers come quickly.
    pool,
    liveUpdates: { kind: 'postgres', url: server.url },
  });
  await app.ready();
}, 120_000);
afterAll(async () => {
  await app?.close(); // ends the pool
  await server?.dispose();
});

const vote = (id: string, client = 'outage-fan') =>
  app.inject({
    method: 'POST',
    url: `/api/origamis/${id}/vote`,
    headers: { 'x-craftista-client': signedClient(client) },
  });

describe('PostgreSQL outage', () => {
  it('answers 503 quickly while PostgreSQL is down and recovers by itself, live feed included', async () => {
    expect((await vote('1')).statusCode).toBe(200);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(`${address}/api/origamis/stream`);
    await server.stop();

    for (const request of [
      () => app.inject('/readyz'),
      () => app.inject('/api/origamis'),
      () => app.inject('/api/origamis/1'),
      () => app.inject('/api/origamis/1/votes'),
      () => vote('1'),
    ]) {
      const started = Date.now();
      const res = await request();
      expect(Date.now() - started).toBeLessThan(2500);
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatch(/^(store_unavailable|not_ready)$/);
    }
    expect((await app.inject('/readyz')).json().failing).toEqual(['postgresql']);
    // The open stream says its feed lost PostgreSQL, so listeners read counts (and see the 503s) meanwhile.
    await expect
      .poll(() => stream.text(), { timeout: 10_000 })
      .toContain('event: status\ndata: {"status":"down"}');
    expect((await app.inject('/livez')).statusCode).toBe(200);

    await server.start();
    await expect
      .poll(async () => (await app.inject('/readyz')).statusCode, { timeout: 15_000, interval: 200 })
      .toBe(200);
    await expect.poll(async () => (await vote('1')).statusCode, { timeout: 10_000, interval: 200 }).toBe(200);
    await expect
      .poll(() => stream.text(), { timeout: 15_000 })
      .toContain('event: status\ndata: {"status":"up"}');
    // The LISTEN connection came back too: a new vote reaches the stream opened before the outage.
    // Each round first looks for the previous round's vote (its notification arrives a little after the 200),
    // then casts another, from a fresh client so the rate limit never interferes.
    let lastCast: number | undefined;
    let round = 0;
    await expect
      .poll(
        async () => {
          if (lastCast !== undefined && stream.events().some((e) => e.id === '1' && e.votes === lastCast))
            return true;
          lastCast = ((await vote('1', `outage-fan-${round++}`)).json() as { votes: number }).votes;
          return false;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    stream.close();
  });

  it('keeps every acknowledged vote through a PostgreSQL crash that hits votes in flight', async () => {
    const start = await storedVotes(pool);
    const acknowledged: Record<string, number> = { '2': 0, '3': 0 };
    let attempts = 0;
    let crashing = false;
    const worker = async (n: number) => {
      // Votes keep flowing until the crash has stopped the server.
      for (let i = 0; !crashing || i < 5; i++) {
        const id = (n + i) % 2 ? '2' : '3';
        attempts += 1;
        const res = await vote(id, `crash-${n}`);
        if (res.statusCode === 200) acknowledged[id]! += 1;
        else expect(res.statusCode).toBe(503);
        if (crashing) break;
      }
    };
    const workers = Array.from({ length: 20 }, (_, n) => worker(n));
    await expect
      .poll(() => acknowledged['2']! + acknowledged['3']!, { timeout: 10_000 })
      .toBeGreaterThan(200);
    crashing = true;
    await server.crash();
    await Promise.all(workers);
    await server.start();

    await expect
      .poll(async () => (await app.inject('/readyz')).statusCode, { timeout: 15_000, interval: 200 })
      .toBe(200);
    const after = await storedVotes(pool);
    const books = await ledger(pool);
    for (const id of ['2', '3']) {
      const stored = after[id]! - start[id]!;
      // A vote whose commit raced the crash may be stored without its answer reaching the client:
      // never fewer than acknowledged, never more than attempted.
      expect(stored).toBeGreaterThanOrEqual(acknowledged[id]!);
      expect(after[id]).toBe(books[id] ?? 0);
    }
    expect(after['2']! - start['2']! + after['3']! - start['3']!).toBeLessThanOrEqual(attempts);
  });
});
