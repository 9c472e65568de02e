// The YAML scalar engine: replace only the bytes of chosen scalar values, then re-parse and check that nothing
// but those values changed (the technique of Kargo's pkg/yaml and Renovate's auto-replace). Every other byte
// (comments, quoting, order, blank lines, CRLF, anchors, other documents) is left as it was. It knows nothing
// of images: image-edit.ts finds the scalars and decides their new values.
import { isDeepStrictEqual } from 'node:util';
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parse,
  parseAllDocuments,
  type Alias,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';

export type EditErrorCode =
  | 'missing-key'
  | 'duplicate-key'
  | 'block-scalar'
  | 'alias'
  | 'shared-anchor'
  | 'not-a-string'
  | 'downgrade'
  | 'digest-required'
  | 'invalid-yaml'
  | 'verify-failed';

export class YamlEditError extends Error {
  constructor(
    readonly code: EditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'YamlEditError';
  }
}

export type Path = (string | number)[];

/** A scalar value that may be replaced: its node, key path, document and text as written. */
export interface Slot {
  node: Scalar;
  path: Path;
  docIndex: number;
  text: string;
}

export interface ScalarWrite {
  slot: Slot;
  value: string;
}

export interface ValueChange {
  /** key path inside the document, e.g. images.0.newTag */
  path: string;
  line: number;
  before: string;
  after: string;
  /** where the old value's bytes started in the original file, and the exact bytes swapped */
  offset: number;
  rawBefore: string;
  rawAfter: string;
}

