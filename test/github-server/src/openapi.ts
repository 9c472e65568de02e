// GitHub's published REST description (@octokit/openapi 23.0.2, generated/api.github.com.json — the one file
// is read; the package's index, which loads all eleven descriptions, is never required). Validators are
// compiled only for the operations the server routes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { packageDir } from './package-dir.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Operation {
  operationId: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> } | { $ref: string };
  responses: Record<string, unknown>;
}
interface Spec {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
}

export interface OperationValidators {
  operationId: string;
  method: string;
  path: string;
  request?: ValidateFunction;
  responses: Map<number, ValidateFunction | null>;
}

function specFile(): string {
  return join(packageDir('@octokit/openapi'), 'generated', 'api.github.com.json');
}

const pointer = (parts: string[]) =>
  '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class OpenApi {
  readonly spec: Spec;
  readonly ajv: Ajv;
  private readonly byId = new Map<string, OperationValidators>();

  constructor(file = specFile()) {
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
    this.ajv.addFormat('ssh-key', true);
    this.ajv.addFormat('ssh-key fingerprint', true);
    this.ajv.addSchema({ $id: 'gh', components: this.spec.components, paths: this.spec.paths } as object);
  }

  get version(): string {
    return this.spec.info.version;
  }

  private deref(node: unknown, parts: string[]): { node: unknown; parts: string[] } {
    let n = node as { $ref?: string };
    let p = parts;
    while (n && typeof n.$ref === 'string') {
      p = n.$ref.replace(/^#\//, '').split('/');
      n = p.reduce<unknown>((acc, k) => (acc as Record<string, unknown>)[k], this.spec) as { $ref?: string };
    }
    return { node: n, parts: p };
  }

  private compileAt(parts: string[]): ValidateFunction {
    return this.ajv.compile({ $ref: `gh${pointer(parts)}` });
  }

  /** Validators for one operation, compiled on first use. */
  operation(operationId: string): OperationValidators {
    const cached = this.byId.get(operationId);
    if (cached) return cached;
    for (const [path, item] of Object.entries(this.spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op?.operationId !== operationId) continue;
        const v: OperationValidators = {
          operationId,
          method: method.toUpperCase(),
          path,
          responses: new Map(),
        };
        if (op.requestBody) {
          const body = this.deref(op.requestBody, ['paths', path, method, 'requestBody']);
          const media = (body.node as { content?: Record<string, unknown> }).content?.['application/json'];
          if (media) v.request = this.compileAt([...body.parts, 'content', 'application/json', 'schema']);
        }
        for (const status of Object.keys(op.responses)) {
          const res = this.deref(op.responses[status], ['paths', path, method, 'responses', status]);
          const media = (res.node as { content?: Record<string, unknown> }).content?.['application/json'];
          v.responses.set(
            Number(status),
            media ? this.compileAt([...res.parts, 'content', 'application/json', 'schema']) : null,
          );
        }
        this.byId.set(operationId, v);
        return v;
      }
    }
    throw new Error(`operation ${operationId} is not in GitHub's description ${this.version}`);
  }

  /** A component example (e.g. "pull-request"), deep-copied. */
  example(name: string): unknown {
    const ex = this.spec.components['examples']?.[name] as { value?: unknown } | undefined;
    if (!ex) throw new Error(`no example ${name}`);
    return structuredClone(ex.value);
  }
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
    .join('; ');
}
