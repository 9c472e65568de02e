import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; the message lists every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly problems: { variable: string; problem: string }[],
    service: string,
  ) {
    super(
      `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`; empty strings count as unset so `FOO=` falls back to the default. */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
  service = 'service',
): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.join('.') || '(root)',
    problem: issue.message,
  }));
  throw new ConfigError(problems, service);
}

/**
 * Each app's `readConfig`: parses the process environment or prints one message naming every offending variable
 * and exits 1; an environment passed in (tests) throws the ConfigError instead.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  service: string,
  env: Env = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env, service);
  } catch (error) {
    if (error instanceof ConfigError && env === process.env) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

// Reusable field builders, so every service spells the same variable the same way.
export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback).describe('a TCP port number (0-65535)');

export const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://catalogue:5000' });

export const storeUrl = (protocols: RegExp, example: string) =>
  z.url({ protocol: protocols, error: `expected a URL such as ${example}` });

export const durationMs = (fallback: number) =>
  z.coerce.number().int().positive({ error: 'expected a positive number of milliseconds' }).default(fallback);

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** The variables every Craftista service reads. */
export const baseEnv = (defaultPort: number) => ({
  PORT: port(defaultPort),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: logLevel(),
  APP_VERSION: z.string().default('1.0.0'),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl().optional(),
  /** Serve GET /metrics on this port only, not on PORT; unset: on PORT. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

export { z };
