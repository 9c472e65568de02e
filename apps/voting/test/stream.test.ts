// Live counts across replicas: a vote cast through another voting process (same PostgreSQL) reaches this
// process's stream through LISTEN/NOTIFY; heartbeats keep the stream open; closing ends it cleanly.
import { startService, type ServiceProcess } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, openStream, type Harness, signedClient } from './support.js';

let h: Harness;
let other: ServiceProcess;

beforeAll(async () => {
  h = await harness('postgres', { SSE_HEARTBEAT_MS: '200' });
  other = await startService('apps/voting/src/main.ts', {
    env: { DATABASE_URL: h.url, CATALOGUE_URL: 'http://127.0.0.1:9', VOTING_ADMIN_TOKEN: '' },
  });
}, 120_000);
afterAll(async () => {
  await other?.stop();
  await h?.dispose();
});

describe('live vote stream', () => {
  it('delivers a vote made through another voting process', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(`${address}/api/origamis/stream`);
    try {
      await expect.poll(() => stream.text()).toContain(': connected');
      const res = await fetch(`${other.url}/api/origamis/3/vote`, {
        method: 'POST',
        headers: { 'x-craftista-client': signedClient('other-replica-fan') },
      });
      expect(res.status).toBe(200);
      const { votes } = (await res.json()) as { votes: number };
      await expect.poll(() => stream.events(), { timeout: 5000 }).toContainEqual({ id: '3', votes });
      // Heartbeat comments arrive while nothing changes.
      await expect
        .poll(() => stream.text().split(': heartbeat').length - 1, { timeout: 5000 })
        .toBeGreaterThanOrEqual(2);
    } finally {
      stream.close();
    }
  });

  it('ends open streams when the service shuts down, without waiting for clients', async () => {
    const replica = await h.build({ SSE_HEARTBEAT_MS: '60000' });
    const address = await replica.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(`${address}/api/origamis/stream`);
    await expect.poll(() => stream.text()).toContain(': connected');
    const started = Date.now();
    await replica.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stream.text()).toContain(': closing');
  });
});
