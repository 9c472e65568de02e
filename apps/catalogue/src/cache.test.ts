import type { Product } from '@craftista/contracts';
import { describe, expect, it } from 'vitest';
import { CatalogueCache } from './cache.js';
import { createMemoryRepository, type ProductRepository } from './repository/index.js';

const crane: Product = {
  id: '1',
  name: 'Crane',
  description: 'A bird',
  image_url: '/static/images/crane.png',
};

/** The in-memory repository with a read that waits until released, and a count of reads. */
async function gatedRepository() {
  const inner = createMemoryRepository();
  await inner.init([crane]);
  const gate = { reads: 0, open: true, release: () => undefined as void, fail: false };
  const repository: ProductRepository = {
    ...inner,
    all: async () => {
      gate.reads += 1;
      if (!gate.open) await new Promise<void>((resolve) => (gate.release = resolve));
      if (gate.fail) throw new Error('store down');
      return inner.all();
    },
  };
  return { repository, gate };
}

describe('CatalogueCache', () => {
  it('refreshes in the background once half the TTL has passed, so no request waits for the store', async () => {
    let now = 0;
    const { repository, gate } = await gatedRepository();
    const cache = new CatalogueCache(repository, 1000, () => now);
    const first = await cache.get();
    expect(gate.reads).toBe(1);

    now = 400;
    expect(cache.get()).toBe(first);
    expect(gate.reads).toBe(1);

    gate.open = false;
    now = 600;
    // Half-way: the old snapshot is answered at once and one read starts behind it.
    expect(cache.get()).toBe(first);
    expect(cache.get()).toBe(first);
    expect(gate.reads).toBe(2);

    gate.release();
    await new Promise((resolve) => setImmediate(resolve));
    const second = cache.get();
    expect(second).not.toBe(first);
    expect('list' in second && second.list.body.toString()).toBe(JSON.stringify([crane]));
  });

  it('never serves a snapshot longer than the TTL after its read began, when refreshing fails', async () => {
    let now = 0;
    const { repository, gate } = await gatedRepository();
    const cache = new CatalogueCache(repository, 1000, () => now);
    const first = await cache.get();

    gate.fail = true;
    now = 700;
    expect(cache.get()).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));

    now = 1000;
    await expect(cache.get()).rejects.toThrow('store down');
    gate.fail = false;
    expect((await cache.get()).list.body.toString()).toBe(JSON.stringify([crane]));
  });

  it('waits for a new read after invalidate(), and ignores a read that began before it', async () => {
    let now = 0;
    const { repository, gate } = await gatedRepository();
    const cache = new CatalogueCache(repository, 1000, () => now);
    await cache.get();

    gate.open = false;
    now = 600;
    cache.get(); // starts a background read that will answer the old catalogue
    const stale = gate.release;
    await repository.delete('1');
    cache.invalidate();
    gate.open = true;
    const afterWrite = await cache.get();
    expect(afterWrite.list.body.toString()).toBe('[]');
    stale();
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.get()).toBe(afterWrite);
  });
});
