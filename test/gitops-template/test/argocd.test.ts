import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ENVS, SERVICES, TEMPLATE_DIR, kustomizeBuild, overlayDirs } from '../src/render.js';
import { schemaErrors } from '../src/schemas.js';

const services = parse(readFileSync(join(TEMPLATE_DIR, '../../craftista.services.yaml'), 'utf8')) as {
  gitops: { repository: string; branch: string; environments: string[] };
  services: Record<
    string,
    { image: string; gitops: { kustomize: string; helm: { file: string; key: string } } }
  >;
};

describe('ArgoCD projects and applications (kustomize build argocd/)', () => {
  const objects = kustomizeBuild('argocd');
  const apps = objects.filter((o) => o.kind === 'Application');
  const projects = objects.filter((o) => o.kind === 'AppProject');

  it('validate against the Argo CD CRD schemas', () => {
    expect(objects.length).toBe(apps.length + projects.length);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('have one AppProject per environment, confined to its namespace and this repository', () => {
    expect(projects.map((p) => p.metadata.name).sort()).toEqual(ENVS.map((e) => `craftista-${e}`).sort());
    for (const env of ENVS) {
      const p = projects.find((x) => x.metadata.name === `craftista-${env}`)!;
      expect(p.spec.destinations).toEqual([
        { server: 'https://kubernetes.default.svc', namespace: `craftista-${env}` },
      ]);
      expect(p.spec.sourceRepos).toEqual([`https://github.com/${services.gitops.repository}.git`]);
      expect(p.spec.clusterResourceWhitelist.map((k: { kind: string }) => k.kind).sort()).toEqual([
        'ClusterSecretStore',
        'Namespace',
      ]);
    }
  });

  it('have an Application craftista-<service>-<env> for every overlay, pointing at that overlay', () => {
    const expected = ENVS.flatMap((env) =>
      overlayDirs(env).map((dir) => ({ env, dir, name: `craftista-${dir.split('/').pop()}-${env}` })),
    );
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(expected.map((e) => e.name).sort());
    for (const env of ENVS)
      for (const s of SERVICES) expect(apps.map((a) => a.metadata.name)).toContain(`craftista-${s}-${env}`);
    for (const { env, dir, name } of expected) {
      const app = apps.find((a) => a.metadata.name === name)!;
      expect(app.spec.project).toBe(`craftista-${env}`);
      expect(app.spec.source).toEqual({
        repoURL: `https://github.com/${services.gitops.repository}.git`,
        targetRevision: services.gitops.branch,
        path: dir,
      });
      expect(existsSync(join(TEMPLATE_DIR, dir, 'kustomization.yaml'))).toBe(true);
      expect(app.spec.destination.namespace).toBe(`craftista-${env}`);
    }
  });

  it('sync dev and staging automatically with prune and self-heal, and never prod', () => {
    for (const app of apps) {
      const env = app.metadata.name.split('-').pop();
      if (env === 'prod') {
        expect(app.spec.syncPolicy?.automated, app.metadata.name).toBeUndefined();
      } else {
        expect(app.spec.syncPolicy.automated, app.metadata.name).toEqual({ prune: true, selfHeal: true });
      }
    }
    expect(apps.filter((a) => a.metadata.name.endsWith('-prod')).length).toBeGreaterThanOrEqual(
      SERVICES.length,
    );
  });
});

describe('craftista.services.yaml paths (the bump targets of gitops-bump and promote)', () => {
  it('name files and keys that exist in the template for every environment', () => {
    for (const [name, svc] of Object.entries(services.services)) {
      for (const env of services.gitops.environments) {
        const overlay = parse(
          readFileSync(join(TEMPLATE_DIR, svc.gitops.kustomize.replace('{env}', env)), 'utf8'),
        ) as { images: { name: string }[] };
        expect(
          overlay.images.map((i) => i.name),
          `${name} ${env}`,
        ).toContain(svc.image);
        const values = parse(
          readFileSync(join(TEMPLATE_DIR, svc.gitops.helm.file.replace('{env}', env)), 'utf8'),
        ) as Record<string, unknown>;
        const image = svc.gitops.helm.key
          .split('.')
          .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], values) as Record<string, string>;
        expect(image.repository, `${name} ${env}`).toBe(svc.image);
        expect(Object.keys(image)).toEqual(expect.arrayContaining(['tag', 'digest']));
      }
    }
  });
});
