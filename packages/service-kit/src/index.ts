export { createService, type ServiceOptions } from './service.js';
export { runService, type RunOptions } from './run.js';
export { HttpError, StoreUnavailableError } from './errors.js';
export { Readiness, type Check, type CheckResult } from './health.js';
export { systemInfo, type SystemInfo } from './system-info.js';
export { registerInfoPage, renderInfoPage, escapeHtml, type InfoPage } from './info-page.js';
export { initTracing, startRequestSpan, type StartSpan } from './tracing.js';
export { API_SECURITY_HEADERS, HTML_SECURITY_HEADERS } from './security-headers.js';
