// npm run test:delivery — one delivery played on this machine with no internet: a commit to an app in a scratch
// clone, then .github/workflows/images.yml run by act (github.com/nektos/act) on the host with our local actions as
// they are; only the third-party actions that need the internet are replaced, by the stand-ins in ./standins (listed
// in STANDINS with why). Images are built by buildx in a private Docker engine (scripts/containers/engine.sh) and
// pushed to Debian's docker-registry; the GitOps repository lives in the GitHub-shaped server (test/github-server)
// seeded from deploy/gitops. One line per stage with its time; exits 1 on the first failed check.
// SonarQube (sonar-application from Maven Central, run as the user sonar with vm.max_map_count=262144) is started
// once for the quality gate step. CRAFTISTA_DELIVERY_SONAR=0 skips it (its start takes minutes): the scratch copy
// of images.yml then loses its gate step, and the run says so.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, stripVTControlCharacters } from 'node:util';
import { findTool } from '@craftista/testkit';
import { parse } from 'yaml';
import { GitHubServer } from '../github-server/src/index.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const GITOPS = 'craftista/craftista-gitops';
const APP_TOKEN = 'ghs_delivery_installation_token';
const SONAR_VERSION = '25.6.0.109173';
const SONAR_ZIP = `https://repo1.maven.org/maven2/org/sonarsource/sonarqube/sonar-application/${SONAR_VERSION}/sonar-application-${SONAR_VERSION}.zip`;
const withSonar = process.env['CRAFTISTA_DELIVERY_SONAR'] !== '0';

/**
 * The third-party actions of images.yml replaced for an offline run, each by a local composite action doing the
 * local equivalent (act's --local-repository swaps the pinned reference for the folder). Everything else runs as is.
 */
const STANDINS: Record<string, { dir: string; why: string }> = {
  'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683': {
    dir: 'checkout',
    why: 'act copies the scratch clone, history included, into the workspace',
  },
  'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020': {
    dir: 'setup-node',
    why: "the host's Node 20 is the version the workflow asks for",
  },
  'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435': {
    dir: 'setup-buildx',
    why: 'buildx v0.38.2 is installed as the CLI plugin, using the engine’s own builder',
  },
  'docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772': {
    dir: 'login',
    why: 'the local registry asks for no login',
  },
  'actions/cache@5a3ec84eff668545956fd18022155c47e93e2684': {
    dir: 'cache',
    why: 'no cache service offline; the pinned tools are in the machine’s tool cache already',
  },
  // a path inside its repository: the folder holds upload-sarif/
  'github/codeql-action@ff0a06e83cb2de871e5a09832bc6a81e7276941f': {
    dir: 'codeql-action',
    why: 'code scanning is not reachable; the SARIF is recorded for the test to check',
  },
  'actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5': {
    dir: 'setup-go',
    why: "go.dev cannot be reached; the host's Go 1.26 is the version ci.yml asks for",
  },
  'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02': {
    dir: 'upload-artifact',
    why: 'no artifact service offline; the files are copied into the run’s records',
  },
  'actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e': {
    dir: 'create-github-app-token',
    why: 'the GitHub-shaped server’s App installation token replaces one minted from the App key',
  },
};

const started = performance.now();
const cleanups: (() => Promise<void> | void)[] = [];
let failed = 0;
let passed = 0;

async function stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    const out = await fn();
    passed++;
    console.log(`delivery: ${name} ... ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    return out;
  } catch (e) {
    failed++;
    console.log(`delivery: ${name} ... FAILED (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    throw e;
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

async function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return exec(cmd, args, { maxBuffer: 64 << 20, ...opts });
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A pinned tool beyond the six npm test provisions (act, buildx): install-tools.sh puts it in the tool cache once. */
async function goTool(name: 'act' | 'buildx' | 'docker-compose'): Promise<string> {
  await sh('bash', [join(ROOT, 'scripts', 'install-tools.sh'), name]);
  return findTool(name);
}

function background(
  cmd: string,
  args: string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const out = join(log);
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  child.on('exit', () => writeFileSync(out, Buffer.concat(chunks)));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill();
  });
  return child;
}

