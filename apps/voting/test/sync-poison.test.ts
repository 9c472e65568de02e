// Issue 20: one catalogue product PostgreSQL cannot store (a NUL in its name, SQLSTATE 22021) used to stop
// every sync for good. A catalogue answering such products (an older catalogue accepted them) stands in here
// for the real one; the sync skips and reports them and applies the rest, on PostgreSQL and on PGlite.
import http from 'node:http';
import { once } from 'node:events';
import { createHttpClient } from '@craftista/http-client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueSync } from '../src/sync.js';
import { PostgresOrigamiRepository } from '../src/repository/postgres.js';
import { harness, type Harness } from './support.js';

const product = (id: string, name: string) => ({
  id,
  name,
  description: 'A fold.',
  image_url: `/static/images/origami/${id}.png`,
});
let products: unknown[] = [];
let catalogue: http.Server;
let catalogueUrl: string;

beforeAll(async () => {
  catalogue = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(products));
  });
  catalogue.listen(0, '127.0.0.1');
  await once(catalogue, 'listening');
  catalogueUrl = `http://127.0.0.1:${(catalogue.address() as { port: number }).port}`;
});
afterAll(() => catalogue.close());

describe.each(['postgres', 'pglite'] as const)('catalogue sync with a poison product on %s', (kind) => {
  let h: Harness;
  let sync: CatalogueSync;
  /** The harness's first app, on the database of `h.pool` (on PGlite each app has a database of its own). */
  let first: FastifyInstance;
  beforeAll(async () => {
    h = await harness(kind);
    first = h.app;
    const app = await h.build(
      { CATALOGUE_SYNC_INTERVAL_MS: '3600000' },
      { catalogue: createHttpClient({ baseURL: catalogueUrl, timeoutMs: 2000, retries: 0 }) },
    );
    sync = app.catalogueSync!;
    h.app = app;
  }, 120_000);
  afterAll(() => h?.dispose());

  const ids = async (app = h.app) =>
    ((await app.inject('/api/origamis')).json() as { id: string }[]).map((o) => o.id);

  it('skips a product with a NUL in its name, logs and reports it, and applies the rest', async () => {
    products = [product('crane', 'Crane'), product('nul', 'Bad\u0000name'), product('frog', 'Frog')];
    const outcome = await sync.runOnce();
    expect(outcome).toMatchObject({ kind: 'applied', items: 2, skipped: [{ id: 'nul' }] });
    expect(await ids()).toEqual(expect.arrayContaining(['crane', 'frog']));
    expect(await ids()).not.toContain('nul');
    expect((await h.app.inject('/api/origamis/frog/votes')).body).toBe('0');

    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details.catalogueSync).toMatchObject({
      lastError: null,
      lastSuccessItems: 2,
      lastSkipped: [{ id: 'nul', reason: expect.stringMatching(/^name: control characters/) }],
    });
    expect((await h.app.inject('/metrics')).body).toMatch(/^voting_catalogue_sync_skipped_products\S* 1$/m);

    // The next sync without the bad product clears the report; a product added later is still voted on.
    products = [product('crane', 'Crane'), product('frog', 'Frog'), product('swan', 'Swan')];
    expect(await sync.runOnce()).toMatchObject({ kind: 'applied', inserted: 1, skipped: [] });
    expect((await h.app.inject({ method: 'POST', url: '/api/origamis/swan/vote' })).statusCode).toBe(200);
    expect((await h.app.inject('/metrics')).body).toMatch(/^voting_catalogue_sync_skipped_products\S* 0$/m);
  });

  it('applies the rest when the store itself refuses a product (22021), item by item', async () => {
    const repository = new PostgresOrigamiRepository(h.pool);
    const applied = await repository.applyCatalogue([
      { id: 'lotus', name: 'Lotus' },
      { id: 'raw-nul', name: 'Raw\u0000nul' },
      { id: 'owl', name: 'Owl' },
    ]);
    expect(applied?.skipped).toEqual([{ id: 'raw-nul', reason: expect.stringMatching(/0x00/) }]);
    expect(await ids(first)).toEqual(expect.arrayContaining(['lotus', 'owl']));
    expect(await ids(first)).not.toContain('raw-nul');
  });
});
