import {
  OrigamiId,
  Product,
  ProductCreate,
  ProductList,
  ProductPatch,
  ProductReplace,
  z,
} from '@craftista/contracts';
import {
  errorResponses,
  HttpError,
  noBody,
  sendEncodedJson,
  type ServicePlugin,
} from '@craftista/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, type CatalogueCache, type Cached } from '../cache.js';
import { DuplicateIdError, type ProductRepository } from '../repository/index.js';
import { rejectUnsafeKeys } from './unsafe-keys.js';

export interface ProductRoutesOptions {
  repository: ProductRepository;
  cache: CatalogueCache;
}

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 50;

const IdParams = z.strictObject({ id: OrigamiId });

const ListQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .optional()
    .describe(`page size (default ${DEFAULT_LIMIT})`),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('items to skip'),
  tag: Product.shape.tags.unwrap().element.optional().describe('only products with this tag'),
  q: z.string().min(1).max(100).optional().describe('case-insensitive text in the name'),
});

// minProperties says in OpenAPI what the refinement checks.
const NonEmptyPatch = ProductPatch.refine((fields) => Object.keys(fields).length > 0, {
  error: 'name at least one field to change',
}).meta({ minProperties: 1 });

const notModified = noBody('not modified');

/** Answers 304 when the client already has this representation, else sends the cached JSON text. */
function sendJson(request: FastifyRequest, reply: FastifyReply, value: Cached): FastifyReply {
  reply.header('etag', value.etag).header('cache-control', 'no-cache');
  if (matches(request.headers['if-none-match'], value.etag)) return reply.code(304).send();
  return sendEncodedJson(reply, value.body);
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

const notFound = () => new HttpError(404, 'not_found', 'Product not found');

export const productRoutes: ServicePlugin<ProductRoutesOptions> = async (app, { repository, cache }) => {
  const written = () => cache.invalidate();

  app.get(
    '/api/products',
    {
      schema: {
        summary: 'List products',
        description:
          'Without parameters: the whole catalogue as an array, as the original served it. With limit, offset, tag or q: ' +
          'one page, with X-Total-Count and Link (first, prev, next, last) headers; the body stays an array.',
        querystring: ListQuery,
        response: { 200: ProductList, 304: notModified, ...errorResponses(400, 503) },
      },
      config: {
        // The whole list while the snapshot is fresh, answered before Fastify routes the request (the kit's
        // fast path); a conditional request is the handler's, which may answer 304.
        fastPath: (headers) => {
          const list = headers['if-none-match'] === undefined ? cache.fresh()?.list : undefined;
          return list && { body: list.body, headers: { etag: list.etag, 'cache-control': 'no-cache' } };
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

  app.get(
    '/api/products/:id',
    {
      schema: {
        summary: 'One product',
        params: IdParams,
        response: { 200: Product, 304: notModified, ...errorResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const item = (await cache.get()).items.get(request.params.id);
      if (!item) throw notFound();
      return sendJson(request, reply, item);
    },
  );

  app.post(
    '/api/products',
    {
      config: { admin: true },
      preValidation: rejectUnsafeKeys,
      schema: {
        summary: 'Add a product (admin)',
        body: ProductCreate,
        response: { 201: Product, ...errorResponses(400, 409, 413, 503) },
      },
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

  app.put(
    '/api/products/:id',
    {
      config: { admin: true },
      preValidation: rejectUnsafeKeys,
      schema: {
        summary: 'Replace a product (admin)',
        params: IdParams,
        body: ProductReplace,
        response: { 200: Product, ...errorResponses(400, 404, 413, 503) },
      },
    },
    async (request) => {
      const replaced = await repository.replace(request.params.id, request.body);
      if (!replaced) throw notFound();
      written();
      return replaced;
    },
  );

  app.patch(
    '/api/products/:id',
    {
      config: { admin: true },
      preValidation: rejectUnsafeKeys,
      schema: {
        summary: 'Change some fields of a product (admin)',
        params: IdParams,
        body: NonEmptyPatch,
        response: { 200: Product, ...errorResponses(400, 404, 413, 503) },
      },
    },
    async (request) => {
      const patched = await repository.patch(request.params.id, request.body);
      if (!patched) throw notFound();
      written();
      return patched;
    },
  );

  app.delete(
    '/api/products/:id',
    {
      config: { admin: true },
      schema: {
        summary: 'Remove a product (admin)',
        params: IdParams,
        response: { 204: noBody('deleted'), ...errorResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      if (!(await repository.delete(request.params.id))) throw notFound();
      written();
      return reply.code(204).send(null);
    },
  );
};

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
