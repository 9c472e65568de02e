import { createHash } from 'node:crypto';
import { CLIENT_ID_HEADER, verifyClientId } from '@craftista/http-client';
import type { FastifyRequest } from 'fastify';

/**
 * The key a vote is rate-limited and recorded under: the client the frontend names in `x-craftista-client`
 * when it is signed with the shared CLIENT_ID_SECRET, else the peer socket address (a direct caller, a forged
 * or unsigned header, or no secret configured), so nobody who reaches this service directly can pick
 * identities to multiply votes. Only a hash is ever stored.
 */
export function clientKey(request: FastifyRequest, secret: string | undefined): string {
  const client = secret ? verifyClientId(secret, request.headers[CLIENT_ID_HEADER]) : undefined;
  const key = client !== undefined ? `client:${client}` : `ip:${request.socket?.remoteAddress ?? request.ip}`;
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
