import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readImage, setImage, YamlEditError, type ImageRef, type ImageTarget } from '../src/index.js';

const dir = new URL('./fixtures/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, dir), 'utf8');
const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const NEW = digest('new build');
const k = (name: string): ImageTarget => ({
  kind: 'kustomize',
  image: `ghcr.io/craftista/craftista-${name}`,
});
const h = (key: string): ImageTarget => ({ kind: 'helm', key });

// file, target, new image, number of values that must change
const corpus: [string, ImageTarget, ImageRef, number][] = [
  ['k01-overlay.yaml', k('frontend'), { tag: 'sha-9f8e7d6', digest: NEW }, 2],
  ['k02-comments.yaml', k('catalogue'), { tag: '1.5.0', digest: NEW }, 2],
  ['k03-double-quoted.yaml', k('voting'), { tag: '2.1.0', digest: NEW }, 2],
  ['k04-single-quoted.yaml', k('recommendation'), { tag: '0.10.0', digest: NEW }, 2],
  ['k05-flow.yaml', k('frontend'), { tag: '1.0.1', digest: NEW }, 2],
  ['k06-crlf.yaml', k('frontend'), { tag: 'sha-bbbbbbb', digest: NEW }, 2],
  ['k07-many-images.yaml', k('catalogue'), { tag: 'sha-2222222', digest: NEW }, 2],
  ['k08-tag-at-digest.yaml', k('voting'), { tag: '3.2.0', digest: NEW }, 1],
  ['k09-no-newname.yaml', k('frontend'), { tag: 'build-42' }, 1],
  ['k10-doc-markers.yaml', k('frontend'), { tag: 'v1.3.0', digest: NEW }, 2],
  ['k11-anchors.yaml', k('recommendation'), { tag: 'sha-3333333', digest: NEW }, 2],
  ['k12-build-number.yaml', k('catalogue'), { tag: '42', digest: NEW }, 2],
  ['k13-indentless.yaml', k('voting'), { tag: '2.3.5', digest: NEW }, 2],
  ['k14-no-final-newline.yaml', k('frontend'), { tag: 'sha-4444444', digest: NEW }, 2],
  ['v01-values.yaml', h('catalogue.image'), { tag: 'sha-9f8e7d6', digest: NEW }, 2],
  ['v02-comments.yaml', h('frontend.image'), { tag: '1.0.1', digest: NEW }, 2],
  ['v03-v-prefixed.yaml', h('voting.image'), { tag: 'v2.10.0', digest: NEW }, 2],
  ['v04-flow-map.yaml', h('recommendation.image'), { tag: '0.2.0', digest: NEW }, 2],
  ['v05-crlf.yaml', h('frontend.image'), { tag: 'sha-ccccccc', digest: NEW }, 2],
  ['v06-merge-keys.yaml', h('catalogue.image'), { tag: '1.2.1', digest: NEW }, 2],
  ['v07-multidoc.yaml', h('voting.image'), { tag: '1.0.1', digest: NEW }, 2],
  ['v08-string-ref.yaml', h('frontend.image'), { tag: '1.1.0', digest: NEW }, 1],
  ['v09-tag-at-digest.yaml', h('catalogue.image'), { tag: '1.2.0', digest: NEW }, 1],
  ['v10-deep.yaml', h('services.catalogue.image'), { tag: '2.0.1', digest: NEW }, 2],
  ['v11-single-quoted.yaml', h('recommendation.image'), { tag: 'sha-ddddddd', digest: NEW }, 2],
  ['v12-port-registry.yaml', h('voting.image'), { tag: 'sha-eeeeeee', digest: NEW }, 1],
  ['v13-tabs-and-blank.yaml', h('frontend.image'), { tag: '1.0.1', digest: NEW }, 2],
];

/** Lines (with their \r) that differ between two texts of the same line count. */
function changedLines(a: string, b: string): number[] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [i + 1]));
}

