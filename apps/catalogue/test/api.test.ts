// Every route against a real MongoDB-wire server (FerretDB locally, MongoDB 7 in GitHub CI via $MONGODB_URL).
import { useMongoDatabase, type Isolated } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRepository } from '../src/repository/index.js';
import { seedProducts } from '../src/seed.js';
import { bearer, catalogueApp } from './helpers.js';

const SEED = seedProducts();
const newProduct = {
  id: 'crane-xl',
  name: 'Giant Crane',
  description: 'A crane folded from a one-metre square.',
  image_url: '/static/images/origami/001-origami.png',
  tags: ['bird'],
};

let db: Isolated;
let app: FastifyInstance;
let repository: ProductRepository;
beforeAll(async () => {
  db = await useMongoDatabase();
  ({ app, repository } = await catalogueApp(db.url));
});
afterAll(async () => {
  await app?.close();
  await db?.dispose();
});

const ids = async () => (await repository.all()).map((p) => p.id);

describe('reading the catalogue', () => {
  it('lists the whole seeded catalogue without parameters, numeric ids first in numeric order', async () => {
    const res = await app.inject('/api/products');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(SEED);
    expect(
      res
        .json()
        .map((p: { id: string }) => p.id)
        .slice(0, 12),
    ).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(res.headers['x-total-count']).toBeUndefined();
  });

  it('answers 304 to If-None-Match with the list or item ETag, and 200 to a stale one', async () => {
    const list = await app.inject('/api/products');
    const etag = list.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await app.inject({ url: '/api/products', headers: { 'if-none-match': header } });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
    }
    expect(
      (await app.inject({ url: '/api/products', headers: { 'if-none-match': '"stale"' } })).statusCode,
    ).toBe(200);

    const item = await app.inject('/api/products/3');
    expect(item.headers.etag).not.toBe(etag);
    const again = await app.inject({
      url: '/api/products/3',
      headers: { 'if-none-match': item.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it('pages with limit and offset, with X-Total-Count and first/prev/next/last links, body still an array', async () => {
    const res = await app.inject('/api/products?limit=5&offset=5');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(SEED.slice(5, 10));
    expect(res.headers['x-total-count']).toBe(String(SEED.length));
    expect(res.headers.link).toBe(
      [
        '</api/products?limit=5&offset=0>; rel="first"',
        '</api/products?limit=5&offset=0>; rel="prev"',
        '</api/products?limit=5&offset=10>; rel="next"',
        `</api/products?limit=5&offset=${Math.floor((SEED.length - 1) / 5) * 5}>; rel="last"`,
      ].join(', '),
    );
    const last = await app.inject('/api/products?limit=5&offset=20');
    expect(last.json()).toEqual(SEED.slice(20));
    expect(last.headers.link).not.toContain('rel="next"');
    expect(
      (
        await app.inject({
          url: '/api/products?limit=5&offset=5',
          headers: { 'if-none-match': res.headers.etag as string },
        })
      ).statusCode,
    ).toBe(304);
  });

  it('filters by tag and by case-insensitive name text, keeping the other parameters in the links', async () => {
    const birds = await app.inject('/api/products?tag=bird&limit=2');
    const allBirds = SEED.filter((p) => p.tags?.includes('bird'));
    expect(birds.json()).toEqual(allBirds.slice(0, 2));
    expect(birds.headers['x-total-count']).toBe(String(allBirds.length));
    expect(birds.headers.link).toContain('</api/products?tag=bird&limit=2&offset=2>; rel="next"');
    const foxes = await app.inject('/api/products?q=FOX');
    expect(foxes.json().map((p: { name: string }) => p.name)).toEqual(['Origami Fox']);
    expect((await app.inject('/api/products?q=.*')).json()).toEqual([]);
  });

  it('answers 404 with the original message for an unknown id, 400 for an id outside [A-Za-z0-9_-]{1,64}', async () => {
    expect((await app.inject('/api/products/999')).json()).toEqual({
      error: 'not_found',
      message: 'Product not found',
    });
    for (const bad of ['x'.repeat(65), '%24gt', 'a.b', '%7B%22%24gt%22%3A%22%22%7D', '..%2F..%2Fetc']) {
      const res = await app.inject(`/api/products/${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error).toBe('validation_failed');
    }
  });

  it('refuses bad paging, unknown parameters and operator-shaped query parameters with 400', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'offset=-1',
      'tag=Not%20A%20Tag',
      `q=${'a'.repeat(101)}`,
      'q[$gt]=',
      'tag[$ne]=bird',
      'q=%7B%22%24gt%22%3A%22%22%7D&tag=%24gt',
      'tag=a&tag=b',
      'sort=name',
    ]) {
      const res = await app.inject(`/api/products?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error, query).toBe('validation_failed');
    }
  });

  it('serves /openapi.json generated from the schemas and a docs page listing the operations', async () => {
    const spec = (await app.inject('/openapi.json')).json();
    expect(Object.keys(spec.paths).sort()).toEqual(['/api/products', '/api/products/{id}']);
    expect(Object.keys(spec.paths['/api/products']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(spec.paths['/api/products/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(spec.paths['/api/products'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'limit',
      'offset',
      'q',
      'tag',
    ]);
    const docs = await app.inject('/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('<code>/api/products/{id}</code>');
    expect(docs.body).toContain('Replace a product (admin)');
  });

  it('reports liveness, readiness with the MongoDB ping and seed, and per-route metrics', async () => {
    expect((await app.inject('/livez')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ mongodb: { status: 'up' }, seed: { status: 'up' } });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/api\/products",status_code="200",service="catalogue"\} \d+/,
    );
  });
});

describe('admin writes', () => {
  it('answers 401 with a Bearer challenge without a token or with a wrong one, and stores nothing', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-wrong-token' },
      { authorization: bearer.authorization.replace('Bearer', 'Basic') },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/products', headers, payload: newProduct });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="catalogue"');
      expect(res.json().error).toBe('unauthorized');
    }
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      expect((await app.inject({ method, url: '/api/products/1', payload: { name: 'x' } })).statusCode).toBe(
        401,
      );
    }
    expect(await ids()).toEqual(SEED.map((p) => p.id));
  });

  it('answers 403 to every write when CATALOGUE_ADMIN_TOKEN is unset, even with a token', async () => {
    const { app: readOnly } = await catalogueApp(undefined, { config: { CATALOGUE_ADMIN_TOKEN: undefined } });
    try {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await readOnly.inject({
          method,
          url: method === 'POST' ? '/api/products' : '/api/products/1',
          headers: bearer,
          payload: newProduct,
        });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({
          error: 'writes_disabled',
          message: 'Writes are disabled: CATALOGUE_ADMIN_TOKEN is not set',
        });
      }
      expect((await readOnly.inject('/api/products')).json()).toHaveLength(SEED.length);
    } finally {
      await readOnly.close();
    }
  });

  it('creates, replaces, patches and deletes, and the cached list and item show each change at once', async () => {
    const before = await app.inject('/api/products');
    const created = await app.inject({
      method: 'POST',
      url: '/api/products',
      headers: bearer,
      payload: newProduct,
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/api/products/crane-xl');
    expect(created.json()).toEqual(newProduct);
    const after = await app.inject('/api/products');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.json().at(-1)).toEqual(newProduct);
    expect(
      (
        await app.inject({
          url: '/api/products',
          headers: { 'if-none-match': before.headers.etag as string },
        })
      ).statusCode,
    ).toBe(200);

    const duplicate = await app.inject({
      method: 'POST',
      url: '/api/products',
      headers: bearer,
      payload: { ...newProduct, name: 'Other' },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toBe('conflict');

    const { id: _id, tags: _tags, ...fields } = newProduct;
    const replaced = await app.inject({
      method: 'PUT',
      url: '/api/products/crane-xl',
      headers: bearer,
      payload: { ...fields, name: 'Huge Crane' },
    });
    expect(replaced.json()).toEqual({ ...fields, id: 'crane-xl', name: 'Huge Crane' });
    expect((await app.inject('/api/products/crane-xl')).json()).toEqual({
      ...fields,
      id: 'crane-xl',
      name: 'Huge Crane',
    });

    const patched = await app.inject({
      method: 'PATCH',
      url: '/api/products/crane-xl',
      headers: bearer,
      payload: { tags: ['bird', 'giant'] },
    });
    expect(patched.statusCode).toBe(200);
    expect((await app.inject('/api/products?tag=giant')).json().map((p: { id: string }) => p.id)).toEqual([
      'crane-xl',
    ]);

    expect(
      (await app.inject({ method: 'PUT', url: '/api/products/nope', headers: bearer, payload: fields }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/api/products/nope',
          headers: bearer,
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/products/crane-xl', headers: bearer, payload: {} }))
        .statusCode,
    ).toBe(400);

    expect(
      (await app.inject({ method: 'DELETE', url: '/api/products/crane-xl', headers: bearer })).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/products/crane-xl', headers: bearer })).statusCode,
    ).toBe(404);
    expect((await app.inject('/api/products/crane-xl')).statusCode).toBe(404);
    expect(await ids()).toEqual(SEED.map((p) => p.id));
  });

  it('refuses injection attempts with 4xx and stores nothing: operators, dotted and $ keys, unknown fields, bad ids, 1 MB', async () => {
    const attempts: {
      method: 'POST' | 'PUT' | 'PATCH';
      url: string;
      payload: unknown;
      status: number;
      error: string;
    }[] = [
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, name: { $gt: '' } },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, id: { $gt: '' } },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, $where: 'sleep(1000)' },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, 'name.first': 'x' },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, tags: [{ $ne: null }] },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, votes: 3 },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, id: 'a/b' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, id: 'x'.repeat(65) },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, image_url: 'javascript:alert(1)' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'PATCH',
        url: '/api/products/1',
        payload: { $set: { name: 'pwned' } },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'PATCH',
        url: '/api/products/1',
        payload: { name: { $gt: '' } },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'PATCH',
        url: '/api/products/1',
        payload: { id: '2' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'PUT',
        url: '/api/products/1',
        payload: { 'description.x': 'y', name: 'n', description: 'd', image_url: '/a.png' },
        status: 400,
        error: 'unsafe_key',
      },
      {
        method: 'PUT',
        url: '/api/products/%24gt',
        payload: { name: 'n', description: 'd', image_url: '/a.png' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        url: '/api/products',
        payload: { ...newProduct, description: 'x'.repeat(1024 * 1024) },
        status: 413,
        error: 'payload_too_large',
      },
    ];
    for (const attempt of attempts) {
      const res = await app.inject({
        method: attempt.method,
        url: attempt.url,
        headers: bearer,
        payload: attempt.payload as object,
      });
      expect(res.statusCode, JSON.stringify(attempt.payload).slice(0, 80)).toBe(attempt.status);
      expect(res.json().error).toBe(attempt.error);
    }
    const proto = await app.inject({
      method: 'POST',
      url: '/api/products',
      headers: { ...bearer, 'content-type': 'application/json' },
      payload: `{"id":"p","name":"n","description":"d","image_url":"/a.png","__proto__":{"admin":true}}`,
    });
    expect(proto.statusCode).toBe(400);
    expect(await repository.all()).toEqual(SEED);
  });
});

