// trivy config (the real, pinned binary, offline: embedded checks, no update or version check) over the
// template as committed and over every rendering of it.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ENVS, TEMPLATE_DIR, helmTemplate, kustomizeBuild, overlayDirs } from '../src/render.js';
import { findTool } from '@craftista/testkit';
import { run } from '../src/tools.js';

type Misconf = {
  ID: string;
  Severity: string;
  Title: string;
  Status: string;
  CauseMetadata?: { Resource?: string };
};
type Report = {
  Results?: {
    Target: string;
    Class: string;
    MisconfSummary?: { Successes: number; Failures: number };
    Misconfigurations?: Misconf[];
  }[];
};

const work = mkdtempSync(join(tmpdir(), 'gitops-trivy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function trivyConfig(target: string): Report {
  const out = run('trivy', [
    'config',
    '--quiet',
    '--cache-dir',
    join(work, 'cache'),
    '--skip-check-update',
    '--skip-version-check',
    '--disable-telemetry',
    '--severity',
    'LOW,MEDIUM,HIGH,CRITICAL',
    '--format',
    'json',
    '--exit-code',
    '0',
    target,
  ]);
  return JSON.parse(out) as Report;
}

const highOrCritical = (r: Report): string[] =>
  (r.Results ?? []).flatMap((res) =>
    (res.Misconfigurations ?? [])
      .filter((m) => m.Status === 'FAIL' && (m.Severity === 'HIGH' || m.Severity === 'CRITICAL'))
      .map((m) => `${res.Target}: ${m.ID} ${m.Severity} ${m.Title} (${m.CauseMetadata?.Resource ?? ''})`),
  );

const scannedTargets = (r: Report): string[] =>
  (r.Results ?? [])
    .filter((res) => (res.MisconfSummary?.Successes ?? 0) + (res.MisconfSummary?.Failures ?? 0) > 0)
    .map((res) => res.Target);

// One trivy run over three folders (loading trivy's embedded checks is most of its time): a deliberately privileged
// pod, the template as committed, and every rendering of it.
function scanAll(): Record<'bad' | 'template' | 'rendered', Report> {
  const root = join(work, 'scan');
  const bad = join(root, 'bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(
    join(bad, 'pod.yaml'),
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'x' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] },
    }),
  );
  cpSync(TEMPLATE_DIR, join(root, 'template'), { recursive: true });
  const rendered = join(root, 'rendered');
  mkdirSync(rendered);
  for (const env of ENVS) {
    for (const overlay of overlayDirs(env)) {
      const objects = kustomizeBuild(overlay);
      writeFileSync(
        join(rendered, `${overlay.replaceAll('/', '_')}.yaml`),
        objects.map((o) => stringify(o)).join('---\n'),
      );
    }
    writeFileSync(
      join(rendered, `helm_${env}.yaml`),
      helmTemplate(env)
        .map((o) => stringify(o))
        .join('---\n'),
    );
  }
  const report = trivyConfig(root);
  const part = (dir: string): Report => ({
    Results: (report.Results ?? []).filter((r) => r.Target.startsWith(`${dir}/`)),
  });
  return { bad: part('bad'), template: part('template'), rendered: part('rendered') };
}

describe('trivy config', { timeout: 180_000 }, () => {
  let reports: ReturnType<typeof scanAll>;
  beforeAll(() => {
    findTool('trivy'); // fail before rendering when trivy is missing
    reports = scanAll();
  }, 180_000);

  it('finds a HIGH misconfiguration in a deliberately privileged pod (the scanner and its checks work offline)', () => {
    expect(highOrCritical(reports.bad).length).toBeGreaterThan(0);
  });

  it('reports no HIGH or CRITICAL misconfiguration in deploy/gitops', () => {
    const report = reports.template;
    const targets = scannedTargets(report);
    // trivy really looked at the Kubernetes manifests and the Helm chart
    expect(targets.some((t) => t.includes('kubernetes/base/catalogue/deployment.yaml'))).toBe(true);
    expect(targets.some((t) => t.includes('charts/craftista') || t.includes('templates/services.yaml'))).toBe(
      true,
    );
    expect(highOrCritical(report)).toEqual([]);
  });

  it('reports no HIGH or CRITICAL misconfiguration in any rendered environment (kustomize and helm)', () => {
    const report = reports.rendered;
    expect(scannedTargets(report).length).toBeGreaterThanOrEqual(ENVS.length * 6);
    expect(highOrCritical(report)).toEqual([]);
  });
});