describe('a bump changes only the bytes of the target values', () => {
  it('covers at least 20 real-world-shaped files', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  it.each(corpus)('%s', (file, target, desired, count) => {
    const src = read(`corpus/${file}`);
    const result = setImage(src, target, desired, { file });
    expect(result.changes).toHaveLength(count);

    // Rebuild the output from the original by swapping exactly the reported value bytes, nothing else.
    let rebuilt = src;
    for (const c of [...result.changes].sort((a, b) => b.offset - a.offset)) {
      expect(src.slice(c.offset, c.offset + c.rawBefore.length)).toBe(c.rawBefore);
      rebuilt = rebuilt.slice(0, c.offset) + c.rawAfter + rebuilt.slice(c.offset + c.rawBefore.length);
      // each swapped token is a YAML scalar that reads back as the old / new value
      expect(String(parse(`v: ${c.rawBefore}`).v)).toBe(c.before);
      expect(parse(`v: ${c.rawAfter}`).v).toBe(c.after);
    }
    expect(result.output).toBe(rebuilt);
    // only the lines holding a changed value differ (flow styles hold several values on one line)
    expect(changedLines(src, result.output)).toEqual(
      [...new Set(result.changes.map((c) => c.line))].sort((a, b) => a - b),
    );
    // CRLF files stay CRLF
    expect(result.output.split('\r\n').length).toBe(src.split('\r\n').length);

    // the file now pins exactly the new image, with the digest
    const now = readImage(result.output, target, file);
    expect(now.tag).toBe(desired.tag);
    expect(now.digest).toBe(desired.digest);
    expect(result.after).toEqual(now);

    // bumping again to the same image is a no-op
    const again = setImage(result.output, target, desired, { file });
    expect(again.changes).toEqual([]);
    expect(again.output).toBe(result.output);
  });

  it('keeps a plain scalar plain and quotes only when a plain value would read back as something else', () => {
    const src = 'frontend:\n  image:\n    repository: r\n    tag: 1.0.0 # c\n';
    expect(setImage(src, h('frontend.image'), { tag: '1.10' }).output).toBe(
      'frontend:\n  image:\n    repository: r\n    tag: "1.10" # c\n',
    );
    expect(setImage(src, h('frontend.image'), { tag: '1.1.0' }).output).toBe(
      'frontend:\n  image:\n    repository: r\n    tag: 1.1.0 # c\n',
    );
  });

  it('writes the repository when the image moves, only if the file has a key for it', () => {
    const src = read('corpus/k13-indentless.yaml');
    const moved = setImage(src, k('voting'), {
      repository: 'ghcr.io/craftista/craftista-voting',
      tag: '2.4.0',
      digest: NEW,
    });
    expect(readImage(moved.output, k('voting')).repository).toBe('ghcr.io/craftista/craftista-voting');
    expect(() =>
      setImage(read('corpus/k09-no-newname.yaml'), k('frontend'), {
        repository: 'quay.io/x/frontend',
        tag: 'build-43',
      }),
    ).toThrow(/no newName key/);
  });
});

describe('refusals', () => {
  const refuse = (file: string, target: ImageTarget, desired: ImageRef, code: string, message: RegExp) => {
    let error: unknown;
    try {
      setImage(read(`refuse/${file}`), target, desired, { file });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(YamlEditError);
    expect((error as YamlEditError).code).toBe(code);
    expect((error as YamlEditError).message).toMatch(message);
  };

  it('refuses a missing target key', () =>
    refuse(
      'missing-tag.yaml',
      h('frontend.image'),
      { tag: '1.0.1' },
      'missing-key',
      /frontend\.image has no tag key/,
    ));
  it('refuses a missing images entry', () =>
    refuse(
      'missing-entry.yaml',
      k('frontend'),
      { tag: '1.0.1' },
      'missing-key',
      /no an images entry named ghcr\.io\/craftista\/craftista-frontend|no images entry|images entry named/,
    ));
  it('refuses a key that appears twice', () =>
    refuse(
      'duplicate-key.yaml',
      h('frontend.image'),
      { tag: '1.0.2' },
      'duplicate-key',
      /appears twice at line 5/,
    ));
  it('refuses an image entry that appears twice', () =>
    refuse('duplicate-entry.yaml', k('frontend'), { tag: '1.0.2' }, 'duplicate-key', /appears 2 times/));
  it('refuses a value in a block scalar', () =>
    refuse('block-scalar.yaml', h('frontend.image'), { tag: '1.0.1' }, 'block-scalar', /block scalar/));
  it('refuses a value that lives only inside a block string', () =>
    refuse(
      'inside-block-string.yaml',
      h('frontend.image'),
      { tag: '1.0.1' },
      'missing-key',
      /no the key frontend\.image|frontend\.image/,
    ));
  it('refuses an alias', () => refuse('alias.yaml', h('frontend.image'), { tag: '1.0.1' }, 'alias', /alias/));
  it('refuses an edit that would also change another key through a shared anchor, naming it', () =>
    refuse(
      'shared-anchor.yaml',
      h('frontend.image'),
      { tag: '1.0.1' },
      'shared-anchor',
      /frontend\.image\.tag is anchored as &tag and also used at sidecar\.tag \(\*tag\)/,
    ));
  it('refuses a bump of an image map another service reuses through an alias, naming it', () =>
    refuse(
      'shared-image-alias.yaml',
      h('frontend.image'),
      { tag: '1.0.1', digest: NEW },
      'shared-anchor',
      /frontend\.image is anchored as &frontendImage and also used at frontendWorker\.image \(\*frontendImage\); the bump would change both/,
    ));
  it('refuses a bump of an image map another service merges (<<: *anchor), naming it', () =>
    refuse(
      'shared-image-merge.yaml',
      h('frontend.image'),
      { tag: '1.0.1', digest: NEW },
      'shared-anchor',
      /also used at frontendWorker\.image \(merge key <<: \*frontendImage\)/,
    ));
  it('refuses a downgrade unless allowed', () => {
    const src = read('corpus/v02-comments.yaml');
    expect(() => setImage(src, h('frontend.image'), { tag: '0.9.0', digest: NEW })).toThrow(
      /1\.0\.0 → 0\.9\.0 is a downgrade; set allow-downgrade/,
    );
    expect(() =>
      setImage(read('corpus/k12-build-number.yaml'), k('catalogue'), { tag: '40', digest: NEW }),
    ).toThrow(YamlEditError);
    expect(
      readImage(
        setImage(src, h('frontend.image'), { tag: '0.9.0', digest: NEW }, { allowDowngrade: true }).output,
        h('frontend.image'),
      ).tag,
    ).toBe('0.9.0');
  });
  it('refuses to leave a stale digest behind a new tag', () => {
    expect(() => setImage(read('corpus/k01-overlay.yaml'), k('frontend'), { tag: 'sha-9999999' })).toThrow(
      /pins a digest; give the new image's digest/,
    );
  });
  it('refuses a malformed digest', () => {
    expect(() =>
      setImage(read('corpus/k01-overlay.yaml'), k('frontend'), { tag: 'x', digest: 'sha256:abc' }),
    ).toThrow(/sha256:<64 hex>/);
  });
});
