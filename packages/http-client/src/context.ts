// The request context on its own, so that a service which forwards context but calls no other service (the
// service kit sets it for every app) does not load axios to get it.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the current inbound request carries onward; set by the service kit and the frontend per request. */
export interface RequestContext {
  requestId?: string;
  /** Extra headers to forward (e.g. the client identity the frontend vouches for). */
  headers?: Record<string, string>;
}
export const requestContext = new AsyncLocalStorage<RequestContext>();
