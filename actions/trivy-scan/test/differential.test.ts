// The action against the real trivy v0.74.0 on the same reports and the same .trivyignore: the findings left,
// their SARIF locations and the number hidden must be Trivy's own. Trivy's answer comes from `trivy convert`
// (for the committed reports) and from `trivy fs --ignorefile` (for a scanned tree), and its SARIF writer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '@craftista/actions-shared';
import { findTool } from '@craftista/testkit';
import { run } from '../src/main.js';
import { jsonGoldens, reportsDir, walkFindings } from './helpers.js';

const trivy = findTool('trivy', 'v0.74.0');
const trivyRun = (args: string[], cwd?: string): string =>
  execFileSync(trivy, ['--quiet', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(cwd !== undefined ? { cwd } : {}),
  });

// Dates relative to the real today (Trivy reads the real clock); the action gets the same instant injected.
const now = new Date();
const day = (offset: number): string =>
  new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const [yesterday, today, tomorrow] = [day(-1), day(0), day(1)];

interface SarifResult {
  ruleId: string;
  level: string;
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; endLine?: number };
    };
  }>;
}
/** One sorted line per SARIF result: rule, level and every location (uri and lines). */
function sarifKeys(sarif: { runs: Array<{ results: SarifResult[] }> }): string[] {
  return sarif.runs[0]!.results.map((r) =>
    [
      r.ruleId,
      r.level,
      ...r.locations.map(({ physicalLocation: { artifactLocation, region } }) => {
        return `${artifactLocation.uri}:${region.startLine}-${region.endLine ?? region.startLine}`;
      }),
    ].join(' '),
  ).sort();
}

const counts = (json: unknown) => {
  const c: Record<string, number> = { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
  for (const f of walkFindings(json)) c[f.severity] = (c[f.severity] ?? 0) + 1;
  return c;
};

/** The action in report mode at threshold UNKNOWN, so its SARIF holds every finding it keeps. */
async function actionOnReport(dir: string, report: string, ignoreFile = '') {
  const summary = join(dir, `summary-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(summary, '');
  const io = recordingIO(
    {
      report,
      trivyignore: ignoreFile,
      severity: 'UNKNOWN',
      fail: 'false',
      'report-file': join(dir, 'copy.json'),
      'sarif-file': join(dir, 'action.sarif'),
    },
    { GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary },
  );
  await run(io, { now: () => now });
  return {
    io,
    sarif: JSON.parse(readFileSync(join(dir, 'action.sarif'), 'utf8')),
    summary: readFileSync(summary, 'utf8'),
  };
}

const ignoredIn = (summary: string): number => Number(/(\d+) ignored by \.trivyignore/.exec(summary)?.[1]);

describe("against Trivy's SARIF writer, over every committed Trivy report", () => {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-sarif-'));
  it.each(jsonGoldens)('%s: every result at the file and lines Trivy gives it', async (file) => {
    const golden = join(reportsDir, file);
    const trivySarif = JSON.parse(trivyRun(['convert', '--format', 'sarif', golden]));
    expect(sarifKeys((await actionOnReport(dir, golden)).sarif)).toEqual(sarifKeys(trivySarif));
  });
});

describe('against trivy convert --ignorefile, over every committed Trivy report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-diff-'));
  // Every line form Trivy reads, on ids of the reports. Misconfigurations only by their id here: `trivy convert`
  // has no check metadata, so their AVD and legacy ids are held against a real scan below.
  const ignoreFile = join(dir, 'reports.trivyignore');
  writeFileSync(
    ignoreFile,
    [
      '# accepted risks, as a team writes them',
      'CVE-2019-14697',
      `CVE-2019-1549 exp:${yesterday}`,
      `CVE-2019-1551 exp:${today}`,
      `CVE-2019-18224 exp:${tomorrow}`,
      `CVE-2020-8165 exp:${tomorrow}`,
      `GMS-2022-20 # reviewed exp:${yesterday}`,
      'CVE-2021-38561 until:2099-01-01',
      'CVE-2022-23628 exp:2026-02-30',
      `aws-access-key-id exp:${today}`,
      `mysecret exp:${tomorrow}`,
      `DS-0002 exp:${tomorrow}`,
      'KSV-0118',
      `KSV-0001 exp:${yesterday}`,
      `KSV-0030 exp:${today}`,
      '',
    ].join('\n'),
  );

  it('has reports of every kind to hold it against', () => {
    expect(jsonGoldens.length).toBeGreaterThanOrEqual(8);
  });

  it.each(jsonGoldens)('%s: same findings, SARIF locations and ignored count as Trivy', async (file) => {
    const golden = join(reportsDir, file);
    const converted = JSON.parse(
      trivyRun(['convert', '--format', 'json', '--ignorefile', ignoreFile, golden]),
    );
    const trivySarif = JSON.parse(
      trivyRun(['convert', '--format', 'sarif', '--ignorefile', ignoreFile, golden]),
    );
    const own = await actionOnReport(dir, golden, ignoreFile);

    expect(sarifKeys(own.sarif)).toEqual(sarifKeys(trivySarif));
    expect(own.io.outputs['total']).toBe(String(walkFindings(converted).length));
    expect(JSON.parse(own.io.outputs['counts']!)).toEqual(counts(converted));
    const dropped =
      walkFindings(JSON.parse(readFileSync(golden, 'utf8'))).length - walkFindings(converted).length;
    expect(ignoredIn(own.summary)).toBe(dropped);
  });

  it('hides something in most reports, so the comparison is not of untouched reports', () => {
    const touched = jsonGoldens.filter((file) => {
      const golden = join(reportsDir, file);
      const converted = JSON.parse(
        trivyRun(['convert', '--format', 'json', '--ignorefile', ignoreFile, golden]),
      );
      return walkFindings(converted).length < walkFindings(JSON.parse(readFileSync(golden, 'utf8'))).length;
    });
    expect(touched.sort()).toEqual([
      'alpine-39.json.golden',
      'debian-buster.json.golden',
      'dockerfile.json.golden',
      'fluentd-gems.json.golden',
      'gomod.json.golden',
      'helm_testchart.json.golden',
      'secrets.json.golden',
    ]);
  });
});

