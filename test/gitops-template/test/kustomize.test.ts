import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appProbeViolations, imageViolations, pinnedReference, secretAccess, workloadViolations, type ImageEntry } from '../src/invariants.js';
import { ENVS, SERVICES, TEMPLATE_DIR, key, kustomizeBuild, overlayDirs, type K8sObject } from '../src/render.js';
import { schemaErrors } from '../src/schemas.js';
import { expectedAllowed, graph } from '../src/seed-graph.js';

const SERVICE_PORTS: Record<string, number> = { frontend: 3000, catalogue: 5000, voting: 8080, recco: 8080, recommendation: 8080 };
const SECRET_KEYS: Record<string, string[]> = {
  catalogue: ['MONGODB_URL', 'CATALOGUE_ADMIN_TOKEN'],
  voting: ['DATABASE_URL', 'VOTING_ADMIN_TOKEN'],
  recommendation: ['REDIS_URL', 'RECOMMENDATION_ADMIN_TOKEN'],
};

for (const env of ENVS) {
  describe(`kustomize overlays of ${env}`, () => {
    const rendered = new Map<string, K8sObject[]>(overlayDirs(env).map((dir) => [dir, kustomizeBuild(dir)]));
    const all = [...rendered.values()].flat();
    const ns = `craftista-${env}`;

    it('has an overlay per service plus the platform', () => {
      const names = overlayDirs(env).map((d) => d.split('/').pop());
      for (const s of [...SERVICES, 'platform']) expect(names).toContain(s);
      expect(new Set(all.map(key)).size).toBe(all.length); // no object defined twice across overlays
    });

    it('validates every rendered object against the Kubernetes and CRD schemas', () => {
      expect(all.length).toBeGreaterThan(40);
      expect(all.flatMap(schemaErrors)).toEqual([]);
    });

    it(`puts every namespaced object in ${ns}`, () => {
      const clusterScoped = new Set(['Namespace', 'ClusterSecretStore']);
      const wrong = all.filter((o) => !clusterScoped.has(o.kind) && o.metadata.namespace !== ns).map(key);
      expect(wrong).toEqual([]);
      expect(all.find((o) => o.kind === 'Namespace')?.metadata.name).toBe(ns);
    });

    it('gives every container both probes, requests and limits and the hardened security context', () => {
      expect(workloadViolations(all)).toEqual([]);
      expect(appProbeViolations(all, SERVICES)).toEqual([]);
    });

    it("takes every image reference from the overlay's images: entry", () => {
      for (const [dir, objects] of rendered) {
        const k = parse(readFileSync(join(TEMPLATE_DIR, dir, 'kustomization.yaml'), 'utf8')) as { images?: ImageEntry[] };
        const pins = (k.images ?? []).map(pinnedReference);
        expect(imageViolations(objects, pins), dir).toEqual([]);
      }
      for (const s of SERVICES) {
        const k = parse(readFileSync(join(TEMPLATE_DIR, `kubernetes/overlays/${env}/${s}/kustomization.yaml`), 'utf8')) as { images: ImageEntry[] };
        expect(k.images).toHaveLength(1);
        expect(k.images[0]).toMatchObject({ name: `ghcr.io/craftista/craftista-${s}`, newName: `ghcr.io/craftista/craftista-${s}` });
        expect(k.images[0]!.newTag).toMatch(/^[\w][\w.-]{0,127}$/);
        expect(k.images[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    });

    it('exposes the services under the names and ports the apps expect', () => {
      for (const [name, port] of Object.entries(SERVICE_PORTS)) {
        const svc = all.find((o) => o.kind === 'Service' && o.metadata.name === name);
        expect(svc, name).toBeDefined();
        expect(svc!.spec.ports.map((p: { port: number }) => p.port)).toEqual([port]);
        const app = name === 'recco' ? 'recommendation' : name;
        const deployment = all.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!;
        expect(deployment.spec.template.metadata.labels).toMatchObject(svc!.spec.selector);
        expect(deployment.spec.template.spec.containers[0].ports[0].containerPort).toBe(port);
      }
      const ingress = all.find((o) => o.kind === 'Ingress');
      expect(ingress?.spec.rules[0].http.paths[0].backend.service.name).toBe('frontend');
    });

    it('scales each service with an HPA and protects it with a PDB', () => {
      for (const s of SERVICES) {
        const hpa = all.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === s);
        expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: s });
        const d = all.find((o) => o.kind === 'Deployment' && o.metadata.name === s)!;
        expect(d.spec.replicas).toBe(hpa!.spec.minReplicas);
        expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
        const pdb = all.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === s);
        expect(pdb?.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
      }
    });

    it('wires the service URLs through ConfigMaps and the secrets through ExternalSecrets from Vault', () => {
      const frontendEnv = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('frontend-config'))!.data;
      expect(frontendEnv).toMatchObject({ CATALOGUE_URL: 'http://catalogue:5000', VOTING_URL: 'http://voting:8080', RECOMMENDATION_URL: 'http://recco:8080', PORT: '3000' });
      expect(JSON.stringify(all.filter((o) => o.kind === 'Secret'))).toBe('[]'); // no secret value in git
      for (const [svc, keys] of Object.entries(SECRET_KEYS)) {
        const es = all.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === svc)!;
        expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: `craftista-vault-${env}` });
        expect(es.spec.target.name).toBe(`${svc}-secrets`);
        expect(es.spec.data.map((d: { secretKey: string }) => d.secretKey).sort()).toEqual([...keys].sort());
        for (const d of es.spec.data) expect(`secret/${d.remoteRef.key}`).toMatch(new RegExp(`^secret/craftista/${env}/${svc}/[a-z]+$`));
        const container = all.find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!.spec.template.spec.containers[0];
        const fromSecret = container.env.filter((e: K8sObject) => e.valueFrom?.secretKeyRef?.name === `${svc}-secrets`).map((e: { name: string }) => e.name);
        expect(fromSecret.sort()).toEqual([...keys].sort());
      }
      const store = all.find((o) => o.kind === 'ClusterSecretStore')!;
      expect(store.metadata.name).toBe(`craftista-vault-${env}`);
      expect(store.spec.conditions).toEqual([{ namespaces: [ns] }]);
      expect(store.spec.provider.vault).toMatchObject({ path: 'secret', version: 'v2' });
    });

    it('lets each ServiceAccount reach only its own Secret, and mounts no token', () => {
      const access = secretAccess(all);
      expect(access.get('frontend')).toEqual(new Set());
      for (const svc of ['catalogue', 'voting', 'recommendation']) expect(access.get(svc)).toEqual(new Set([`get:${svc}-secrets`]));
      for (const sa of all.filter((o) => o.kind === 'ServiceAccount')) expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(false);
      expect(all.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'ClusterRole')).toEqual([]);
    });

    it("allows exactly the seed's network-policy graph (allowed and denied pairs)", () => {
      const { allowed, pairs } = graph(all, env);
      expect(pairs).toBeGreaterThan(env === "dev" ? 100 : 60);
      expect([...allowed].sort()).toEqual([...expectedAllowed(env)].sort());
    });
  });
}
