// Renders the template with the real kustomize and helm binaries and parses the output.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { run } from './tools.js';

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy/gitops');
export const ENVS = ['dev', 'staging', 'prod'] as const;
export type Env = (typeof ENVS)[number];
export const SERVICES = ['frontend', 'catalogue', 'voting', 'recommendation'] as const;
export type Service = (typeof SERVICES)[number];

// Loose object shape of a rendered Kubernetes object; tests read fields defensively.
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are read field by field
  [key: string]: any;
};

export function parseObjects(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null) out.push(value);
  }
  return out;
}

export function kustomizeBuild(dir: string): K8sObject[] {
  return parseObjects(run('kustomize', ['build', join(TEMPLATE_DIR, dir)]));
}

/** Every overlay directory of one environment: kubernetes/overlays/<env>/<component>. */
export function overlayDirs(env: Env): string[] {
  const base = join(TEMPLATE_DIR, 'kubernetes/overlays', env);
  return readdirSync(base)
    .filter((name) => statSync(join(base, name)).isDirectory())
    .map((name) => `kubernetes/overlays/${env}/${name}`);
}

export function renderEnvWithKustomize(env: Env): K8sObject[] {
  return overlayDirs(env).flatMap((dir) => kustomizeBuild(dir));
}

export const CHART_DIR = join(TEMPLATE_DIR, 'charts/craftista');

export function helmTemplate(env: Env): K8sObject[] {
  return parseObjects(
    run('helm', [
      'template',
      'craftista',
      CHART_DIR,
      '--namespace',
      `craftista-${env}`,
      '-f',
      join(CHART_DIR, `values-${env}.yaml`),
    ]),
  );
}

export function readYaml<T>(relPath: string): T {
  return parse(readFileSync(join(TEMPLATE_DIR, relPath), 'utf8')) as T;
}

export function key(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
