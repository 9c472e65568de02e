import { ErrorBody, z } from '@craftista/contracts';
import type {
  FastifyInstance,
  FastifyReply,
  FastifySchemaCompiler,
  FastifySchemaValidationError,
  FastifyServerOptions,
  RouteOptions,
} from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

/**
 * The `schemaController` option for an instance whose every schema goes to these compilers: Fastify then never
 * loads its default ones (Ajv and fast-json-stringify's compilers, ~170 modules and several MB of heap that no
 * route here uses). Fastify's types describe the factories in Ajv's terms; it calls them with the route's
 * schema like any compiler.
 */
export function ownCompilers<S>(
  validator: FastifySchemaCompiler<S>,
  serializer: FastifySerializerCompiler<S>,
): SchemaController {
  return {
    compilersFactory: {
      buildValidator: () => validator,
      buildSerializer: () => serializer,
    } as unknown as SchemaController['compilersFactory'],
  };
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'the request is malformed',
  401: 'no valid admin bearer token',
  403: 'admin writes are disabled',
  404: 'no such resource',
  409: 'conflicts with what is stored',
  413: 'the body is too large',
  415: 'unsupported content type',
  429: 'too many requests',
  503: 'a store is unavailable; try again shortly',
};

/** Response schemas for error answers (`{ error, message }`), keyed by status, for a route's `response`. */
export const errorResponses = (...codes: number[]): Record<number, z.ZodType> =>
  Object.fromEntries(codes.map((code) => [code, ErrorBody.describe(DESCRIPTIONS[code] ?? 'error')]));

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Every route that documents its answers also declares the ones the kit itself gives before its handler runs: 400 for a
 * request its schemas refuse, and for methods with a body 413 (over the body limit) and 415 (not JSON).
 */
export function declareRequestErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { hide?: boolean; response?: object } | undefined;
    // A route that documents no answers (a stream) keeps swagger's default one.
    if (!schema?.response || schema.hide) return;
    const withBody = [route.method].flat().some((method) => BODY_METHODS.has(method));
    route.schema = {
      ...schema,
      response: { ...errorResponses(400, ...(withBody ? [413, 415] : [])), ...schema.response },
    };
  });
}

/**
 * A response without a body (304, 204): `type: "null"` is what makes @fastify/swagger document it without
 * content (zod's OpenAPI 3.0 output for z.null() is a nullable string, which it would list as JSON).
 */
export const noBody = (description: string) => z.null().meta({ type: 'null', description });

/**
 * One sentence for the zod issues of a request part: `body.name: Too big...; body: additional properties
 * are not allowed ("x")`.
 */
export function formatValidation(errors: FastifySchemaValidationError[], part: string): Error {
  const sentences = errors.map((error) => {
    const where = part + error.instancePath.replace(/\/$/, '').replaceAll('/', '.');
    const keys = (error.params as { keys?: unknown }).keys;
    if (error.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return `${where}: additional properties are not allowed (${keys.map((k) => JSON.stringify(k)).join(', ')})`;
    }
    return `${where}: ${error.message ?? 'invalid'}`;
  });
  return new Error(sentences.join('; '));
}

/**
 * Sends JSON that is already encoded (a cached answer) as is: Fastify skips the route's serializer for a
 * Buffer or a string, so nothing is validated or stringified again.
 */
export const sendEncodedJson = (reply: FastifyReply, json: Buffer | string): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(json);
