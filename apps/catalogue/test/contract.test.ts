// The original Flask catalogue's response shapes, field for field, on both stores.
import { readFileSync } from 'node:fs';
import { useMongoDatabase, type Isolated } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueApp } from './helpers.js';

// The original's products.json, copied verbatim from ../shared/craftista-data (what the Flask app served).
const original = JSON.parse(
  readFileSync(new URL('../data/products.json', import.meta.url), 'utf8'),
) as Record<string, unknown>[];

/** Keys (sorted) and the JSON type of each value: the shape a client depends on. */
const shape = (value: Record<string, unknown>) =>
  Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, Array.isArray(value[k]) ? 'array' : typeof value[k]]),
  );
const originalShape = { description: 'string', id: 'string', image_url: 'string', name: 'string' };

describe.each([
  ['embedded in-memory store', false],
  ['MongoDB (FerretDB or $MONGODB_URL)', true],
])('original contract on the %s', (_label, onMongo) => {
  let db: Isolated | undefined;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = onMongo ? await useMongoDatabase() : undefined;
    ({ app } = await catalogueApp(db?.url));
  });
  afterAll(async () => {
    await app?.close();
    await db?.dispose();
  });

  it('the original five products have exactly the original keys, types and values', () => {
    expect(original).toHaveLength(5);
    for (const product of original) expect(shape(product)).toEqual(originalShape);
  });

  it('GET /api/products answers a JSON array that starts with the original five, same keys, types and values', async () => {
    const res = await app.inject('/api/products');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as Record<string, unknown>[];
    expect(Array.isArray(body)).toBe(true);
    expect(body.slice(0, 5)).toEqual(original);
    for (const product of body.slice(0, 5)) expect(shape(product)).toEqual(originalShape);
    // The showcase additions keep the original four fields with the same types, plus an optional tag list.
    for (const product of body.slice(5)) {
      const { tags, ...rest } = shape(product);
      expect(rest).toEqual(originalShape);
      expect(tags === undefined || tags === 'array').toBe(true);
    }
  });

  it('GET /api/products/:id answers the same object as the list for each original id (unlike the original, "1" is found)', async () => {
    for (const product of original) {
      const res = await app.inject(`/api/products/${product.id as string}`);
      expect(res.statusCode).toBe(200);
      expect(shape(res.json())).toEqual(originalShape);
      expect(res.json()).toEqual(product);
    }
  });

  it('GET /api/products/:id for an unknown id answers 404 with the original message', async () => {
    const res = await app.inject('/api/products/404');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'Product not found' });
  });

  it('GET / is the products API page with the original texts and links', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const text of [
      '<title>Products API</title>',
      'Welcome to the Craftista Products API',
      'This is a backend service to which Craftista Frontend Connects.',
      'You can access the following API endpoints:',
      '<a href="/api/products">All Products</a>',
      '<a href="/api/products/1">Product 1</a>',
      '<div class="version-circle">9.9.9</div>',
      'System Information',
      'Sample App created by School of Devops for DevOps Workshops.',
    ]) {
      expect(res.body).toContain(text);
    }
    const logo = await app.inject('/static/images/logo.jpg');
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/jpeg');
    expect(logo.rawPayload.equals(readFileSync(new URL('../static/images/logo.jpg', import.meta.url)))).toBe(
      true,
    );
  });
});
