// Edit image references in Kustomize and Helm values files by replacing only the bytes of the target
// scalars, then re-parse and check that nothing but those values changed (the technique of Kargo's
// pkg/yaml and Renovate's auto-replace). Every other byte (comments, quoting, order, blank lines, CRLF,
// anchors, other documents) is left as it was.
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
import { compareTags } from './versions.js';

/** Where a service's image lives in one file. */
export type ImageTarget =
  /** a Kustomization `images:` entry whose `name` is `image` */
  | { kind: 'kustomize'; image: string }
  /** a dotted key path in a Helm values file: a map with repository/tag/digest, or a full image reference string */
  | { kind: 'helm'; key: string };

export interface ImageRef {
  repository?: string;
  tag: string;
  digest?: string;
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

export interface EditResult {
  output: string;
  before: ImageRef;
  after: ImageRef;
  changes: ValueChange[];
}

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

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Split `repo[:tag][@sha256:…]` (the registry may carry a port, so the tag colon is the last one after the last slash). */
export function parseImageReference(ref: string): { repository: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const nameTag = at >= 0 ? ref.slice(0, at) : ref;
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash)
    return {
      repository: nameTag.slice(0, colon),
      tag: nameTag.slice(colon + 1),
      ...(digest ? { digest } : {}),
    };
  return { repository: nameTag, ...(digest ? { digest } : {}) };
}

/** `tag@digest` → parts; a plain tag has no digest. */
function splitTag(value: string): { tag: string; digest?: string } {
  const at = value.indexOf('@');
  return at >= 0 ? { tag: value.slice(0, at), digest: value.slice(at + 1) } : { tag: value };
}

interface Slot {
  node: Scalar;
  path: (string | number)[];
  docIndex: number;
  text: string;
}

interface Located {
  /** map with fields, or a single scalar holding the whole reference */
  fields?: Partial<Record<'name' | 'repository' | 'tag' | 'digest', Slot>>;
  whole?: Slot;
  shape: 'kustomize' | 'helm-map' | 'helm-string';
  where: string;
}

