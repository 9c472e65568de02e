import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import { HttpError } from './errors.js';
import { errorResponses } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Admin-only route: `Authorization: Bearer <the service's admin token>` (see `ServiceMeta.adminToken`). */
    admin?: boolean;
  }
}

/** The OpenAPI security scheme every admin route names. */
export const ADMIN_SCHEME = 'adminToken';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The admin check, run before the body is parsed: no token configured -> 403 `writes_disabled` naming the
 * variable; a missing or wrong bearer -> 401 with one challenge. Fixed-length digests are compared in
 * constant time, so neither the token's content nor its length leaks through timing.
 */
function adminCheck(realm: string, variable: string, token: string | undefined): onRequestHookHandler {
  const expected = token ? digest(token) : undefined;
  return async (request) => {
    if (!expected) throw new HttpError(403, 'writes_disabled', `Writes are disabled: ${variable} is not set`);
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new HttpError(401, 'unauthorized', 'A valid admin bearer token is required', {
        'www-authenticate': `Bearer realm="${realm}"`,
      });
    }
  };
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Routes declared with `config: { admin: true }` get the check as their first onRequest hook, and their
 * OpenAPI operation names the bearer scheme and the 401/403 answers.
 */
export function registerAdminAuth(
  app: FastifyInstance,
  realm: string,
  variable: string | undefined,
  token: string | undefined,
): void {
  const check = adminCheck(realm, variable ?? 'the admin token', token);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.admin) return;
    if (!variable) throw new Error(`${route.url} is an admin route, but the service names no admin token`);
    route.onRequest = [check, ...asArray(route.onRequest)];
    route.schema = {
      ...route.schema,
      security: [{ [ADMIN_SCHEME]: [] }],
      response: { ...errorResponses(401, 403), ...(route.schema?.response as object) },
    };
  });
}
