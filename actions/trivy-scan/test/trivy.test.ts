import { describe, expect, it } from 'vitest';
import type { ExecResult } from '@craftista/actions-shared';
import { downloadDbWithRetry, parseScanners, parseTrivyVersion, scanArgs } from '../src/trivy.js';

describe('trivy command lines', () => {
  it('scans an image for vulnerabilities and secrets with the DB already downloaded', () => {
    expect(
      scanArgs({
        scanType: 'image',
        target: 'ghcr.io/craftista/craftista-voting@sha256:abc',
        scanners: parseScanners('', 'image'),
        output: '/w/r.json',
        skipDbUpdate: true,
        cacheDir: '/c',
        ignoreFile: '/w/.trivyignore',
      }),
    ).toEqual([
      'image',
      '--format',
      'json',
      '--output',
      '/w/r.json',
      '--scanners',
      'vuln,secret',
      '--exit-code',
      '0',
      '--ignorefile',
      '/w/.trivyignore',
      '--show-suppressed',
      '--skip-version-check',
      '--disable-telemetry',
      '--cache-dir',
      '/c',
      '--skip-db-update',
      '--skip-java-db-update',
      'ghcr.io/craftista/craftista-voting@sha256:abc',
    ]);
  });

  it('scans a directory for misconfigurations and secrets using the embedded checks only', () => {
    expect(
      scanArgs({
        scanType: 'fs',
        target: 'apps/voting',
        scanners: ['misconfig', 'secret'],
        output: 'r.json',
        skipDbUpdate: false,
        ignoreFile: '/w/ci.trivyignore',
      }),
    ).toEqual([
      'fs',
      '--format',
      'json',
      '--output',
      'r.json',
      '--scanners',
      'misconfig,secret',
      '--exit-code',
      '0',
      '--ignorefile',
      '/w/ci.trivyignore',
      '--show-suppressed',
      '--skip-version-check',
      '--disable-telemetry',
      '--skip-check-update',
      'apps/voting',
    ]);
    expect(() => parseScanners('vuln,sbom', 'fs')).toThrow(/unknown scanner sbom/);
    expect(parseTrivyVersion('Version: 0.74.0\nVulnerability DB:\n')).toBe('0.74.0');
  });
});

describe('vulnerability DB download', () => {
  const limited: ExecResult = {
    code: 1,
    stdout: '',
    stderr:
      'FATAL init error: DB error: failed to download vulnerability DB: OCI repository error: GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 380.391µs, allowed: 44000/minute',
  };
  const ok: ExecResult = { code: 0, stdout: '', stderr: '' };

  function scripted(...answers: ExecResult[]) {
    const calls: string[][] = [];
    return { calls, exec: async (args: string[]) => (calls.push(args), answers.shift() ?? ok) };
  }

  it('retries a rate-limited download with exponential backoff', async () => {
    const { calls, exec } = scripted(limited, limited, ok);
    const waits: number[] = [];
    const got = await downloadDbWithRetry(
      exec,
      { scanType: 'image', cacheDir: '/c' },
      { attempts: 3, baseDelayMs: 10_000, sleep: async (ms) => void waits.push(ms), log: () => {} },
    );
    expect(got).toEqual({ attempts: 3, repository: undefined });
    expect(waits).toEqual([10_000, 20_000]);
    expect(calls[0]).toEqual([
      'image',
      '--download-db-only',
      '--skip-version-check',
      '--disable-telemetry',
      '--cache-dir',
      '/c',
    ]);
  });

  it('moves to the mirror when the primary stays rate limited', async () => {
    const { calls, exec } = scripted(limited, limited, limited, ok);
    const logs: string[] = [];
    const got = await downloadDbWithRetry(
      exec,
      { scanType: 'fs' },
      {
        attempts: 3,
        baseDelayMs: 1,
        sleep: async () => {},
        log: (m) => logs.push(m),
        mirror: 'mirror.gcr.io/aquasec/trivy-db:2',
      },
    );
    expect(got).toEqual({ attempts: 4, repository: 'mirror.gcr.io/aquasec/trivy-db:2' });
    expect(calls[3]).toContain('--db-repository');
    expect(logs.at(-1)).toMatch(/switching to mirror/);
  });

  it('gives up after the attempts, and at once on an error that is not rate limiting', async () => {
    await expect(
      downloadDbWithRetry(
        scripted(limited, limited).exec,
        { scanType: 'fs' },
        { attempts: 2, baseDelayMs: 1, sleep: async () => {}, log: () => {} },
      ),
    ).rejects.toThrow(/still rate limited after 2 attempts/);
    const other = scripted({ code: 1, stdout: '', stderr: 'FATAL: no space left on device' });
    await expect(
      downloadDbWithRetry(
        other.exec,
        { scanType: 'fs' },
        { attempts: 3, baseDelayMs: 1, sleep: async () => {}, log: () => {} },
      ),
    ).rejects.toThrow(/no space left/);
    expect(other.calls).toHaveLength(1);
  });
});

describe('version of a go-installed trivy', () => {
  it('is read from the Go build info when --version says dev, even across read chunks', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { embeddedModuleVersion } = await import('../src/trivy.js');
    const dir = mkdtempSync(join(tmpdir(), 'buildinfo-'));
    const info =
      'path\tgithub.com/aquasecurity/trivy/cmd/trivy\nmod\tgithub.com/aquasecurity/trivy\tv0.74.0\th1:B2/h1Aehsq=\n';
    // place the build info across the 8 MiB chunk boundary
    const at = 8 * 1024 * 1024 - 20;
    const bin = Buffer.alloc(at + 4096, 0);
    bin.write(info, at, 'latin1');
    writeFileSync(join(dir, 'trivy'), bin);
    expect(embeddedModuleVersion(join(dir, 'trivy'))).toBe('0.74.0');
    writeFileSync(join(dir, 'other'), Buffer.alloc(1024, 1));
    expect(embeddedModuleVersion(join(dir, 'other'))).toBeUndefined();
  });
});