async function waitFor(what: string, seconds: number, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < seconds * 2; i++) {
    if (
      await probe().catch((e: Error) => {
        if (e.message.includes('exited')) throw e;
        return false;
      })
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up within ${seconds} s`);
}

/** SonarQube started from its Maven Central distribution (checked against the published SHA-1); url and a token. */
async function sonarQube(work: string): Promise<{ url: string; token: string }> {
  const cache = join(homedir(), '.cache', 'craftista', 'sonarqube');
  const zip = join(cache, `sonar-application-${SONAR_VERSION}.zip`);
  if (!existsSync(zip)) {
    mkdirSync(cache, { recursive: true });
    await sh('curl', ['-fsSL', '--max-time', '1800', '-o', `${zip}.part`, SONAR_ZIP]);
    const want = (await (await fetch(`${SONAR_ZIP}.sha1`)).text()).trim().split(/\s+/)[0];
    const got = (await sh('sha1sum', [`${zip}.part`])).stdout.split(' ')[0];
    check(got === want, `${SONAR_ZIP}: sha1 ${got}, published ${want}`);
    await sh('mv', [`${zip}.part`, zip]);
  }
  // The server writes into its own folder (plugin downloads), so the unpacked copy belongs to its user.
  const home = `/var/cache/craftista/sonarqube-${SONAR_VERSION}`;
  await sh('bash', [
    '-c',
    `id sonar >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sonar
     [ -d "${home}" ] || { mkdir -p /var/cache/craftista && unzip -q -o "${zip}" -d /var/cache/craftista && chown -R sonar "${home}"; }
     [ "$(sysctl -n vm.max_map_count)" -ge 262144 ] || sysctl -qw vm.max_map_count=262144`,
  ]);
  const dirs = join(work, 'sonar');
  chmodSync(work, 0o755); // the sonar user reaches its folders through the run's own
  for (const d of ['data', 'logs', 'temp']) mkdirSync(join(dirs, d), { recursive: true });
  await sh('chown', ['-R', 'sonar', dirs]);
  const port = await freePort();
  const search = await freePort();
  const child = spawn(
    'runuser',
    [
      '-u',
      'sonar',
      '--',
      'java',
      '-Xms32m',
      '-Xmx64m',
      '-jar',
      join(home, 'lib', `sonar-application-${SONAR_VERSION}.jar`),
      '-Dsonar.web.host=127.0.0.1',
      `-Dsonar.web.port=${port}`,
      '-Dsonar.search.host=127.0.0.1',
      `-Dsonar.search.port=${search}`,
      `-Dsonar.path.data=${dirs}/data`,
      `-Dsonar.path.logs=${dirs}/logs`,
      `-Dsonar.path.temp=${dirs}/temp`,
      '-Dsonar.telemetry.enable=false',
    ],
    { detached: true, stdio: 'ignore' },
  );
  cleanups.push(async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.on('exit', r));
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('SonarQube', 900, async () => {
    check(child.exitCode === null, `SonarQube exited ${child.exitCode}; its logs: ${dirs}/logs`);
    const r = await fetch(`${url}/api/system/status`);
    return ((await r.json()) as { status: string }).status === 'UP';
  });
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const r = await fetch(`${url}/api/user_tokens/generate?name=delivery`, {
    method: 'POST',
    headers: { authorization: auth },
  });
  const body = await r.text();
  check(r.ok, `SonarQube token: ${r.status} ${body}`);
  return { url, token: (JSON.parse(body) as { token: string }).token };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'delivery-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const records = join(work, 'records');
  mkdirSync(records);
  // Logs stay where CI keeps test artifacts.
  const artifacts = join(ROOT, 'test-artifacts', 'delivery');
  mkdirSync(artifacts, { recursive: true });

  await stage('machine: dockerd, docker-registry, Go, git and unzip present', async () => {
    const has = async (bin: string) =>
      (await sh('bash', ['-c', `command -v ${bin} || true`])).stdout.trim() !== '';
    // Debian's packages are installed here when missing (as root), as npm test and the containers tier do.
    const packages = {
      dockerd: 'docker.io',
      'docker-registry': 'docker-registry',
      git: 'git',
      unzip: 'unzip',
    };
    const absent: string[] = [];
    for (const [bin, pkg] of Object.entries(packages)) if (!(await has(bin))) absent.push(pkg);
    if (absent.length > 0 && process.getuid?.() === 0 && (await has('apt-get'))) {
      console.log(`delivery: installing ${absent.join(' ')} with apt-get (~1 min)`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      await sh('apt-get', ['update', '-qq'], { env });
      await sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...absent], { env });
    }
    const missing: string[] = [];
    for (const [bin, how] of [
      ['dockerd', 'apt-get install -y docker.io'],
      ['docker-registry', 'apt-get install -y docker-registry'],
      ['go', 'Go 1.26 (builds act and buildx from the Go module proxy)'],
      ['git', 'apt-get install -y git'],
      ['unzip', 'apt-get install -y unzip'],
    ] as const)
      if (!(await has(bin))) missing.push(`${bin}: ${how}`);
    check(missing.length === 0, `missing on this machine:\n  ${missing.join('\n  ')}`);
  });

  const {
    act: actBin,
    dockerConfig,
    composeConfig,
    trivyCache,
  } = await stage(
    'tools: act, buildx and compose (Go module proxy, cached); a vulnerability DB from fixture advisories',
    async () => {
      const act = await goTool('act');
      const buildx = await goTool('buildx');
      const dockerConfig = join(work, 'docker-config');
      mkdirSync(join(dockerConfig, 'cli-plugins'), { recursive: true });
      symlinkSync(buildx, join(dockerConfig, 'cli-plugins', 'docker-buildx'));
      // ci.yml's compose job gets compose without buildx: with buildx, compose builds through bake, which refuses
      // the host network (BUILD_NETWORK) that builds in this engine need; the engine's own builder allows it.
      const composeConfig = join(work, 'docker-config-compose');
      mkdirSync(join(composeConfig, 'cli-plugins'), { recursive: true });
      symlinkSync(await goTool('docker-compose'), join(composeConfig, 'cli-plugins', 'docker-compose'));
      // Trivy's published DB cannot be downloaded offline: one is written from fixture advisories, in the format
      // of Trivy's own integration tests (./trivy-db), so the real trivy scans the pushed image for vulnerabilities.
      const fixtureDb = join(work, 'trivy-fixture-db');
      await sh('go', ['build', '-o', fixtureDb, '.'], { cwd: join(HERE, 'trivy-db') });
      const trivyCache = join(work, 'trivy-cache');
      await sh(fixtureDb, [trivyCache, join(HERE, 'trivy-db', 'advisories.yaml')]);
      return { act, dockerConfig, composeConfig, trivyCache };
    },
  );

  const { dockerHost, baseImages } = await stage(
    'engine: private dockerd and the local base images',
    async () => {
      const env = {
        ...process.env,
        CRAFTISTA_DOCKER_DATA:
          process.env['CRAFTISTA_DELIVERY_DOCKER_DATA'] ??
          join(homedir(), '.cache', 'craftista', 'docker-delivery'),
        CRAFTISTA_DOCKER_RUN: '/run/craftista-delivery',
      };
      const { stdout } = await sh(join(ROOT, 'scripts', 'containers', 'engine.sh'), ['start'], { env });
      cleanups.push(async () => {
        await sh(join(ROOT, 'scripts', 'containers', 'engine.sh'), ['stop'], { env });
      });
      const host = /DOCKER_HOST=(\S+)/.exec(stdout)![1]!;
      const denv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: dockerConfig };
      // `export NODE_IMAGE=... MONGO_IMAGE=... POSTGRES_IMAGE=... REDIS_IMAGE=...`
      const exported = (await sh(join(ROOT, 'scripts', 'containers', 'base-images.sh'), [], { env: denv }))
        .stdout;
      const baseImages = Object.fromEntries(
        [...exported.matchAll(/(\w+_IMAGE)=(\S+)/g)].map((m) => [m[1]!, m[2]!]),
      );
      // docker/Dockerfile's default base is node:20-alpine: the engine's builder takes the local image of that name.
      await sh('docker', ['tag', baseImages['NODE_IMAGE']!, 'node:20-alpine'], { env: denv });
      return { dockerHost: host, baseImages };
    },
  );

  const registry = await stage("registry: Debian's docker-registry on loopback", async () => {
    const port = await freePort();
    const config = join(work, 'registry.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'registry')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    background('docker-registry', ['serve', config], join(work, 'registry.log'));
    await waitFor('docker-registry', 30, async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok);
    return `127.0.0.1:${port}`;
  });

  const { server, repo, before } = await stage(
    'scratch clone with one commit to apps/voting, GitOps repository on the GitHub-shaped server',
    async () => {
      const repo = join(work, 'repo');
      await sh('git', ['clone', '-q', ROOT, repo]);
      const git = (...a: string[]) =>
        sh('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', ...a], { cwd: repo });
      // This deployment's registry is the local one: the services file and the GitOps repository name it.
      const local = (text: string) => text.replaceAll('ghcr.io/craftista/', `${registry}/craftista/`);
      const services = join(repo, 'craftista.services.yaml');
      writeFileSync(services, local(readFileSync(services, 'utf8')));
      await git('commit', '-q', '-am', 'deploy to the local registry');
      const before = (await git('rev-parse', 'HEAD')).stdout.trim();
      const app = join(repo, 'apps', 'voting', 'src', 'app.ts');
      writeFileSync(app, `${readFileSync(app, 'utf8')}// delivery run\n`);
      await git('commit', '-q', '-am', 'voting: a change to deliver');

      const gitops = join(work, 'gitops');
      cpSync(join(ROOT, 'deploy', 'gitops'), gitops, { recursive: true });
      await sh(
        'bash',
        [
          '-c',
          `grep -rl 'ghcr.io/craftista/' . | xargs sed -i 's#ghcr.io/craftista/#${registry}/craftista/#g'`,
        ],
        { cwd: gitops },
      );
      const server = await GitHubServer.start({
        tokens: {
          [APP_TOKEN]: {
            kind: 'installation',
            login: 'craftista-bot',
            contents: 'write',
            pullRequests: 'write',
          },
        },
      });
      cleanups.push(() => server.close());
      await server.createRepo(GITOPS, gitops);
      return { server, repo, before };
    },
  );

  const sonar = withSonar
    ? await stage(`SonarQube ${SONAR_VERSION} started (Maven Central distribution)`, () => sonarQube(work))
    : undefined;
  if (!sonar) {
    // No server: the scratch copy of images.yml goes without its gate step (and says so here).
    const wf = join(repo, '.github', 'workflows', 'images.yml');
    const text = readFileSync(wf, 'utf8');
    const gate = /\n {6}- name: SonarQube quality gate\n(?: {8}.*\n)+/.exec(text);
    check(gate !== null, 'images.yml has no SonarQube quality gate step to leave out');
    writeFileSync(wf, text.replace(gate![0], '\n'));
    await sh(
      'git',
      ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-am', 'no SonarQube here'],
      { cwd: repo },
    );
    console.log('delivery: CRAFTISTA_DELIVERY_SONAR=0: the quality gate step is left out of this run');
  }
  const after = (await sh('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
  const actEnv: Record<string, string> = {
    GITHUB_SERVER_URL: server.serverUrl,
    GITHUB_API_URL: server.apiUrl,
    GITHUB_GRAPHQL_URL: server.graphqlUrl,
    GITHUB_REPOSITORY: 'craftista/craftista',
    DOCKER_HOST: dockerHost,
    DOCKER_CONFIG: dockerConfig,
    DELIVERY_RECORDS: records,
    DELIVERY_APP_TOKEN: APP_TOKEN,
    TRIVY_INSECURE: 'true',
    TURBO_TELEMETRY_DISABLED: '1',
  };
  // BUILD_NETWORK: the private engine's bridges have no route out, so image builds' RUN steps use the host's.
  // TRIVY_*: trivy's published vulnerability DB cannot be downloaded here; the scan uses the fixture DB.
  const actVars = [
    'CRAFTISTA_APP_ID=1',
    'BUILD_NETWORK=host',
    `TRIVY_CACHE_DIR=${trivyCache}`,
    'TRIVY_SKIP_DB_UPDATE=true',
  ];
  const actSecrets = ['CRAFTISTA_APP_PRIVATE_KEY=unused'];
  if (sonar) {
    actVars.push(`SONAR_HOST_URL=${sonar.url}`);
    actSecrets.push(`SONAR_TOKEN=${sonar.token}`);
  }

  /** Runs one workflow with act on the host; returns the step outputs it logged, by job. */
  async function act(
    workflow: string,
    eventName: string,
    payload: object,
    extra: { job?: string; env?: Record<string, string>; cwd?: string } = {},
  ): Promise<string> {
    const file = join(work, `${workflow}.event.json`);
    writeFileSync(file, JSON.stringify(payload));
    const args = [
      eventName,
      '-W',
      `.github/workflows/${workflow}`,
      '-e',
      file,
      '-P',
      'ubuntu-24.04=-self-hosted',
    ];
    for (const [uses, s] of Object.entries(STANDINS))
      args.push('--local-repository', `${uses}=${join(HERE, 'standins', s.dir)}`);
    if (extra.job !== undefined) args.push('-j', extra.job);
    for (const [k, v] of Object.entries({ ...actEnv, ...extra.env })) args.push('--env', `${k}=${v}`);
    for (const v of actVars) args.push('--var', v);
    for (const v of actSecrets) args.push('--secret', v);
    const child = spawn(actBin, args, { cwd: extra.cwd ?? repo, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    const text = Buffer.concat(out).toString('utf8');
    const log = join(artifacts, `act-${workflow.replace(/\.yml$/, '')}-${++actRuns}.log`);
    writeFileSync(log, text);
    check(code === 0, `act exited ${code}; its log: ${log}`);
    return text;
  }
  let actRuns = 0;
  const output = (log: string, name: string) => {
    const m = [...log.matchAll(new RegExp(`::set-output:: ${name}=(.*)$`, 'gm'))];
    check(m.length > 0, `no ${name} output in the act log`);
    return m[m.length - 1]![1]!.trim();
  };

  const images = await stage(
    `act: images.yml on the push (affected → build and push → trivy → SARIF → ${sonar ? 'gate → ' : ''}dev bump)`,
    () =>
      act('images.yml', 'push', {
        ref: 'refs/heads/main',
        before,
        after,
        repository: {
          name: 'craftista',
          full_name: 'craftista/craftista',
          default_branch: 'main',
          owner: { login: 'craftista' },
        },
      }),
  );

  const image = `${registry}/craftista/craftista-voting`;
  const pushed = await stage(
    'build-image: digest output = the registry manifest digest of sha-<7>',
    async () => {
      check(output(images, 'services') === '["voting"]', `affected services: ${output(images, 'services')}`);
      const digest = output(images, 'digest');
      const tag = output(images, 'sha-tag');
      check(tag === `sha-${after.slice(0, 7)}`, `sha-tag ${tag} for commit ${after}`);
      const r = await fetch(`http://${registry}/v2/craftista/craftista-voting/manifests/${tag}`, {
        method: 'HEAD',
        headers: {
          accept:
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
        },
      });
      const registryDigest = r.headers.get('docker-content-digest');
      check(
        r.ok && registryDigest === digest,
        `registry has ${registryDigest} for ${tag}, build-image said ${digest}`,
      );
      return { digest, tag };
    },
  );

  await stage(
    'trivy-scan: that image scanned (vulnerabilities from the fixture DB, secrets), gated, SARIF recorded',
    async () => {
      check(
        images.includes(`${image}@${pushed.digest}`),
        'trivy-scan did not scan the pushed image reference',
      );
      // The fixture advisory (MEDIUM, every pg before 99.0.0) is found in the image's pg and counted; under the
      // HIGH threshold it does not fail the gate.
      const counts = JSON.parse(output(images, 'counts')) as Record<string, number>;
      check(counts['MEDIUM'] === 1, `trivy-scan counts ${JSON.stringify(counts)}: want the fixture advisory`);
      check(output(images, 'failed') === 'false', 'the gate failed on a MEDIUM finding under threshold HIGH');
      console.log(
        'delivery: vulnerabilities came from a DB written from test/delivery/trivy-db/advisories.yaml: trivy’s published DB cannot be downloaded here',
      );
      const sarif = JSON.parse(readFileSync(join(records, 'sarif', 'trivy-voting.sarif'), 'utf8')) as {
        version: string;
        runs: unknown[];
      };
      check(
        sarif.version === '2.1.0' && sarif.runs.length === 1,
        'the recorded SARIF is not one SARIF 2.1.0 run',
      );
    },
  );

  if (sonar)
    await stage('sonarqube-gate: quality gate of a real analysis of voting', async () => {
      const status = output(images, 'quality-gate-status');
      check(status === 'OK', `quality gate ${status}`);
    });

  const render = async (env: string) => {
    const dir = join(work, `render-${env}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    await sh('bash', ['-c', `git -C "${server.repo(GITOPS).git.dir}" archive main | tar -x -C "${dir}"`]);
    return (await sh(findTool('kustomize'), ['build', join(dir, 'kubernetes', 'overlays', env, 'voting')]))
      .stdout;
  };
  await stage(
    'gitops-bump: dev PR opened, merged; kustomize build of dev names exactly the pushed digest',
    async () => {
      const pulls = server.repo(GITOPS).pulls;
      check(
        pulls.length === 1 && pulls[0]!.head === 'craftista/dev/voting',
        `pull requests: ${JSON.stringify(pulls.map((p) => p.head))}`,
      );
      await server.merge(GITOPS, pulls[0]!.number);
      const rendered = await render('dev');
      check(rendered.includes(`image: ${image}:${pushed.tag}@${pushed.digest}`), `dev renders:\n${rendered}`);
    },
  );

  const promote = (services: string) =>
    act('promote.yml', 'workflow_dispatch', { inputs: { services, from: 'dev', to: 'staging' } });
  await stage(
    'act: promote.yml dev → staging copies that digest by PR; merged, kustomize build of staging',
    async () => {
      await promote('voting');
      const pr = server
        .repo(GITOPS)
        .pulls.find((p) => p.head === 'craftista/staging/voting' && p.state === 'open');
      check(pr !== undefined, 'no promotion PR');
      await server.merge(GITOPS, pr!.number);
      const rendered = await render('staging');
      check(
        rendered.includes(`image: ${image}:${pushed.tag}@${pushed.digest}`),
        `staging renders:\n${rendered}`,
      );
    },
  );

  await stage('act: promote.yml again with no change writes nothing', async () => {
    server.resetCalls();
    const log = await promote('voting');
    check(output(log, 'operation') === 'none', `operation ${output(log, 'operation')}`);
    check(server.writes().length === 0, `writes: ${JSON.stringify(server.writes())}`);
  });

  // ci.yml, the workflow of every push, its two jobs run by act on the host as GitHub's hosted runner runs them:
  // the job on the machine, its service containers in the engine with their ports published on localhost.
  // On the repository as committed: the scratch clone above names the local registry and may lack the gate step.
  const ciRepo = join(work, 'ci-repo');
  await sh('git', ['clone', '-q', ROOT, ciRepo]);
  const head = (await sh('git', ['rev-parse', 'HEAD'], { cwd: ciRepo })).stdout.trim();
  const push = { ref: 'refs/heads/main', after: head, repository: { full_name: 'craftista/craftista' } };
  const docker = (...a: string[]) => sh('docker', a, { env: { ...process.env, DOCKER_HOST: dockerHost } });
  // The store images ci.yml names, and the local images that stand in for them (no registry to pull from).
  const localFor: Record<string, string | undefined> = {
    'mongo:7': baseImages['MONGO_IMAGE'],
    'postgres:16': baseImages['POSTGRES_IMAGE'],
    'redis:7': baseImages['REDIS_IMAGE'],
  };
  await stage(
    'act: ci.yml job compose (the stack built and started, the page and a vote checked)',
    async () => {
      await act('ci.yml', 'push', push, {
        job: 'compose',
        cwd: ciRepo,
        // docker/compose.yaml's store and Node images are parameters: the local ones (no registry to pull from);
        // the image builds' RUN steps reach npm through the host's network.
        env: { ...baseImages, BUILD_NETWORK: 'host', DOCKER_CONFIG: composeConfig } as Record<string, string>,
      });
    },
  );

  await stage(
    'act: ci.yml job test (lint, typecheck, npm test) against its service containers from the local images',
    async () => {
      interface Service {
        image: string;
        env?: Record<string, string>;
        ports?: string[];
        options?: string;
      }
      const ci = parse(readFileSync(join(ciRepo, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
        jobs: { test: { services: Record<string, Service> } };
      };
      const network = 'delivery-ci';
      await docker('network', 'create', network);
      cleanups.push(async () => {
        await docker('network', 'rm', network).catch(() => {});
      });
      const names: string[] = [];
      for (const [id, svc] of Object.entries(ci.jobs.test.services)) {
        const local = localFor[svc.image];
        check(local !== undefined, `ci.yml service ${id}: no local image stands in for ${svc.image}`);
        await docker('tag', local!, svc.image);
        // `options` is passed to the container's creation as GitHub's runner passes it: shell words.
        const options = (
          await sh('bash', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', '_', svc.options ?? ''])
        ).stdout
          .split('\0')
          .filter(Boolean);
        const name = `delivery-ci-${id}`;
        const args = ['run', '--detach', '--name', name, '--network', network, '--network-alias', id];
        for (const [k, v] of Object.entries(svc.env ?? {})) args.push('--env', `${k}=${v}`);
        for (const p of svc.ports ?? []) args.push('--publish', p);
        await docker(...args, ...options, svc.image);
        names.push(name);
        cleanups.push(async () => {
          await docker('rm', '--force', '--volumes', name).catch(() => {});
        });
      }
      await waitFor('the service containers to be healthy', 180, async () => {
        const states = (await docker('inspect', '--format', '{{.State.Health.Status}}', ...names)).stdout;
        return states
          .trim()
          .split('\n')
          .every((s) => s === 'healthy');
      });
      const log = await act('ci.yml', 'push', push, {
        job: 'test',
        cwd: ciRepo,
        // GitHub's runners give the job passwordless sudo: standins/bin/sudo runs the command as root is already.
        env: { PATH: `${join(HERE, 'standins', 'bin')}:${process.env['PATH'] ?? ''}` },
      });
      // npm test's last line is its total over every workspace
      const totals = [...stripVTControlCharacters(log).matchAll(/\| (\d+ passed, (\d+) failed.*)$/gm)].at(-1);
      check(totals?.[2] === '0', `npm test in the job: ${totals?.[1] ?? 'no total line'}`);
      console.log(`delivery: ci.yml test job: npm test ${totals![1]}`);
    },
  );
}

// Stopped from outside (Ctrl-C, a CI timeout): still stop what the run started.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.error(`delivery: ${signal}, stopping what the run started`);
    void (async () => {
      for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
      process.exit(1);
    })();
  });

main()
  .catch((e: Error) => {
    console.error(`delivery: ${e.message}`);
  })
  .finally(async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    console.log(`delivery: whole loop ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
  });
