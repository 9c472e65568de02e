import { createMemoryRepository } from './memory.js';
import type { ProductRepository } from './types.js';

export * from './types.js';
export { createMemoryRepository };

/**
 * MongoDB when a URL is given (database from its path, else "catalogue"), else the in-memory store. The
 * driver is loaded only for MongoDB: the in-memory store (`npm run dev`) starts without its ~130 modules.
 */
export async function openRepository(
  mongodbUrl: string | undefined,
  timeoutMs: number,
): Promise<ProductRepository> {
  if (!mongodbUrl) return createMemoryRepository();
  const [{ createMongoStore }, { createMongoRepository }] = await Promise.all([
    import('@craftista/stores/mongo'),
    import('./mongo.js'),
  ]);
  return createMongoRepository(createMongoStore(mongodbUrl, { timeoutMs, defaultDb: 'catalogue' }));
}
