import { describe, expect, it } from 'vitest';
import { ReadCache, type Result } from './cache.js';

describe('ReadCache', () => {
  it('shares one in-flight load among concurrent callers and reuses the answer until the TTL passes', async () => {
    let now = 0;
    const cache = new ReadCache(1000, () => now);
    let loads = 0;
    const load = async (): Promise<Result<number>> => ({ ok: true, value: ++loads });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([{ ok: true, value: 1 }, { ok: true, value: 1 }, 1]);
    now = 999;
    expect(await cache.get('k', load)).toEqual({ ok: true, value: 1 });
    now = 1001;
    expect(await cache.get('k', load)).toEqual({ ok: true, value: 2 });
    expect(await cache.get('k', load, { fresh: true })).toEqual({ ok: true, value: 3 });
  });

  it('caches failures for the TTL too, so a dead backend is not asked by every request', async () => {
    let now = 0;
    const cache = new ReadCache(500, () => now);
    let loads = 0;
    const failing = async (): Promise<Result<number>> => ({ ok: false, error: `down ${++loads}` });
    await cache.get('k', failing);
    await cache.get('k', failing);
    expect(loads).toBe(1);
    now = 600;
    await cache.get('k', failing);
    expect(loads).toBe(2);
  });

  it('with a TTL of 0 only concurrent callers share a load', async () => {
    const cache = new ReadCache(0);
    let loads = 0;
    const load = async (): Promise<Result<number>> => ({ ok: true, value: ++loads });
    await Promise.all([cache.get('k', load), cache.get('k', load)]);
    await cache.get('k', load);
    expect(loads).toBe(2);
  });

  it('changes a cached success in place and leaves a cached failure alone', async () => {
    const cache = new ReadCache(10_000);
    await cache.get('ok', async () => ({ ok: true, value: 1 }));
    await cache.get('bad', async (): Promise<Result<number>> => ({ ok: false, error: 'down' }));
    cache.update<number>('ok', (v) => v + 1);
    cache.update<number>('bad', (v) => v + 1);
    const never = async (): Promise<Result<number>> => ({ ok: true, value: -1 });
    expect(await cache.get('ok', never)).toEqual({ ok: true, value: 2 });
    expect(await cache.get('bad', never)).toEqual({ ok: false, error: 'down' });
  });

  it('refreshes in the background once half the TTL has passed, serving the old answer meanwhile', async () => {
    let now = 0;
    const cache = new ReadCache(1000, () => now);
    let loads = 0;
    let release = () => undefined as void;
    const slow = (): Promise<Result<number>> =>
      new Promise((resolve) => {
        loads += 1;
        release = () => resolve({ ok: true, value: loads });
      });
    const first = cache.get('k', slow);
    release();
    expect(await first).toEqual({ ok: true, value: 1 });

    now = 400;
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 1 });
    expect(loads).toBe(1);
    now = 600;
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 1 });
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 1 });
    expect(loads).toBe(2);

    // Expired before the background read answered: callers wait for that read, no third one starts.
    now = 1100;
    const waiting = cache.get('k', slow);
    expect(loads).toBe(2);
    release();
    expect(await waiting).toEqual({ ok: true, value: 2 });
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 2 });
    expect(loads).toBe(2);
  });

  it('applies a change to the answer being served and to the read under way', async () => {
    let now = 0;
    const cache = new ReadCache(1000, () => now);
    let release = (_value: number) => undefined as void;
    const slow = (): Promise<Result<number>> =>
      new Promise((resolve) => (release = (value) => resolve({ ok: true, value })));
    const first = cache.get('k', slow);
    release(10);
    await first;
    now = 600;
    await cache.get('k', slow); // starts the background read
    cache.update<number>('k', (v) => v + 1);
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 11 });
    release(20); // answered before the change reached the backend
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', slow)).toEqual({ ok: true, value: 21 });
  });
});
