// The repository contract: the same cases run against MongoDB and the in-memory store.
import type { Product } from '@craftista/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { DuplicateIdError, type ProductRepository } from '../src/repository/index.js';
import { seedProducts } from '../src/seed.js';

export interface ContractTarget {
  /** A repository on a store of its own, empty. */
  open(): Promise<ProductRepository>;
  /** A second repository (own connection where there is one) on the same store as `first`. */
  openSibling(first: ProductRepository): Promise<ProductRepository>;
}

const product = (id: string, extra: Partial<Product> = {}): Product => ({
  id,
  name: `Model ${id}`,
  description: `A folded model number ${id}.`,
  image_url: `/static/images/origami/${id}.png`,
  ...extra,
});

export function repositoryContract(name: string, target: ContractTarget): void {
  describe(`product repository contract: ${name}`, () => {
    const opened: ProductRepository[] = [];
    const open = async () => {
      const repo = await target.open();
      opened.push(repo);
      return repo;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((r) => r.close()));
    });

    it('seeds an empty store once: a second init inserts nothing', async () => {
      const repo = await open();
      const seed = seedProducts();
      expect(await repo.init(seed)).toEqual({ inserted: seed.length });
      await repo.create(product('extra'));
      expect(await repo.init(seed)).toEqual({ inserted: 0 });
      expect(await repo.all()).toHaveLength(seed.length + 1);
    });

    it('does not reseed a store an admin emptied of the seed but not of everything', async () => {
      const repo = await open();
      await repo.create(product('only'));
      expect(await repo.init(seedProducts())).toEqual({ inserted: 0 });
      expect((await repo.all()).map((p) => p.id)).toEqual(['only']);
    });

    it('seeds exactly once when two replicas initialise the same empty store at the same moment', async () => {
      const first = await open();
      const second = await target.openSibling(first);
      opened.push(second);
      const seed = seedProducts();
      const results = await Promise.all([first.init(seed), second.init(seed)]);
      expect(results[0]!.inserted + results[1]!.inserted).toBe(seed.length);
      const all = await first.all();
      expect(all.map((p) => p.id)).toEqual(seed.map((p) => p.id));
      expect(new Set(all.map((p) => p.id)).size).toBe(seed.length);
    });

    it('sorts by id in numeric-aware order, stable across calls', async () => {
      const repo = await open();
      await repo.init([]);
      for (const id of ['10', 'b', '9', 'a10', '2', 'a2', '1', '010', 'A_1', 'x-1'])
        await repo.create(product(id));
      const expected = ['1', '2', '9', '010', '10', 'A_1', 'a2', 'a10', 'b', 'x-1'];
      expect((await repo.all()).map((p) => p.id)).toEqual(expected);
      expect((await repo.all()).map((p) => p.id)).toEqual(expected);
    });

    it('pages with limit and offset: the pages put together are the whole list, and total counts all matches', async () => {
      const repo = await open();
      await repo.init(seedProducts());
      const all = await repo.all();
      const pages: Product[] = [];
      for (let offset = 0; offset < all.length; offset += 4) {
        const page = await repo.list({ limit: 4, offset });
        expect(page.total).toBe(all.length);
        pages.push(...page.items);
      }
      expect(pages).toEqual(all);
      expect(await repo.list({ limit: 5, offset: all.length })).toEqual({ items: [], total: all.length });
    });

    it('filters by tag and by a case-insensitive name search', async () => {
      const repo = await open();
      await repo.init(seedProducts());
      const birds = await repo.list({ limit: 100, offset: 0, tag: 'bird' });
      expect(birds.total).toBeGreaterThan(3);
      expect(birds.items.every((p) => p.tags?.includes('bird'))).toBe(true);
      const cranes = await repo.list({ limit: 100, offset: 0, q: 'cRaNe' });
      expect(cranes.items.map((p) => p.name)).toEqual(['Origami Crane', 'Golden Crane', 'Ocean Crane']);
      const both = await repo.list({ limit: 1, offset: 1, tag: 'bird', q: 'crane' });
      // The original crane has no tags: bird cranes are the golden and the ocean one.
      expect(both).toEqual({ items: [cranes.items[2]], total: 2 });
    });

    it('matches search text literally: regex characters are not a pattern', async () => {
      const repo = await open();
      await repo.init([
        product('1', { name: 'Crane (red) .* [x]' }),
        product('2', { name: 'Crane red anything' }),
        product('3', { name: 'a|b' }),
      ]);
      expect((await repo.list({ limit: 10, offset: 0, q: '.*' })).items.map((p) => p.id)).toEqual(['1']);
      expect((await repo.list({ limit: 10, offset: 0, q: '(red)' })).items.map((p) => p.id)).toEqual(['1']);
      expect((await repo.list({ limit: 10, offset: 0, q: 'a|b' })).items.map((p) => p.id)).toEqual(['3']);
      expect((await repo.list({ limit: 10, offset: 0, q: '[' })).total).toBe(1);
      expect((await repo.list({ limit: 10, offset: 0, q: '^C' })).total).toBe(0);
    });

    it('gets one product by id with only the contract fields, and undefined for an unknown id', async () => {
      const repo = await open();
      await repo.init(seedProducts());
      expect(await repo.get('1')).toEqual(seedProducts()[0]);
      expect(Object.keys((await repo.get('6'))!).sort()).toEqual([
        'description',
        'id',
        'image_url',
        'name',
        'tags',
      ]);
      expect(await repo.get('nope')).toBeUndefined();
    });

    it('refuses to create a second product with a taken id and keeps the first', async () => {
      const repo = await open();
      await repo.init([]);
      await repo.create(product('7'));
      await expect(repo.create(product('7', { name: 'Impostor' }))).rejects.toBeInstanceOf(DuplicateIdError);
      expect((await repo.get('7'))!.name).toBe('Model 7');
      expect(await repo.all()).toHaveLength(1);
    });

    it('replaces every field but the id, patches only the given ones, and reports unknown ids', async () => {
      const repo = await open();
      await repo.init([product('1', { tags: ['bird'] })]);
      const { id: _id, ...fields } = product('1', { name: 'Renamed' });
      expect(await repo.replace('1', fields)).toEqual(product('1', { name: 'Renamed' }));
      expect(await repo.get('1')).toEqual(product('1', { name: 'Renamed' }));
      expect(await repo.patch('1', { tags: ['toy'] })).toEqual(
        product('1', { name: 'Renamed', tags: ['toy'] }),
      );
      expect(await repo.get('1')).toEqual(product('1', { name: 'Renamed', tags: ['toy'] }));
      expect(await repo.replace('2', fields)).toBeUndefined();
      expect(await repo.patch('2', { name: 'x' })).toBeUndefined();
      expect(await repo.all()).toHaveLength(1);
    });

    it('deletes once: true, then false', async () => {
      const repo = await open();
      await repo.init([product('1'), product('2')]);
      expect(await repo.delete('1')).toBe(true);
      expect(await repo.delete('1')).toBe(false);
      expect((await repo.all()).map((p) => p.id)).toEqual(['2']);
    });

    it('hands out copies: changing a returned product does not change the store', async () => {
      const repo = await open();
      await repo.init([product('1', { tags: ['bird'] })]);
      const got = (await repo.get('1'))!;
      got.name = 'mutated';
      got.tags!.push('mutated');
      expect(await repo.get('1')).toEqual(product('1', { tags: ['bird'] }));
    });

    it('answers ping while the store is up', async () => {
      const repo = await open();
      await expect(repo.ping()).resolves.toBeUndefined();
    });
  });
}
