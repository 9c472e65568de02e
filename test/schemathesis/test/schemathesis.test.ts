// schemathesis with every check against each Fastify service's /openapi.json, served as deployed (main.ts)
// on real PostgreSQL, MongoDB wire (FerretDB) and Redis: the OpenAPI documents are the contract the services
// enforce, and no generated input gets a 5xx. Fixed seed, so a finding reproduces.
import { startBackends, type Backends } from '@craftista/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemathesis } from '../src/schemathesis.js';

const ADMIN_TOKEN = 'schemathesis-admin-token';
const SEED = 20;
// 50 cases per operation and phase (~900 requests a service): about a minute for the three on 2 busy cores.
const MAX_EXAMPLES = 50;

const reports = path.join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'schemathesis');

let backends: Backends;
let services: Backends['services'];

beforeAll(async () => {
  backends = await startBackends({
    catalogue: { CATALOGUE_ADMIN_TOKEN: ADMIN_TOKEN },
    recommendation: { RECOMMENDATION_ADMIN_TOKEN: ADMIN_TOKEN },
    // Raised for this run only: schemathesis votes far more than a person; the limit is not what it checks.
    voting: { VOTING_ADMIN_TOKEN: ADMIN_TOKEN, VOTE_LIMIT_PER_MINUTE: '1000000' },
  });
  services = backends.services;
}, 300_000);

afterAll(() => backends?.dispose());

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
