// 20,000 votes over 200 concurrent keep-alive connections on three origami, against the service running as
// a process: the stored counts equal the number of 200 answers exactly, and the ledger agrees.
import autocannon from 'autocannon';
import { startService, usePostgresDatabase, type Isolated, type ServiceProcess } from '@craftista/testkit';
import { createPostgresPool } from '@craftista/stores/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLIENT_ID_SECRET, ledger, signedClient, storedVotes } from './support.js';

const TOTAL = 20_000;
const CONNECTIONS = 200;
const IDS = ['1', '2', '3'];

let db: Isolated;
let service: ServiceProcess;
let pool: pg.Pool;

beforeAll(async () => {
  db = await usePostgresDatabase();
  service = await startService('apps/voting/src/main.ts', {
    env: {
      DATABASE_URL: db.url,
      VOTE_LIMIT_PER_MINUTE: '1000000',
      CLIENT_ID_SECRET,
      CATALOGUE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'error',
    },
  });
  pool = createPostgresPool(db.url, { max: 2 });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await service?.stop();
  await db?.dispose();
});

it('stores exactly as many votes as it acknowledged, with one ledger row each', async () => {
  const before = await storedVotes(pool);
  const ok: Record<string, number> = Object.fromEntries(IDS.map((id) => [id, 0]));
  const other: Record<string, number> = {};
  let clients = 0;
  const started = Date.now();
  // autocannon's client is cheap enough not to be the bottleneck; each connection is its own client and
  // cycles through the origami; every answer is read and tallied (amount: it stops after TOTAL answers).
  const result = await autocannon({
    url: service.url,
    connections: CONNECTIONS,
    amount: TOTAL,
    timeout: 30,
    requests: IDS.map((id) => ({
      method: 'POST' as const,
      path: `/api/origamis/${id}/vote`,
      setupRequest: (request: autocannon.Request, context: { client?: number }) => {
        context.client ??= clients++;
        return {
          ...request,
          headers: {
            ...request.headers,
            'x-craftista-client': signedClient(`reliability-${context.client}`),
          },
        };
      },
      onResponse: (status: number) => {
        if (status === 200) ok[id]! += 1;
        else other[status] = (other[status] ?? 0) + 1;
      },
    })),
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`reliability: ${TOTAL} votes in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s)`, {
    ok,
    other,
  });

  expect(result.errors + result.timeouts).toBe(0);
  expect(Object.values(ok).reduce((a, b) => a + b, 0) + Object.values(other).reduce((a, b) => a + b, 0)).toBe(
    TOTAL,
  );
  expect(other).toEqual({});
  const after = await storedVotes(pool);
  const books = await ledger(pool);
  for (const id of IDS) {
    expect(after[id]! - before[id]!, `stored votes for ${id}`).toBe(ok[id]);
    expect(books[id], `ledger rows for ${id}`).toBe(after[id]);
  }
  // Concurrent votes were coalesced: far fewer statements than votes.
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  const batches = Number(/voting_vote_batches_total\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
  expect(batches).toBeLessThan(TOTAL / 2);
}, 120_000);
