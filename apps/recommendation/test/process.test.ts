// The app as a real process, as the dev launcher and the frontend run it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '@craftista/testkit';

let service: ServiceProcess;
beforeAll(async () => {
  service = await startService('apps/recommendation/src/main.ts', {
    env: { REDIS_URL: undefined, LOG_LEVEL: 'info', RECOMMENDATION_ADMIN_TOKEN: undefined },
  });
});
afterAll(async () => {
  await service?.stop();
});

it('runs embedded without REDIS_URL, saying so in exactly one warning line that names the variable', async () => {
  const warnings = service
    .output()
    .split('\n')
    .filter((line) => line.includes('"level":40'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/embedded mode.*REDIS_URL/);
  const res = await fetch(`${service.url}/api/origami-of-the-day`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, string>;
  expect(body).toMatchObject({ name: expect.any(String), description: expect.any(String) });
  expect(body.image_url).toMatch(/^\/static\/images\/origami\/day\d\.png$/);
  expect(await (await fetch(`${service.url}/api/recommendation-status`)).json()).toMatchObject({
    status: 'operational',
  });
});

it('serves the original landing page without its stray braces, with the logo', async () => {
  const html = await (await fetch(`${service.url}/`)).text();
  expect(html).toContain('<title>Recommendation Engine</title>');
  expect(html).toContain('Welcome to Daily Origami Recommendation Service');
  expect(html).toContain('href="/api/origami-of-the-day"');
  expect(html).toContain('href="/api/recommendation-status"');
  expect(html).toMatch(/Running on Kubernetes: (Yes|No)/);
  expect(html).not.toContain('}</p>');
  const logo = await fetch(`${service.url}/static/images/logo.png`);
  expect(logo.headers.get('content-type')).toBe('image/png');
  expect((await logo.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  const openapi = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  expect(Object.keys(openapi.paths)).toEqual(
    expect.arrayContaining(['/api/origami-of-the-day', '/api/recommendation-status', '/api/daily-pool']),
  );
  expect((await fetch(`${service.url}/api/daily-pool`, { method: 'PUT' })).status).toBe(403);
});
