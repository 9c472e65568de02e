import { baseEnv, durationMs, loadConfig, storeUrl, z } from '@craftista/config';

const CatalogueEnv = z.object({
  ...baseEnv(5000),
  /** Unset: the embedded in-memory store (what `npm run dev` uses without Docker). */
  MONGODB_URL: storeUrl(/^mongodb(\+srv)?$/, 'mongodb://mongo:27017/catalogue').optional(),
  /** How long a MongoDB call may look for the server before the API answers 503. */
  MONGODB_TIMEOUT_MS: durationMs(1000),
  /** Bearer token for POST/PUT/PATCH/DELETE; unset disables writes (403). */
  CATALOGUE_ADMIN_TOKEN: z.string().min(16, { error: 'use at least 16 characters' }).optional(),
  /** How long a replica serves its cached list before re-reading the store (other replicas' writes). */
  CATALOGUE_CACHE_TTL_MS: durationMs(1000),
});
export type CatalogueConfig = z.infer<typeof CatalogueEnv>;

export const readConfig = (env: Record<string, string | undefined> = process.env): CatalogueConfig =>
  loadConfig(CatalogueEnv, 'catalogue', env);
