import type { Product } from '@craftista/contracts';
import {
  compareIds,
  DuplicateIdError,
  type ListQuery,
  type Page,
  type ProductFields,
  type ProductRepository,
} from './types.js';

const copy = (p: Product): Product => structuredClone(p);

/** The embedded store: a Map in this process, lost on restart, seeded the same way as MongoDB. */
export function createMemoryRepository(): ProductRepository {
  const products = new Map<string, Product>();
  const sorted = () => [...products.values()].sort((a, b) => compareIds(a.id, b.id));
  return {
    kind: 'memory',
    async init(seed) {
      if (products.size > 0) return { inserted: 0 };
      for (const p of seed) products.set(p.id, copy(p));
      return { inserted: seed.length };
    },
    async all() {
      return sorted().map(copy);
    },
    async list({ limit, offset, tag, q }: ListQuery): Promise<Page> {
      const needle = q?.toLowerCase();
      const matching = sorted().filter(
        (p) =>
          (tag === undefined || (p.tags ?? []).includes(tag)) &&
          (needle === undefined || p.name.toLowerCase().includes(needle)),
      );
      return { items: matching.slice(offset, offset + limit).map(copy), total: matching.length };
    },
    async get(id) {
      const found = products.get(id);
      return found && copy(found);
    },
    async create(product) {
      if (products.has(product.id)) throw new DuplicateIdError(product.id);
      products.set(product.id, copy(product));
      return copy(product);
    },
    async replace(id, fields: ProductFields) {
      if (!products.has(id)) return undefined;
      const next = copy({ ...fields, id });
      products.set(id, next);
      return copy(next);
    },
    async patch(id, fields) {
      const found = products.get(id);
      if (!found) return undefined;
      const next = { ...found, ...structuredClone(fields), id };
      products.set(id, next);
      return copy(next);
    },
    async delete(id) {
      return products.delete(id);
    },
    async ping() {},
    async close() {},
  };
}
