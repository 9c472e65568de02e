export { createService, type Service, type ServiceConfig, type ServiceMeta } from './service.js';
export { runService } from './run.js';
export type { FastAnswer, FastPath } from './fast-path.js';
export { HttpError, StoreUnavailableError } from './errors.js';
export { errorResponses, noBody, sendEncodedJson } from './schemas.js';
export type { FastifyPluginAsyncZod as ServicePlugin } from 'fastify-type-provider-zod';
