// Static checks of docker/: the compose file is loaded by compose-go (what `docker compose config` uses), and
// its services, URLs, healthchecks and build targets are checked against the Dockerfile and the apps.
// GitHub's CI brings the stack up for real (ci.yml, job "compose").
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ProductReplace } from '@craftista/contracts';
import { findTool, imageNodeOptions, repoRoot } from '@craftista/testkit';
import { DockerfileParser } from 'dockerfile-ast';
import { beforeAll, describe, expect, it } from 'vitest';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string | null>;
  networks?: Record<string, { aliases?: string[] } | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: { target: number; published: string }[];
  profiles?: string[];
  volumes?: { type: string; source: string; target: string }[];
}
interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const dockerDir = path.join(repoRoot, 'docker');
const composeFile = path.join(dockerDir, 'compose.yaml');

function composeConfig(files: string[], profiles: string[] = []): ComposeProject {
  const tool = findTool('compose-config', 'v2.16.2');
  const args = [...profiles.flatMap((p) => ['-profile', p]), ...files];
  return JSON.parse(
    execFileSync(tool, args, { env: { PATH: process.env.PATH }, encoding: 'utf8' }),
  ) as ComposeProject;
}

const dockerfileText = readFileSync(path.join(dockerDir, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);
const stages = dockerfile.getFROMs().map((from) => from.getBuildStage());
type Instruction = ReturnType<typeof dockerfile.getInstructions>[number];
/** An instruction's arguments with its flags (`--from=build`) first, as written. */
function argsWithFlags(instruction: Instruction): string[] {
  const flags =
    'getFlags' in instruction && typeof instruction.getFlags === 'function' ? instruction.getFlags() : [];
  return [
    ...flags.map((f: { getName(): string; getValue(): string | null }) => `--${f.getName()}=${f.getValue()}`),
    ...instruction.getArguments().map((a) => a.getValue()),
  ];
}

/** Instructions by stage name, following `FROM <stage> AS name` chains back to the base. */
function stageInstructions(stage: string): { keyword: string; args: string[] }[] {
  const froms = dockerfile.getFROMs();
  const index = froms.findIndex((f) => f.getBuildStage() === stage);
  if (index < 0) return [];
  const from = froms[index]!;
  const nextLine = froms[index + 1]?.getRange().start.line ?? Infinity;
  const own = dockerfile
    .getInstructions()
    .filter((i) => i.getRange().start.line > from.getRange().start.line && i.getRange().start.line < nextLine)
    .map((i) => ({ keyword: i.getKeyword(), args: argsWithFlags(i) }));
  const parent = from.getImageName();
  return [...(parent && stages.includes(parent) ? stageInstructions(parent) : []), ...own];
}

// Standard ports of the store images the compose file uses.
const STORE_PORTS: Record<string, number> = { mongo: 27017, postgres: 5432, redis: 6379 };

describe('docker/compose.yaml', () => {
  let project: ComposeProject;
  beforeAll(() => {
    project = composeConfig([composeFile], ['seed', 'load']);
  });

  it('loads with compose-go, with every profile and with the dev override', () => {
    expect(Object.keys(project.services).sort()).toEqual(
      ['catalogue', 'frontend', 'load', 'mongodb', 'postgres', 'recco', 'redis', 'seed', 'voting'].sort(),
    );
    const dev = composeConfig([composeFile, path.join(dockerDir, 'compose.dev.yaml')]);
    expect(dev.services.postgres!.ports).toEqual([
      expect.objectContaining({ target: 5432, published: '5432' }),
    ]);
  });

  it("keeps the original's service names, the recommendation alias and the published frontend port", () => {
    expect(project.services.recco!.networks!.craftista!.aliases).toContain('recommendation');
    expect(project.services.frontend!.ports).toEqual([
      expect.objectContaining({ target: 3000, published: '3000' }),
    ]);
  });

  it('publishes no voting port, and gives voting and the frontend one client-id secret (issue 20)', () => {
    // Published, anyone could vote past the frontend's per-client and per-address limits.
    expect(project.services.voting!.ports ?? []).toEqual([]);
    const secret = (service: string) =>
      (project.services[service] as { environment?: Record<string, string> }).environment?.CLIENT_ID_SECRET;
    expect(secret('voting')).toMatch(/^.{32,}$/);
    expect(secret('frontend')).toBe(secret('voting'));
  });

  it('builds every app from a Dockerfile target of the same name, for an app that exists', () => {
    const built = Object.entries(project.services).filter(([, s]) => s.build);
    expect(built.map(([name]) => name).sort()).toEqual(['catalogue', 'frontend', 'recco', 'voting']);
    for (const [name, service] of built) {
      const { target, args, dockerfile: file, context } = service.build!;
      expect(existsSync(path.resolve(context, file)), `${name}: ${file}`).toBe(true);
      expect(stages, `${name}: target ${target}`).toContain(target);
      expect(args?.APP, name).toBe(target);
      const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'apps', target!, 'package.json'), 'utf8'));
      expect(pkg.name).toBe(`@craftista/${target}`);
    }
  });

  it('points every URL an app is given at a service that exists, on the port it listens on', () => {
    const hosts = new Map<string, string>();
    for (const [name, service] of Object.entries(project.services)) {
      hosts.set(name, name);
      for (const network of Object.values(service.networks ?? {}))
        for (const alias of network?.aliases ?? []) hosts.set(alias, name);
    }
    const listensOn = (name: string): number => {
      const service = project.services[name]!;
      if (service.environment?.PORT) return Number(service.environment.PORT);
      const store = Object.keys(STORE_PORTS).find((image) => service.image?.startsWith(image));
      if (store) return STORE_PORTS[store]!;
      throw new Error(`no known port for ${name}`);
    };
    let checked = 0;
    for (const [name, service] of Object.entries(project.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (!variable.endsWith('_URL') || !value) continue;
        const url = new URL(value);
        const target = hosts.get(url.hostname);
        expect(target, `${name} ${variable}=${value}: no such service`).toBeDefined();
        expect(Number(url.port), `${name} ${variable}=${value}`).toBe(listensOn(target!));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('waits only on dependencies that have a healthcheck', () => {
    const dockerfileHealthcheck = stageInstructions('runtime').some((i) => i.keyword === 'HEALTHCHECK');
    for (const [name, service] of Object.entries(project.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        const dep = project.services[dependency]!;
        expect(
          !!dep.healthcheck || (!!dep.build && dockerfileHealthcheck),
          `${dependency} has no healthcheck`,
        ).toBe(true);
      }
    }
  });

  it('keeps store data in named volumes', () => {
    for (const store of ['mongodb', 'postgres', 'redis']) {
      const volume = project.services[store]!.volumes?.find((v) => v.type === 'volume');
      expect(volume, store).toBeDefined();
      expect(project.volumes).toHaveProperty(volume!.source);
    }
  });

  it('mounts seed and load scripts that exist, and seed products the catalogue contract accepts', () => {
    for (const name of ['seed', 'load']) {
      const mount = project.services[name]!.volumes!.find((v) => v.type === 'bind')!;
      expect(existsSync(mount.source), mount.source).toBe(true);
    }
    const products = readdirSync(path.join(dockerDir, 'seed/products'));
    expect(products.length).toBeGreaterThan(0);
    for (const file of products) {
      const product = JSON.parse(readFileSync(path.join(dockerDir, 'seed/products', file), 'utf8'));
      expect(ProductReplace.safeParse(product).success, file).toBe(true);
      expect(
        existsSync(path.join(repoRoot, 'apps/frontend/public', product.image_url.replace(/^\/static\//, ''))),
      ).toBe(true);
    }
  });
});

describe('docker/Dockerfile', () => {
  it('copies only sources that exist in the build context and are not excluded by .dockerignore', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const copies = dockerfile.getInstructions().filter((i) => ['COPY', 'ADD'].includes(i.getKeyword()));
    expect(copies.length).toBeGreaterThan(0);
    let fromContext = 0;
    for (const copy of copies) {
      const args = argsWithFlags(copy);
      if (args.some((a) => a.startsWith('--from='))) continue;
      const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(path.join(repoRoot, source)), `COPY ${source}`).toBe(true);
        expect(
          ignored.some((pattern) => pattern === source || pattern === `${source}/`),
          `${source} is dockerignored`,
        ).toBe(false);
        fromContext++;
      }
    }
    expect(fromContext).toBeGreaterThanOrEqual(2);
  });

  it('sizes the Node heap to fit the smallest memory limit the chart gives an app', () => {
    const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(imageNodeOptions())?.[1]);
    const [oldSpace, semiSpace] = [flag('max-old-space-size'), flag('max-semi-space-size')];
    expect(oldSpace).toBeGreaterThan(0);
    expect(semiSpace).toBeGreaterThan(0);
    const chart = path.join(repoRoot, 'deploy/gitops/charts/craftista');
    const limits = readdirSync(chart)
      .filter((f) => /^values.*\.yaml$/.test(f))
      .flatMap((f) =>
        [...readFileSync(path.join(chart, f), 'utf8').matchAll(/limits: \{[^}]*memory: (\d+)Mi/g)].map((m) =>
          Number(m[1]),
        ),
      );
    expect(limits.length).toBeGreaterThanOrEqual(4);
    // Old space, the young generation (three semi-spaces) and ~64 MiB for code, stacks and buffers.
    expect(oldSpace + 3 * semiSpace + 64).toBeLessThanOrEqual(Math.min(...limits));
  });

  it.each(['frontend', 'catalogue', 'voting', 'recommendation'])(
    'target %s runs node dist/main.js as a non-root user with a /livez healthcheck, OCI labels and its port',
    (target) => {
      const instructions = stageInstructions(target);
      const last = (keyword: string) => instructions.filter((i) => i.keyword === keyword).at(-1);
      expect(last('USER')?.args).toEqual(['node']);
      expect(last('CMD')?.args.join(' ')).toBe('["node", "dist/main.js"]');
      expect(last('HEALTHCHECK')?.args.join(' ')).toContain('/livez');
      const labels = instructions
        .filter((i) => i.keyword === 'LABEL')
        .flatMap((i) => i.args)
        .join(' ');
      for (const label of ['source', 'revision', 'version'])
        expect(labels).toContain(`org.opencontainers.image.${label}=`);
      const port = last('EXPOSE')?.args[0];
      expect(last('ENV')?.args.join(' ')).toBe(`PORT=${port}`);
      expect(Number(port)).toBe(target === 'frontend' ? 3000 : target === 'catalogue' ? 5000 : 8080);
    },
  );

  it("ships the Node runtime without npm and the build stage's production output only", () => {
    expect(dockerfileText).toMatch(/npm prune --omit=dev/);
    const runtimeCopies = stageInstructions('runtime').filter((i) => i.keyword === 'COPY');
    expect(runtimeCopies.map((c) => c.args.find((a) => a.startsWith('--from=')))).toEqual([
      '--from=node',
      '--from=build',
    ]);
    const node = stageInstructions('node').map((i) => `${i.keyword} ${i.args.join(' ')}`);
    expect(node.join('\n')).toMatch(/RUN rm -rf \/usr\/local\/lib\/node_modules /);
  });
});