describe('against trivy fs --ignorefile, on a scanned tree', () => {
  let dir: string;
  let tree: string;
  let ignoreFile: string;
  let unfiltered: string;
  let truthJson: unknown;
  let truthSarif: { runs: Array<{ results: SarifResult[] }> };
  let hidden: number;
  const scan = (extra: string[]) => [
    'fs',
    '--skip-version-check',
    '--disable-telemetry',
    '--cache-dir',
    join(dir, 'cache'),
    '--scanners',
    'misconfig,secret',
    '--skip-check-update',
    '--format',
    'json',
    ...extra,
    tree,
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trivy-diff-scan-'));
    tree = join(dir, 'tree');
    mkdirSync(join(tree, 'config'), { recursive: true });
    writeFileSync(
      join(tree, 'Dockerfile'),
      'FROM node:latest\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "main.js"]\n',
    );
    writeFileSync(
      join(tree, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n',
    );
    // Planted fake secrets, assembled at run time so no secret-shaped string is committed.
    const aws = ['AKIA', 'Q3EGRIT7', 'ZNV4HX2P'].join('');
    const pat = ['ghp_', 'x7Kq2mR9vT4wY6zB1nC3', 'dF5gH8jL0pS2uA4eI6oU'].join('');
    writeFileSync(join(tree, 'config', 'deploy.env'), `AWS_ACCESS_KEY_ID=${aws}\nGITHUB_TOKEN=${pat}\n`);
    // Every id form Trivy 0.74 matches a misconfiguration by, and today, yesterday and tomorrow as expiries.
    ignoreFile = join(dir, '.trivyignore');
    writeFileSync(
      ignoreFile,
      [
        'KSV-0014',
        'AVD-KSV-0118',
        `KSV012 exp:${tomorrow}`,
        `DS002 exp:${today}`,
        `AVD-DS-0026 exp:${yesterday}`,
        `KSV-0104 # accepted exp:${yesterday}`,
        `AVD-KSV-0011 exp:${tomorrow}`,
        `KSV106 exp:${yesterday}`,
        `github-pat exp:${tomorrow}`,
        `aws-access-key-id exp:${today}`,
        '',
      ].join('\n'),
    );
    unfiltered = join(dir, 'unfiltered.json');
    writeFileSync(join(dir, 'empty.trivyignore'), '');
    trivyRun(scan(['--ignorefile', join(dir, 'empty.trivyignore'), '--output', unfiltered]));
    const filtered = join(dir, 'filtered.json');
    trivyRun(scan(['--ignorefile', ignoreFile, '--output', filtered]));
    truthJson = JSON.parse(readFileSync(filtered, 'utf8'));
    truthSarif = JSON.parse(trivyRun(['convert', '--format', 'sarif', filtered]));
    hidden =
      walkFindings(JSON.parse(readFileSync(unfiltered, 'utf8'))).length - walkFindings(truthJson).length;
  }, 120_000);

  it('the ignore file hides findings of every id form, and expired rules hide nothing', () => {
    const left = walkFindings(truthJson).map((f) => f.id);
    for (const gone of ['KSV-0014', 'KSV-0118', 'KSV-0012', 'KSV-0011', 'github-pat'])
      expect(left).not.toContain(gone);
    for (const kept of ['DS-0002', 'DS-0026', 'KSV-0104', 'KSV-0106', 'aws-access-key-id'])
      expect(left).toContain(kept);
    expect(hidden).toBe(6); // KSV-0014, KSV-0118 twice, KSV-0012, KSV-0011, github-pat
  });

  it('report mode: the action keeps what Trivy keeps and counts what it hides', async () => {
    const own = await actionOnReport(dir, unfiltered, ignoreFile);
    expect(sarifKeys(own.sarif)).toEqual(sarifKeys(truthSarif));
    expect(JSON.parse(own.io.outputs['counts']!)).toEqual(counts(truthJson));
    expect(ignoredIn(own.summary)).toBe(hidden);
  });

  it('scan mode: .trivyignore in the workspace is applied once, and the summary counts what Trivy hid', async () => {
    const summary = join(dir, 'scan-summary.md');
    writeFileSync(summary, '');
    const io = recordingIO(
      {
        'scan-type': 'fs',
        target: 'tree',
        scanners: 'misconfig,secret',
        severity: 'UNKNOWN',
        fail: 'false',
        'trivy-path': trivy,
        'cache-dir': join(dir, 'cache'),
      },
      { GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary, PATH: process.env['PATH'], HOME: dir },
    );
    // A runner starts steps in the workspace; trivy reads ./.trivyignore of its working directory by default.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await run(io, { now: () => now });
    } finally {
      process.chdir(cwd);
    }
    const sarif = JSON.parse(readFileSync(join(dir, 'trivy-results.sarif'), 'utf8'));
    expect(sarifKeys(sarif)).toEqual(sarifKeys(truthSarif));
    expect(io.outputs['total']).toBe(String(walkFindings(truthJson).length));
    expect(ignoredIn(readFileSync(summary, 'utf8'))).toBe(hidden);
  });
});
