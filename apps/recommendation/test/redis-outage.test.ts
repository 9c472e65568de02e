// Redis really stopped mid-test and started again: picks keep coming from the same computation, status
// says degraded (still 200), /readyz names redis, and everything recovers without a restart.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type ServerHandle } from '@craftista/testkit';
import { app, ManualClock, pickOf, redisStore, today, until, type App } from './helpers.js';

let redis: ServerHandle;
const opened: App[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
  await redis.dispose();
});

async function replica(clock: ManualClock) {
  const built = await app({ store: (await redisStore(redis.url)).store, clock });
  opened.push(built);
  return built;
}
const status = async (a: App) => {
  const res = await a.inject({ url: '/api/recommendation-status' });
  return { code: res.statusCode, body: res.json() as { status: string; details: Record<string, string> } };
};

it('keeps answering the same picks with Redis stopped, reports degraded, and recovers by itself', async () => {
  const clockA = ManualClock.at('2025-06-02T08:00:00Z');
  const clockB = ManualClock.at('2025-06-02T09:00:00Z');
  const a = await replica(clockA);
  const b = await replica(clockB);
  const todays = await today(a); // recorded in Redis by A; B has never asked
  expect(await status(b)).toMatchObject({ code: 200, body: { status: 'operational' } });

  await redis.stop();
  await until(
    'the clients to notice Redis is gone',
    async () => (await status(b)).body.status === 'degraded',
  );
  const degraded = await status(b);
  expect(degraded.code).toBe(200);
  expect(degraded.body.details).toMatchObject({ store: 'redis', redis: 'unreachable' });
  const ready = await b.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toMatchObject({ error: 'not_ready', failing: ['redis'] });

  // B computes what A recorded; A serves it from its cache; past days still answer.
  const started = performance.now();
  expect(await today(b)).toEqual(todays);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(await today(a)).toEqual(todays);
  expect((await pickOf(b, '2025-05-30')).body).toEqual((await pickOf(a, '2025-05-30')).body);
  // The next day comes while Redis is still down: both replicas agree on it without talking.
  clockA.set('2025-06-03T08:00:00Z');
  clockB.set('2025-06-03T09:00:00Z');
  const tomorrow = await today(a);
  expect(tomorrow.date).toBe('2025-06-03');
  expect(tomorrow.name).not.toBe(todays.name);
  expect(await today(b)).toEqual(tomorrow);
  // Pool changes need the store: 503, not a hang.
  const put = await a.inject({
    method: 'PUT',
    url: '/api/daily-pool',
    headers: { authorization: 'Bearer test-admin-token-0123456789' },
    payload: [{ name: 'Crane', description: 'A crane', image_url: '/static/images/origami/crane.png' }],
  });
  expect(put.statusCode).toBe(503);
  expect(put.json()).toMatchObject({ error: 'store_unavailable' });

  await redis.start();
  await until('both replicas to report operational', async () =>
    (await Promise.all([status(a), status(b)])).every((s) => s.body.status === 'operational'),
  );
  expect((await b.inject({ url: '/readyz' })).statusCode).toBe(200);
  // Back on Redis, the provisional pick is confirmed and recorded (this Redis has no persistence, so it
  // came back empty and is re-seeded).
  expect(await today(b)).toEqual(tomorrow);
  const { redis: admin } = await redisStore(redis.url);
  try {
    expect(JSON.parse((await admin.get('recommendation:day:2025-06-03'))!)).toEqual(tomorrow);
    expect(await admin.hexists('recommendation:pools', '1970-01-05')).toBe(1);
  } finally {
    admin.disconnect();
  }
});
