export { createService, type ServiceOptions } from './service.js';
export { runService, type RunOptions } from './run.js';
export { HttpError, StoreUnavailableError } from './errors.js';
export { Readiness, type Check, type CheckResult } from './health.js';
export { registerInfoPage, renderInfoPage, escapeHtml, type InfoPage } from './info-page.js';
export * from './core.js';
export { API_SECURITY_HEADERS, HTML_SECURITY_HEADERS } from './security-headers.js';
