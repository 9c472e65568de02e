import { describe, expect, it } from 'vitest';
import { imageViolations, podSpec, workloads } from '../src/invariants.js';
import {
  ENVS,
  SERVICES,
  helmTemplate,
  key,
  readYaml,
  renderEnvWithKustomize,
  type K8sObject,
} from '../src/render.js';
import { sharedInvariants } from '../src/suite.js';

type ImageValues = { repository: string; tag?: string; digest?: string };
type Values = Record<string, { image: ImageValues } | undefined> & {
  inClusterStores?: Record<string, { image: ImageValues }>;
};

const ref = (i: ImageValues): string =>
  `${i.repository}${i.tag ? `:${i.tag}` : ''}${i.digest ? `@${i.digest}` : ''}`;
// Kustomize suffixes generated ConfigMaps with a content hash; Helm uses a checksum annotation instead.
const normalName = (o: K8sObject): string => key(o).replace(/-config-[a-z0-9]{10}$/, '-config');

for (const env of ENVS) {
  describe(`helm chart with values-${env}.yaml`, () => {
    const objects = helmTemplate(env);

    it("takes every image reference from values-<env>.yaml's <service>.image (tag and digest)", () => {
      const values = readYaml<Values>(`charts/craftista/values-${env}.yaml`);
      const defaults = readYaml<Values>('charts/craftista/values.yaml');
      const pins = SERVICES.map((s) => {
        const image = values[s]!.image;
        expect(image.repository).toBe(`ghcr.io/craftista/craftista-${s}`);
        expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        return ref(image);
      });
      if (env === 'dev')
        for (const st of ['mongodb', 'postgresql', 'redis'])
          pins.push(ref(defaults.inClusterStores![st]!.image));
      expect(imageViolations(objects, pins)).toEqual([]);
    });

    it('renders the same objects as the Kustomize overlays, with the same containers', () => {
      const kustomized = renderEnvWithKustomize(env);
      expect(objects.map(normalName).sort()).toEqual(kustomized.map(normalName).sort());
      const strip = (o: K8sObject) =>
        workloads([o]).flatMap((w) =>
          podSpec(w).containers.map((c: K8sObject) => ({ ...c, envFrom: undefined })),
        );
      for (const w of workloads(kustomized)) {
        const twin = objects.find((o) => key(o) === key(w))!;
        expect(strip(twin), key(w)).toEqual(strip(w));
        const { containers: _a, ...podRest } = podSpec(twin);
        const { containers: _b, ...kustomizePodRest } = podSpec(w);
        expect(podRest, key(w)).toEqual(kustomizePodRest);
      }
      for (const kind of [
        'NetworkPolicy',
        'Service',
        'Role',
        'RoleBinding',
        'ExternalSecret',
        'ClusterSecretStore',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'Ingress',
      ]) {
        for (const o of kustomized.filter((x) => x.kind === kind)) {
          const twin = objects.find((x) => key(x) === key(o))!;
          const { metadata: _m, ...rest } = o;
          const { metadata: _n, ...twinRest } = twin;
          expect(twinRest, key(o)).toEqual(rest);
        }
      }
    });

    sharedInvariants(env, () => objects);
  });
}
