// The pull request's text: where the images come from (source commit and run), old → new tag and digest
// per file, and the scan and gate results when the workflow passes them in.
import { cell, code, link } from '@craftista/actions-shared';
import type { FileOutcome } from './bump.js';
import type { ImageRef } from './image-ref.js';

export interface Provenance {
  sourceRepository?: string;
  sourceSha?: string;
  sourceCommitUrl?: string;
  runUrl?: string;
  /** counts by severity from trivy-scan, e.g. { critical: 0, high: 2 } */
  trivy?: Record<string, number>;
  /** quality-gate status from sonarqube-gate, e.g. OK / ERROR / WARN */
  qualityGate?: string;
  /** promote: where the images come from */
  promotedFrom?: string;
  compareLinks?: { service: string; url: string }[];
}

const short = (d?: string) => (d ? `${d.slice(0, 19)}…` : '—');
const ref = (r: ImageRef) => `${r.tag}${r.digest ? ` @ ${short(r.digest)}` : ''}`;

export function renderBody(env: string, outcomes: FileOutcome[], p: Provenance): string {
  const lines: string[] = [];
  lines.push(
    p.promotedFrom
      ? `Promotes images from **${p.promotedFrom}** to **${env}**, with the exact digests running there (no rebuild).`
      : `Bumps images in **${env}**.`,
  );
  lines.push('');
  lines.push('| service | file | before | after |', '| --- | --- | --- | --- |');
  for (const o of outcomes)
    lines.push(`| ${cell(o.service)} | ${code(o.path)} | ${cell(ref(o.before))} | ${cell(ref(o.after))} |`);
  lines.push('');
  for (const o of outcomes.filter((x, i, all) => all.findIndex((y) => y.service === x.service) === i))
    if (o.after.digest)
      lines.push(`- ${o.service}: ${code(`${o.after.repository ?? ''}:${o.after.tag}@${o.after.digest}`)}`);
  const facts: string[] = [];
  if (p.sourceSha) {
    const text = `${p.sourceRepository ?? ''}@${p.sourceSha.slice(0, 7)}`;
    facts.push(`Source commit: ${p.sourceCommitUrl ? link(text, p.sourceCommitUrl) : code(text)}`);
  }
  if (p.runUrl) facts.push(`Workflow run: ${link(p.runUrl, p.runUrl)}`);
  if (p.trivy)
    facts.push(
      `Trivy: ${Object.entries(p.trivy)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  if (p.qualityGate) facts.push(`SonarQube quality gate: **${cell(p.qualityGate)}**`);
  for (const c of p.compareLinks ?? []) facts.push(`${c.service} source changes: ${link('compare', c.url)}`);
  if (facts.length) lines.push('', ...facts.map((f) => `- ${f}`));
  lines.push(
    '',
    '<sub>Opened by craftista gitops-bump. Only the values above were edited; ArgoCD deploys what is merged.</sub>',
  );
  return lines.join('\n');
}
