import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LogFn, Logger } from 'pino';

/**
 * A request's logger (`request.log`), bound to its request id and trace id. The pino child behind it is made
 * only when the request logs something at an enabled level: most requests log nothing themselves (the kit
 * writes the completion line through the service logger), and a child per request was a measurable part of
 * the kit's cost.
 */
export class RequestLogger {
  /** Set by the kit once the request's span exists. */
  traceId: string | undefined;
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  private real(): Logger {
    this.made ??= this.parent.child(
      this.traceId ? { ...this.bindings, trace_id: this.traceId } : this.bindings,
    );
    return this.made;
  }

  private at(level: Level, args: Parameters<LogFn>): void {
    const target = this.made ?? this.parent;
    if (target.isLevelEnabled(level)) (this.real()[level] as (...a: Parameters<LogFn>) => void)(...args);
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: Parameters<LogFn>): void {
    this.at('fatal', args);
  }
  error(...args: Parameters<LogFn>): void {
    this.at('error', args);
  }
  warn(...args: Parameters<LogFn>): void {
    this.at('warn', args);
  }
  info(...args: Parameters<LogFn>): void {
    this.at('info', args);
  }
  debug(...args: Parameters<LogFn>): void {
    this.at('debug', args);
  }
  trace(...args: Parameters<LogFn>): void {
    this.at('trace', args);
  }
  silent(): void {}

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy RequestLogger, unless the route changes the level or serializers,
 * which only a real child can carry.
 */
export function requestLoggerFactory(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level || options.serializers) return logger.child(bindings, options);
  return new RequestLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
