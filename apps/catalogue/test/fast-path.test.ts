// GET /api/products over real HTTP on a MongoDB-wire server: while the snapshot is fresh, the server answers
// it before Fastify (the kit's fast path), with everything the Fastify path gives.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAnswer, headersOf, logCollector, useMongoDatabase, type Isolated } from '@craftista/testkit';
import { buildApp } from '../src/app.js';
import { openDependencies } from '../src/compose.js';
import { readConfig } from '../src/config.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROUTE = '/api/products';

let db: Isolated;
let app: FastifyInstance;
let base: string;
let throughFastify = 0;
const log = logCollector();

beforeAll(async () => {
  db = await useMongoDatabase();
  const config = readConfig({ MONGODB_URL: db.url, LOG_LEVEL: 'info' });
  app = await buildApp({ ...(await openDependencies(config)), config, logDestination: log.destination });
  app.addHook('onRequest', async () => {
    throughFastify += 1;
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await db?.dispose();
});

describe('the catalogue list, on the fast path', () => {
  it('answers from the server while fresh: same bytes and headers (ETag too), request id echoed', async () => {
    const first = await fetchAnswer(base + ROUTE, { headers: { 'x-request-id': 'first-1' } });
    expect(first.res.status).toBe(200);
    expect(throughFastify).toBe(1);

    const cached = await fetchAnswer(base + ROUTE, {
      headers: { 'x-request-id': 'cached-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(throughFastify).toBe(1);
    expect(cached.res.status).toBe(200);
    expect(cached.body.equals(first.body)).toBe(true);
    // the same headers and values, the request id aside
    expect(headersOf(cached, ['x-request-id'])).toEqual(headersOf(first, ['x-request-id']));
    expect(cached.res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(cached.res.headers.get('x-request-id')).toBe('cached-1');
  });

  it('leaves conditional requests and queries to the route, which may answer 304', async () => {
    const before = throughFastify;
    const etag = (await fetchAnswer(base + ROUTE)).res.headers.get('etag')!;
    const conditional = await fetchAnswer(base + ROUTE, { headers: { 'if-none-match': etag } });
    expect(conditional.res.status).toBe(304);
    expect((await fetchAnswer(`${base}${ROUTE}?limit=2`)).res.status).toBe(200);
    expect(throughFastify).toBe(before + 2);
  });

  it('logs the cached answer with the caller’s trace id and counts it under the route', async () => {
    expect(await log.lineOf('cached-1')).toMatchObject({
      msg: 'request completed',
      service: 'catalogue',
      method: 'GET',
      url: ROUTE,
      statusCode: 200,
      trace_id: TRACE_ID,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      `http_requests_total{method="GET",route="${ROUTE}",status_code="200",service="catalogue"} 4`,
    );
  });
});