describe('poison input (issue 20)', () => {
  const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: string | Buffer) =>
    app.inject({ method, url, headers: { ...bearer, 'content-type': 'application/json' }, payload });
  const product = (fields: Record<string, unknown>) =>
    JSON.stringify({ ...newProduct, id: 'poison', ...fields });

  it('refuses control characters in text fields with 400, and stores nothing', async () => {
    for (const name of ['Crane\u0000', 'Cr\u0007ane', 'Crane\u001b[31m']) {
      const res = await send('POST', '/api/products', product({ name }));
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error).toBe('validation_failed');
    }
    const patch = await send('PATCH', '/api/products/1', JSON.stringify({ description: 'a\u0000b' }));
    expect(patch.statusCode).toBe(400);
    expect(await repository.all()).toEqual(SEED);
  });

  it('answers JSON nested 5,000 levels deep (~30 kB) with 400 on POST, PUT and PATCH', async () => {
    const deep = `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(deep.length).toBeGreaterThan(10_000);
    for (const [method, url] of [
      ['POST', '/api/products'],
      ['PUT', '/api/products/1'],
      ['PATCH', '/api/products/1'],
    ] as const) {
      const res = await send(method, url, deep);
      expect(res.statusCode, method).toBe(400);
      expect(res.json().error).toBe('invalid_json');
    }
  });

  it('coerces no wrongly typed value: each is a 400', async () => {
    for (const fields of [{ id: false }, { tags: [false] }, { description: 42 }, { name: null }]) {
      const res = await send('POST', '/api/products', product(fields));
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
    }
    expect(await ids()).not.toContain('false');
  });

  it('refuses invalid UTF-8 and lone surrogates with 400 instead of storing U+FFFD', async () => {
    const badBytes = Buffer.concat([
      Buffer.from(product({ name: 'Cr' }).slice(0, -2)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    for (const body of [badBytes, product({ name: 'Crane \ud800' })]) {
      const res = await send('POST', '/api/products', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('invalid_json');
    }
    expect(await ids()).not.toContain('poison');
  });

  it('answers TRACE and QUERY on its routes with 405 and an Allow header', async () => {
    for (const method of ['TRACE', 'QUERY'] as const) {
      // light-my-request's method type lists neither TRACE nor QUERY; Fastify's server takes both.
      const res = await app.inject({ method: method as 'GET', url: '/api/products' });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toContain('GET');
    }
  });
});

describe('several replicas on one database', () => {
  it('two app instances seeding the same empty database at once store each product exactly once', async () => {
    const url = new URL(db.url);
    url.pathname = `${url.pathname}_replicas`;
    const [a, b] = await Promise.all([catalogueApp(url.toString()), catalogueApp(url.toString())]);
    try {
      expect((await a.repository.all()).map((p) => p.id)).toEqual(SEED.map((p) => p.id));
      expect((await b.app.inject('/api/products')).json()).toEqual(SEED);
      const ready = await b.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
    } finally {
      await Promise.all([a.app.close(), b.app.close()]);
    }
  });

  it("a replica shows another replica's write once its cache TTL has passed", async () => {
    const other = await catalogueApp(db.url, { config: { CATALOGUE_CACHE_TTL_MS: 300 } });
    try {
      expect((await other.app.inject('/api/products')).json()).toHaveLength(SEED.length);
      const res = await app.inject({
        method: 'POST',
        url: '/api/products',
        headers: bearer,
        payload: { ...newProduct, id: 'replica-2' },
      });
      expect(res.statusCode).toBe(201);
      await new Promise((r) => setTimeout(r, 350));
      expect((await other.app.inject('/api/products')).json().map((p: { id: string }) => p.id)).toContain(
        'replica-2',
      );
      expect((await other.app.inject('/api/products/replica-2')).statusCode).toBe(200);
    } finally {
      await app.inject({ method: 'DELETE', url: '/api/products/replica-2', headers: bearer });
      await other.app.close();
    }
  });
});
