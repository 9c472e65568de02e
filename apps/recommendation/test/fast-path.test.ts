// GET /api/origami-of-the-day over real HTTP on Redis: the server answers it before Fastify (the kit's fast
// path), with everything the Fastify path gives.
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

describe('the origami of the day, on the fast path', () => {
  it('answers as the route does, request id echoed, looking today up once and then from memory', async () => {
    // The route's handler (inject calls Fastify directly): the reference.
    const handler = await app.inject(ROUTE);
    expect(handler.statusCode).toBe(200);
    const handlerNames = Object.keys(handler.headers)
      .filter((n) => !['date', 'connection'].includes(n))
      .sort();

    const first = await fetchAnswer(base + ROUTE, { headers: { 'x-request-id': 'first-1' } });
    const calls = store.calls;
    const cached = await fetchAnswer(base + ROUTE, {
      headers: { 'x-request-id': 'cached-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(throughFastify).toBe(1);
    expect(store.calls).toBe(calls);
    expect((await fetchAnswer(`${base}${ROUTE}?date=2025-03-12`)).res.status).toBe(200);
    expect(throughFastify).toBe(2);
    for (const fast of [first, cached]) {
      expect(fast.res.status).toBe(200);
      expect(fast.body.equals(handler.rawPayload)).toBe(true);
      expect(fast.names).toEqual(handlerNames);
      for (const name of fast.names.filter((n) => n !== 'x-request-id'))
        expect(fast.res.headers.get(name), name).toBe(String(handler.headers[name]));
    }
    expect(JSON.parse(cached.body.toString())).toMatchObject({ date: '2025-03-12' });
    expect(first.res.headers.get('x-request-id')).toBe('first-1');
    expect(cached.res.headers.get('x-request-id')).toBe('cached-1');
    expect(cached.res.headers.get('strict-transport-security')).toMatch(/^max-age=/);
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
      `http_requests_total{method="GET",route="${ROUTE}",status_code="200",service="recommendation"} 4`,
    );
  });
});
