// Runs trivy (or reads a given report), applies the gate, writes SARIF, outputs and the summary.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { execCommand } from '@craftista/actions-shared/exec';
import { evaluate, parseTrivyIgnore, type GateOptions } from './gate.js';
import { getInputs } from './inputs.js';
import { findingsOf, parseReport, suppressedByIgnoreFile } from './report.js';
import { toSarif } from './sarif.js';
import { scanSummary } from './summary.js';
import {
  PINNED_TRIVY_VERSION,
  downloadDbWithRetry,
  embeddedModuleVersion,
  findTrivy,
  parseScanners,
  parseTrivyVersion,
  scanArgs,
} from './trivy.js';

export interface RunDeps {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** First DB-download retry wait (default 10 s). */
  retryBaseMs?: number;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const inputs = getInputs(io);
  const now = (deps.now ?? (() => new Date()))();
  const workspace = io.env['GITHUB_WORKSPACE'] || process.cwd();
  const resolvePath = (p: string): string => (p.startsWith('/') ? p : join(workspace, p));
  const gate: GateOptions = {
    threshold: inputs.severity,
    ignoreUnfixed: inputs.ignoreUnfixed,
    unknownAs: inputs.unknownSeverity,
    ignore: [],
    now,
  };
  const ignoreInput = inputs.trivyignore;
  const ignoreFile = ignoreInput || '.trivyignore';
  const ignorePath = resolvePath(ignoreFile);
  if (/\.ya?ml$/.test(ignorePath))
    throw new Error(
      `trivyignore ${ignoreInput}: the YAML ignore format is not supported; use the plain format`,
    );
  // Read (and checked) in both modes; applied by the action only to a given report, since a scan applies it itself.
  const ignoreRules = existsSync(ignorePath)
    ? parseTrivyIgnore(readFileSync(ignorePath, 'utf8'), (m, line) =>
        io.warning(m, { file: ignoreFile, startLine: line }),
      )
    : [];
  if (!existsSync(ignorePath) && ignoreInput !== '')
    throw new Error(`trivyignore file ${ignorePath} does not exist`);

  const reportFile = resolvePath(inputs.reportFile);
  const given = inputs.report;
  let toolVersion = PINNED_TRIVY_VERSION;
  let title: string;
  if (given !== '') {
    writeFileSync(reportFile, readFileSync(resolvePath(given)));
    title = given;
    gate.ignore = ignoreRules;
  } else {
    const { scanType, target } = inputs;
    if (target === '')
      throw new Error('input "target" is required (an image reference, or a directory for scan-type fs)');
    title = `${scanType} ${target}`;
    const env = { ...process.env, ...io.env };
    const trivy = findTrivy(inputs.trivyPath, env['PATH']);
    // In the workspace, as on a runner, so relative targets mean what they mean there.
    const exec = (args: string[]) => execCommand(trivy, args, { env, cwd: workspace });

    const versionOut = await exec(['--version']);
    const reported = parseTrivyVersion(versionOut.stdout);
    // A `go install`ed trivy says "dev"; its build info still names the module version it was built from.
    const found = reported === 'dev' ? (embeddedModuleVersion(trivy) ?? reported) : reported;
    const wanted = inputs.trivyVersion;
    if (found === undefined)
      throw new Error(`cannot read the version of ${trivy}: ${versionOut.stdout.trim()}`);
    if (wanted !== 'any' && found !== wanted)
      throw new Error(`${trivy} is trivy ${found}; this step is pinned to ${wanted}`);
    toolVersion = found;

    const scanners = parseScanners(inputs.scanners, scanType);
    const cacheDir = inputs.cacheDir || undefined;
    const dbRepository = inputs.dbRepository || undefined;
    let skipDbUpdate = inputs.skipDbUpdate;
    let usedRepository = dbRepository;
    if (scanners.includes('vuln') && !skipDbUpdate) {
      const got = await io.group('trivy vulnerability DB', () =>
        downloadDbWithRetry(
          exec,
          { scanType, ...(cacheDir ? { cacheDir } : {}), ...(dbRepository ? { dbRepository } : {}) },
          {
            attempts: inputs.dbRetries,
            baseDelayMs: deps.retryBaseMs ?? 10_000,
            sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
            log: (m) => io.warning(m),
            ...(inputs.dbMirror ? { mirror: inputs.dbMirror } : {}),
          },
        ),
      );
      usedRepository = got.repository;
      skipDbUpdate = true;
    }
    const args = scanArgs({
      scanType,
      target,
      scanners,
      output: reportFile,
      skipDbUpdate,
      ...(existsSync(ignorePath) ? { ignoreFile: ignorePath } : {}),
      ...(cacheDir ? { cacheDir } : {}),
      ...(usedRepository ? { dbRepository: usedRepository } : {}),
    });
    const scan = await io.group(`trivy ${scanType} ${target}`, () => {
      io.info(`trivy ${args.join(' ')}`);
      return exec(args);
    });
    if (scan.code !== 0)
      throw new Error(
        `trivy exited with ${scan.code}: ${scan.stderr.trim().split('\n').slice(-3).join(' ')}`,
      );
  }

  const report = parseReport(readFileSync(reportFile, 'utf8'), reportFile);
  const result = evaluate(findingsOf(report), { ...gate, suppressed: suppressedByIgnoreFile(report) });
  const sarifFile = resolvePath(inputs.sarifFile);
  const location = inputs.sarifLocation;
  const sarif = toSarif(result.gating, {
    toolVersion,
    unknownAs: gate.unknownAs,
    ...(location ? { location } : {}),
  });
  writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);

  io.output('failed', String(result.failed));
  io.output('gating', String(result.gating.length));
  io.output('total', String(result.findings.length));
  io.output('counts', JSON.stringify(result.counts));
  io.output('report-file', reportFile);
  io.output('sarif-file', sarifFile);
  await scanSummary(title, result, gate).write(io);
  if (result.unknownBelowThreshold > 0) {
    io.warning(
      `${result.unknownBelowThreshold} finding(s) of UNKNOWN severity do not gate (unknown-severity: ${gate.unknownAs})`,
    );
  }
  const message = `${result.gating.length} finding(s) at or above ${gate.threshold}: ${result.gating
    .slice(0, 5)
    .map((f) => `${f.id} (${f.severity})`)
    .join(', ')}${result.gating.length > 5 ? ', …' : ''}`;
  if (result.failed) {
    if (inputs.fail) throw new Error(message);
    io.warning(message);
  } else {
    io.info(`trivy gate passed: ${result.findings.length} finding(s), none at or above ${gate.threshold}`);
  }
}
