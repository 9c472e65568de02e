// The invariants every rendering of one environment must satisfy, whether Kustomize or Helm produced it.
import { expect, it } from 'vitest';
import { appProbeViolations, secretAccess, workloadViolations } from './invariants.js';
import { SERVICES, key, type Env, type K8sObject } from './render.js';
import { schemaErrors } from './schemas.js';
import { expectedAllowed, graph } from './seed-graph.js';

const SERVICE_PORTS: Record<string, number> = {
  frontend: 3000,
  catalogue: 5000,
  voting: 8080,
  recco: 8080,
  recommendation: 8080,
};
const SECRET_KEYS: Record<string, string[]> = {
  // The frontend signs the client identity it forwards to voting with CLIENT_ID_SECRET (issue 20).
  frontend: ['CLIENT_ID_SECRET'],
  catalogue: ['MONGODB_URL', 'CATALOGUE_ADMIN_TOKEN'],
  voting: ['CLIENT_ID_SECRET', 'DATABASE_URL', 'VOTING_ADMIN_TOKEN'],
  recommendation: ['REDIS_URL', 'RECOMMENDATION_ADMIN_TOKEN'],
};

/** Declares the shared invariant tests (inside the caller's describe) over `render()`'s objects. */
export function sharedInvariants(env: Env, render: () => K8sObject[]): void {
  const ns = `craftista-${env}`;
  let cache: K8sObject[] | undefined;
  const objects = (): K8sObject[] => (cache ??= render());
  it('validates every rendered object against the Kubernetes and CRD schemas', () => {
    expect(objects().length).toBeGreaterThan(40);
    expect(objects().flatMap(schemaErrors)).toEqual([]);
  });

  it(`puts every namespaced object in ${ns}`, () => {
    const clusterScoped = new Set(['Namespace', 'ClusterSecretStore']);
    const wrong = objects()
      .filter((o) => !clusterScoped.has(o.kind) && o.metadata.namespace !== ns)
      .map(key);
    expect(wrong).toEqual([]);
    expect(objects().find((o) => o.kind === 'Namespace')?.metadata.name).toBe(ns);
  });

  it('gives every container both probes, requests and limits and the hardened security context', () => {
    expect(workloadViolations(objects())).toEqual([]);
    expect(appProbeViolations(objects(), SERVICES)).toEqual([]);
  });

  it('exposes the services under the names and ports the apps expect', () => {
    for (const [name, port] of Object.entries(SERVICE_PORTS)) {
      const svc = objects().find((o) => o.kind === 'Service' && o.metadata.name === name);
      expect(svc, name).toBeDefined();
      expect(svc!.spec.ports.map((p: { port: number }) => p.port)).toEqual([port]);
      const app = name === 'recco' ? 'recommendation' : name;
      const deployment = objects().find((o) => o.kind === 'Deployment' && o.metadata.name === app)!;
      expect(deployment.spec.template.metadata.labels).toMatchObject(svc!.spec.selector);
      expect(deployment.spec.template.spec.containers[0].ports[0].containerPort).toBe(port);
    }
    const ingress = objects().find((o) => o.kind === 'Ingress');
    expect(ingress?.spec.rules[0].http.paths[0].backend.service.name).toBe('frontend');
  });

  it('scales each service with an HPA and protects it with a PDB', () => {
    for (const s of SERVICES) {
      const hpa = objects().find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === s);
      expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: s });
      const d = objects().find((o) => o.kind === 'Deployment' && o.metadata.name === s)!;
      expect(d.spec.replicas).toBe(hpa!.spec.minReplicas);
      expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
      const pdb = objects().find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === s);
      expect(pdb?.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
    }
  });

  it('wires the service URLs through ConfigMaps and the secrets through ExternalSecrets from Vault', () => {
    const frontendEnv = objects().find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('frontend-config'),
    )!.data;
    expect(frontendEnv).toMatchObject({
      CATALOGUE_URL: 'http://catalogue:5000',
      VOTING_URL: 'http://voting:8080',
      RECOMMENDATION_URL: 'http://recco:8080',
      PORT: '3000',
    });
    expect(JSON.stringify(objects().filter((o) => o.kind === 'Secret'))).toBe('[]'); // no secret value in git
    for (const [svc, keys] of Object.entries(SECRET_KEYS)) {
      const es = objects().find((o) => o.kind === 'ExternalSecret' && o.metadata.name === svc)!;
      expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: `craftista-vault-${env}` });
      expect(es.spec.target.name).toBe(`${svc}-secrets`);
      expect(es.spec.data.map((d: { secretKey: string }) => d.secretKey).sort()).toEqual([...keys].sort());
      for (const d of es.spec.data)
        expect(`secret/${d.remoteRef.key}`).toMatch(new RegExp(`^secret/craftista/${env}/${svc}/[a-z]+$`));
      const container = objects().find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!.spec
        .template.spec.containers[0];
      const fromSecret = container.env
        .filter((e: K8sObject) => e.valueFrom?.secretKeyRef?.name === `${svc}-secrets`)
        .map((e: { name: string }) => e.name);
      expect(fromSecret.sort()).toEqual([...keys].sort());
    }
    const store = objects().find((o) => o.kind === 'ClusterSecretStore')!;
    expect(store.metadata.name).toBe(`craftista-vault-${env}`);
    expect(store.spec.conditions).toEqual([{ namespaces: [ns] }]);
    expect(store.spec.provider.vault).toMatchObject({ path: 'secret', version: 'v2' });
  });

  it('lets each ServiceAccount reach only its own Secret, and mounts no token', () => {
    const access = secretAccess(objects());
    for (const svc of ['frontend', 'catalogue', 'voting', 'recommendation'])
      expect(access.get(svc)).toEqual(new Set([`get:${svc}-secrets`]));
    for (const sa of objects().filter((o) => o.kind === 'ServiceAccount'))
      expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(false);
    expect(objects().filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'ClusterRole')).toEqual([]);
  });

  it("allows exactly the seed's network-policy graph (allowed and denied pairs)", () => {
    const { allowed, pairs } = graph(objects(), env);
    expect(pairs).toBeGreaterThan(env === 'dev' ? 100 : 60);
    expect([...allowed].sort()).toEqual([...expectedAllowed(env)].sort());
  });
}
