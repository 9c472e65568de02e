import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '@craftista/service-kit';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** An onRequest hook for admin writes (before the body is even parsed): 403 when no token is configured, 401 unless `Bearer <token>` matches. */
export function requireAdmin(token: string | undefined, variable: string) {
  const expected = token ? digest(token) : undefined;
  return async (request: FastifyRequest): Promise<void> => {
    if (!expected) throw new HttpError(403, 'forbidden', `Writes are disabled: ${variable} is not set`);
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), expected))
      throw new HttpError(401, 'unauthorized', 'A valid admin bearer token is required', {
        'www-authenticate': 'Bearer',
      });
  };
}
