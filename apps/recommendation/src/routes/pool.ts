import { DailyPool, z } from '@craftista/contracts';
import { errorResponses, HttpError, StoreUnavailableError, type ServicePlugin } from '@craftista/service-kit';
import type { Picker } from '../picker.js';

const PoolVersion = z.object({
  effectiveFrom: z.string(),
  version: z.string(),
  items: DailyPool,
});
const PoolChange = PoolVersion.omit({ items: true }).extend({ size: z.number(), changed: z.boolean() });

/** Store failures on the pool routes are 503s: unlike the daily pick, a pool cannot be computed. */
async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new StoreUnavailableError('redis', error);
  }
}

export const poolRoutes: ServicePlugin<{ picker: Picker }> = async (app, { picker }) => {
  app.get(
    '/api/daily-pool',
    {
      schema: {
        summary: 'The pool deciding today and any pool scheduled from tomorrow',
        response: {
          200: z.object({ current: PoolVersion, next: PoolVersion.optional() }),
          ...errorResponses(503),
        },
      },
    },
    async () =>
      orUnavailable(async () => {
        const pools = await picker.pools();
        const today = picker.todayDate();
        const current = pools.filter((p) => p.effectiveFrom <= today).at(-1) ?? pools[0]!;
        const next = pools.find((p) => p.effectiveFrom > today);
        return next ? { current, next } : { current };
      }),
  );

  app.put(
    '/api/daily-pool',
    {
      config: { admin: true },
      schema: {
        summary: 'Replace the pool from tomorrow on (admin); days already picked never change',
        body: DailyPool,
        response: { 200: PoolChange, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const seen = new Set<string>();
      for (const item of request.body) {
        const key = item.name.toLowerCase();
        if (seen.has(key))
          throw new HttpError(409, 'duplicate_name', `"${item.name}" appears twice in the pool`);
        seen.add(key);
      }
      const { pool, changed } = await orUnavailable(() => picker.replacePool(request.body));
      return { effectiveFrom: pool.effectiveFrom, version: pool.version, size: pool.items.length, changed };
    },
  );
};
