import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLogger, requestLoggerFactory } from './request-logger.js';

function collectingLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level, base: { service: 'tiny' } }, destination);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children += 1;
    return child(...args);
  }) as typeof logger.child;
  return { logger, lines, children: () => children };
}

describe('RequestLogger', () => {
  it('makes no pino child for a request that logs nothing, or only below the level', () => {
    const { logger, lines, children } = collectingLogger('warn');
    const log = new RequestLogger(logger, { reqId: 'r1' });
    log.info('not at warn');
    log.debug('nor this');
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('logs through one child bound to the request and trace ids once something is logged', async () => {
    const { logger, lines, children } = collectingLogger('info');
    const log = new RequestLogger(logger, { reqId: 'r2' });
    log.traceId = '0123456789abcdef0123456789abcdef';
    log.warn({ detail: 1 }, 'first');
    log.error('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(children()).toBe(1);
    expect(lines).toMatchObject([
      { msg: 'first', detail: 1, reqId: 'r2', trace_id: log.traceId, service: 'tiny', level: 40 },
      { msg: 'second', reqId: 'r2', trace_id: log.traceId, level: 50 },
    ]);
  });

  it('gives routes with their own level or serializers a real child at once', () => {
    const { logger, children } = collectingLogger('info');
    const routeLogger = requestLoggerFactory.call(null, logger, { reqId: 'r3' }, { level: 'debug' });
    expect(routeLogger).not.toBeInstanceOf(RequestLogger);
    expect(routeLogger.level).toBe('debug');
    expect(children()).toBe(1);
    expect(requestLoggerFactory.call(null, logger, { reqId: 'r4' }, {})).toBeInstanceOf(RequestLogger);
  });
});
