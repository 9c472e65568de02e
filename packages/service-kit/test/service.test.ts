import http from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { startRedis, startService, type ServerHandle } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../src/index.js';
import { buildTinyService, TINY_ADMIN_TOKEN } from './fixtures/tiny-service.js';

let redis: ServerHandle;
let app: FastifyInstance;
let downstream: http.Server;
const downstreamHeaders: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  redis = await startRedis();
  downstream = http.createServer((req, res) => {
    downstreamHeaders.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end('{"peeked":true}');
  });
  downstream.listen(0, '127.0.0.1');
  await once(downstream, 'listening');
  const port = (downstream.address() as { port: number }).port;
  app = await buildTinyService({ redisUrl: redis.url, downstreamUrl: `http://127.0.0.1:${port}` });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  downstream.close();
  await redis.dispose();
});

describe('service kit', () => {
  it('answers /livez without touching any store', async () => {
    const res = await app.inject('/livez');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 with each check, and 503 naming the store that is really stopped', async () => {
    const up = await app.inject('/readyz');
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({
      status: 'ready',
      checks: { redis: { status: 'up' } },
      details: { answer: 42 },
    });

    await redis.stop();
    const started = Date.now();
    const down = await app.inject('/readyz');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'unavailable',
      failing: ['redis'],
      checks: { redis: { status: 'down' } },
    });
    expect(down.json().message).toMatch(/^redis is down/);

    await redis.start();
    await expect
      .poll(async () => (await app.inject('/readyz')).statusCode, { timeout: 10_000, interval: 200 })
      .toBe(200);
  });

  it('counts requests per route and status in /metrics', async () => {
    await app.inject('/teapot');
    await app.inject('/teapot');
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/teapot",status_code="418",service="tiny"\} 2/,
    );
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('answers validation errors with 400 {error, message} and stores nothing of an unknown field', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'a', extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'validation_failed',
      message: expect.stringContaining('additional properties'),
    });
  });

  it('answers an oversized body with 413 JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(5000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers unknown routes with 404 JSON', async () => {
    const res = await app.inject('/nope?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope' });
  });

  it('hides unexpected errors behind 500 {error:"internal"} with no stack or detail', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: 'internal' });
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('at ');
  });

  it('echoes a given x-request-id and generates one otherwise', async () => {
    const given = await app.inject({ url: '/livez', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await app.inject({ url: '/livez', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets API security headers on JSON and a page policy on HTML', async () => {
    const json = await app.inject('/livez');
    expect(json.headers['x-content-type-options']).toBe('nosniff');
    expect(json.headers['x-frame-options']).toBe('DENY');
    expect(json.headers['strict-transport-security']).toContain('max-age=');
    expect(json.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const error = await app.inject('/nope');
    expect(error.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await app.inject('/');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<h1>Welcome to Tiny</h1>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('continues the caller trace and forwards traceparent and request id downstream', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.inject({
      url: '/call',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-me' },
    });
    expect(res.json()).toEqual({ peeked: true });
    const sent = downstreamHeaders.at(-1)!;
    expect(sent['x-request-id']).toBe('trace-me');
    expect(sent.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(sent.traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('describes its routes in /openapi.json', async () => {
    const res = await app.inject('/openapi.json');
    expect(res.json()).toMatchObject({ openapi: '3.0.3', info: { title: 'tiny', version: '9.9.9' } });
    expect(Object.keys(res.json().paths)).toContain('/echo');
    expect(res.json().components.securitySchemes.adminToken).toEqual({ type: 'http', scheme: 'bearer' });
    expect(res.json().paths['/admin'].get.security).toEqual([{ adminToken: [] }]);
  });
});

describe('admin routes', () => {
  it('answer 401 with one Bearer challenge without the token or with a wrong one, and serve it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TINY_ADMIN_TOKEN}`]) {
      const res = await app.inject({ url: '/admin', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tiny"');
      expect(res.json()).toEqual({
        error: 'unauthorized',
        message: 'A valid admin bearer token is required',
      });
    }
    const ok = await app.inject({ url: '/admin', headers: { authorization: `Bearer ${TINY_ADMIN_TOKEN}` } });
    expect(ok.json()).toEqual({ admin: true });
  });

  it('answer 403 naming the variable when no token is configured', async () => {
    const locked = await createService(
      { name: 'locked', adminToken: 'LOCKED_ADMIN_TOKEN' },
      { APP_VERSION: '1', LOG_LEVEL: 'silent' },
    );
    locked.get('/admin', { config: { admin: true } }, async () => ({ admin: true }));
    const res = await locked.inject({ url: '/admin', headers: { authorization: 'Bearer anything' } });
    await locked.close();
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'writes_disabled',
      message: 'Writes are disabled: LOCKED_ADMIN_TOKEN is not set',
    });
  });

  it('are declared in OpenAPI with the bearer scheme and their 401 and 403 answers, and listed in /docs', async () => {
    const admin = (await app.inject('/openapi.json')).json().paths['/admin'].get;
    expect(Object.keys(admin.responses)).toEqual(expect.arrayContaining(['401', '403']));
    const docs = await app.inject('/docs');
    expect(docs.headers['content-type']).toContain('text/html');
    expect(docs.body).toContain('<code>/admin</code>');
    expect(docs.body).toContain('Bearer $TINY_ADMIN_TOKEN');
  });
});

describe('logs', () => {
  it('writes one JSON line per request with the request id and trace id, and the trace id on errors too', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(
          ...chunk
            .toString()
            .trim()
            .split('\n')
            .map((l: string) => JSON.parse(l)),
        );
        callback();
      },
    });
    const logged = await buildTinyService({ logger: true, logDestination: destination });
    const traceId = '0123456789abcdef0123456789abcdef';
    await logged.inject({
      url: '/boom',
      headers: { 'x-request-id': 'log-me', traceparent: `00-${traceId}-0123456789abcdef-01` },
    });
    await logged.inject('/livez');
    await logged.inject({
      url: '/chatty',
      headers: { 'x-request-id': 'chatty', traceparent: `00-${traceId}-0123456789abcdef-01` },
    });
    await logged.close();
    expect(lines.find((l) => l.msg === 'chatty route')).toMatchObject({ reqId: 'chatty', trace_id: traceId });
    const forRequest = lines.filter((l) => l.reqId === 'log-me');
    expect(forRequest.map((l) => l.msg)).toEqual(['unhandled error', 'request completed']);
    for (const line of forRequest) expect(line).toMatchObject({ trace_id: traceId, service: 'tiny' });
    expect(forRequest[1]).toMatchObject({ statusCode: 500, method: 'GET', url: '/boom' });
    expect(lines.some((l) => l.url === '/livez')).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new connections and exits 0 on SIGTERM', async () => {
    const service = await startService('packages/service-kit/test/fixtures/tiny-main.ts');
    const inFlight = fetch(`${service.url}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((r) => setTimeout(r, 300));
    const stopped = service.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${service.url}/livez`)).rejects.toThrow();
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    await stopped;
    expect(service.exitCode()).toBe(0);
    expect(service.output()).toContain('shutting down');
    expect(service.output()).toContain('"msg":"stopped"');
  }, 90_000); // starting a TypeScript process is slow on a busy 2-core machine
});

describe('OTLP export', () => {
  it('exports the request span to OTEL_EXPORTER_OTLP_ENDPOINT, continuing the caller trace', async () => {
    const received: { url: string; body: string }[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url!, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const service = await startService('packages/service-kit/test/fixtures/tiny-main.ts', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    try {
      const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const res = await fetch(`${service.url}/teapot`, {
        headers: { traceparent: `00-${traceId}-1111111111111111-01` },
      });
      expect(res.status).toBe(418);
      await service.stop('SIGTERM'); // shutdown flushes the batch
      expect(received.map((r) => r.url)).toContain('/v1/traces');
      const exported = received.find((r) => r.url === '/v1/traces')!.body;
      expect(exported).toContain(traceId);
      expect(exported).toContain('GET /teapot');
      expect(exported).toContain('"tiny"');
    } finally {
      await service.stop();
      collector.close();
    }
  }, 90_000);
});
