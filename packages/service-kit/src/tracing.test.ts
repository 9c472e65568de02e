import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startRequestSpan } from './tracing.js';

describe('non-recording request spans', () => {
  it('get valid, distinct ids across several refills of the id pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { traceId, spanId } = startRequestSpan(
        'GET /',
        { kind: SpanKind.SERVER },
        ROOT_CONTEXT,
      ).spanContext();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      seen.add(traceId).add(spanId);
    }
    expect(seen.size).toBe(2000);
  });

  it("continue the caller's trace with a new span id", () => {
    const caller = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const parent = trace.setSpanContext(ROOT_CONTEXT, caller);
    const own = startRequestSpan('GET /', { kind: SpanKind.SERVER }, parent).spanContext();
    expect(own.traceId).toBe(caller.traceId);
    expect(own.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(own.spanId).not.toBe(caller.spanId);
  });
});
