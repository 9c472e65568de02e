// MongoDB really stopped and restarted (FerretDB from the testkit): fast 503s, readiness, recovery by itself.
import { startMongo, type ServerHandle } from '@craftista/testkit';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProducts } from '../src/seed.js';
import { bearer, catalogueApp } from './helpers.js';

const TTL = 200;
const SEED = seedProducts();
let mongo: ServerHandle;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  mongo = await startMongo();
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await mongo?.dispose();
});

const timed = async (app: FastifyInstance, options: InjectOptions) => {
  const started = Date.now();
  const res = await app.inject(options);
  return { res, ms: Date.now() - started };
};

describe('MongoDB outage', () => {
  it('answers 503 store_unavailable within ~1 s while MongoDB is down, /readyz 503, and recovers by itself', async () => {
    const { app } = await catalogueApp(`${mongo.url}outage`, { config: { CATALOGUE_CACHE_TTL_MS: TTL } });
    apps.push(app);
    expect((await app.inject('/api/products')).json()).toEqual(SEED);

    await mongo.stop();
    // The cached list is served for at most one TTL after the last successful read, never longer.
    await new Promise((r) => setTimeout(r, TTL + 50));
    for (const request of [
      { url: '/api/products' },
      { url: '/api/products/1' },
      { url: '/api/products?tag=bird' },
      { method: 'POST' as const, url: '/api/products', headers: bearer, payload: { ...SEED[0]!, id: 'new' } },
      { method: 'DELETE' as const, url: '/api/products/2', headers: bearer },
    ]) {
      const { res, ms } = await timed(app, request);
      expect(res.statusCode, request.url).toBe(503);
      expect(res.json()).toEqual({
        error: 'store_unavailable',
        message: 'mongodb is unavailable; try again shortly',
      });
      expect(ms, request.url).toBeLessThan(2500);
    }
    const { res: ready, ms } = await timed(app, { url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().failing).toEqual(['mongodb']);
    expect(ms).toBeLessThan(1500);
    expect((await app.inject('/livez')).statusCode).toBe(200);

    await mongo.start();
    await expect
      .poll(async () => (await app.inject('/api/products')).statusCode, { timeout: 20_000, interval: 250 })
      .toBe(200);
    expect((await app.inject('/api/products')).json()).toEqual(SEED);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
  });

  it('starts while MongoDB is down (not ready, 503s), then indexes and seeds itself once MongoDB is up', async () => {
    await mongo.stop();
    const { app } = await catalogueApp(`${mongo.url}late`, {
      initRetryMs: 300,
      config: { CATALOGUE_CACHE_TTL_MS: TTL },
    });
    apps.push(app);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().failing.sort()).toEqual(['mongodb', 'seed']);
    expect((await app.inject('/api/products')).statusCode).toBe(503);

    await mongo.start();
    await expect
      .poll(async () => (await app.inject('/readyz')).statusCode, { timeout: 20_000, interval: 250 })
      .toBe(200);
    expect((await app.inject('/api/products')).json()).toEqual(SEED);
  });
});
