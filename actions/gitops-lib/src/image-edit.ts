// Image semantics on top of the YAML scalar engine: find where a service's image is pinned in a Kustomization
// (`images:` entry) or a Helm values file (a map with repository/tag/digest, or one reference string), read it,
// and decide the new values (digest into its own key or as tag@digest, no downgrade, no dropped digest).
import { isAlias, isMap, isSeq, type Document } from 'yaml';
import { DIGEST, parseImageReference, splitTagDigest, type ImageRef } from './image-ref.js';
import { compareTags } from './versions.js';
import {
  YamlEditError,
  parseDocs,
  slotAt,
  spliceScalars,
  type ScalarWrite,
  type Slot,
  type ValueChange,
} from './yaml-scalar.js';

/** Where a service's image lives in one file. */
export type ImageTarget =
  /** a Kustomization `images:` entry whose `name` is `image` */
  | { kind: 'kustomize'; image: string }
  /** a dotted key path in a Helm values file: a map with repository/tag/digest, or a full image reference string */
  | { kind: 'helm'; key: string };

export interface EditResult {
  output: string;
  before: ImageRef;
  after: ImageRef;
  changes: ValueChange[];
}

interface Located {
  /** map with fields, or a single scalar holding the whole reference */
  fields?: Partial<Record<'name' | 'repository' | 'tag' | 'digest', Slot>>;
  whole?: Slot;
  shape: 'kustomize' | 'helm-map' | 'helm-string';
  where: string;
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
  const tag = splitTagDigest(f.tag!.text);
  const digest = f.digest?.text || tag.digest;
  const repository = f.repository?.text ?? f.name?.text;
  return { ...(repository ? { repository } : {}), tag: tag.tag, ...(digest ? { digest } : {}) };
}

/** Read the image a file currently pins for a target. */
export function readImage(src: string, target: ImageTarget, file = 'file'): ImageRef {
  return current(locate(src, parseDocs(src, file), target, file));
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

  const writes: ScalarWrite[] = [];
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

  const splice = spliceScalars(src, docs, writes, { file, where: loc.where });
  const after = splice.docs ? current(locate(splice.output, splice.docs, target, file)) : before;
  return { output: splice.output, before, after, changes: splice.changes };
}
