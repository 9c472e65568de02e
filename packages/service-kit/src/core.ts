// What a service built without Fastify (the Express frontend) shares with the others, without loading
// Fastify: trace context, request metrics and system information.
export { initTracing, startRequestSpan, type StartSpan } from './tracing.js';
export { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
export { systemInfo, type SystemInfo } from './system-info.js';
