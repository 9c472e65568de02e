import { baseEnv, durationMs, httpUrl, loadConfig, z } from '@craftista/config';

const FrontendEnv = z.object({
  ...baseEnv(3000),
  CATALOGUE_URL: httpUrl().default('http://catalogue:5000'),
  VOTING_URL: httpUrl().default('http://voting:8080'),
  RECOMMENDATION_URL: httpUrl().default('http://recco:8080'),
  /** Longest one backend call may take, retries included; the page never waits longer for it. */
  BACKEND_TIMEOUT_MS: durationMs(800),
  /** How long backend reads (products, votes, origami of the day, statuses) are reused. 0 disables. */
  CACHE_TTL_MS: z.coerce.number().int().min(0).default(1000),
  /** Signs the client-id cookie and derives CSRF tokens. Unset: a random secret per process (one replica only). */
  SESSION_SECRET: z.string().min(32, { error: 'use at least 32 characters' }).optional(),
  /** Shared with voting: signs the client identity forwarded in x-craftista-client (else voting limits by address). */
  CLIENT_ID_SECRET: z.string().min(32, { error: 'use at least 32 characters' }).optional(),
  /** Votes one client, and one client address, may cast per window. */
  VOTE_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  VOTE_RATE_WINDOW_MS: durationMs(60_000),
  /** Express "trust proxy" (e.g. "loopback", "1", "10.0.0.0/8"); unset: the socket address is the client. */
  TRUST_PROXY: z.string().optional(),
});
export type FrontendConfig = z.infer<typeof FrontendEnv>;

export const readConfig = (env: Record<string, string | undefined> = process.env): FrontendConfig =>
  loadConfig(FrontendEnv, 'frontend', env);
