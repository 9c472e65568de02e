import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  findServicesConfig,
  getService,
  gitopsPaths,
  loadServicesConfig,
  parseServicesConfig,
  selectServices,
  ServicesConfigError,
} from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const repoFile = join(repoRoot, 'craftista.services.yaml');

const minimal = (services: string, envs = '[dev, prod]'): string => `version: 1
gitops: { repository: acme/gitops, environments: ${envs} }
services:
${services}`;

describe('the repository services configuration', () => {
  it('loads the real craftista.services.yaml with four services in file order', () => {
    const config = loadServicesConfig(repoFile);
    expect(config.services.map((s) => s.name)).toEqual(['frontend', 'catalogue', 'voting', 'recommendation']);
    expect(config.gitops).toEqual({
      repository: 'craftista/craftista-gitops',
      branch: 'main',
      environments: ['dev', 'staging', 'prod'],
    });
    const voting = getService(config, 'voting');
    expect(voting).toMatchObject({
      path: 'apps/voting',
      dockerfile: 'docker/Dockerfile',
      target: 'voting',
      image: 'ghcr.io/craftista/craftista-voting',
      sonarProjectKey: 'craftista-voting',
    });
  });

  it('is found from a nested directory when no path is given', () => {
    const found = findServicesConfig(join(repoRoot, 'actions', 'shared', 'src'));
    expect(found).toBe(repoFile);
  });

  it('substitutes {env} in the kustomize and helm paths', () => {
    const config = loadServicesConfig(repoFile);
    expect(gitopsPaths(getService(config, 'catalogue'), 'staging')).toEqual({
      kustomize: 'kubernetes/overlays/staging/catalogue/kustomization.yaml',
      helm: { file: 'charts/craftista/values-staging.yaml', key: 'catalogue.image' },
    });
  });

  it('rejects an environment the GitOps repository does not have', () => {
    const config = loadServicesConfig(repoFile);
    expect(() => gitopsPaths(getService(config, 'frontend'), 'qa')).toThrow(
      /unknown environment "qa".*dev, staging, prod/,
    );
  });
});

describe('selectServices', () => {
  const config = loadServicesConfig(repoFile);

  it('selects every service for "all"', () => {
    expect(selectServices(config, ' all\n').map((s) => s.name)).toHaveLength(4);
  });

  it('accepts commas, newlines and spaces, keeps file order and drops repeats', () => {
    expect(selectServices(config, 'voting,\nfrontend  voting\n').map((s) => s.name)).toEqual([
      'frontend',
      'voting',
    ]);
  });

  it('names every unknown service and the known ones in one error', () => {
    expect(() => selectServices(config, 'voting,cart,payments')).toThrow(
      /unknown services "cart", "payments" \(.*has: frontend, catalogue, voting, recommendation\)/,
    );
  });

  it('refuses an empty selection', () => {
    expect(() => selectServices(config, ' \n')).toThrow(ServicesConfigError);
  });

  it('getService wants exactly one name', () => {
    expect(() => getService(config, 'voting,frontend')).toThrow(/exactly one service/);
    expect(() => getService(config, 'all')).toThrow(/exactly one service/);
  });
});

describe('validation', () => {
  it('lists every problem at once with its path', () => {
    const text = minimal(`  Web_App:
    path: /abs
    dockerfile: docker/Dockerfile
    image: ghcr.io/acme/web:latest
    sonarProjectKey: web
    gitops: {}
`);
    let message = '';
    try {
      parseServicesConfig(text, 'bad.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^bad.yaml is not a valid services configuration/);
    expect(message).toMatch(/services\.Web_App.*lower-case/);
    expect(message).toMatch(/services\.Web_App\.path: must be a relative path/);
    expect(message).toMatch(/services\.Web_App\.image: must be an image repository without tag/);
    expect(message).toMatch(/services\.Web_App\.gitops: needs a kustomize overlay path/);
  });

  it('requires {env} in GitOps paths when there are several environments', () => {
    const text = minimal(`  web:
    path: apps/web
    dockerfile: Dockerfile
    image: ghcr.io/acme/web
    sonarProjectKey: web
    gitops: { kustomize: overlays/web/kustomization.yaml }
`);
    expect(() => parseServicesConfig(text)).toThrow(/services\.web\.gitops\.kustomize: must contain \{env\}/);
    expect(parseServicesConfig(text.replace('[dev, prod]', '[prod]')).services[0]?.name).toBe('web');
  });

  it('rejects unknown keys and placeholders other than {env}', () => {
    const text = minimal(`  web:
    path: apps/web
    dockerfile: Dockerfile
    image: ghcr.io/acme/web
    sonarProjectKey: web
    chart: oops
    gitops: { helm: { file: "values-{stage}.yaml", key: web.image } }
`);
    expect(() => parseServicesConfig(text)).toThrow(/services\.web: Unrecognized key: "chart"/);
    expect(() => parseServicesConfig(text)).toThrow(
      /services\.web\.gitops\.helm\.file: the only placeholder allowed is \{env\}/,
    );
  });

  it('reports YAML syntax errors and missing files by name', () => {
    expect(() => parseServicesConfig('version: [1', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
    expect(() => loadServicesConfig('/nonexistent/craftista.services.yaml')).toThrow(
      /cannot read services configuration/,
    );
  });

  it('says where it looked when no file exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'other.yaml'), '');
    expect(() => findServicesConfig(join(dir, 'a'))).toThrow(
      /craftista.services.yaml not found in .*\/a or any parent/,
    );
  });
});
