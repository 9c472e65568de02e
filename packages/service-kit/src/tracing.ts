import { trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

/**
 * Registers W3C trace-context propagation and async context once per process. Spans get real ids (for logs
 * and forwarded `traceparent`) always, and are exported over OTLP/HTTP only when an endpoint is configured.
 */
export async function initTracing(serviceName: string, otlpEndpoint?: string): Promise<Tracer> {
  if (!provider) {
    const spanProcessors: SpanProcessor[] = [];
    if (otlpEndpoint) {
      const [{ OTLPTraceExporter }, { BatchSpanProcessor }] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/sdk-trace-node'),
      ]);
      const url = `${otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
    }
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors,
    });
    provider.register();
  }
  return trace.getTracer('craftista');
}

export async function shutdownTracing(): Promise<void> {
  await provider?.forceFlush().catch(() => undefined);
}
