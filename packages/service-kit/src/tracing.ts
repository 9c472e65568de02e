import { randomFillSync } from 'node:crypto';
import {
  context,
  propagation,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
// The propagator's own file: the package's index also loads semantic-conventions (~400 kB of source, ~1.5 MB
// of heap) for the SDK's use only.
import { W3CTraceContextPropagator } from '@opentelemetry/core/build/src/trace/W3CTraceContextPropagator.js';

/** Starts a request's span under `parent` (the caller's trace context, or none). */
export type StartSpan = (name: string, options: SpanOptions, parent: Context) => Span;

let startSpan: StartSpan | undefined;

// Random bytes for span ids are drawn from the OS in blocks and turned into hex once per block: one
// getrandom call per request cost about a tenth of a small route's throughput.
const IDS_PER_BLOCK = 256;
const ID_HEX = 48;
const idBlock = Buffer.allocUnsafe((ID_HEX / 2) * IDS_PER_BLOCK);
let idHex = '';
let idOffset = 0;

/** 48 hex digits: a 32-digit trace id followed by a 16-digit span id. */
function freshIds(): string {
  if (idOffset === idHex.length) {
    idHex = randomFillSync(idBlock).toString('hex');
    idOffset = 0;
  }
  idOffset += ID_HEX;
  return idHex.slice(idOffset - ID_HEX, idOffset);
}

/** A span with fresh ids under the caller's trace (or a new trace), recording nothing. */
const nonRecordingSpan: StartSpan = (_name, _options, parent) => {
  const ids = freshIds();
  const caller = trace.getSpanContext(parent);
  return trace.wrapSpanContext({
    traceId: caller?.traceId ?? ids.slice(0, 32),
    spanId: ids.slice(32),
    traceFlags: caller?.traceFlags ?? TraceFlags.NONE,
  });
};

/** Starts a request span the way `initTracing` set up (non-recording before it ran, e.g. in tests). */
export const startRequestSpan: StartSpan = (name, options, parent) =>
  (startSpan ?? nonRecordingSpan)(name, options, parent);
let flush: (() => Promise<void>) | undefined;

/**
 * Registers W3C trace-context propagation and async context once per process. With an OTLP endpoint, spans
 * come from the OpenTelemetry SDK and are exported over OTLP/HTTP. Without one nothing would ever read a
 * recorded span, so requests get non-recording spans: real trace and span ids (continued from `traceparent`,
 * written to logs, forwarded downstream) at a fraction of the SDK's cost, and the SDK is never loaded.
 */
export async function initTracing(serviceName: string, otlpEndpoint?: string): Promise<StartSpan> {
  if (startSpan) return startSpan;
  if (otlpEndpoint) {
    const [{ OTLPTraceExporter }, { BatchSpanProcessor, NodeTracerProvider }, { resourceFromAttributes }] =
      await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/sdk-trace-node'),
        import('@opentelemetry/resources'),
      ]);
    const url = `${otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
    });
    provider.register();
    const tracer = trace.getTracer('craftista');
    flush = () => provider.forceFlush();
    startSpan = (name, options, parent) => tracer.startSpan(name, options, parent);
  } else {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    startSpan = nonRecordingSpan;
  }
  return startSpan;
}

export async function shutdownTracing(): Promise<void> {
  await flush?.().catch(() => undefined);
}

/** Ends a request's span, named for its route and marked failed on a 5xx (only recording spans keep either). */
export function endRequestSpan(span: Span, method: string, route: string, statusCode: number): void {
  if (span.isRecording()) {
    span.updateName(`${method} ${route}`);
    span.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
