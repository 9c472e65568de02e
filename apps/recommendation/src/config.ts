import { baseEnv, loadConfig, storeUrl, z } from '@craftista/config';
import { isValidTimeZone } from './calendar.js';

export const RecommendationEnv = z.object({
  ...baseEnv(8080),
  /** Unset: embedded mode (picks kept in this process only). */
  REDIS_URL: storeUrl(/^rediss?$/, 'redis://redis:6379/0').optional(),
  RECOMMENDATION_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, { error: 'expected an IANA time zone such as UTC or Europe/Berlin' }),
  /** Unset: PUT /api/daily-pool answers 403. */
  RECOMMENDATION_ADMIN_TOKEN: z
    .string()
    .min(16, { error: 'use at least 16 characters (or leave it unset to disable pool changes)' })
    .optional(),
});
export type RecommendationConfig = z.infer<typeof RecommendationEnv>;

export const readConfig = (env: Record<string, string | undefined> = process.env): RecommendationConfig =>
  loadConfig(RecommendationEnv, 'recommendation', env);
