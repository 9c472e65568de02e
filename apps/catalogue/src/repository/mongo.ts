import type { Product } from '@craftista/contracts';
import { StoreUnavailableError } from '@craftista/service-kit';
import { isMongoUnavailable, type MongoStore } from '@craftista/stores/mongo';
import {
  MongoBulkWriteError,
  MongoServerError,
  MongoTopologyClosedError,
  type Collection,
  type Filter,
} from 'mongodb';
import {
  DuplicateIdError,
  escapeRegex,
  sortKey,
  type ListQuery,
  type Page,
  type ProductFields,
  type ProductRepository,
} from './types.js';

interface ProductDoc extends Product {
  sortKey: string;
}

const COLLECTION = 'products';
const DUPLICATE_KEY = 11000;
const PROJECTION = { _id: 0, sortKey: 0 } as const;
const SORT = { sortKey: 1, id: 1 } as const;

/**
 * Products in MongoDB through the official driver, using only what AWS DocumentDB and FerretDB also
 * support: plain finds with an escaped $regex, $set, unique indexes, insertMany, countDocuments.
 * No collations, no $where, no server-side JavaScript, no transactions.
 */
export function createMongoRepository(store: MongoStore): ProductRepository {
  const products: Collection<ProductDoc> = store.db.collection<ProductDoc>(COLLECTION);
  let closed = false;
  let reconnecting: Promise<unknown> | undefined;

  /**
   * When the very first connection fails (the service started before MongoDB), driver 6 leaves the client's
   * topology closed and every later call fails with "Topology is closed" until connect() is called again.
   */
  function reopen(): void {
    if (closed || reconnecting) return;
    reconnecting = store.client
      .connect()
      .catch(() => undefined)
      .finally(() => {
        reconnecting = undefined;
      });
  }

  /** Runs a store call; connection trouble becomes StoreUnavailableError (503), the rest is rethrown. */
  async function guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof MongoTopologyClosedError) reopen();
      if (isMongoUnavailable(error)) throw new StoreUnavailableError('mongodb', error);
      throw error;
    }
  }

  const toDoc = (p: Product): ProductDoc => ({ ...p, sortKey: sortKey(p.id) });
  const find = (filter: Filter<ProductDoc>) =>
    products.find<Product>(filter, { projection: PROJECTION }).sort(SORT);

  return {
    kind: 'mongodb',
    init: (seed) =>
      guard(async () => {
        await products.createIndex({ id: 1 }, { unique: true, name: 'id_unique' });
        await products.createIndex(SORT, { name: 'sort_order' });
        if (seed.length === 0 || (await products.countDocuments({}, { limit: 1 })) > 0)
          return { inserted: 0 };
        try {
          const result = await products.insertMany(seed.map(toDoc), { ordered: false });
          return { inserted: result.insertedCount };
        } catch (error) {
          // Another replica seeded the same ids at the same moment: the unique index kept one of each.
          if (
            error instanceof MongoBulkWriteError &&
            [error.writeErrors].flat().every((e) => e.code === DUPLICATE_KEY)
          ) {
            return { inserted: error.result.insertedCount };
          }
          throw error;
        }
      }),
    all: () => guard(() => find({}).toArray()),
    list: ({ limit, offset, tag, q }: ListQuery): Promise<Page> =>
      guard(async () => {
        const filter: Filter<ProductDoc> = {};
        if (tag !== undefined) filter.tags = tag;
        if (q !== undefined) filter.name = { $regex: escapeRegex(q), $options: 'i' };
        const [items, total] = await Promise.all([
          find(filter).skip(offset).limit(limit).toArray(),
          products.countDocuments(filter),
        ]);
        return { items, total };
      }),
    get: (id) =>
      guard(async () => (await products.findOne<Product>({ id }, { projection: PROJECTION })) ?? undefined),
    create: (product) =>
      guard(async () => {
        try {
          await products.insertOne(toDoc(product));
        } catch (error) {
          if (error instanceof MongoServerError && error.code === DUPLICATE_KEY)
            throw new DuplicateIdError(product.id);
          throw error;
        }
        return product;
      }),
    replace: (id, fields: ProductFields) =>
      guard(async () => {
        const next = toDoc({ id, ...fields });
        const result = await products.replaceOne({ id }, next);
        return result.matchedCount === 0 ? undefined : { id, ...fields };
      }),
    patch: (id, fields) =>
      guard(async () => {
        // findAndModify with a projection is not available on FerretDB: update, then read back.
        const result = await products.updateOne({ id }, { $set: fields });
        if (result.matchedCount === 0) return undefined;
        return (await products.findOne<Product>({ id }, { projection: PROJECTION })) ?? undefined;
      }),
    delete: (id) => guard(async () => (await products.deleteOne({ id })).deletedCount === 1),
    ping: () => guard(() => store.ping()),
    close: async () => {
      closed = true;
      await reconnecting;
      await store.close();
    },
  };
}
