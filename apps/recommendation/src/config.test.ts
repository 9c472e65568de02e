import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@craftista/config';
import { RecommendationEnv } from './config.js';

describe('configuration', () => {
  it('defaults to port 8080, UTC, embedded mode and pool changes disabled', () => {
    expect(parseConfig(RecommendationEnv, {})).toMatchObject({ PORT: 8080, RECOMMENDATION_TIMEZONE: 'UTC' });
    const config = parseConfig(RecommendationEnv, {});
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.RECOMMENDATION_ADMIN_TOKEN).toBeUndefined();
  });

  it('names every bad variable: unknown zone, non-Redis URL, short token', () => {
    const env = {
      RECOMMENDATION_TIMEZONE: 'Mars/Olympus',
      REDIS_URL: 'http://redis:6379',
      RECOMMENDATION_ADMIN_TOKEN: 'short',
    };
    expect(() => parseConfig(RecommendationEnv, env, 'recommendation')).toThrow(ConfigError);
    try {
      parseConfig(RecommendationEnv, env, 'recommendation');
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
        'RECOMMENDATION_ADMIN_TOKEN',
        'RECOMMENDATION_TIMEZONE',
        'REDIS_URL',
      ]);
    }
  });
});
