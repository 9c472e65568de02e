// (a) Every recorded request the original's senders make, byte for byte, against our three backends running as
// they are deployed (their main.ts, real PostgreSQL, MongoDB wire and Redis from the testkit): each answer
// gives the caller what it needs, or differs where we deliberately do (README.md, "Drop-in").
import { startBackends, type Backends } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesOf, shortfalls } from '../src/cases.js';
import { send } from '../src/wire.js';

let backends: Backends;
let services: Backends['services'];

beforeAll(async () => {
  backends = await startBackends({ voting: { VOTING_ADMIN_TOKEN: 'conformance-admin-token' } });
  services = backends.services;
}, 300_000);

afterAll(() => backends?.dispose());

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
