import type { Product } from '@craftista/contracts';
import { createService, type Service, type ServiceMeta } from '@craftista/service-kit';
import { CatalogueCache } from './cache.js';
import type { CatalogueConfig } from './config.js';
import type { ProductRepository } from './repository/index.js';
import { productRoutes } from './routes/products.js';
import { seedProducts } from './seed.js';

const SERVICE: ServiceMeta = {
  name: 'catalogue',
  description: 'Craftista origami catalogue',
  adminToken: 'CATALOGUE_ADMIN_TOKEN',
  docs: true,
  infoPage: new URL('../static/info-page.json', import.meta.url),
};

export interface CatalogueDeps {
  config: CatalogueConfig;
  /** Closed with the app. */
  repository: ProductRepository;
  seed?: Product[];
  /** Monotonic milliseconds, for the cache's freshness. */
  clock?: () => number;
  /** Delay between seeding attempts while the store is unreachable. */
  initRetryMs?: number;
  /** Where log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream;
}

/**
 * The catalogue service from its dependencies. Indexes and seed are set up before this resolves when the
 * store answers; otherwise the app starts anyway, /readyz reports "seed" down, and setup is retried.
 */
export async function buildApp(deps: CatalogueDeps): Promise<Service> {
  const { repository, config } = deps;
  const app = await createService({ ...SERVICE, logDestination: deps.logDestination }, config);
  if (repository.kind === 'memory') {
    app.log.warn(
      'MONGODB_URL is not set: running on the embedded in-memory catalogue (changes are lost on restart); set MONGODB_URL=mongodb://host:27017/catalogue to use MongoDB',
    );
  }
  const cache = new CatalogueCache(repository, config.CATALOGUE_CACHE_TTL_MS, deps.clock);

  let seeded = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const seed = deps.seed ?? seedProducts();
  const init = async (): Promise<void> => {
    try {
      const { inserted } = await repository.init(seed);
      seeded = true;
      if (inserted > 0) cache.invalidate();
      app.log.info({ inserted, store: repository.kind }, 'catalogue store ready');
    } catch (error) {
      app.log.warn({ err: error }, 'catalogue store setup failed; retrying');
      if (!closed) retry = setTimeout(() => void init(), deps.initRetryMs ?? 2000);
    }
  };
  await init();

  app.readiness.add(repository.kind, () => repository.ping());
  app.readiness.add('seed', async () => {
    if (!seeded) throw new Error('indexes and seed not set up yet');
  });
  app.addHook('onClose', async () => {
    closed = true;
    clearTimeout(retry);
    await repository.close();
  });

  await app.register(productRoutes, { repository, cache });
  return app;
}
