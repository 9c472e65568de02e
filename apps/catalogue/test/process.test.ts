// The app as real processes, as the dev launcher, compose and the other services' tests run it.
import { spawnSync } from 'node:child_process';
import {
  repoRoot,
  startService,
  useMongoDatabase,
  type Isolated,
  type ServiceProcess,
} from '@craftista/testkit';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { seedProducts } from '../src/seed.js';

const SEED = seedProducts();
const started: ServiceProcess[] = [];
let db: Isolated | undefined;
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await db?.dispose();
});

const start = async (env: Record<string, string | undefined>) => {
  const service = await startService('apps/catalogue/src/main.ts', {
    env: { LOG_LEVEL: 'info', ...env },
    timeoutMs: 60_000,
  });
  started.push(service);
  return service;
};

describe('catalogue process', () => {
  it('without MONGODB_URL runs on the embedded store and prints exactly one warning line naming MONGODB_URL', async () => {
    const service = await start({ MONGODB_URL: undefined });
    const res = await fetch(`${service.url}/api/products`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(SEED);
    const warnings = service
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('MONGODB_URL is not set: running on the embedded in-memory catalogue');
  });

  it('two replicas starting together on the same empty MongoDB database seed each product exactly once', async () => {
    db = await useMongoDatabase();
    const [a, b] = await Promise.all([start({ MONGODB_URL: db.url }), start({ MONGODB_URL: db.url })]);
    for (const service of [a, b]) {
      expect(service.output()).not.toContain('MONGODB_URL is not set');
      await expect
        .poll(async () => (await fetch(`${service.url}/readyz`)).status, { timeout: 20_000 })
        .toBe(200);
      expect(await (await fetch(`${service.url}/api/products`)).json()).toEqual(SEED);
    }
    const client = new MongoClient(db.url);
    try {
      const docs = await client.db().collection('products').find({}).toArray();
      expect(docs).toHaveLength(SEED.length);
      expect(new Set(docs.map((d) => d.id)).size).toBe(SEED.length);
      const indexes = await client.db().collection('products').indexes();
      expect(indexes.find((i) => i.name === 'id_unique')).toMatchObject({ unique: true, key: { id: 1 } });
    } finally {
      await client.close();
    }
  });

  it('refuses to start with an invalid configuration, exiting 1 and naming each bad variable', async () => {
    const run = spawnSync(
      process.execPath,
      ['--conditions=craftista-source', '--import', 'tsx', 'apps/catalogue/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          PORT: 'not-a-port',
          MONGODB_URL: 'http://nope',
          CATALOGUE_ADMIN_TOKEN: 'short',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    for (const variable of ['PORT', 'MONGODB_URL', 'CATALOGUE_ADMIN_TOKEN'])
      expect(run.stderr).toContain(`- ${variable}:`);
  }, 60_000);
});
