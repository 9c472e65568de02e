// scripts/install-tools.sh picks each tool's source in order — mirror, release download, Go build — and refuses a
// binary whose checksum does not match. Exercised with temp dirs, a local HTTP server standing in for the release
// hosts, and a recording `go` on PATH (a real source build takes minutes; the choice is what is under test here).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PINNED_TOOLS } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'scripts', 'install-tools.sh');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fakeBinary = (tool: string) => Buffer.from(`#!/bin/sh\necho "${tool} from the test"\n`);

interface Run {
  code: number;
  out: string;
}

async function install(env: Record<string, string>, ...tools: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [script, ...tools], {
      env: { ...process.env, ...env },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** A tar.gz holding dir/<tool>, made with the system tar as release archives are. */
async function tarball(work: string, tool: string): Promise<Buffer> {
  const src = mkdtempSync(path.join(work, 'tar-'));
  mkdirSync(path.join(src, 'linux-amd64'));
  writeFileSync(path.join(src, 'linux-amd64', tool), fakeBinary(tool), { mode: 0o755 });
  const out = path.join(work, `${tool}.tar.gz`);
  await promisify(execFile)('tar', ['-czf', out, '-C', src, 'linux-amd64']);
  return readFileSync(out);
}

describe('scripts/install-tools.sh', () => {
  let work: string;
  let server: Server;
  let releases: string;
  const served = new Map<string, Buffer>();
  const requested: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'install-tools-'));
    server = createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? '');
      requested.push(url);
      const body = served.get(url);
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    releases = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const dirs = () => {
    const base = mkdtempSync(path.join(work, 'case-'));
    const mirror = path.join(base, 'mirror');
    mkdirSync(mirror);
    return { tools: path.join(base, 'tools'), mirror, sums: path.join(base, 'sums') };
  };

  it('installs a tool from the mirror when its .gz matches the pinned sum', async () => {
    const d = dirs();
    const gz = gzipSync(fakeBinary('kustomize'));
    writeFileSync(path.join(d.mirror, 'kustomize-v5.7.1.gz'), gz);
    writeFileSync(d.sums, `${sha256(gz)}  kustomize-v5.7.1.gz\n`);
    const run = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: d.mirror, CRAFTISTA_TOOLS_SUMS: d.sums },
      'kustomize',
    );
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`kustomize v5.7.1 installed from mirror ${d.mirror}`);
    const bin = path.join(d.tools, 'kustomize-v5.7.1', 'kustomize');
    expect(readFileSync(bin)).toEqual(fakeBinary('kustomize'));
    // a second run reuses it
    const again = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: d.mirror },
      'kustomize',
    );
    expect(again.out).toContain('kustomize v5.7.1 ready');
  });

  it('refuses a mirror file whose sum is not the pinned one, installing nothing', async () => {
    const d = dirs();
    writeFileSync(path.join(d.mirror, 'helm-v3.22.0.gz'), gzipSync(Buffer.from('tampered')));
    writeFileSync(d.sums, `${'0'.repeat(64)}  helm-v3.22.0.gz\n`);
    const run = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: d.mirror, CRAFTISTA_TOOLS_SUMS: d.sums },
      'helm',
    );
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/REFUSED .*helm-v3\.22\.0\.gz: sha256 [0-9a-f]{64}, pinned 0{64}/);
    expect(existsSync(path.join(d.tools, 'helm-v3.22.0', 'helm'))).toBe(false);
  });

  it('pins a mirror sum for each tool npm test runs, at the versions the testkit looks for', () => {
    const pinned = readFileSync(path.join(root, 'scripts', 'tools.sha256'), 'utf8');
    const versions = Object.fromEntries(
      [...readFileSync(script, 'utf8').matchAll(/\[([a-z-]+)\]=(v[\d.]+)/g)].map(([, tool, version]) => [
        tool,
        version,
      ]),
    );
    expect(versions).toEqual(PINNED_TOOLS);
    for (const tool of ['ferretdb', 'compose-config', 'actionlint', 'kustomize', 'helm', 'trivy']) {
      expect(pinned).toMatch(new RegExp(`^[0-9a-f]{64}  ${tool}-${versions[tool]}\\.gz$`, 'm'));
    }
  });

  it('installs a bare-binary release (buildx) checked against its checksums file', async () => {
    const d = dirs();
    const binary = fakeBinary('buildx');
    served.set('/docker/buildx/releases/download/v0.38.2/buildx-v0.38.2.linux-amd64', binary);
    served.set(
      '/docker/buildx/releases/download/v0.38.2/checksums.txt',
      Buffer.from(`${sha256(binary)} *buildx-v0.38.2.linux-amd64\n`),
    );
    const run = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: d.mirror, CRAFTISTA_TOOLS_RELEASES: releases },
      'buildx',
    );
    expect(run.code, run.out).toBe(0);
    expect(readFileSync(path.join(d.tools, 'buildx-v0.38.2', 'buildx'))).toEqual(binary);
  });

  it('without a mirror file, downloads the release and checks it against the published checksums', async () => {
    const d = dirs();
    const archive = await tarball(work, 'trivy');
    served.set('/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz', archive);
    served.set(
      '/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_checksums.txt',
      Buffer.from(
        `${'1'.repeat(64)}  trivy_0.74.0_macOS-64bit.tar.gz\n${sha256(archive)}  trivy_0.74.0_Linux-64bit.tar.gz\n`,
      ),
    );
    const run = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: d.mirror, CRAFTISTA_TOOLS_RELEASES: releases },
      'trivy',
    );
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('trivy v0.74.0 installed from release, checksum verified');
    expect(readFileSync(path.join(d.tools, 'trivy-v0.74.0', 'trivy'))).toEqual(fakeBinary('trivy'));
  });

  it('refuses a release archive that does not match its published checksum', async () => {
    const d = dirs();
    const archive = await tarball(work, 'actionlint');
    served.set('/rhysd/actionlint/releases/download/v1.7.12/actionlint_1.7.12_linux_amd64.tar.gz', archive);
    served.set(
      '/rhysd/actionlint/releases/download/v1.7.12/actionlint_1.7.12_checksums.txt',
      Buffer.from(`${'2'.repeat(64)}  actionlint_1.7.12_linux_amd64.tar.gz\n`),
    );
    const run = await install(
      { CRAFTISTA_TOOLS_DIR: d.tools, CRAFTISTA_TOOLS_MIRROR: '', CRAFTISTA_TOOLS_RELEASES: releases },
      'actionlint',
    );
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /REFUSED .*actionlint_1\.7\.12_linux_amd64\.tar\.gz: sha256 [0-9a-f]{64}, published 2{64}/,
    );
    expect(existsSync(path.join(d.tools, 'actionlint-v1.7.12', 'actionlint'))).toBe(false);
  });

  it('falls back to a Go build of the pinned module when neither mirror nor release has it', async () => {
    const d = dirs();
    const bin = path.join(work, 'fake-go-bin');
    mkdirSync(bin, { recursive: true });
    const log = path.join(work, 'go-calls');
    // Records how it was called and "builds" into GOBIN, as go install does.
    writeFileSync(
      path.join(bin, 'go'),
      `#!/bin/sh\necho "GOEXPERIMENT=$GOEXPERIMENT $*" >> ${log}\nprintf '#!/bin/sh\\necho built\\n' > "$GOBIN/kustomize"\n`,
    );
    chmodSync(path.join(bin, 'go'), 0o755);
    const before = requested.length;
    const run = await install(
      {
        CRAFTISTA_TOOLS_DIR: d.tools,
        CRAFTISTA_TOOLS_MIRROR: d.mirror,
        CRAFTISTA_TOOLS_RELEASES: releases,
        PATH: `${bin}:${process.env.PATH}`,
      },
      'kustomize',
    );
    expect(run.code, run.out).toBe(0);
    expect(requested.slice(before)).toContain(
      '/kubernetes-sigs/kustomize/releases/download/kustomize/v5.7.1/kustomize_v5.7.1_linux_amd64.tar.gz',
    );
    expect(run.out).toContain('kustomize v5.7.1: building from source with Go (~4 min on 2 cores)');
    expect(readFileSync(log, 'utf8').trim()).toBe(
      'GOEXPERIMENT=jsonv2 install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1',
    );
    expect(existsSync(path.join(d.tools, 'kustomize-v5.7.1', 'kustomize'))).toBe(true);
  });

  it('stamps a source-built buildx with its version, and builds again one that reports none', async () => {
    const d = dirs();
    const bin = path.join(work, 'go-buildx-bin');
    mkdirSync(bin, { recursive: true });
    const log = path.join(work, 'go-buildx-calls');
    // A buildx built before the stamp, as docker compose would refuse it.
    mkdirSync(path.join(d.tools, 'buildx-v0.38.2'), { recursive: true });
    writeFileSync(
      path.join(d.tools, 'buildx-v0.38.2', 'buildx'),
      '#!/bin/sh\necho "github.com/docker/buildx v0.0.0+unknown"\n',
    );
    chmodSync(path.join(d.tools, 'buildx-v0.38.2', 'buildx'), 0o755);
    // Records its arguments; the "built" buildx reports the version the -X flag gave it.
    writeFileSync(
      path.join(bin, 'go'),
      `#!/bin/sh\necho "$*" >> ${log}\nv=$(echo "$*" | sed -n 's/.*version.Version=\\(v[0-9.]*\\).*/\\1/p')\nprintf '#!/bin/sh\\necho "github.com/docker/buildx %s"\\n' "$v" > "$GOBIN/buildx"\n`,
    );
    chmodSync(path.join(bin, 'go'), 0o755);
    const env = {
      CRAFTISTA_TOOLS_DIR: d.tools,
      CRAFTISTA_TOOLS_MIRROR: '',
      CRAFTISTA_TOOLS_RELEASES: 'off',
      PATH: `${bin}:${process.env.PATH}`,
    };
    const run = await install(env, 'buildx');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('does not report its version: building it again');
    expect(readFileSync(log, 'utf8').trim()).toBe(
      'install -ldflags=-X github.com/docker/buildx/version.Version=v0.38.2 github.com/docker/buildx/cmd/buildx@v0.38.2',
    );
    const again = await install(env, 'buildx');
    expect(again.out).toContain('buildx v0.38.2 ready');
  });

  it('says what is missing when it cannot build from source', async () => {
    const d = dirs();
    const run = await install(
      {
        CRAFTISTA_TOOLS_DIR: d.tools,
        CRAFTISTA_TOOLS_MIRROR: '',
        CRAFTISTA_TOOLS_RELEASES: 'off',
        PATH: '/usr/bin:/bin',
      },
      'ferretdb',
    );
    expect(run.code).toBe(1);
    expect(run.out).toContain('ferretdb v1.24.2: no mirror, no release reachable, and no Go to build it');
  });
});
