// The recorded cases (cases/original.json), read and checked once, and the checks every run shares:
// what an answer must be to satisfy the original's caller, and what the original's own answer looked like.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { z } from 'zod';
import type { Answer } from './wire.js';

const Json = z.json();
const JsonSchema = z.record(z.string(), Json);

/** What the caller needs of an answer: a JSON Schema for JSON bodies, a text for pages and plain bodies. */
const Needs = z.strictObject({
  schema: JsonSchema.optional(),
  contains: z.string().optional(),
  /** This origami's count is one higher after the request. */
  counts: z.string().optional(),
});

export const Case = z.strictObject({
  id: z.string(),
  service: z.enum(['frontend', 'catalogue', 'voting', 'recommendation']),
  /** Where the fact comes from: the original's route and the library versions on the wire. */
  source: z.string().min(20),
  request: z.strictObject({
    method: z.enum(['GET', 'POST']),
    path: z.string().startsWith('/'),
    /** In the order the sender writes them; `{origin}` stands for the server's own origin. */
    headers: z.array(z.tuple([z.string(), z.string()])),
    body: z.string(),
  }),
  /** The original's answer as observed; bodies of changing data are one example of their shape. */
  original: z.strictObject({ status: z.number().int(), type: z.string(), body: Json }),
  needs: Needs.optional(),
  /** A deliberate difference: what ours answers instead, and why. */
  ours: z
    .strictObject({
      status: z.number().int(),
      type: z.string(),
      schema: JsonSchema.optional(),
      contains: z.string().optional(),
      why: z.string().min(10),
    })
    .optional(),
});
export type Case = z.infer<typeof Case>;

const casesFile = new URL('../cases/original.json', import.meta.url);
export const cases: Case[] = z
  .object({ cases: z.array(Case) })
  .parse(JSON.parse(readFileSync(casesFile, 'utf8'))).cases;

export const casesOf = (service: Case['service']) => cases.filter((c) => c.service === service);

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

/** The answer's media type without parameters (`application/json; charset=utf-8` -> `application/json`). */
export const mediaType = (answer: Answer) => (answer.headers['content-type'] ?? '').split(';')[0]!.trim();

/**
 * Why `answer` does not give the caller what it needs (empty when it does): status and media type as
 * expected (ours where we deliberately differ), then the body against the schema or text the case records.
 */
export function shortfalls(c: Case, answer: Answer): string[] {
  const expected = c.ours ?? {
    status: c.original.status,
    type: c.original.type,
    schema: c.needs?.schema,
    contains: c.needs?.contains,
  };
  const problems: string[] = [];
  if (answer.status !== expected.status) problems.push(`status ${answer.status}, not ${expected.status}`);
  if (mediaType(answer) !== expected.type) problems.push(`type ${mediaType(answer)}, not ${expected.type}`);
  if (expected.contains !== undefined && !answer.text.includes(expected.contains)) {
    problems.push(`body lacks ${JSON.stringify(expected.contains)}`);
  }
  if (expected.schema !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `body is not JSON: ${answer.text.slice(0, 80)}`];
    }
    if (!ajv.validate(expected.schema, body)) problems.push(`body: ${ajv.errorsText(ajv.errors)}`);
  }
  return problems;
}

/**
 * Where `actual` has another shape than the recorded example: another JSON type (a string id where the
 * original had a number), other keys, or array items unlike the example's first.
 */
export function shapeDifferences(recorded: unknown, actual: unknown, at = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(recorded) !== kind(actual)) return [`${at}: ${kind(actual)}, not ${kind(recorded)}`];
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    if (recorded.length === 0) return [];
    return actual.flatMap((item, i) => shapeDifferences(recorded[0], item, `${at}[${i}]`));
  }
  if (kind(recorded) !== 'object') return [];
  const [r, a] = [recorded as Record<string, unknown>, actual as Record<string, unknown>];
  const keys = (o: object) => Object.keys(o).sort().join(',');
  if (keys(r) !== keys(a)) return [`${at}: keys ${keys(a)}, not ${keys(r)}`];
  return Object.keys(r).flatMap((k) => shapeDifferences(r[k], a[k], `${at}.${k}`));
}
