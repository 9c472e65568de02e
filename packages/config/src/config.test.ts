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

describe('loadConfig', () => {
  it('exits 1 with one message naming every bad variable', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { loadConfig, baseEnv, z } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
      loadConfig(z.object({ ...baseEnv(5000), DATABASE_URL: z.url() }), 'voting');
      console.log('not reached');`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, PORT: '99999' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('not reached');
    expect(result.stderr).toContain('voting: invalid configuration (2 problems)');
    expect(result.stderr).toMatch(/- PORT: .*\n\s+- DATABASE_URL: /);
  });
});
