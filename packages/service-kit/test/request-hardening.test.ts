import { Writable } from 'node:stream';
import { z } from '@craftista/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, noBody, type Service } from '../src/index.js';

const Ok = z.object({ ok: z.boolean() });
let app: Service;
const received: unknown[] = [];

beforeAll(async () => {
  app = await createService(
    { name: 'hardening', logDestination: new Writable({ write: (_c, _e, done) => done() }) },
    { APP_VERSION: 'test' },
  );
  app.post(
    '/notes',
    {
      schema: {
        body: z.object({ text: z.string(), nested: z.unknown().optional() }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      received.push(request.body);
      return { ok: true };
    },
  );
  app.get(
    '/notes/:id',
    { schema: { params: z.object({ id: z.string() }), response: { 200: Ok } } },
    async () => ({ ok: true }),
  );
  app.delete('/notes/:id', { schema: { response: { 204: noBody('deleted') } } }, async (_r, reply) =>
    reply.code(204).send(null),
  );
  await app.ready();
});
afterAll(() => app.close());

const postJson = (payload: string | Buffer) =>
  app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json' }, payload });

describe('JSON request bodies', () => {
  it('keeps characters outside the BMP (surrogate pairs) as they are', async () => {
    received.length = 0;
    const res = await postJson('{"text":"crane \\ud83e\\udda2 🦢"}');
    expect(res.statusCode).toBe(200);
    expect(received).toEqual([{ text: 'crane 🦢 🦢' }]);
  });

  it('refuses bytes that are not UTF-8 with 400 instead of storing U+FFFD', async () => {
    received.length = 0;
    const res = await postJson(
      Buffer.concat([Buffer.from('{"text":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_json', message: 'The body is not valid UTF-8' });
    expect(received).toEqual([]);
  });

  it('refuses a lone surrogate escape in a value or a key with 400', async () => {
    for (const body of ['{"text":"a\\ud800b"}', '{"text":"a","nested":{"\\udc00":1}}']) {
      const res = await postJson(body);
      expect(res.statusCode, body).toBe(400);
      expect(res.json().error).toBe('invalid_json');
    }
  });

  it('refuses JSON nested 5,000 levels deep (~30 kB) with 400', async () => {
    const deep = `{"text":"a","nested":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await postJson(deep);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/nests deeper than 32 levels/);
    // Brackets inside strings are text, not nesting.
    expect((await postJson(`{"text":"${'['.repeat(5000)}"}`)).statusCode).toBe(200);
  });

  it('still answers malformed, empty and prototype-poisoning bodies 400', async () => {
    expect((await postJson('{"text":')).statusCode).toBe(400);
    expect((await postJson('')).statusCode).toBe(400);
    expect((await postJson('{"text":"a","__proto__":{"x":1}}')).statusCode).toBe(400);
  });
});

describe('methods', () => {
  // light-my-request's method type lists neither TRACE nor QUERY; Fastify's server takes both.
  const send = (method: string, url: string) => app.inject({ method: method as 'GET', url });

  it('answers 405 with Allow for a method a known path lacks, before reading any body', async () => {
    for (const method of ['TRACE', 'QUERY', 'PUT'] as const) {
      const res = await send(method, '/notes/7');
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, DELETE');
      expect(res.json().error).toBe('method_not_allowed');
    }
  });

  it('keeps 404 for a path no route has', async () => {
    expect((await send('TRACE', '/nothing')).statusCode).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('declares the 400, 413 and 415 answers the kit gives, and 204 without content', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths['/notes'].post.responses).sort()).toEqual(['200', '400', '413', '415']);
    expect(Object.keys(doc.paths['/notes/{id}'].get.responses).sort()).toEqual(['200', '400']);
    expect(doc.paths['/notes/{id}'].delete.responses['204']).toEqual({ description: 'deleted' });
  });
});
