// The one description of Craftista's deployable services (craftista.services.yaml at the repo root),
// validated once here so every action reads the same, checked shape.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const SERVICES_CONFIG_FILE = 'craftista.services.yaml';

const ENV_PLACEHOLDER = '{env}';
const NAME = /^[a-z][a-z0-9-]*$/;

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the repository (no leading "/", no "..")',
  })
  .refine((p) => (p.match(/\{[^}]*\}/g) ?? []).every((m) => m === ENV_PLACEHOLDER), {
    message: `the only placeholder allowed is ${ENV_PLACEHOLDER}`,
  });

const imageRepository = z
  .string()
  .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, {
    message: 'must be an image repository without tag or digest, e.g. ghcr.io/owner/name',
  });

const helmTarget = z.object({
  file: relativePath,
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'must be a dotted key such as frontend.image' }),
});

const serviceSchema = z
  .object({
    path: relativePath,
    dockerfile: relativePath,
    target: z.string().min(1).optional(),
    image: imageRepository,
    sonarProjectKey: z.string().regex(/^[A-Za-z0-9_.:-]+$/, { message: 'must be a SonarQube project key' }),
    gitops: z
      .object({ kustomize: relativePath.optional(), helm: helmTarget.optional() })
      .strict()
      .refine((g) => g.kustomize !== undefined || g.helm !== undefined, {
        message: 'needs a kustomize overlay path, a helm values target, or both',
      }),
  })
  .strict();

const configSchema = z
  .object({
    version: z.literal(1),
    gitops: z
      .object({
        repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'must be owner/name' }),
        branch: z.string().min(1).default('main'),
        environments: z.array(z.string().regex(NAME, { message: 'must be a lower-case name' })).min(1),
      })
      .strict(),
    services: z
      .record(z.string(), serviceSchema)
      .refine((s) => Object.keys(s).length > 0, { message: 'lists no service' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const name of Object.keys(config.services)) {
      if (!NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', name],
          message: 'a service name is lower-case words joined by "-"',
        });
      }
    }
    // With several environments, a GitOps path without {env} would make every environment write the same file.
    if (config.gitops.environments.length < 2) return;
    for (const [name, service] of Object.entries(config.services)) {
      const paths: Array<[string, string | undefined]> = [
        ['kustomize', service.gitops.kustomize],
        ['helm.file', service.gitops.helm?.file],
      ];
      for (const [field, value] of paths) {
        if (value !== undefined && !value.includes(ENV_PLACEHOLDER)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', name, 'gitops', ...field.split('.')],
            message: `must contain ${ENV_PLACEHOLDER}: there are ${config.gitops.environments.length} environments`,
          });
        }
      }
    }
  });

type RawConfig = z.infer<typeof configSchema>;
type RawService = z.infer<typeof serviceSchema>;

export interface ServiceConfig extends RawService {
  /** The service's key in the file, e.g. "catalogue". */
  name: string;
  /** The environments of the GitOps repository (copied from the top level, for gitopsPaths). */
  environments: readonly string[];
}

export interface ServicesConfig {
  version: 1;
  gitops: RawConfig['gitops'];
  /** Services in file order. */
  services: ServiceConfig[];
  /** The file it was read from, or "<inline>". */
  source: string;
}

export class ServicesConfigError extends Error {
  override name = 'ServicesConfigError';
}

function formatIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `  - ${where}: ${issue.message}`;
  });
  return `${source} is not a valid services configuration:\n${lines.join('\n')}`;
}

/** Validates YAML text; every problem is listed at once. */
export function parseServicesConfig(text: string, source = '<inline>'): ServicesConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ServicesConfigError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ServicesConfigError(formatIssues(source, result.error));
  const { version, gitops, services } = result.data;
  return {
    version,
    gitops,
    source,
    services: Object.entries(services).map(([name, s]) => ({
      ...s,
      name,
      environments: gitops.environments,
    })),
  };
}

/** Finds craftista.services.yaml in `from` or the nearest parent directory. */
export function findServicesConfig(from = process.env['GITHUB_WORKSPACE'] ?? process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, SERVICES_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ServicesConfigError(
        `${SERVICES_CONFIG_FILE} not found in ${resolve(from)} or any parent directory`,
      );
    }
    dir = parent;
  }
}

/** Reads and validates the services configuration (default: the nearest craftista.services.yaml). */
export function loadServicesConfig(path?: string): ServicesConfig {
  const file = path ?? findServicesConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ServicesConfigError(`cannot read services configuration ${file}: ${(err as Error).message}`);
  }
  return parseServicesConfig(text, file);
}

export interface GitopsPaths {
  kustomize?: string;
  helm?: { file: string; key: string };
}

/** The service's files in the GitOps repository for one environment, with {env} substituted. */
export function gitopsPaths(service: ServiceConfig, env: string): GitopsPaths {
  if (!service.environments.includes(env)) {
    throw new ServicesConfigError(
      `unknown environment "${env}" for service ${service.name}; known: ${service.environments.join(', ')}`,
    );
  }
  const fill = (p: string): string => p.split(ENV_PLACEHOLDER).join(env);
  const out: GitopsPaths = {};
  if (service.gitops.kustomize !== undefined) out.kustomize = fill(service.gitops.kustomize);
  if (service.gitops.helm !== undefined)
    out.helm = { file: fill(service.gitops.helm.file), key: service.gitops.helm.key };
  return out;
}

/**
 * Picks services by an action input: "all", or names separated by commas, newlines or spaces.
 * Keeps file order, drops repeats, and names every unknown service in one error.
 */
export function selectServices(config: ServicesConfig, spec: string): ServiceConfig[] {
  const trimmed = spec.trim();
  if (trimmed === '') throw new ServicesConfigError('no service selected: give "all" or service names');
  if (trimmed === 'all') return [...config.services];
  const wanted = new Set(trimmed.split(/[\s,]+/).filter((s) => s !== ''));
  const known = new Set(config.services.map((s) => s.name));
  const unknown = [...wanted].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ServicesConfigError(
      `unknown service${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} ` +
        `(${config.source} has: ${[...known].join(', ')})`,
    );
  }
  return config.services.filter((s) => wanted.has(s.name));
}

/** One service by name, with the same error as selectServices for an unknown one. */
export function getService(config: ServicesConfig, name: string): ServiceConfig {
  const selected = name.trim() === 'all' ? [] : selectServices(config, name);
  if (selected.length !== 1)
    throw new ServicesConfigError(`expected exactly one service name, got "${name}"`);
  return selected[0]!;
}
