import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from '@craftista/service-kit';
import type { onRequestHookHandler, preValidationHookHandler } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admin writes: unset token -> 403 (writes disabled); missing or wrong bearer -> 401. Runs before the body
 * is parsed, and compares fixed-length digests in constant time.
 */
export function adminGuard(token: string | undefined): onRequestHookHandler {
  const expected = token ? digest(token) : undefined;
  return async (request) => {
    if (!expected) {
      throw new HttpError(403, 'writes_disabled', 'Writes are disabled: CATALOGUE_ADMIN_TOKEN is not set');
    }
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new HttpError(401, 'unauthorized', 'A valid admin bearer token is required', {
        'www-authenticate': 'Bearer realm="catalogue"',
      });
    }
  };
}

/** The path of the first key that starts with "$" or contains "." (MongoDB operators and dotted paths). */
export function unsafeKey(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unsafeKey(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$') || key.includes('.')) return `${path}${path ? '.' : ''}${key}`;
      const found = unsafeKey(item, `${path}${path ? '.' : ''}${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

export const rejectUnsafeKeys: preValidationHookHandler = async (request) => {
  const key = unsafeKey(request.body);
  if (key !== undefined) {
    throw new HttpError(
      400,
      'unsafe_key',
      `Field names may not start with "$" or contain ".": ${JSON.stringify(key)}`,
    );
  }
};
