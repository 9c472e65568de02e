import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recordingIO } from '@craftista/actions-shared';
import { bundleAction, committedBundle } from '../../shared/scripts/bundle.mjs';
import { run } from '../src/main.js';
import { reportsDir, sarifErrors } from './helpers.js';

const actionDir = fileURLToPath(new URL('..', import.meta.url));

/** A stand-in trivy on PATH: rate-limits the first N DB downloads, then writes a golden report as the scan. */
function fakeTrivy(dir: string, golden: string, rateLimited: number): { argvLog: string } {
  const argvLog = join(dir, 'argv.log');
  const counter = join(dir, 'count');
  writeFileSync(counter, '0');
  writeFileSync(
    join(dir, 'trivy'),
    `#!/bin/sh
echo "$*" >> '${argvLog}'
case "$*" in
  --version) echo "Version: 0.74.0"; exit 0 ;;
  *--download-db-only*)
    n=$(cat '${counter}'); echo $((n+1)) > '${counter}'
    if [ "$n" -lt ${rateLimited} ]; then echo "FATAL DB error: TOOMANYREQUESTS: retry-after" >&2; exit 1; fi
    exit 0 ;;
esac
while [ $# -gt 0 ]; do if [ "$1" = --output ]; then cp '${join(reportsDir, golden)}' "$2"; fi; shift; done
`,
  );
  chmodSync(join(dir, 'trivy'), 0o755);
  return { argvLog };
}

function setup(inputs: Record<string, string>, golden: string, rateLimited = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-scan-'));
  const fake = fakeTrivy(dir, golden, rateLimited);
  writeFileSync(join(dir, 'summary.md'), '');
  const io = recordingIO(inputs, {
    PATH: `${dir}:${process.env['PATH']}`,
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  });
  return { dir, io, ...fake };
}

describe('trivy-scan run()', () => {
  it('retries the DB download, scans, fails the gate and writes SARIF and the summary', async () => {
    const { dir, io, argvLog } = setup(
      { 'scan-type': 'image', target: 'ghcr.io/craftista/craftista-voting:sha-1', severity: 'CRITICAL' },
      'debian-buster.json.golden',
      2,
    );
    const waits: number[] = [];
    await expect(run(io, { sleep: async (ms) => void waits.push(ms), retryBaseMs: 5 })).rejects.toThrow(
      /1 finding\(s\) at or above CRITICAL: CVE-/,
    );
    expect(waits).toEqual([5, 10]);
    const calls = readFileSync(argvLog, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.includes('--download-db-only'))).toHaveLength(3);
    expect(calls.at(-1)).toMatch(
      /^image --format json --output .*trivy-report.json --scanners vuln,secret --exit-code 0 .*--skip-db-update/,
    );
    expect(io.outputs).toMatchObject({
      failed: 'true',
      gating: '1',
      total: '2',
      counts: '{"UNKNOWN":0,"LOW":1,"MEDIUM":0,"HIGH":0,"CRITICAL":1}',
    });
    const sarif = JSON.parse(readFileSync(join(dir, 'trivy-results.sarif'), 'utf8'));
    expect(sarifErrors(sarif)).toBe('');
    expect(sarif.runs[0].results.map((r: { level: string }) => r.level)).toEqual(['error']);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('**Failed**: 1 finding(s) at or above CRITICAL');
    expect(md).toMatch(
      /\| CRITICAL ⛔ \| HIGH \| MEDIUM \| LOW \| UNKNOWN \|\n\| ---: \| ---: \| ---: \| ---: \| ---: \|\n\| 1 \| 0 \| 0 \| 1 \| 0 \|/,
    );
  });

  it('passes with a warning about UNKNOWN severities, and honours fail: false', async () => {
    const unknowns = setup(
      { 'scan-type': 'fs', target: '.', scanners: 'vuln', 'skip-db-update': 'true' },
      'gomod.json.golden',
    );
    await run(unknowns.io);
    expect(unknowns.io.outputs['failed']).toBe('false');
    expect(unknowns.io.logs).toContain(
      'warning: 4 finding(s) of UNKNOWN severity do not gate (unknown-severity: UNKNOWN)',
    );
    expect(readFileSync(unknowns.argvLog, 'utf8')).not.toContain('--download-db-only');

    const soft = setup(
      { 'scan-type': 'fs', target: '.', scanners: 'secret', fail: 'false' },
      'secrets.json.golden',
    );
    await run(soft.io);
    expect(soft.io.outputs['failed']).toBe('true');
    expect(soft.io.logs.some((l) => l.startsWith('warning: 2 finding(s) at or above HIGH'))).toBe(true);
  });

  it('refuses a trivy of another version than the pinned one', async () => {
    const { io } = setup({ target: 'x', 'trivy-version': '0.70.0' }, 'npm.json.golden');
    await expect(run(io)).rejects.toThrow(/is trivy 0.74.0; this step is pinned to 0.70.0/);
  });

  it('gates an existing report without running trivy', async () => {
    const { io } = setup(
      {
        report: join(reportsDir, 'helm_testchart.json.golden'),
        severity: 'MEDIUM',
        'trivy-path': '/nonexistent',
      },
      'npm.json.golden',
    );
    await expect(run(io)).rejects.toThrow(/4 finding\(s\) at or above MEDIUM/);
    expect(io.outputs['gating']).toBe('4');
  });

  it('annotates a .trivyignore line Trivy does not read on that file and line, and logs the scan in a group', async () => {
    const { dir, io } = setup(
      { target: 'ghcr.io/craftista/craftista-voting:sha-1', 'skip-db-update': 'true' },
      'npm.json.golden',
    );
    writeFileSync(join(dir, '.trivyignore'), '# reviewed\nCVE-2099-0001 until:2030-01-01\n');
    await run(io).catch(() => undefined);
    expect(io.annotations).toEqual([
      {
        message: '.trivyignore line 2: "until:2030-01-01" is not read (Trivy reads only exp:YYYY-MM-DD)',
        file: '.trivyignore',
        startLine: 2,
      },
    ]);
    expect(io.groups).toEqual(['trivy image ghcr.io/craftista/craftista-voting:sha-1']);
  });
});

describe('dist', () => {
  it('is the bundle of the current sources (run `npm run build -w @craftista/trivy-scan`)', async () => {
    expect(
      committedBundle(actionDir) === (await bundleAction(actionDir)),
      'actions/trivy-scan/dist/index.js is stale',
    ).toBe(true);
  });
});
