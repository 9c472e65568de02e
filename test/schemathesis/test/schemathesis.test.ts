// schemathesis with every check against each Fastify service's /openapi.json, served as deployed (main.ts)
// on real PostgreSQL, MongoDB wire (FerretDB) and Redis: the OpenAPI documents are the contract the services
// enforce, and no generated input gets a 5xx. Fixed seed, so a finding reproduces.
import {
  startService,
  useMongoDatabase,
  usePostgresDatabase,
  useRedis,
  type Isolated,
  type ServiceProcess,
} from '@craftista/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemathesis } from '../src/schemathesis.js';

type Backend = 'catalogue' | 'voting' | 'recommendation';
const ADMIN_TOKEN = 'schemathesis-admin-token';
const SEED = 20;
// 50 cases per operation and phase (~900 requests a service): about a minute for the three on 2 busy cores.
const MAX_EXAMPLES = 50;

const reports = path.join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'schemathesis');

const stores: Isolated[] = [];
const services = {} as Record<Backend, ServiceProcess>;

beforeAll(async () => {
  const [postgres, mongo, redis] = await Promise.all([usePostgresDatabase(), useMongoDatabase(), useRedis()]);
  stores.push(postgres, mongo, redis);
  const start = (app: Backend, env: Record<string, string>) =>
    startService(`apps/${app}/src/main.ts`, { env, readyPath: '/readyz', timeoutMs: 120_000 });
  [services.catalogue, services.recommendation] = await Promise.all([
    start('catalogue', { MONGODB_URL: mongo.url, CATALOGUE_ADMIN_TOKEN: ADMIN_TOKEN }),
    start('recommendation', { REDIS_URL: redis.url, RECOMMENDATION_ADMIN_TOKEN: ADMIN_TOKEN }),
  ]);
  services.voting = await start('voting', {
    DATABASE_URL: postgres.url,
    CATALOGUE_URL: services.catalogue.url,
    VOTING_ADMIN_TOKEN: ADMIN_TOKEN,
    // Raised for this run only: schemathesis votes far more than a person; the limit is not what it checks.
    VOTE_LIMIT_PER_MINUTE: '1000000',
  });
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(services).map((s) => s.stop()));
  await Promise.all(stores.map((s) => s.dispose()));
});

describe('schemathesis --checks all finds nothing', () => {
  it.each(['catalogue', 'voting', 'recommendation'] as const)(
    'in %s',
    async (backend) => {
      const { code, report } = await runSchemathesis(`${services[backend].url}/openapi.json`, {
        seed: SEED,
        maxExamples: MAX_EXAMPLES,
        adminToken: ADMIN_TOKEN,
      });
      // Kept for reading after a green run too (phase times, cases generated).
      mkdirSync(reports, { recursive: true });
      writeFileSync(path.join(reports, `${backend}.txt`), report);
      expect(code, `schemathesis reported findings for ${backend}:\n${report}`).toBe(0);
    },
    300_000,
  );
});
