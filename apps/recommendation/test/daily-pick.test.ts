// Component tests against a real Redis (testkit's useRedis: REDIS_URL's server in CI, else a local one),
// with an injected clock so days and midnights are ours to choose.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useRedis, type Isolated } from '@craftista/testkit';
import { addDays } from '../src/calendar.js';
import { MemoryPickStore } from '../src/repository/memory-store.js';
import { ADMIN_TOKEN, app, counting, ManualClock, pickOf, redisStore, today, type App } from './helpers.js';

const seedNames = (
  JSON.parse(readFileSync(new URL('../data/daily-origami.json', import.meta.url), 'utf8')) as {
    name: string;
  }[]
).map((o) => o.name);

let redisDb: Isolated;
let admin: Redis;
const opened: App[] = [];

beforeAll(async () => {
  redisDb = await useRedis();
  admin = (await redisStore(redisDb.url)).redis;
});
afterAll(async () => {
  admin.disconnect();
  await redisDb.dispose();
});
beforeEach(async () => {
  await admin.flushdb();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

async function replica(clock: ManualClock, timeZone = 'UTC') {
  const { store } = await redisStore(redisDb.url);
  const counted = counting(store);
  const built = await app({ store: counted, clock, timeZone });
  opened.push(built);
  return Object.assign(built, { store: counted });
}

describe('origami of the day on Redis', () => {
  it('answers the original contract: name, description and image_url, plus id and date', async () => {
    const a = await replica(ManualClock.at('2025-03-12T09:00:00Z'));
    const pick = await today(a);
    expect(Object.keys(pick).sort()).toEqual(['date', 'description', 'id', 'image_url', 'name']);
    expect(seedNames).toContain(pick.name);
    expect(pick.image_url).toMatch(/^\/static\/images\/origami\/day[1-7]\.png$/);
    expect(pick.date).toBe('2025-03-12');
    const res = await a.inject({ url: '/api/origami-of-the-day' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('gives the same pick all day on two replicas sharing Redis, recorded with SET NX until local midnight', async () => {
    const clockA = ManualClock.at('2025-03-12T00:00:01Z');
    const clockB = ManualClock.at('2025-03-12T23:59:59Z');
    const [a, b] = [await replica(clockA), await replica(clockB)];
    const first = await today(a);
    expect(await today(b)).toEqual(first);
    const ttl = await admin.pttl('recommendation:day:2025-03-12');
    // A recorded it at 00:00:01 on its clock: the key lives for the rest of that day.
    expect(ttl).toBeGreaterThan(86_398_000 - 5_000);
    expect(ttl).toBeLessThanOrEqual(86_399_000);
    expect(JSON.parse((await admin.hget('recommendation:history', '2025-03-12'))!)).toEqual(first);
    for (const hour of [1, 6, 12, 23]) {
      clockA.set(`2025-03-12T${String(hour).padStart(2, '0')}:30:00Z`);
      expect(await today(a)).toEqual(first);
    }
  });

  it('serves the pick another replica recorded rather than its own computation', async () => {
    const recorded = {
      id: 'crane',
      name: 'Crane',
      description: 'Recorded by another replica',
      image_url: '/static/images/origami/crane.png',
      date: '2025-03-12',
    };
    await admin.set('recommendation:day:2025-03-12', JSON.stringify(recorded), 'PX', 60_000);
    const b = await replica(ManualClock.at('2025-03-12T10:00:00Z'));
    expect(await today(b)).toEqual(recorded);
  });

  it('costs no store round trip per request once the day is known', async () => {
    const a = await replica(ManualClock.at('2025-03-12T10:00:00Z'));
    await today(a);
    const after = a.store.calls;
    await Promise.all(Array.from({ length: 200 }, () => today(a)));
    expect(a.store.calls).toBe(after);
  });

  it('moves to a new pick at midnight in the configured zone (Asia/Kolkata), not at UTC midnight', async () => {
    const clock = ManualClock.at('2025-03-12T18:29:59Z'); // 23:59:59 IST on the 12th
    const a = await replica(clock, 'Asia/Kolkata');
    const before = await today(a);
    expect(before.date).toBe('2025-03-12');
    clock.set('2025-03-12T18:30:00Z'); // 00:00 IST on the 13th
    const after = await today(a);
    expect(after.date).toBe('2025-03-13');
    expect(after.name).not.toBe(before.name);
    clock.set('2025-03-13T00:00:00Z'); // UTC midnight: still the 13th in India, same pick
    expect(await today(a)).toEqual(after);
    expect(await admin.pttl('recommendation:day:2025-03-13')).toBeGreaterThan(86_000_000);
  });

  it('shows 7 distinct origami over the 7 days of a week, then a fresh order with no day repeated', async () => {
    const clock = ManualClock.at('2025-03-10T12:00:00Z'); // a Monday
    const a = await replica(clock);
    const names: string[] = [];
    for (let day = 0; day < 14; day++) {
      names.push((await today(a)).name);
      clock.advance(86_400_000);
    }
    expect(new Set(names.slice(0, 7))).toEqual(new Set(seedNames));
    expect(new Set(names.slice(7))).toEqual(new Set(seedNames));
    for (let i = 1; i < names.length; i++) expect(names[i]).not.toBe(names[i - 1]);
  });

  it('answers ?date= with past days as they were, today as today, 404 for days without a pick and 400 for invalid dates', async () => {
    const clock = ManualClock.at('2025-03-12T10:00:00Z');
    const a = await replica(clock);
    const served: Awaited<ReturnType<typeof today>>[] = [];
    for (let day = 0; day < 3; day++) {
      served.push(await today(a));
      clock.advance(86_400_000);
    }
    // A replica that never served those days reads them from the history.
    const b = await replica(ManualClock.at('2025-03-15T08:00:00Z'));
    for (const pick of served) expect((await pickOf(b, pick.date)).body).toEqual(pick);
    expect((await pickOf(b, '2025-03-15')).body).toEqual(await today(b));
    // A day nobody asked for is computed, identically on every replica.
    expect((await pickOf(b, '2024-07-01')).body).toEqual((await pickOf(a, '2024-07-01')).body);
    const future = await pickOf(b, '2025-03-16');
    expect(future).toMatchObject({ status: 404, body: { error: 'date_in_future' } });
    expect(await pickOf(b, '1969-12-31')).toMatchObject({ status: 404, body: { error: 'date_before_1970' } });
    for (const bad of ['2025-02-29', '15-03-2025', 'today', '2025-3-1'])
      expect(await pickOf(b, bad), bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect((await b.inject('/api/origami-of-the-day?date=')).statusCode).toBe(400);
  });

  it('replaces the pool from tomorrow on without changing any day already picked', async () => {
    const clock = ManualClock.at('2025-03-12T10:00:00Z');
    const a = await replica(clock);
    const yesterday = (await pickOf(a, '2025-03-11')).body;
    const todays = await today(a);
    const pool = ['Crane', 'Frog', 'Lotus'].map((name) => ({
      name,
      description: `A folded ${name.toLowerCase()}`,
      image_url: `/static/images/origami/${name.toLowerCase()}.png`,
    }));
    const put = (body: unknown, token?: string) =>
      a.inject({
        method: 'PUT',
        url: '/api/daily-pool',
        payload: body as object,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });

    expect((await put(pool)).statusCode).toBe(401);
    expect((await put(pool, 'wrong-token-0123456789')).statusCode).toBe(401);
    const twice = await put([pool[0], pool[0]], ADMIN_TOKEN);
    expect({ status: twice.statusCode, ...twice.json() }).toMatchObject({
      status: 409,
      error: 'duplicate_name',
    });
    expect((await put([{ name: 'Crane' }], ADMIN_TOKEN)).statusCode).toBe(400);
    const replaced = await put(pool, ADMIN_TOKEN);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ effectiveFrom: '2025-03-13', size: 3, changed: true });
    expect((await put(pool, ADMIN_TOKEN)).json()).toMatchObject({ changed: false });

    // Today and yesterday stay, on this replica and on one that never saw them.
    const b = await replica(ManualClock.at('2025-03-12T22:00:00Z'));
    expect(await today(a)).toEqual(todays);
    expect(await today(b)).toEqual(todays);
    expect((await pickOf(b, '2025-03-11')).body).toEqual(yesterday);
    expect((await b.inject({ url: '/api/daily-pool' })).json()).toMatchObject({
      current: { effectiveFrom: '1970-01-05' },
      next: { effectiveFrom: '2025-03-13', items: pool },
    });

    // From tomorrow, a fresh cycle of the new pool: each of the three once in three days.
    const next: string[] = [];
    for (let day = 1; day <= 3; day++) {
      clock.set(`${addDays('2025-03-12', day)}T10:00:00Z`);
      next.push((await today(a)).name);
    }
    expect(next.sort()).toEqual(['Crane', 'Frog', 'Lotus']);
    expect((await pickOf(a, '2025-03-12')).body).toEqual(todays);
  });

  it('refuses pool changes with 403 when no admin token is configured', async () => {
    const { store } = await redisStore(redisDb.url);
    const a = await app({ store, adminToken: undefined, clock: ManualClock.at('2025-03-12T10:00:00Z') });
    opened.push(a);
    const res = await a.inject({
      method: 'PUT',
      url: '/api/daily-pool',
      payload: [],
      headers: { authorization: 'Bearer x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'writes_disabled' });
  });
});

describe('embedded mode (no REDIS_URL)', () => {
  it('keeps one pick per day in process and computes the same picks as the Redis replicas', async () => {
    const clock = ManualClock.at('2025-03-12T10:00:00Z');
    const embedded = await app({ store: new MemoryPickStore(), clock });
    opened.push(embedded);
    const onRedis = await replica(ManualClock.at('2025-03-12T10:00:00Z'));
    const first = await today(embedded);
    clock.set('2025-03-12T23:00:00Z');
    expect(await today(embedded)).toEqual(first);
    expect(await today(onRedis)).toEqual(first);
    const status = await embedded.inject({ url: '/api/recommendation-status' });
    expect(status.json()).toMatchObject({ status: 'operational', details: { store: 'embedded' } });
    expect((await embedded.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
