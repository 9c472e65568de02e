// Issue 20: the frontend is the public service, so METRICS_PORT takes /metrics off its public port.
import { freePort, startService, type ServiceProcess } from '@craftista/testkit';
import { afterAll, expect, it } from 'vitest';

let frontend: ServiceProcess | undefined;
afterAll(() => frontend?.stop());

it('serves /metrics on METRICS_PORT only, and keeps the page and health on its own port', async () => {
  const metricsPort = await freePort();
  frontend = await startService('apps/frontend/src/main.ts', {
    env: { METRICS_PORT: String(metricsPort) },
    timeoutMs: 60_000,
  });
  expect((await fetch(`${frontend.url}/livez`)).status).toBe(200);
  expect((await fetch(`${frontend.url}/metrics`)).status).toBe(404);
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('service="frontend"');
  expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
});
