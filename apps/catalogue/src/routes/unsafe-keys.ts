import { HttpError } from '@craftista/service-kit';
import type { preValidationHookHandler } from 'fastify';

/** The path of the first key that starts with "$" or contains "." (MongoDB operators and dotted paths). */
function unsafeKey(value: unknown, path = ''): string | undefined {
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
