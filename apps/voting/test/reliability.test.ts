// 20,000 votes over 200 concurrent keep-alive connections on three origami, against the service running as
// a process: the stored counts equal the number of 200 answers exactly, and the ledger agrees.
import http from 'node:http';
import { startService, usePostgresDatabase, type Isolated, type ServiceProcess } from '@craftista/testkit';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ledger, storedVotes } from './support.js';

const TOTAL = 20_000;
const CONNECTIONS = 200;
const IDS = ['1', '2', '3'];

let db: Isolated;
let service: ServiceProcess;
let pool: pg.Pool;

beforeAll(async () => {
  db = await usePostgresDatabase();
  service = await startService('apps/voting/src/main.ts', {
    env: { DATABASE_URL: db.url, VOTE_RATE_LIMIT: '1000000', CATALOGUE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'error' },
  });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await pool?.end();
  await db?.dispose();
});

function post(agent: http.Agent, path: string, client: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      `${service.url}${path}`,
      { method: 'POST', agent, headers: { 'x-craftista-client': client } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.once('error', () => resolve(-1));
    request.end();
  });
}

it(
  'stores exactly as many votes as it acknowledged, with one ledger row each',
  async () => {
    const before = await storedVotes(pool);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const ok: Record<string, number> = Object.fromEntries(IDS.map((id) => [id, 0]));
    const other: Record<string, number> = {};
    let sent = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, worker) => {
        while (sent < TOTAL) {
          const id = IDS[sent++ % IDS.length]!;
          const status = await post(agent, `/api/origamis/${id}/vote`, `reliability-${worker}`);
          if (status === 200) ok[id]! += 1;
          else other[status] = (other[status] ?? 0) + 1;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    agent.destroy();
    console.log(`reliability: ${TOTAL} votes in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s)`, { ok, other });

    expect(Object.values(ok).reduce((a, b) => a + b, 0) + Object.values(other).reduce((a, b) => a + b, 0)).toBe(TOTAL);
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
  },
  120_000,
);