function lineOf(src: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

function parseDocs(src: string, file: string): Document.Parsed[] {
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

function slotAt(
  src: string,
  file: string,
  docIndex: number,
  parent: Node,
  key: string,
  path: (string | number)[],
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

function locate(src: string, docs: Document.Parsed[], target: ImageTarget, file: string): Located {
  const found: Located[] = [];
  docs.forEach((doc, docIndex) => {
    if (target.kind === 'kustomize') {
      const images = isMap(doc.contents) ? doc.contents.get('images', true) : undefined;
      if (!isSeq(images)) return;
      images.items.forEach((item, i) => {
        if (!isMap(item)) return;
        const base = ['images', i];
        const name = slotAt(src, file, docIndex, item, 'name', base);
        if (!name || name.node.value !== target.image) return;
        found.push({
          shape: 'kustomize',
          where: `${file}: images[${i}] (name ${target.image})`,
          fields: {
            name,
            repository: slotAt(src, file, docIndex, item, 'newName', base),
            tag: slotAt(src, file, docIndex, item, 'newTag', base),
            digest: slotAt(src, file, docIndex, item, 'digest', base),
          },
        });
      });
    } else {
      const keys = target.key.split('.');
      let node: unknown = doc.contents;
      for (const [i, key] of keys.slice(0, -1).entries()) {
        if (!isMap(node)) return;
        node = node.get(key, true);
        if (isAlias(node))
          throw new YamlEditError(
            'alias',
            `${file}: ${keys.slice(0, i + 1).join('.')} is an alias; edit the anchored value instead`,
          );
      }
      if (!isMap(node)) return;
      const last = keys[keys.length - 1]!;
      const value = node.get(last, true);
      if (value === undefined) return;
      const path = keys.slice(0, -1);
      if (isMap(value)) {
        const base = [...path, last];
        found.push({
          shape: 'helm-map',
          where: `${file}: ${target.key}`,
          fields: {
            repository: slotAt(src, file, docIndex, value, 'repository', base),
            tag: slotAt(src, file, docIndex, value, 'tag', base),
            digest: slotAt(src, file, docIndex, value, 'digest', base),
          },
        });
      } else {
        const whole = slotAt(src, file, docIndex, node, last, path);
        if (whole) found.push({ shape: 'helm-string', where: `${file}: ${target.key}`, whole });
      }
    }
  });
  const what =
    target.kind === 'kustomize' ? `an images entry named ${target.image}` : `the key ${target.key}`;
  if (found.length === 0)
    throw new YamlEditError(
      'missing-key',
      `${file}: no ${what}; add it once by hand, the action never creates keys`,
    );
  if (found.length > 1)
    throw new YamlEditError(
      'duplicate-key',
      `${file}: ${what} appears ${found.length} times; refusing to guess which one is meant`,
    );
  const loc = found[0]!;
  if (loc.fields && !loc.fields.tag) {
    const key = loc.shape === 'kustomize' ? 'newTag' : 'tag';
    throw new YamlEditError(
      'missing-key',
      `${loc.where} has no ${key} key; add it once by hand, the action never creates keys`,
    );
  }
  return loc;
}

function current(loc: Located): ImageRef {
  if (loc.whole) {
    const ref = parseImageReference(loc.whole.text);
    return { repository: ref.repository, tag: ref.tag ?? '', ...(ref.digest ? { digest: ref.digest } : {}) };
  }
  const f = loc.fields!;
  const tag = splitTag(f.tag!.text);
  const digest = f.digest?.text || tag.digest;
  const repository = f.repository?.text ?? f.name?.text;
  return { ...(repository ? { repository } : {}), tag: tag.tag, ...(digest ? { digest } : {}) };
}

/** Read the image a file currently pins for a target. */
export function readImage(src: string, target: ImageTarget, file = 'file'): ImageRef {
  return current(locate(src, parseDocs(src, file), target, file));
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

export interface EditOptions {
  allowDowngrade?: boolean;
  file?: string;
}

/**
 * Set the image a target pins. The digest, when given, is written to the digest key if the file has one,
 * otherwise into the tag as `tag@sha256:…` (or into the full reference string).
 */
export function setImage(
  src: string,
  target: ImageTarget,
  desired: ImageRef,
  options: EditOptions = {},
): EditResult {
  const file = options.file ?? 'file';
  if (desired.digest !== undefined && !DIGEST.test(desired.digest))
    throw new YamlEditError('not-a-string', `digest must look like sha256:<64 hex>, got ${desired.digest}`);
  if (!desired.tag || /[\s@]/.test(desired.tag))
    throw new YamlEditError('not-a-string', `invalid tag "${desired.tag}"`);
  const docs = parseDocs(src, file);
  const loc = locate(src, docs, target, file);
  const before = current(loc);
  if (before.digest && !desired.digest)
    throw new YamlEditError(
      'digest-required',
      `${loc.where} pins a digest; give the new image's digest too (a stale digest would keep the old image)`,
    );
  if (!options.allowDowngrade && compareTags(desired.tag, before.tag) < 0)
    throw new YamlEditError(
      'downgrade',
      `${loc.where}: ${before.tag} → ${desired.tag} is a downgrade; set allow-downgrade to do it anyway`,
    );

  const writes: { slot: Slot; value: string }[] = [];
  if (loc.whole) {
    const repository = desired.repository ?? before.repository!;
    writes.push({
      slot: loc.whole,
      value: `${repository}:${desired.tag}${desired.digest ? `@${desired.digest}` : ''}`,
    });
  } else {
    const f = loc.fields!;
    const repoSlot = f.repository;
    if (desired.repository && desired.repository !== before.repository) {
      if (!repoSlot) {
        const key = loc.shape === 'kustomize' ? 'newName' : 'repository';
        throw new YamlEditError(
          'missing-key',
          `${loc.where} has no ${key} key for repository ${desired.repository}; add it once by hand`,
        );
      }
      writes.push({ slot: repoSlot, value: desired.repository });
    }
    if (f.digest) {
      writes.push({ slot: f.tag!, value: desired.tag });
      if (desired.digest) writes.push({ slot: f.digest, value: desired.digest });
    } else {
      writes.push({ slot: f.tag!, value: desired.digest ? `${desired.tag}@${desired.digest}` : desired.tag });
    }
  }

  const effective = writes.filter((w) => w.slot.text !== w.value);
  for (const { slot } of effective) refuseSharedAnchor(docs[slot.docIndex]!, slot, loc.where);
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
  const after = effective.length ? verify(output, docs, loc, target, writes, file) : before;
  return { output, before, after, changes };
}

type Path = (string | number)[];

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

function verify(
  output: string,
  beforeDocs: Document.Parsed[],
  loc: Located,
  target: ImageTarget,
  writes: { slot: Slot; value: string }[],
  file: string,
): ImageRef {
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
      `${loc.where}: after the edit other values changed too (an anchor shared with other keys?); nothing was written`,
    );
  return current(locate(output, afterDocs, target, file));
}

function setIn(root: unknown, path: (string | number)[], value: string): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}
