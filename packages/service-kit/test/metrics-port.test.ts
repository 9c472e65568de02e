// METRICS_PORT moves /metrics off a kit service's port (apps/frontend/test/metrics-port.test.ts: the frontend).
import { freePort, startService, type ServiceProcess } from '@craftista/testkit';
import { afterEach, describe, expect, it } from 'vitest';

let running: ServiceProcess | undefined;
afterEach(() => running?.stop());

describe('METRICS_PORT', () => {
  it('serves /metrics on that port only, not on the service port', async () => {
    const metricsPort = await freePort();
    running = await startService('packages/service-kit/test/fixtures/tiny-main.ts', {
      env: { METRICS_PORT: String(metricsPort) },
    });
    expect((await fetch(`${running.url}/livez`)).status).toBe(200);
    expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_request');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/livez`)).status).toBe(404);
  });

  it('serves /metrics on the service port when it is not set', async () => {
    running = await startService('packages/service-kit/test/fixtures/tiny-main.ts');
    expect((await fetch(`${running.url}/metrics`)).status).toBe(200);
  });
});
