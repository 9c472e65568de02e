// The checks themselves: each one catches a broken object, so a passing template test means something.
import { describe, expect, it } from 'vitest';
import { imageViolations, secretAccess, workloadViolations } from '../src/invariants.js';
import { allowed, inCidr, type Endpoint } from '../src/netpol.js';
import { kustomizeBuild, type K8sObject } from '../src/render.js';
import { schemaErrors } from '../src/schemas.js';
import { expectedAllowed, graph } from '../src/seed-graph.js';

const fresh = (): K8sObject[] => [
  ...kustomizeBuild('kubernetes/overlays/staging/voting'),
  ...kustomizeBuild('kubernetes/overlays/staging/platform'),
];
const deployment = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment')!;

describe('invariant checks catch broken objects', () => {
  it('flag a missing probe, a writable root filesystem, a mounted token and a short grace period', () => {
    const objects = fresh();
    const pod = deployment(objects).spec.template.spec;
    delete pod.containers[0].readinessProbe;
    pod.containers[0].securityContext.readOnlyRootFilesystem = false;
    pod.automountServiceAccountToken = true;
    pod.terminationGracePeriodSeconds = 5;
    delete pod.containers[0].resources.limits.memory;
    expect(workloadViolations(objects)).toEqual([
      'Deployment/voting: mounts a ServiceAccount token',
      'Deployment/voting: terminationGracePeriodSeconds must exceed the 10 s drain',
      'Deployment/voting container voting: no readinessProbe',
      'Deployment/voting container voting: no resources.limits.memory',
      'Deployment/voting container voting: root filesystem is not read-only',
    ]);
  });

  it('flag an image that does not come from the pins', () => {
    const objects = fresh();
    deployment(objects).spec.template.spec.containers[0].image = 'ghcr.io/craftista/craftista-voting:latest';
    expect(
      imageViolations(objects, ['ghcr.io/craftista/craftista-voting:sha-1@sha256:' + 'a'.repeat(64)]),
    ).toHaveLength(2);
  });

  it('see a Role that opens every Secret', () => {
    const objects = fresh();
    objects.find((o) => o.kind === 'Role')!.rules[0].resourceNames = undefined;
    expect(secretAccess(objects).get('voting')).toEqual(new Set(['get:*']));
  });

  it('reject an object that breaks the API schema', () => {
    const objects = fresh();
    deployment(objects).spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(schemaErrors(deployment(objects))[0]).toMatch(/containerPort must be integer/);
    expect(
      schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })[0],
    ).toMatch(/no schema/);
  });

  it('notice a widened network policy in the seed graph', () => {
    const objects = [
      ...kustomizeBuild('kubernetes/overlays/staging/platform'),
      ...['frontend', 'catalogue', 'voting', 'recommendation'].flatMap((s) =>
        kustomizeBuild(`kubernetes/overlays/staging/${s}`),
      ),
    ];
    expect([...graph(objects, 'staging').allowed].sort()).toEqual([...expectedAllowed('staging')].sort());
    const policy = (name: string) =>
      objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!;
    policy('recommendation').spec.egress.push({ to: [{ podSelector: {} }] });
    // one side widened is not enough: catalogue's ingress still refuses recommendation
    expect(graph(objects, 'staging').allowed.has('recommendation->catalogue')).toBe(false);
    policy('catalogue').spec.ingress.push({ from: [{ podSelector: {} }] });
    const widened = graph(objects, 'staging').allowed;
    expect(widened.has('recommendation->catalogue')).toBe(true);
    expect(widened.has('recommendation->voting')).toBe(false);
    expect([...widened].sort()).not.toEqual([...expectedAllowed('staging')].sort());
  });
});

describe('network-policy evaluator', () => {
  const ns = 'n';
  const a: Endpoint = { name: 'a', ip: '10.1.0.1', pod: { namespace: ns, labels: { app: 'a' } } };
  const b: Endpoint = { name: 'b', ip: '10.1.0.2', pod: { namespace: ns, labels: { app: 'b' } } };
  const np = (spec: K8sObject['spec']): K8sObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: ns },
    spec,
  });

  it('allows everything without policies and nothing under default deny', () => {
    expect(allowed([], a, b, 80)).toBe(true);
    expect(allowed([np({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], a, b, 80)).toBe(false);
  });

  it('needs both the egress and the ingress side, on the right port and protocol', () => {
    const deny = np({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const egress = np({
      podSelector: { matchLabels: { app: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 80 }] }],
    });
    const ingress = np({
      podSelector: { matchLabels: { app: 'b' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] } }] },
      ],
    });
    expect(allowed([deny, egress], a, b, 80)).toBe(false);
    expect(allowed([deny, egress, ingress], a, b, 80)).toBe(true);
    expect(allowed([deny, egress, ingress], a, b, 81)).toBe(false);
    expect(allowed([deny, egress, ingress], a, b, 80, 'UDP')).toBe(false);
    expect(allowed([deny, egress, ingress], b, a, 80)).toBe(false);
  });

  it('matches pods of other namespaces only through a namespaceSelector, and addresses through ipBlock', () => {
    const other: Endpoint = { name: 'o', ip: '10.2.0.1', pod: { namespace: 'other', labels: { app: 'a' } } };
    const ingress = np({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
    });
    expect(allowed([ingress], other, b, 80)).toBe(false);
    const byNs = np({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] },
      ],
    });
    expect(allowed([byNs], other, b, 80)).toBe(true);
    const toCidr = np({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] }],
    });
    expect(allowed([toCidr], a, { name: 'x', ip: '192.168.7.7' }, 5432)).toBe(true);
    expect(allowed([toCidr], a, { name: 'x', ip: '192.168.1.7' }, 5432)).toBe(false);
    expect(inCidr('10.255.255.255', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.0.0.0', '10.0.0.0/8')).toBe(false);
  });
});
