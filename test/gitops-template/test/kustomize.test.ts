import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageViolations, pinnedReference, type ImageEntry } from '../src/invariants.js';
import {
  ENVS,
  SERVICES,
  TEMPLATE_DIR,
  key,
  kustomizeBuild,
  overlayDirs,
  type K8sObject,
} from '../src/render.js';
import { sharedInvariants } from '../src/suite.js';

for (const env of ENVS) {
  describe(`kustomize overlays of ${env}`, () => {
    const rendered = new Map<string, K8sObject[]>(overlayDirs(env).map((dir) => [dir, kustomizeBuild(dir)]));
    const all = [...rendered.values()].flat();

    it('has an overlay per service plus the platform, and no object defined twice', () => {
      const names = overlayDirs(env).map((d) => d.split('/').pop());
      for (const s of [...SERVICES, 'platform']) expect(names).toContain(s);
      expect(new Set(all.map(key)).size).toBe(all.length);
    });

    it("takes every image reference from the overlay's images: entry", () => {
      for (const [dir, objects] of rendered) {
        const k = parse(readFileSync(join(TEMPLATE_DIR, dir, 'kustomization.yaml'), 'utf8')) as {
          images?: ImageEntry[];
        };
        const pins = (k.images ?? []).map(pinnedReference);
        expect(imageViolations(objects, pins), dir).toEqual([]);
      }
      for (const s of SERVICES) {
        const k = parse(
          readFileSync(join(TEMPLATE_DIR, `kubernetes/overlays/${env}/${s}/kustomization.yaml`), 'utf8'),
        ) as { images: ImageEntry[] };
        expect(k.images).toHaveLength(1);
        expect(k.images[0]).toMatchObject({
          name: `ghcr.io/craftista/craftista-${s}`,
          newName: `ghcr.io/craftista/craftista-${s}`,
        });
        expect(k.images[0]!.newTag).toMatch(/^[\w][\w.-]{0,127}$/);
        expect(k.images[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    });

    sharedInvariants(env, () => all);
  });
}
