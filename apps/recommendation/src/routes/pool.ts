import type { FastifyInstance } from 'fastify';
import { DailyPool, ErrorBody, jsonSchema, z } from '@craftista/contracts';
import { HttpError, StoreUnavailableError } from '@craftista/service-kit';
import { requireAdmin } from '../auth.js';
import type { Picker } from '../picker.js';
import type { PoolItem } from '../schedule.js';

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

export function registerPoolRoutes(
  app: FastifyInstance,
  picker: Picker,
  adminToken: string | undefined,
): void {
  app.get(
    '/api/daily-pool',
    {
      schema: {
        summary: 'The pool deciding today and any pool scheduled from tomorrow',
        response: {
          200: jsonSchema(z.object({ current: PoolVersion, next: PoolVersion.optional() })),
          503: jsonSchema(ErrorBody),
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

  app.put<{ Body: PoolItem[] }>(
    '/api/daily-pool',
    {
      onRequest: requireAdmin(adminToken, 'RECOMMENDATION_ADMIN_TOKEN'),
      schema: {
        summary:
          'Replace the pool from tomorrow on (Authorization: Bearer RECOMMENDATION_ADMIN_TOKEN); days already picked never change',
        body: jsonSchema(DailyPool, 'input'),
        response: {
          200: jsonSchema(PoolChange),
          ...Object.fromEntries([400, 401, 403, 503].map((s) => [s, jsonSchema(ErrorBody)])),
        },
      },
    },
    async (request) => {
      const seen = new Set<string>();
      for (const item of request.body) {
        const key = item.name.toLowerCase();
        if (seen.has(key))
          throw new HttpError(400, 'duplicate_name', `"${item.name}" appears twice in the pool`);
        seen.add(key);
      }
      const { pool, changed } = await orUnavailable(() => picker.replacePool(request.body));
      return { effectiveFrom: pool.effectiveFrom, version: pool.version, size: pool.items.length, changed };
    },
  );
}
