import {
  ErrorBody,
  jsonSchema,
  OrigamiId,
  Product,
  ProductCreate,
  ProductList,
  ProductPatch,
  ProductReplace,
} from '@craftista/contracts';
import { HttpError } from '@craftista/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { etagOf, type CatalogueCache, type Cached } from '../cache.js';
import { DuplicateIdError, type ProductRepository } from '../repository/index.js';
import { adminGuard, rejectUnsafeKeys } from './guards.js';

export interface ProductRoutesOptions {
  repository: ProductRepository;
  cache: CatalogueCache;
  adminToken: string | undefined;
}

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 50;

const idParams = {
  type: 'object',
  properties: { id: jsonSchema(OrigamiId) },
  required: ['id'],
  additionalProperties: false,
} as const;

const listQuery = {
  type: 'object',
  properties: {
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_LIMIT,
      description: `page size (default ${DEFAULT_LIMIT})`,
    },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'items to skip' },
    tag: { ...jsonSchema(Product.shape.tags.unwrap().element), description: 'only products with this tag' },
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'case-insensitive text in the name' },
  },
  additionalProperties: false,
} as const;

interface ListQueryString {
  limit?: number;
  offset?: number;
  tag?: string;
  q?: string;
}

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { ...jsonSchema(ErrorBody), description: 'error' }]));

/** Answers 304 when the client already has this representation, else sends the cached JSON text. */
function sendJson(request: FastifyRequest, reply: FastifyReply, value: Cached): FastifyReply {
  reply.header('etag', value.etag).header('cache-control', 'no-cache');
  if (matches(request.headers['if-none-match'], value.etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(value.body);
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

const notFound = () => new HttpError(404, 'not_found', 'Product not found');

export async function productRoutes(app: FastifyInstance, options: ProductRoutesOptions): Promise<void> {
  const { repository, cache } = options;
  const admin: onRequestHookHandler = adminGuard(options.adminToken);
  const written = () => cache.invalidate();

  app.get<{ Querystring: ListQueryString }>(
    '/api/products',
    {
      schema: {
        summary: 'List products',
        description:
          'Without parameters: the whole catalogue as an array, as the original served it. With limit, offset, tag or q: ' +
          'one page, with X-Total-Count and Link (first, prev, next, last) headers; the body stays an array.',
        querystring: listQuery,
        response: {
          200: jsonSchema(ProductList),
          304: { type: 'null', description: 'not modified' },
          ...errors(400, 503),
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      if (
        query.limit === undefined &&
        query.offset === undefined &&
        query.tag === undefined &&
        query.q === undefined
      ) {
        return sendJson(request, reply, (await cache.get()).list);
      }
      const limit = query.limit ?? DEFAULT_LIMIT;
      const offset = query.offset ?? 0;
      const page = await repository.list({ limit, offset, tag: query.tag, q: query.q });
      reply.header('x-total-count', String(page.total));
      reply.header('link', pagingLinks(request, limit, offset, page.total));
      const body = Buffer.from(JSON.stringify(page.items));
      return sendJson(request, reply, { body, etag: etagOf(body) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/products/:id',
    {
      schema: {
        summary: 'One product',
        params: idParams,
        response: {
          200: jsonSchema(Product),
          304: { type: 'null', description: 'not modified' },
          ...errors(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const item = (await cache.get()).items.get(request.params.id);
      if (!item) throw notFound();
      return sendJson(request, reply, item);
    },
  );

  // The kit's OpenAPI document declares no security schemes, so the bearer requirement is stated in words.
  const writeSchema = (extra: { summary: string } & Record<string, unknown>) => ({
    ...extra,
    description:
      'Needs `Authorization: Bearer $CATALOGUE_ADMIN_TOKEN` (401 without it, 403 when writes are disabled).',
  });

  app.post<{ Body: Product }>(
    '/api/products',
    {
      onRequest: admin,
      preValidation: rejectUnsafeKeys,
      schema: writeSchema({
        summary: 'Add a product (admin)',
        body: jsonSchema(ProductCreate, 'input'),
        response: { 201: jsonSchema(Product), ...errors(400, 401, 403, 409, 413, 503) },
      }),
    },
    async (request, reply) => {
      try {
        const created = await repository.create(request.body);
        written();
        return reply.code(201).header('location', `/api/products/${created.id}`).send(created);
      } catch (error) {
        if (error instanceof DuplicateIdError) throw new HttpError(409, 'conflict', error.message);
        throw error;
      }
    },
  );

  app.put<{ Params: { id: string }; Body: Omit<Product, 'id'> }>(
    '/api/products/:id',
    {
      onRequest: admin,
      preValidation: rejectUnsafeKeys,
      schema: writeSchema({
        summary: 'Replace a product (admin)',
        params: idParams,
        body: jsonSchema(ProductReplace, 'input'),
        response: { 200: jsonSchema(Product), ...errors(400, 401, 403, 404, 413, 503) },
      }),
    },
    async (request) => {
      const replaced = await repository.replace(request.params.id, request.body);
      if (!replaced) throw notFound();
      written();
      return replaced;
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<Omit<Product, 'id'>> }>(
    '/api/products/:id',
    {
      onRequest: admin,
      preValidation: rejectUnsafeKeys,
      schema: writeSchema({
        summary: 'Change some fields of a product (admin)',
        params: idParams,
        body: { ...jsonSchema(ProductPatch, 'input'), minProperties: 1 },
        response: { 200: jsonSchema(Product), ...errors(400, 401, 403, 404, 413, 503) },
      }),
    },
    async (request) => {
      const patched = await repository.patch(request.params.id, request.body);
      if (!patched) throw notFound();
      written();
      return patched;
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/products/:id',
    {
      onRequest: admin,
      schema: writeSchema({
        summary: 'Remove a product (admin)',
        params: idParams,
        response: { 204: { type: 'null', description: 'deleted' }, ...errors(400, 401, 403, 404, 503) },
      }),
    },
    async (request, reply) => {
      if (!(await repository.delete(request.params.id))) throw notFound();
      written();
      return reply.code(204).send();
    },
  );
}

/** RFC 8288 links to the first, previous, next and last pages, keeping the other parameters. */
function pagingLinks(request: FastifyRequest, limit: number, offset: number, total: number): string {
  const [path, search = ''] = request.url.split('?') as [string, string?];
  const link = (rel: string, at: number) => {
    const params = new URLSearchParams(search);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [link('first', 0)];
  if (offset > 0) links.push(link('prev', Math.max(0, offset - limit)));
  if (offset + limit < total) links.push(link('next', offset + limit));
  links.push(link('last', last));
  return links.join(', ');
}
