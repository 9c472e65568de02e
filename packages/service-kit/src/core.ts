// What a service built without Fastify (the Express frontend) shares with the others, without loading
// Fastify: trace context, request ids, the completion log line, request metrics, graceful shutdown and
// system information.
export { endRequestSpan, initTracing, startRequestSpan } from './tracing.js';
export { requestIdOf, isQuietRoute, logCompletion } from './requests.js';
export { closeOnSignal } from './shutdown.js';
export { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
export { serveMetrics } from './metrics-server.js';
export { systemInfo, type SystemInfo } from './system-info.js';
