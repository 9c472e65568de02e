import { baseEnv, durationMs, httpUrl, loadConfig, storeUrl, z } from '@craftista/config';

const VotingEnv = z.object({
  ...baseEnv(8080),
  /** PostgreSQL; unset = embedded PGlite (development only, data in memory). */
  DATABASE_URL: storeUrl(/^postgres(ql)?$/, 'postgres://user:pass@postgres:5432/voting').optional(),
  CATALOGUE_URL: httpUrl().default('http://catalogue:5000'),
  /** Milliseconds between catalogue syncs. */
  CATALOGUE_SYNC_INTERVAL_MS: durationMs(60_000),
  /** Votes one client may cast per minute. */
  VOTE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /**
   * Shared with the frontend, which signs the client identity it forwards with it; unset, or a header not
   * signed with it: votes are limited per caller address.
   */
  CLIENT_ID_SECRET: z.string().min(32, { error: 'use at least 32 characters' }).optional(),
  /** Bearer token for POST /api/origamis; unset = admin writes disabled (403). */
  VOTING_ADMIN_TOKEN: z.string().min(16, { error: 'use at least 16 characters' }).optional(),
  /** Milliseconds between SSE heartbeat comments. */
  SSE_HEARTBEAT_MS: durationMs(15_000),
  /** Connections in the PostgreSQL pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});
export type VotingConfig = z.infer<typeof VotingEnv>;

export const readConfig = (env: Record<string, string | undefined> = process.env): VotingConfig =>
  loadConfig(VotingEnv, 'voting', env);
