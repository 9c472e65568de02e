// Invariants over rendered objects. Each returns the list of violations, so a test asserts [] and a
// negative test can show that a broken object is caught.
import type { K8sObject } from './render.js';

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

export function podSpec(o: K8sObject): K8sObject['spec'] | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
}

/** Probes, resources and the hardened security context on every container; token and grace period on every pod. */
export function workloadViolations(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const w of workloads(objects)) {
    const spec = podSpec(w);
    const where = `${w.kind}/${w.metadata.name}`;
    if (!spec) {
      out.push(`${where}: no pod spec`);
      continue;
    }
    if (spec.automountServiceAccountToken !== false) out.push(`${where}: mounts a ServiceAccount token`);
    if (!(spec.terminationGracePeriodSeconds > 10))
      out.push(`${where}: terminationGracePeriodSeconds must exceed the 10 s drain`);
    if (spec.securityContext?.runAsNonRoot !== true) out.push(`${where}: pod runAsNonRoot is not true`);
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push(`${where}: uses host namespaces`);
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    if (containers.length === 0) out.push(`${where}: no containers`);
    for (const c of containers) {
      const at = `${where} container ${c.name}`;
      if (!c.livenessProbe) out.push(`${at}: no livenessProbe`);
      if (!c.readinessProbe) out.push(`${at}: no readinessProbe`);
      for (const k of ['requests', 'limits'] as const)
        for (const r of ['cpu', 'memory'])
          if (!c.resources?.[k]?.[r]) out.push(`${at}: no resources.${k}.${r}`);
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) out.push(`${at}: root filesystem is not read-only`);
      if (sc.privileged === true) out.push(`${at}: privileged`);
      if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true)
        out.push(`${at}: may run as root`);
      const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
      if (uid === 0 || uid === undefined) out.push(`${at}: runAsUser is not a fixed non-root uid`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) out.push(`${at}: capabilities not all dropped`);
      if ((sc.capabilities?.add ?? []).length > 0) out.push(`${at}: adds capabilities`);
    }
  }
  return out;
}

/** Health probes of the Craftista apps are GET /livez (liveness) and GET /readyz (readiness). */
export function appProbeViolations(objects: K8sObject[], apps: readonly string[]): string[] {
  const out: string[] = [];
  for (const app of apps) {
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);
    if (!d) {
      out.push(`Deployment/${app} missing`);
      continue;
    }
    for (const c of podSpec(d).containers) {
      if (c.livenessProbe?.httpGet?.path !== '/livez') out.push(`${app}: liveness is not GET /livez`);
      if (c.readinessProbe?.httpGet?.path !== '/readyz') out.push(`${app}: readiness is not GET /readyz`);
      if (
        !(podSpec(d).volumes ?? []).some((v: K8sObject) => v.emptyDir) ||
        !(c.volumeMounts ?? []).some((m: { mountPath: string }) => m.mountPath === '/tmp')
      )
        out.push(`${app}: no writable emptyDir at /tmp`);
    }
  }
  return out;
}

export function containerImages(objects: K8sObject[]): { where: string; image: string }[] {
  return workloads(objects).flatMap((w) => {
    const spec = podSpec(w);
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map(
      (c: { name: string; image: string }) => ({
        where: `${w.kind}/${w.metadata.name}/${c.name}`,
        image: c.image,
      }),
    );
  });
}

export type ImageEntry = { name: string; newName?: string; newTag?: string; digest?: string };

/** The reference kustomize renders for an images: entry (name[:tag][@digest]). */
export function pinnedReference(e: ImageEntry): string {
  return `${e.newName ?? e.name}${e.newTag ? `:${e.newTag}` : ''}${e.digest ? `@${e.digest}` : ''}`;
}

/** Every rendered container image is exactly one of the pinned references, and every pin is used. */
export function imageViolations(objects: K8sObject[], pins: string[]): string[] {
  const out: string[] = [];
  const used = new Set<string>();
  for (const { where, image } of containerImages(objects)) {
    if (pins.includes(image)) used.add(image);
    else out.push(`${where}: image ${image} does not come from the images: pins ${JSON.stringify(pins)}`);
  }
  for (const p of pins) if (!used.has(p)) out.push(`pin ${p} is not used by any container`);
  return out;
}

/** Secret names (verb:name) each ServiceAccount can reach through Roles/ClusterRoles bound to it. */
export function secretAccess(objects: K8sObject[]): Map<string, Set<string>> {
  const access = new Map<string, Set<string>>();
  for (const sa of objects.filter((o) => o.kind === 'ServiceAccount'))
    access.set(sa.metadata.name, new Set());
  const roles = new Map<string, K8sObject>();
  for (const r of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole'))
    roles.set(`${r.kind}/${r.metadata.name}`, r);
  for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const role = roles.get(`${b.roleRef.kind}/${b.roleRef.name}`);
    for (const s of b.subjects ?? []) {
      if (s.kind !== 'ServiceAccount') continue;
      const set = access.get(s.name) ?? new Set<string>();
      access.set(s.name, set);
      if (!role) {
        set.add(`unknown role ${b.roleRef.kind}/${b.roleRef.name}`);
        continue;
      }
      for (const rule of role.rules ?? []) {
        const groups: string[] = rule.apiGroups ?? [];
        const resources: string[] = rule.resources ?? [];
        if (!(groups.includes('') || groups.includes('*'))) continue;
        if (!(resources.includes('secrets') || resources.includes('*'))) continue;
        const names: string[] = rule.resourceNames ?? ['*'];
        for (const verb of rule.verbs ?? []) for (const n of names) set.add(`${verb}:${n}`);
      }
    }
  }
  return access;
}
