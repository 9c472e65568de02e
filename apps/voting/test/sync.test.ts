// Catalogue sync against the real catalogue running as a process (embedded store), changed through its
// admin API: new item, rename, vanished item, reappearance, catalogue down, another replica holding the lock.
import { createHttpClient } from '@craftista/http-client';
import { startService, type ServiceProcess } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueSync } from '../src/sync.js';
import { harness, type Harness, signedClient } from './support.js';

const CATALOGUE_TOKEN = 'catalogue-admin-token-for-tests';
let catalogue: ServiceProcess;
let h: Harness;
let sync: CatalogueSync;

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${catalogue.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${CATALOGUE_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

beforeAll(async () => {
  catalogue = await startService('apps/catalogue/src/main.ts', {
    env: { CATALOGUE_ADMIN_TOKEN: CATALOGUE_TOKEN, MONGODB_URL: '', CATALOGUE_CACHE_TTL_MS: '1' },
  });
  h = await harness('postgres');
  const app = await h.build(
    { CATALOGUE_SYNC_INTERVAL_MS: '3600000' },
    { catalogue: createHttpClient({ baseURL: catalogue.url, timeoutMs: 2000, retries: 0 }) },
  );
  sync = app.catalogueSync!;
  h.app = app;
}, 120_000);
afterAll(async () => {
  await catalogue?.stop();
  await h?.dispose();
});

const list = async () =>
  (await h.app.inject('/api/origamis')).json() as { id: string; name: string; votes: number }[];
const vote = (id: string) =>
  h.app.inject({
    method: 'POST',
    url: `/api/origamis/${id}/vote`,
    headers: { 'x-craftista-client': signedClient(`sync-${id}`) },
  });

describe('catalogue sync', () => {
  it('syncs at start: every catalogue product becomes an origami with 0 votes', async () => {
    const products = (await (await fetch(`${catalogue.url}/api/products`)).json()) as {
      id: string;
      name: string;
    }[];
    expect(products.length).toBeGreaterThan(5);
    await expect.poll(async () => (await list()).length, { timeout: 10_000 }).toBe(products.length);
    const byId = new Map((await list()).map((o) => [o.id, o]));
    for (const p of products) expect(byId.get(p.id)).toEqual({ id: p.id, name: p.name, votes: 0 });
    const ready = (await h.app.inject('/readyz')).json();
    expect(ready.details.catalogueSync.lastSuccessAt).toEqual(expect.any(String));
    expect(ready.details.catalogueSync.lastSuccessItems).toBe(products.length);
    const metrics = (await h.app.inject('/metrics')).body;
    const at = Number(/voting_catalogue_last_sync_timestamp_seconds\{[^}]*\} ([\d.e+]+)/.exec(metrics)?.[1]);
    expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(120);
  });

  it('applies a rename, a new product and a vanished product, keeping every vote', async () => {
    for (let i = 0; i < 3; i++) expect((await vote('1')).statusCode).toBe(200);
    expect((await vote('7')).statusCode).toBe(200);

    expect(
      (
        await admin('PATCH', '/api/products/1', {
          name: 'Origami Crane Deluxe',
          image_url: '/static/images/origami/crane-2.png',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin('POST', '/api/products', {
          id: 'sync-new',
          name: 'Origami Owl',
          description: 'A new owl from the catalogue.',
          image_url: '/static/images/origami/owl.png',
        })
      ).status,
    ).toBe(201);
    expect((await admin('DELETE', '/api/products/7')).status).toBe(204);

    expect(await sync.runOnce()).toMatchObject({ kind: 'applied', inserted: 1, updated: 1, retired: 1 });
    expect((await h.app.inject('/api/origamis/1')).json()).toEqual({
      id: '1',
      name: 'Origami Crane Deluxe',
      votes: 3,
    });
    const { rows } = await h.pool.query(`select image_url from origami where id = '1'`);
    expect(rows[0].image_url).toBe('/static/images/origami/crane-2.png');
    expect((await h.app.inject('/api/origamis/sync-new')).json()).toEqual({
      id: 'sync-new',
      name: 'Origami Owl',
      votes: 0,
    });

    // Vanished: off the list and closed to votes, but its votes are kept and still readable.
    expect((await list()).map((o) => o.id)).not.toContain('7');
    expect((await h.app.inject('/api/origamis/7')).json()).toMatchObject({ id: '7', votes: 1 });
    expect((await h.app.inject('/api/origamis/7/votes')).body).toBe('1');
    expect((await vote('7')).statusCode).toBe(404);
    const ledger = await h.pool.query(`select count(*)::int as n from vote_ledger where origami_id = '7'`);
    expect(ledger.rows[0].n).toBe(1);

    // Back in the catalogue: active again with its old votes.
    const product7 = {
      id: '7',
      name: 'Origami Elephant',
      description: 'Back again.',
      image_url: '/static/images/origami/004-elephant.png',
    };
    expect((await admin('POST', '/api/products', product7)).status).toBe(201);
    expect(await sync.runOnce()).toMatchObject({ kind: 'applied', inserted: 0, retired: 0 });
    expect((await list()).find((o) => o.id === '7')).toEqual({ id: '7', name: 'Origami Elephant', votes: 1 });
  });

  it('skips the sync while another replica holds the sync lock', async () => {
    const other = await h.pool.connect();
    try {
      await other.query('begin');
      await other.query('select pg_advisory_xact_lock(726871002)');
      expect(await sync.runOnce()).toEqual({ kind: 'skipped', reason: 'another replica is syncing' });
    } finally {
      await other.query('rollback');
      other.release();
    }
    expect((await sync.runOnce()).kind).toBe('applied');
  });

  it('keeps serving and keeps its origami when the catalogue is down', async () => {
    const before = await list();
    const lastSuccess = (await h.app.inject('/readyz')).json().details.catalogueSync.lastSuccessAt;
    await catalogue.stop();
    const outcome = await sync.runOnce();
    expect(outcome.kind).toBe('failed');
    expect(await list()).toEqual(before);
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details.catalogueSync).toMatchObject({
      lastSuccessAt: lastSuccess,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    expect((await vote('2')).statusCode).toBe(200);
    expect((await h.app.inject('/metrics')).body).toMatch(
      /voting_catalogue_sync_failures_total\{[^}]*\} [1-9]/,
    );
  });
});
