import type { FastifyInstance } from 'fastify';

export type Check = () => Promise<void>;
export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  error?: string;
}

/** Readiness checks and extra details a service registers; `/readyz` runs the checks in parallel. */
export class Readiness {
  private readonly checks = new Map<string, Check>();
  private readonly details = new Map<string, () => unknown>();

  constructor(private readonly timeoutMs = 1000) {}

  /** A dependency whose failure makes the service not ready (e.g. its store). */
  add(name: string, check: Check): this {
    this.checks.set(name, check);
    return this;
  }

  /** Information shown in `/readyz` that never affects readiness (e.g. last catalogue sync). */
  detail(name: string, read: () => unknown): this {
    this.details.set(name, read);
    return this;
  }

  async run(): Promise<{
    ready: boolean;
    checks: Record<string, CheckResult>;
    details: Record<string, unknown>;
  }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => {
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`timed out after ${this.timeoutMs} ms`)),
                this.timeoutMs,
              );
            }),
          ]);
          return [name, { status: 'up', durationMs: Math.round(performance.now() - started) }];
        } catch (error) {
          return [
            name,
            {
              status: 'down',
              durationMs: Math.round(performance.now() - started),
              error: (error as Error).message,
            },
          ];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const details = Object.fromEntries([...this.details].map(([name, read]) => [name, read()]));
    return { ready: entries.every(([, r]) => r.status === 'up'), checks, details };
  }
}

export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const { ready, checks, details } = await readiness.run();
    if (ready) return { status: 'ready', checks, details };
    const failing = Object.entries(checks).filter(([, r]) => r.status === 'down');
    reply.code(503);
    return {
      status: 'unavailable',
      error: 'not_ready',
      message: failing.map(([name, r]) => `${name} is down: ${r.error}`).join('; '),
      failing: failing.map(([name]) => name),
      checks,
      details,
    };
  });
}
