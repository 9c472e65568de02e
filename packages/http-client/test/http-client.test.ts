import http from 'node:http';
import { once } from 'node:events';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, requestContext } from '../src/index.js';

// A real HTTP peer whose behaviour each test scripts: answers are popped from `script` per request.
type Step = { status: number; body?: unknown; delayMs?: number; hangUp?: boolean };
let script: Step[] = [];
const seen: http.IncomingHttpHeaders[] = [];
const methods: string[] = [];
const server = http.createServer((req, res) => {
  seen.push(req.headers);
  methods.push(req.method!);
  const step = script.shift() ?? { status: 200, body: { ok: true } };
  if (step.hangUp) return req.socket.destroy();
  setTimeout(() => {
    res.writeHead(step.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(step.body ?? {}));
  }, step.delayMs ?? 0);
});
let baseURL = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => server.close());
afterEach(() => {
  script = [];
  seen.length = 0;
  methods.length = 0;
});

describe('createHttpClient', () => {
  it('retries an idempotent GET up to twice on 5xx and connection resets, then succeeds', async () => {
    script = [{ status: 503 }, { status: 0, hangUp: true }, { status: 200, body: [1, 2] }];
    const client = createHttpClient({ baseURL, backoffMs: 1 });
    const res = await client.get('/api/products');
    expect(res.data).toEqual([1, 2]);
    expect(methods).toEqual(['GET', 'GET', 'GET']);
  });

  it('gives up after two retries', async () => {
    script = [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }];
    const client = createHttpClient({ baseURL, backoffMs: 1 });
    await expect(client.get('/x')).rejects.toMatchObject({ response: { status: 500 } });
    expect(methods).toHaveLength(3);
  });

  it('never retries a POST', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const client = createHttpClient({ baseURL, backoffMs: 1 });
    await expect(client.post('/vote')).rejects.toMatchObject({ response: { status: 503 } });
    expect(methods).toEqual(['POST']);
  });

  it('times out a slow call after the per-call timeout', async () => {
    script = [{ status: 200, delayMs: 1000 }];
    const client = createHttpClient({ baseURL, timeoutMs: 100, retries: 0 });
    const started = Date.now();
    await expect(client.get('/slow')).rejects.toMatchObject({ code: 'ECONNABORTED' });
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('forwards the request id, extra headers and the W3C traceparent of the current request', async () => {
    const client = createHttpClient({ baseURL });
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    await context.with(active, () =>
      requestContext.run({ requestId: 'req-123', headers: { 'x-craftista-client': 'abc' } }, () =>
        client.get('/'),
      ),
    );
    expect(seen[0]).toMatchObject({
      'x-request-id': 'req-123',
      'x-craftista-client': 'abc',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });
});
