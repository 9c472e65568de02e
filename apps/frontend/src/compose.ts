import { initTracing, systemInfo } from '@craftista/service-kit/core';
import { pino } from 'pino';
import type { FrontendDeps } from './app.js';
import { Backends } from './backends.js';
import type { FrontendConfig } from './config.js';
import { VoteStream, type VoteStreamOptions } from './vote-stream.js';

/** How quickly the live counts recover; the defaults suit production, tests shorten them. */
export type StreamTiming = Pick<VoteStreamOptions, 'pollMs' | 'backoffMs' | 'maxBackoffMs'>;

/** The real dependencies the configuration names: the three backends, the voting stream, the logger. */
export async function openDependencies(
  config: FrontendConfig,
  timing: StreamTiming = {},
): Promise<FrontendDeps> {
  await initTracing('frontend', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = pino({
    level: config.LOG_LEVEL,
    base: { service: 'frontend', version: config.APP_VERSION },
  });
  const backends = new Backends({
    urls: {
      catalogue: config.CATALOGUE_URL,
      voting: config.VOTING_URL,
      recommendation: config.RECOMMENDATION_URL,
    },
    timeoutMs: config.BACKEND_TIMEOUT_MS,
    cacheTtlMs: config.CACHE_TTL_MS,
  });
  const voteStream = new VoteStream({
    votingUrl: config.VOTING_URL,
    readCounts: () => backends.votes({ fresh: true }),
    onVote: (event) => backends.applyVote(event),
    onError: (message) => logger.debug(message),
    ...timing,
  });
  return { config, backends, voteStream, logger, systemInfo: systemInfo() };
}
