import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

/** Deeper JSON than any Craftista body needs (a product is 3 levels); also keeps recursive walks shallow. */
const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in JSON text, brackets inside strings not counted. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) deepest = Math.max(deepest, ++depth);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

// In unicode mode a surrogate pair is one code point, so this matches only a lone (unpaired) surrogate.
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether a string (key or value) holds a lone surrogate, which no store can keep as text. */
function hasLoneSurrogate(value: unknown): boolean {
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

const invalid = (message: string) => new HttpError(400, 'invalid_json', message);

/**
 * JSON bodies are parsed by Fastify's own parser (prototype-poisoning checks, empty and malformed bodies
 * answered 400) after three refusals it does not make, each a 400 `invalid_json`: bytes that are not UTF-8
 * (Node would store them as U+FFFD), nesting deeper than MAX_JSON_DEPTH (a 30 kB body 5,000 levels deep
 * overflows the stack of any recursive walk), and lone surrogates (`"\ud800"`, not text in any store).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser<Buffer>('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(invalid('The body is not valid UTF-8'), undefined);
    }
    if (nestingDepth(text) > MAX_JSON_DEPTH) {
      return done(invalid(`The body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    }
    parse(request, text, (error, value) => {
      if (error) return done(error, undefined);
      if (hasLoneSurrogate(value)) {
        return done(invalid('The body holds a lone UTF-16 surrogate escape (not a character)'), undefined);
      }
      done(null, value);
    });
  });
}
