// The JSON shapes Craftista's services exchange, defined once in zod. The services' routes validate with
// them (and describe themselves in OpenAPI from them); the frontend parses backend answers with them.
import { z } from 'zod';

/** Ids are the catalogue's string ids ("1", "2", ...): short, URL- and key-safe. */
export const OrigamiId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1-64 letters, digits, "_" or "-"');

/**
 * Text fields refuse control characters other than tab, line feed and carriage return: NUL cannot be
 * stored by PostgreSQL (SQLSTATE 22021), and the others are not text anyone writes on purpose.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROLS = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$/;
const text = (max: number) =>
  z.string().min(1).max(max).regex(NO_CONTROLS, 'control characters are not allowed (tab and newlines are)');
/** Image paths are served by the frontend (`/static/images/...`) or absolute http(s) URLs. */
const ImageUrl = z
  .string()
  .max(300)
  .regex(/^(\/[A-Za-z0-9._~/-]+|https?:\/\/[^\s"'<>]+)$/, 'an absolute path or an http(s) URL');
const Tag = z.string().regex(/^[a-z0-9-]{1,32}$/, 'tags are lower-case words of letters, digits and "-"');

export const Product = z.object({
  id: OrigamiId,
  name: text(150),
  description: text(2000),
  image_url: ImageUrl,
  tags: z.array(Tag).max(10).optional(),
});
export type Product = z.infer<typeof Product>;

/** Body of POST /api/products: a whole product; unknown fields are refused. */
export const ProductCreate = Product.strict();
/** Body of PUT /api/products/:id: everything but the id. */
export const ProductReplace = Product.omit({ id: true }).strict();
/** Body of PATCH /api/products/:id: any subset. */
export const ProductPatch = ProductReplace.partial().strict();

export const ProductList = z.array(Product);

/** The voting service's view of an origami (the original Spring Boot shape). */
export const Origami = z.object({ id: OrigamiId, name: z.string(), votes: z.number().int().nonnegative() });
export type Origami = z.infer<typeof Origami>;
export const OrigamiList = z.array(Origami);
export const OrigamiCreate = z
  .object({ id: OrigamiId, name: text(150), votes: z.number().int().nonnegative().optional() })
  .strict();

/** Live count change pushed on the voting stream. */
export const VoteEvent = z.object({ id: OrigamiId, votes: z.number().int().nonnegative() });
export type VoteEvent = z.infer<typeof VoteEvent>;
/** `event: status` on voting's stream: "down" while its live feed has lost PostgreSQL, "up" once back. */
export const VoteStreamStatus = z.object({ status: z.enum(['up', 'down']) });
export type VoteStreamStatus = z.infer<typeof VoteStreamStatus>;

export const OrigamiOfTheDay = z.object({
  name: z.string(),
  description: z.string(),
  image_url: z.string(),
  id: z.string().optional(),
  date: z.string().optional(),
});
export type OrigamiOfTheDay = z.infer<typeof OrigamiOfTheDay>;

/** An entry of the recommendation pool (the original's daily origami records). */
export const DailyOrigami = z
  .object({ name: text(150), description: text(2000), image_url: ImageUrl })
  .strict();
export const DailyPool = z.array(DailyOrigami).min(1).max(366);

export const RecommendationStatus = z.looseObject({ status: z.enum(['operational', 'degraded']) });

/** Every error answer: `{ error: "<code>", message: "<sentence>" }`. */
export const ErrorBody = z.object({ error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export { z };
