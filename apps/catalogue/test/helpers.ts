import type { FastifyInstance } from 'fastify';
import { buildApp, type CatalogueDeps } from '../src/app.js';
import { openRepository, type ProductRepository } from '../src/repository/index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The app on the embedded store (no URL) or on MongoDB at `mongodbUrl`, built as main.ts builds it. */
export async function catalogueApp(
  mongodbUrl?: string,
  overrides: Omit<Partial<CatalogueDeps>, 'config'> & { config?: Partial<CatalogueDeps['config']> } = {},
): Promise<{ app: FastifyInstance; repository: ProductRepository }> {
  const repository = overrides.repository ?? openRepository(mongodbUrl, 1000);
  const app = await buildApp({
    logger: false,
    ...overrides,
    repository,
    config: {
      APP_VERSION: '9.9.9',
      CATALOGUE_ADMIN_TOKEN: ADMIN_TOKEN,
      CATALOGUE_CACHE_TTL_MS: 1000,
      ...overrides.config,
    },
  });
  await app.ready();
  return { app, repository };
}

export const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
