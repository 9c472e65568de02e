// GET /api/origamis over real HTTP on PostgreSQL: the server answers it before Fastify (the kit's fast path),
// with everything the Fastify path gives, and a vote is in the next list as before.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAnswer, headersOf, logCollector, usePostgresDatabase, type Isolated } from '@craftista/testkit';
import { buildApp } from '../src/app.js';
import { openDependencies } from '../src/compose.js';
import { readConfig } from '../src/config.js';
import { CLIENT_ID_SECRET, signedClient } from './support.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROUTE = '/api/origamis';

let db: Isolated;
let app: FastifyInstance;
let base: string;
let throughFastify = 0;
const log = logCollector();

beforeAll(async () => {
  db = await usePostgresDatabase();
  const config = readConfig({ DATABASE_URL: db.url, CLIENT_ID_SECRET, LOG_LEVEL: 'info' });
  const deps = await openDependencies(config);
  app = await buildApp({ ...deps, catalogue: undefined, logDestination: log.destination });
  app.addHook('onRequest', async () => {
    throughFastify += 1;
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await db?.dispose();
});

const votesOf = (body: Buffer, id: string) =>
  (JSON.parse(body.toString()) as { id: string; votes: number }[]).find((o) => o.id === id)?.votes;

describe('the voting list, on the fast path', () => {
  it('answers as the route does, request id echoed, with a vote in the very next list', async () => {
    // With a query, the route's handler answers (through Fastify): the reference.
    const handler = await fetchAnswer(`${base}${ROUTE}?sort=id`);
    expect(handler.res.status).toBe(200);
    expect(throughFastify).toBe(1);

    const fast = await fetchAnswer(base + ROUTE, {
      headers: { 'x-request-id': 'list-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(throughFastify).toBe(1);
    expect(fast.res.status).toBe(200);
    expect(fast.body.equals(handler.body)).toBe(true);
    // the same headers and values, the request id aside
    expect(headersOf(fast, ['x-request-id'])).toEqual(headersOf(handler, ['x-request-id']));
    expect(fast.res.headers.get('x-request-id')).toBe('list-1');

    const before = votesOf(fast.body, '1')!;
    const vote = await fetch(`${base}/api/origamis/1/vote`, {
      method: 'POST',
      headers: { 'x-craftista-client': signedClient('fast-path-test') },
    });
    expect(vote.status).toBe(200);
    expect(votesOf((await fetchAnswer(base + ROUTE)).body, '1')).toBe(before + 1);
  });

  it('logs the answer with the caller’s trace id and counts it under the route', async () => {
    expect(await log.lineOf('list-1')).toMatchObject({
      msg: 'request completed',
      service: 'voting',
      method: 'GET',
      url: ROUTE,
      statusCode: 200,
      trace_id: TRACE_ID,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      `http_requests_total{method="GET",route="${ROUTE}",status_code="200",service="voting"} 3`,
    );
  });
});
