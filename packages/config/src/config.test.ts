import { describe, expect, it } from 'vitest';
import { baseEnv, ConfigError, httpUrl, parseConfig, z } from './index.js';

const schema = z.object({
  ...baseEnv(5000),
  CATALOGUE_URL: httpUrl().default('http://catalogue:5000'),
  MONGODB_URL: z.string().optional(),
});

describe('parseConfig', () => {
  it('applies defaults for unset and empty variables', () => {
    const config = parseConfig(schema, { PORT: '', LOG_LEVEL: undefined });
    expect(config).toMatchObject({ PORT: 5000, LOG_LEVEL: 'info', CATALOGUE_URL: 'http://catalogue:5000' });
  });

  it('coerces numbers and keeps given values', () => {
    expect(parseConfig(schema, { PORT: '8081', APP_VERSION: '2.0.0' })).toMatchObject({
      PORT: 8081,
      APP_VERSION: '2.0.0',
    });
  });

  it('lists every offending variable in one error', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud', CATALOGUE_URL: 'ftp://x' }, 'catalogue');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.variable).sort()).toEqual(['CATALOGUE_URL', 'LOG_LEVEL', 'PORT']);
    expect(message).toMatch(/^catalogue: invalid configuration \(3 problems\)/);
    expect(message).toContain('CATALOGUE_URL: expected an http(s) URL');
  });
});