function lineOf(src: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

/** Every document of a file; a duplicate key or a syntax error is refused. */
export function parseDocs(src: string, file: string): Document.Parsed[] {
  const docs = parseAllDocuments(src, { uniqueKeys: true, merge: false, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (!err) continue;
    if (err.code === 'DUPLICATE_KEY') {
      const line = err.linePos?.[0].line ?? '?';
      throw new YamlEditError(
        'duplicate-key',
        `${file}: a key appears twice at line ${line}; refusing to guess which one is meant`,
      );
    }
    throw new YamlEditError('invalid-yaml', `${file}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  return list;
}

function scalarText(src: string, node: Scalar): string {
  if (node.type === 'PLAIN' && node.range) return src.slice(node.range[0], node.range[1]);
  return String(node.value);
}

/**
 * The value of `key` in the map `parent` as a replaceable slot, undefined when absent. An alias, a block scalar
 * or a non-scalar is refused: replacing its bytes would not mean what the caller wants.
 */
export function slotAt(
  src: string,
  file: string,
  docIndex: number,
  parent: Node,
  key: string,
  path: Path,
): Slot | undefined {
  if (!isMap(parent)) return undefined;
  const pairs = parent.items.filter((p) => isScalar(p.key) && p.key.value === key);
  if (pairs.length === 0) return undefined;
  const value = pairs[0]!.value;
  const where = `${file}: ${[...path, key].join('.')}`;
  if (isAlias(value))
    throw new YamlEditError(
      'alias',
      `${where} is an alias (*${value.source}); edit the anchored value instead`,
    );
  if (!isScalar(value) || !value.range)
    throw new YamlEditError('not-a-string', `${where} is not a scalar value`);
  if (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED')
    throw new YamlEditError(
      'block-scalar',
      `${where} is a block scalar (| or >); refusing to edit inside it`,
    );
  return { node: value, path: [...path, key], docIndex, text: scalarText(src, value) };
}

/** Does `value` read back as exactly this string when written plain in this context? */
function plainSafe(value: string, inFlow: boolean): boolean {
  if (!/^[A-Za-z0-9._/@+-][A-Za-z0-9._/@+:-]*$/.test(value) || value.endsWith(':')) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  try {
    return parse(`k: ${value}\n`)?.k === value;
  } catch {
    return false;
  }
}

function render(node: Scalar, value: string, inFlow: boolean): string {
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (node.type === 'QUOTE_DOUBLE' || !plainSafe(value, inFlow)) return JSON.stringify(value);
  return value;
}

/** Is the offset inside a flow collection ({…} or […]) on its own line? A cheap check that only decides plain vs quoted. */
function isFlowContext(src: string, offset: number): boolean {
  const lineStart = src.lastIndexOf('\n', offset - 1) + 1;
  const prefix = src.slice(lineStart, offset);
  let depth = 0;
  for (const ch of prefix) {
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return depth > 0;
}

/**
 * Refuses a write whose value, or any map or list around it, carries an anchor that an alias (`*a`) or a merge
 * key (`<<: *a`) elsewhere uses: the new bytes would change that other place too. Names the other user.
 */
function refuseSharedAnchor(doc: Document.Parsed, slot: Slot, where: string): void {
  const ancestors: { node: Node; path: Path }[] = [];
  const users: { alias: Alias; path: Path }[] = [];
  const walk = (node: unknown, path: Path, chain: { node: Node; path: Path }[]): void => {
    if (isAlias(node)) {
      users.push({ alias: node, path });
      return;
    }
    if (!isNode(node)) return;
    const here = [...chain, { node, path }];
    if (node === slot.node) ancestors.push(...here);
    if (isMap(node))
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, key], here);
      }
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i], here));
  };
  walk(doc.contents, [], []);
  for (const { node, path } of ancestors) {
    if (node.anchor === undefined) continue;
    const user = users.find(({ alias }) => alias.resolve(doc) === node);
    if (user === undefined) continue;
    const at =
      user.path.at(-1) === '<<'
        ? `${user.path.slice(0, -1).join('.')} (merge key <<: *${node.anchor})`
        : `${user.path.join('.')} (*${node.anchor})`;
    throw new YamlEditError(
      'shared-anchor',
      `${where}: ${path.length > 0 ? path.join('.') : 'the document'} is anchored as &${node.anchor} and also used at ${at}; the bump would change both, so nothing was written`,
    );
  }
}

function setIn(root: unknown, path: Path, value: string): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/** Re-parses the output and checks that it is the original with exactly the written values changed. */
function verify(
  output: string,
  beforeDocs: Document.Parsed[],
  writes: ScalarWrite[],
  file: string,
  where: string,
): Document.Parsed[] {
  let afterDocs: Document.Parsed[];
  try {
    afterDocs = parseDocs(output, file);
  } catch (e) {
    throw new YamlEditError(
      'verify-failed',
      `${file}: the edited file no longer parses (${(e as Error).message}); nothing was written`,
    );
  }
  if (afterDocs.length !== beforeDocs.length)
    throw new YamlEditError('verify-failed', `${file}: the edit changed the number of documents`);
  // A JSON copy, so a value reached through an alias is its own object and an edit through a shared anchor shows.
  const expected = beforeDocs.map(
    (d) => JSON.parse(JSON.stringify(d.toJS({ maxAliasCount: -1 }))) as unknown,
  );
  for (const { slot, value } of writes) setIn(expected[slot.docIndex], slot.path, value);
  const actual = afterDocs.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown);
  if (!isDeepStrictEqual(actual, expected))
    throw new YamlEditError(
      'verify-failed',
      `${where}: after the edit other values changed too (an anchor shared with other keys?); nothing was written`,
    );
  return afterDocs;
}

export interface Splice {
  output: string;
  changes: ValueChange[];
  /** The output's documents, re-parsed and verified; undefined when no value changed. */
  docs: Document.Parsed[] | undefined;
}

/**
 * Writes the values into their slots: each in the quoting it had (plain only where it reads back the same),
 * refusing a value shared through an anchor, then re-parses and verifies the whole file. `where` names the
 * edited thing in errors.
 */
export function spliceScalars(
  src: string,
  docs: Document.Parsed[],
  writes: ScalarWrite[],
  options: { file: string; where: string },
): Splice {
  const effective = writes.filter((w) => w.slot.text !== w.value);
  for (const { slot } of effective) refuseSharedAnchor(docs[slot.docIndex]!, slot, options.where);
  // Splice from the end so earlier offsets stay valid.
  const ordered = [...effective].sort((a, b) => b.slot.node.range![0] - a.slot.node.range![0]);
  let output = src;
  const changes: ValueChange[] = [];
  for (const { slot, value } of ordered) {
    const [start, end] = slot.node.range!;
    const inFlow = slot.node.type === 'PLAIN' && isFlowContext(src, start);
    const bytes = render(slot.node, value, inFlow);
    output = output.slice(0, start) + bytes + output.slice(end);
    changes.unshift({
      path: slot.path.join('.'),
      line: lineOf(src, start),
      before: slot.text,
      after: value,
      offset: start,
      rawBefore: src.slice(start, end),
      rawAfter: bytes,
    });
  }
  const after = effective.length > 0 ? verify(output, docs, writes, options.file, options.where) : undefined;
  return { output, changes, docs: after };
}
