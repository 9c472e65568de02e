// The real trivy v0.74.0 binary (scripts/install-tools.sh) run through the action, offline: misconfiguration
// checks come from the bundle embedded in the binary, the secret scanner needs no database.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '@craftista/actions-shared';
import { findTool } from '@craftista/testkit';
import { run } from '../src/main.js';
import { findingsOf, parseReport } from '../src/report.js';
import { sarifErrors } from './helpers.js';

const repoDockerfile = fileURLToPath(new URL('../../../docker/Dockerfile', import.meta.url));

describe('real trivy, offline', () => {
  let dir: string;
  let io: ReturnType<typeof recordingIO>;
  let failure: string;

  beforeAll(async () => {
    const trivy = findTool('trivy', 'v0.74.0');
    dir = mkdtempSync(join(tmpdir(), 'trivy-real-'));
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'legacy'), { recursive: true });
    mkdirSync(join(tree, 'config'), { recursive: true });
    copyFileSync(repoDockerfile, join(tree, 'Dockerfile'));
    // A Dockerfile with known faults: a mutable base tag, root user, no HEALTHCHECK.
    writeFileSync(
      join(tree, 'legacy', 'Dockerfile'),
      'FROM node:latest\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "main.js"]\n',
    );
    // Planted fake secrets, assembled at run time so no secret-shaped string is committed.
    const aws = ['AKIA', 'Q3EGRIT7', 'ZNV4HX2P'].join('');
    const pat = ['ghp_', 'x7Kq2mR9vT4wY6zB1nC3', 'dF5gH8jL0pS2uA4eI6oU'].join('');
    writeFileSync(
      join(tree, 'config', 'deploy.env'),
      `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${aws}\nGITHUB_TOKEN=${pat}\n`,
    );
    writeFileSync(join(dir, 'summary.md'), '');
    io = recordingIO(
      {
        'scan-type': 'fs',
        target: tree,
        scanners: 'misconfig,secret',
        severity: 'HIGH',
        'trivy-path': trivy,
        'cache-dir': join(dir, 'cache'),
      },
      {
        GITHUB_WORKSPACE: dir,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        PATH: process.env['PATH'],
        HOME: dir,
      },
    );
    failure = await run(io).then(
      () => '',
      (e: Error) => e.message,
    );
  }, 180_000);

  it('finds the planted secrets with their own severity', () => {
    const findings = findingsOf(parseReport(readFileSync(join(dir, 'trivy-report.json'), 'utf8')));
    const secrets = findings
      .filter((f) => f.kind === 'secret')
      .map((f) => `${f.id} ${f.severity} ${f.target}:${f.startLine}`);
    expect(secrets).toContain('aws-access-key-id CRITICAL config/deploy.env:2');
    expect(secrets).toContain('github-pat CRITICAL config/deploy.env:3');
  });

  it('finds the faults of the legacy Dockerfile and no HIGH or CRITICAL fault in docker/Dockerfile', () => {
    const findings = findingsOf(parseReport(readFileSync(join(dir, 'trivy-report.json'), 'utf8')));
    const legacy = findings
      .filter((f) => f.kind === 'misconfiguration' && f.target === 'legacy/Dockerfile')
      .map((f) => `${f.id} ${f.severity}`);
    expect(legacy).toEqual(expect.arrayContaining(['DS-0001 MEDIUM', 'DS-0002 HIGH', 'DS-0026 LOW']));
    const ours = findings.filter((f) => f.kind === 'misconfiguration' && f.target === 'Dockerfile');
    expect(ours.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')).toEqual([]);
  });

  it('fails the gate at HIGH and writes SARIF with exactly the gating findings', () => {
    expect(failure).toMatch(/^3 finding\(s\) at or above HIGH: /);
    expect(io.outputs['gating']).toBe('3');
    const sarif = JSON.parse(readFileSync(join(dir, 'trivy-results.sarif'), 'utf8'));
    expect(sarifErrors(sarif)).toBe('');
    expect(sarif.runs[0].tool.driver.version).toBe('0.74.0');
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual([
      'DS-0002',
      'aws-access-key-id',
      'github-pat',
    ]);
  });
});
