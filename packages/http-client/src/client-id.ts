import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header in which the frontend tells the voting service who cast a vote: `<client id>.<signature>`, the
 * signature an HMAC-SHA256 of the id under the secret the two share (CLIENT_ID_SECRET), so a caller that
 * reaches the voting service directly cannot choose the identity its votes are limited under.
 */
export const CLIENT_ID_HEADER = 'x-craftista-client';

const signature = (secret: string, id: string) => createHmac('sha256', secret).update(id).digest('base64url');

/** The header value for `id` (e.g. `c:<cookie id>` or `ip:<address>`). */
export const signClientId = (secret: string, id: string): string => `${id}.${signature(secret, id)}`;

/** The client id of a header value signed with `secret`, else undefined (unsigned, forged or malformed). */
export function verifyClientId(secret: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 300) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}
