// Command lines for the trivy CLI and the retrying vulnerability-DB download.
import { delimiter, join } from 'node:path';
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import type { ExecResult } from '@craftista/actions-shared/exec';

export const PINNED_TRIVY_VERSION = '0.74.0';
export type ScanType = 'image' | 'fs';
const SCANNERS = ['vuln', 'misconfig', 'secret', 'license'];

export interface ScanOptions {
  scanType: ScanType;
  target: string;
  scanners: string[];
  output: string;
  cacheDir?: string;
  /** Use the DB already in the cache (set after a successful download step). */
  skipDbUpdate: boolean;
  dbRepository?: string;
  timeout?: string;
  /**
   * The .trivyignore Trivy applies itself, when the file exists (trivy refuses an --ignorefile that does not;
   * without one it reads ./.trivyignore, which in the workspace is the same absent default). Its suppressions are
   * recorded in the report (--show-suppressed) so the step can count them.
   */
  ignoreFile?: string;
}

export function parseScanType(value: string): ScanType {
  const v = value.trim();
  if (v === 'image' || v === 'fs') return v;
  throw new Error(`input "scan-type" must be image or fs, got "${value}"`);
}

export function parseScanners(value: string, scanType: ScanType): string[] {
  const list = value.split(/[\s,]+/).filter((s) => s !== '');
  const chosen =
    list.length > 0 ? list : scanType === 'image' ? ['vuln', 'secret'] : ['vuln', 'secret', 'misconfig'];
  const bad = chosen.filter((s) => !SCANNERS.includes(s));
  if (bad.length > 0) throw new Error(`unknown scanner ${bad.join(', ')} (known: ${SCANNERS.join(', ')})`);
  return [...new Set(chosen)];
}

const common = (o: { cacheDir?: string; timeout?: string }): string[] => [
  '--skip-version-check',
  '--disable-telemetry',
  ...(o.cacheDir !== undefined ? ['--cache-dir', o.cacheDir] : []),
  ...(o.timeout !== undefined ? ['--timeout', o.timeout] : []),
];

/** `trivy <image|fs> … --format json`: every severity (the action applies the threshold); .trivyignore applied by Trivy. */
export function scanArgs(o: ScanOptions): string[] {
  const args = [
    o.scanType,
    '--format',
    'json',
    '--output',
    o.output,
    '--scanners',
    o.scanners.join(','),
    '--exit-code',
    '0',
    ...(o.ignoreFile !== undefined ? ['--ignorefile', o.ignoreFile] : []),
    '--show-suppressed',
  ];
  args.push(...common(o));
  if (o.scanners.includes('vuln')) {
    if (o.skipDbUpdate) args.push('--skip-db-update', '--skip-java-db-update');
    if (o.dbRepository !== undefined) args.push('--db-repository', o.dbRepository);
  }
  // The checks bundle embedded in the binary is used; no download from the registry.
  if (o.scanners.includes('misconfig')) args.push('--skip-check-update');
  args.push(o.target);
  return args;
}

export function downloadDbArgs(o: {
  scanType: ScanType;
  cacheDir?: string;
  dbRepository?: string;
  timeout?: string;
}): string[] {
  return [
    o.scanType,
    '--download-db-only',
    ...common(o),
    ...(o.dbRepository !== undefined ? ['--db-repository', o.dbRepository] : []),
  ];
}

export function isRateLimited(output: string): boolean {
  return /TOOMANYREQUESTS|429 Too Many Requests|rate limit/i.test(output);
}

export interface RetryOptions {
  attempts: number;
  /** First wait in ms; doubles each time. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
  /** A mirror (e.g. mirror.gcr.io/aquasec/trivy-db:2) tried when the primary stays rate limited. */
  mirror?: string;
}

/**
 * Downloads the vulnerability DB, retrying with exponential backoff while the registry answers
 * TOOMANYREQUESTS, then once per attempt on the mirror. Other failures stop at once.
 */
export async function downloadDbWithRetry(
  exec: (args: string[]) => Promise<ExecResult>,
  base: { scanType: ScanType; cacheDir?: string; timeout?: string; dbRepository?: string },
  retry: RetryOptions,
): Promise<{ attempts: number; repository: string | undefined }> {
  const repositories: Array<string | undefined> = [base.dbRepository];
  if (retry.mirror !== undefined && retry.mirror !== '') repositories.push(retry.mirror);
  let attempts = 0;
  let last = '';
  for (const repository of repositories) {
    for (let i = 0; i < retry.attempts; i++) {
      attempts++;
      const result = await exec(
        downloadDbArgs({ ...base, ...(repository !== undefined ? { dbRepository: repository } : {}) }),
      );
      if (result.code === 0) return { attempts, repository };
      last = `${result.stderr}${result.stdout}`;
      if (!isRateLimited(last))
        throw new Error(
          `trivy DB download failed (exit ${result.code}): ${last.trim().split('\n').slice(-3).join(' ')}`,
        );
      if (i < retry.attempts - 1) {
        const wait = retry.baseDelayMs * 2 ** i;
        retry.log(
          `trivy DB download rate limited (${repository ?? 'default repository'}); retrying in ${Math.round(wait / 1000)}s`,
        );
        await retry.sleep(wait);
      }
    }
    if (repositories.length > 1 && repository !== repositories.at(-1))
      retry.log(`still rate limited; switching to mirror ${retry.mirror}`);
  }
  throw new Error(
    `trivy DB download still rate limited after ${attempts} attempts: ${last.trim().split('\n').slice(-1)[0] ?? ''}`,
  );
}

/** The trivy binary: an explicit path, else the first `trivy` on PATH. */
export function findTrivy(explicit: string, path: string | undefined): string {
  const candidates =
    explicit !== ''
      ? [explicit]
      : (path ?? '')
          .split(delimiter)
          .filter((d) => d !== '')
          .map((d) => join(d, 'trivy'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(
    explicit !== ''
      ? `trivy-path ${explicit} is not an executable`
      : `trivy not found on PATH; install v${PINNED_TRIVY_VERSION} before this step (e.g. scripts/install-tools.sh trivy, which verifies it through the Go checksum database)`,
  );
}

/** Reads "Version: x.y.z" from `trivy --version`. */
export function parseTrivyVersion(output: string): string | undefined {
  return /^Version:\s*v?(\S+)/m.exec(output)?.[1];
}

/**
 * The module version Go embedded in the binary's build info ("mod\tgithub.com/aquasecurity/trivy\tv0.74.0").
 * A binary from `go install …@v0.74.0` reports "Version: dev" (no release ldflags) but carries this.
 */
export function embeddedModuleVersion(
  binary: string,
  module = 'github.com/aquasecurity/trivy',
): string | undefined {
  const needle = Buffer.from(`mod\t${module}\t`);
  const fd = openSync(binary, 'r');
  try {
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    let carry = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) return undefined;
      position += n;
      const window = Buffer.concat([carry, chunk.subarray(0, n)]);
      const at = window.indexOf(needle);
      if (at >= 0 && window.length - at > needle.length + 64) {
        const rest = window.subarray(at + needle.length, at + needle.length + 64).toString('latin1');
        return /^v([0-9][^\t\n]*)/.exec(rest)?.[1];
      }
      // keep a tail long enough for a match split across chunks (or a match too close to the end)
      carry = Buffer.from(window.subarray(Math.max(0, window.length - (needle.length + 64))));
    }
  } finally {
    closeSync(fd);
  }
}
