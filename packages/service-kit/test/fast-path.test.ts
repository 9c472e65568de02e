// The kit's fast path, over real HTTP (inject never reaches the server, so never the fast path): it
// must answer as the route's handler would, with every per-request feature of the kit.
import { fetchAnswer, headersOf, logCollector } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, sendEncodedJson } from '../src/index.js';

const BODY = Buffer.from('{"cached":true}');
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { lines, destination: logDestination, lineOf } = logCollector();
let app: FastifyInstance;
let base: string;
let handlerCalls = 0;
let ready: Buffer | Promise<Buffer> | undefined;

beforeAll(async () => {
  app = await createService({ name: 'cached', logDestination }, { APP_VERSION: '1.2.3', LOG_LEVEL: 'info' });
  app.get('/cached', { config: { fastPath: () => ready } }, async (_request, reply) => {
    handlerCalls += 1;
    return sendEncodedJson(reply, BODY);
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetchAnswer(base + path, { headers, method });

describe('the fast path', () => {
  it('answers a ready GET before Fastify with the handler’s status, headers and body, echoing the request id', async () => {
    ready = undefined;
    const fromHandler = await get('/cached', { 'x-request-id': 'from-handler' });
    expect(handlerCalls).toBe(1);

    ready = BODY;
    const fast = await get('/cached', { 'x-request-id': 'req-42' });
    expect(handlerCalls).toBe(1);
    expect(fast.res.status).toBe(200);
    expect(fast.body.equals(fromHandler.body)).toBe(true);
    // the same headers and values, the request id aside
    expect(headersOf(fast, ['x-request-id'])).toEqual(headersOf(fromHandler, ['x-request-id']));
    expect(fast.res.headers.get('x-request-id')).toBe('req-42');
    expect(fast.res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(fast.res.headers.get('x-content-type-options')).toBe('nosniff');

    // No id, or one that is not a safe token: a fresh one, as the handler path gives.
    expect((await get('/cached')).res.headers.get('x-request-id')).toMatch(UUID);
    expect((await get('/cached', { 'x-request-id': 'a b' })).res.headers.get('x-request-id')).toMatch(UUID);
    expect(handlerCalls).toBe(1);
  });

  it('writes the completion line with the caller’s trace id and counts the request in the metrics', async () => {
    ready = BODY;
    const before = handlerCalls;
    await get('/cached', { 'x-request-id': 'traced-1', traceparent: TRACEPARENT });
    await get('/cached', { 'x-request-id': 'untraced-1' });
    expect(handlerCalls).toBe(before);

    expect(await lineOf('traced-1')).toMatchObject({
      msg: 'request completed',
      level: 30,
      service: 'cached',
      method: 'GET',
      url: '/cached',
      statusCode: 200,
      trace_id: TRACE_ID,
    });
    const untraced = await lineOf('untraced-1');
    expect(untraced.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(untraced.trace_id).not.toBe(TRACE_ID);
    expect(typeof untraced.ms).toBe('number');

    const metrics = (await get('/metrics')).body.toString();
    const count = Number(
      /http_requests_total\{method="GET",route="\/cached",status_code="200",service="cached"\} (\d+)/.exec(
        metrics,
      )?.[1],
    );
    // Every GET of /cached in this file so far, through either path.
    expect(count).toBe(lines.filter((l) => l.url === '/cached').length);
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{service="cached",method="GET",route="\/cached",status_code="200"\} \d+/,
    );
  });

  it('leaves to Fastify a query string, another method, and a route whose answer is not ready', async () => {
    ready = BODY;
    const before = handlerCalls;
    expect((await get('/cached?fresh=1')).res.status).toBe(200);
    expect((await get('/cached', {}, 'HEAD')).res.status).toBe(200);
    ready = undefined;
    expect((await get('/cached')).body.equals(BODY)).toBe(true);
    expect(handlerCalls).toBe(before + 3);
    expect((await get('/cached', {}, 'DELETE')).res.status).toBe(405);
  });

  it('sends a promised answer once it comes, and hands the request to the handler when it fails', async () => {
    const before = handlerCalls;
    ready = new Promise((resolve) => setTimeout(() => resolve(BODY), 20));
    const later = await get('/cached', { 'x-request-id': 'later-1' });
    expect(later.body.equals(BODY)).toBe(true);
    expect(later.res.headers.get('x-request-id')).toBe('later-1');
    expect(handlerCalls).toBe(before);

    ready = Promise.reject(new Error('store down'));
    ready.catch(() => undefined);
    const failed = await get('/cached', { 'x-request-id': 'failed-1' });
    expect(failed.res.status).toBe(200);
    expect(failed.res.headers.get('x-request-id')).toBe('failed-1');
    expect(handlerCalls).toBe(before + 1);
    // One request, one line: the handler's.
    await lineOf('failed-1');
    expect(lines.filter((l) => l.reqId === 'failed-1')).toHaveLength(1);
  });
});
