import type { FastifyInstance, RouteOptions } from 'fastify';
import Router from 'find-my-way';
import { HttpError } from './errors.js';

/**
 * A path that has routes, asked with a method it has none for (TRACE, QUERY, a DELETE on a list...), is
 * answered 405 with an Allow header naming the methods it has, as RFC 9110 says, instead of 404. Checked in
 * onRequest, before any body is read, so a method that carries a body (QUERY) gets the same answer.
 */
export function registerMethodNotAllowed(app: FastifyInstance): void {
  // Fastify's own router matches by method first; this one finds a path whatever the method.
  const paths = Router();
  const methodsOf = new Map<string, Set<string>>();
  app.addHook('onRoute', (route: RouteOptions) => {
    let methods = methodsOf.get(route.url);
    if (!methods) {
      methods = new Set();
      methodsOf.set(route.url, methods);
      paths.on('GET', route.url, () => undefined, methods);
    }
    for (const method of [route.method].flat()) methods.add(method);
  });

  app.addHook('onRequest', async (request) => {
    if (!request.is404) return;
    let found: ReturnType<typeof paths.find>;
    try {
      found = paths.find('GET', request.url.split('?')[0] ?? '/');
    } catch {
      return; // a path find-my-way cannot decode: the 404 stands
    }
    if (!found) return;
    const allowed = [...(found.store as Set<string>)].join(', ');
    throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use ${allowed}`, {
      allow: allowed,
    });
  });
}
