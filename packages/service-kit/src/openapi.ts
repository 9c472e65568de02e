import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { ownCompilers } from './schemas.js';

/**
 * The OpenAPI document, built on its first request: @fastify/swagger and what it loads (a JSON Schema
 * resolver, a YAML library, ...) are several MB of every process, for a document asked for rarely. The
 * service's routes are recorded as they are added, with their schemas as the earlier onRoute hooks left them
 * (security requirements, request error answers), and handed to @fastify/swagger in a throwaway Fastify
 * instance that compiles nothing.
 */
export function registerOpenApi(
  app: FastifyInstance,
  options: FastifyDynamicSwaggerOptions,
): () => Promise<unknown> {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  let document: Promise<unknown> | undefined;
  return () => {
    document ??= build(routes, options);
    return document;
  };
}

async function build(routes: RouteOptions[], options: FastifyDynamicSwaggerOptions): Promise<unknown> {
  const { default: swagger } = await import('@fastify/swagger');
  // Only the schemas' descriptions matter here: compilers that compile nothing (nor load Ajv).
  const docs = Fastify({
    logger: false,
    schemaController: ownCompilers(
      () => () => true,
      () => (data) => JSON.stringify(data),
    ),
  });
  await docs.register(swagger, options);
  // HEAD routes are the ones Fastify adds for GET routes (swagger leaves them out); the replay adds its own.
  for (const { method, url, schema, config } of routes) {
    const methods = [method].flat().filter((m) => m !== 'HEAD');
    if (methods.length > 0) docs.route({ method: methods, url, schema, config, handler: () => undefined });
  }
  await docs.ready();
  const document = docs.swagger();
  await docs.close();
  return document;
}
