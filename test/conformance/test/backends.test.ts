// (a) Every recorded request the original's senders make, byte for byte, against our three backends running as
// they are deployed (their main.ts, real PostgreSQL, MongoDB wire and Redis from the testkit): each answer
// gives the caller what it needs, or differs where we deliberately do (README.md, "Drop-in").
import {
  startService,
  useMongoDatabase,
  usePostgresDatabase,
  useRedis,
  type Isolated,
  type ServiceProcess,
} from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesOf, shortfalls } from '../src/cases.js';
import { send } from '../src/wire.js';

type Backend = 'catalogue' | 'voting' | 'recommendation';
const stores: Isolated[] = [];
const services = {} as Record<Backend, ServiceProcess>;

beforeAll(async () => {
  const [postgres, mongo, redis] = await Promise.all([usePostgresDatabase(), useMongoDatabase(), useRedis()]);
  stores.push(postgres, mongo, redis);
  const start = (app: Backend, env: Record<string, string>) =>
    startService(`apps/${app}/src/main.ts`, { env, readyPath: '/readyz', timeoutMs: 120_000 });
  [services.catalogue, services.recommendation] = await Promise.all([
    start('catalogue', { MONGODB_URL: mongo.url }),
    start('recommendation', { REDIS_URL: redis.url }),
  ]);
  services.voting = await start('voting', {
    DATABASE_URL: postgres.url,
    CATALOGUE_URL: services.catalogue.url,
    VOTING_ADMIN_TOKEN: 'conformance-admin-token',
  });
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(services).map((s) => s.stop()));
  await Promise.all(stores.map((s) => s.dispose()));
});

const count = async (id: string) =>
  Number(await (await fetch(`${services.voting.url}/api/origamis/${id}/votes`)).text());

for (const backend of ['catalogue', 'voting', 'recommendation'] as const) {
  describe(`our ${backend} answers the original's callers`, () => {
    it.each(casesOf(backend).map((c) => [c.id, c.source, c] as const))('%s (%s)', async (_id, _source, c) => {
      const before = c.needs?.counts ? await count(c.needs.counts) : 0;
      const answer = await send(services[backend].url, c.request);
      expect(shortfalls(c, answer)).toEqual([]);
      if (c.needs?.counts) expect(await count(c.needs.counts)).toBe(before + 1);
    });
  });
}
