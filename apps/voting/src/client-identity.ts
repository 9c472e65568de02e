import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** An opaque id the frontend derives for a browser; anything else is ignored. */
const CLIENT_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * The key a vote is rate-limited and recorded under. The frontend forwards its client's identity in
 * `x-craftista-client`; it is trusted because only the frontend can reach this service (network policy,
 * compose network). Without it, the peer socket address is used. Only a hash is ever stored.
 */
export function clientKey(request: FastifyRequest): string {
  const forwarded = request.headers['x-craftista-client'];
  const key =
    typeof forwarded === 'string' && CLIENT_ID.test(forwarded)
      ? `client:${forwarded}`
      : `ip:${request.socket?.remoteAddress ?? request.ip}`;
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
