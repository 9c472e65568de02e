// GET /api/origami-of-the-day over real HTTP on Redis: once today's pick is known, the server answers it
// before Fastify (the kit's cached routes), with everything the Fastify path gives.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAnswer, logCollector, useRedis, type Isolated } from '@craftista/testkit';
import { buildApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { counting, ManualClock, redisStore } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROUTE = '/api/origami-of-the-day';

let redisDb: Isolated;
let app: FastifyInstance;
let base: string;
let store: ReturnType<typeof counting>;
let throughFastify = 0;
const log = logCollector();

beforeAll(async () => {
  redisDb = await useRedis();
  store = counting((await redisStore(redisDb.url)).store);
  app = await buildApp({
    config: readConfig({ LOG_LEVEL: 'info', RECOMMENDATION_ADMIN_TOKEN: 'test-admin-token-0123456789' }),
    store,
    clock: ManualClock.at('2025-03-12T09:00:00Z'),
    logDestination: log.destination,
  });
  app.addHook('onRequest', async () => {
    throughFastify += 1;
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await redisDb?.dispose();
});

describe('the origami of the day, cached', () => {
  it('answers from the server once known: same bytes and headers, request id echoed, no store call', async () => {
    const first = await fetchAnswer(base + ROUTE, { headers: { 'x-request-id': 'first-1' } });
    expect(first.res.status).toBe(200);
    expect(throughFastify).toBe(1);
    const calls = store.calls;

    const cached = await fetchAnswer(base + ROUTE, {
      headers: { 'x-request-id': 'cached-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(throughFastify).toBe(1);
    expect(store.calls).toBe(calls);
    expect(cached.res.status).toBe(200);
    expect(cached.body.equals(first.body)).toBe(true);
    expect(JSON.parse(cached.body.toString())).toMatchObject({ date: '2025-03-12' });
    expect(cached.names).toEqual(first.names);
    for (const name of cached.names.filter((n) => n !== 'x-request-id'))
      expect(cached.res.headers.get(name), name).toBe(first.res.headers.get(name));
    expect(cached.res.headers.get('x-request-id')).toBe('cached-1');
    expect(cached.res.headers.get('strict-transport-security')).toMatch(/^max-age=/);

    // A past day's pick stays with the route's handler.
    expect((await fetchAnswer(`${base}${ROUTE}?date=2025-03-11`)).res.status).toBe(200);
    expect(throughFastify).toBe(2);
  });

  it('logs the cached answer with the caller’s trace id and counts it under the route', async () => {
    expect(await log.lineOf('cached-1')).toMatchObject({
      msg: 'request completed',
      service: 'recommendation',
      method: 'GET',
      url: ROUTE,
      statusCode: 200,
      trace_id: TRACE_ID,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      `http_requests_total{method="GET",route="${ROUTE}",status_code="200",service="recommendation"} 3`,
    );
  });
});
