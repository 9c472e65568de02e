// The seed's network table as allowed (from -> to) pairs, and the endpoints the tests probe with.
import { allowed, type Endpoint, type Labels } from './netpol.js';
import { podSpec, workloads } from './invariants.js';
import type { Env, K8sObject } from './render.js';

export const APP_PORTS = { frontend: 3000, catalogue: 5000, voting: 8080, recommendation: 8080 } as const;
/** Apps whose /metrics has a port of its own (METRICS_PORT): the public frontend's, which the ingress never reaches. */
export const METRICS_PORTS: Partial<Record<keyof typeof APP_PORTS, number>> = { frontend: 9464 };
export const STORE_PORTS = { mongodb: 27017, postgresql: 5432, redis: 6379 } as const;

/** The seed's table: default deny; frontend -> all three back-ends; voting -> catalogue and PostgreSQL;
 * catalogue -> MongoDB only; recommendation -> Redis only; DNS for all. Plus the entry points the
 * template adds: the ingress controller -> frontend and Prometheus -> each app's /metrics port. */
export function expectedAllowed(env: Env): Set<string> {
  const inNamespace = ['frontend', 'catalogue', 'voting', 'recommendation', 'stranger-in-namespace'];
  // dev runs the stores as pods in the namespace, so they get DNS too; elsewhere they are outside.
  if (env === 'dev') inNamespace.push('mongodb', 'postgresql', 'redis');
  return new Set([
    'ingress-nginx->frontend',
    'prometheus->frontend/metrics',
    'prometheus->catalogue',
    'prometheus->voting',
    'prometheus->recommendation',
    'frontend->catalogue',
    'frontend->voting',
    'frontend->recommendation',
    'voting->catalogue',
    'voting->postgresql',
    'catalogue->mongodb',
    'recommendation->redis',
    ...inNamespace.map((s) => `${s}->dns`),
  ]);
}

type Target = Endpoint & { port: number; protocol: string };

export function graph(objects: K8sObject[], env: Env): { allowed: Set<string>; pairs: number } {
  const ns = `craftista-${env}`;
  const labelsOf = (name: string): Labels | undefined => {
    const w = workloads(objects).find((o) => o.metadata.name === name && o.metadata.namespace === ns);
    return w?.spec?.template?.metadata?.labels;
  };
  let n = 0;
  const pod = (name: string, labels: Labels, namespace = ns): Endpoint => ({
    name,
    ip: `10.244.0.${++n}`,
    pod: { namespace, labels },
  });
  const sources: Endpoint[] = [];
  const targets: Target[] = [];
  for (const [app, port] of Object.entries(APP_PORTS)) {
    const labels = labelsOf(app);
    if (!labels) throw new Error(`no rendered workload ${app} in ${ns}`);
    const e = pod(app, labels);
    sources.push(e);
    targets.push({ ...e, port, protocol: 'TCP' });
    const metricsPort = METRICS_PORTS[app as keyof typeof APP_PORTS];
    if (metricsPort) targets.push({ ...e, name: `${app}/metrics`, port: metricsPort, protocol: 'TCP' });
  }
  let ext = 0;
  for (const [store, port] of Object.entries(STORE_PORTS)) {
    // dev runs the stores in the namespace; other environments reach managed services in the VPC.
    const labels = labelsOf(store);
    if (env === 'dev' && !labels) throw new Error(`dev must run the ${store} StatefulSet`);
    const e: Endpoint = labels ? pod(store, labels) : { name: store, ip: `10.20.0.${++ext}` };
    sources.push(e);
    targets.push({ ...e, port, protocol: 'TCP' });
  }
  sources.push(
    pod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx'),
    pod('prometheus', { 'app.kubernetes.io/name': 'prometheus' }, 'monitoring'),
    pod('stranger-in-namespace', { run: 'debug' }),
    pod('pod-in-default', { 'app.kubernetes.io/name': 'frontend' }, 'default'),
    { name: 'internet', ip: '203.0.113.10' },
  );
  targets.push(
    { ...pod('dns', { 'k8s-app': 'kube-dns' }, 'kube-system'), port: 53, protocol: 'UDP' },
    { name: 'internet', ip: '203.0.113.10', port: 443, protocol: 'TCP' },
    { name: 'kube-apiserver', ip: '10.96.0.1', port: 443, protocol: 'TCP' },
  );
  const result = new Set<string>();
  let pairs = 0;
  for (const s of sources)
    for (const t of targets) {
      if (s.name === t.name) continue;
      // Only pairs with one end in the namespace are governed by this template's policies.
      if (s.pod?.namespace !== ns && t.pod?.namespace !== ns) continue;
      pairs++;
      if (allowed(objects, s, t, t.port, t.protocol)) result.add(`${s.name}->${t.name}`);
    }
  return { allowed: result, pairs };
}

export { podSpec };
