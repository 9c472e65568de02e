// An action's inputs declared once (kind, default, required) and read into a typed object with @actions/core's
// rules through ActionIO. action-yml.ts compares a declaration with the action's action.yml in each action's
// tests, so the defaults written there and here cannot drift apart.
import type { ActionIO } from './action-io.js';
import { listInput } from './exec.js';

export interface StringSpec {
  kind: 'string';
  default: string;
  required: boolean;
  /** action.yml's default when it is an expression the runner evaluates (e.g. `${{ github.token }}`). */
  expression?: string;
}
export interface BooleanSpec {
  kind: 'boolean';
  default: boolean;
}
export interface NumberSpec {
  kind: 'integer' | 'number';
  default: number;
  unit?: string;
}
export interface ListSpec {
  kind: 'list' | 'lines';
  default: string;
}
export type InputSpec = StringSpec | BooleanSpec | NumberSpec | ListSpec;

export type InputSpecs = Record<string, InputSpec>;

/** Input declarations; the key is the camelCase form of the action.yml name (cacheScope: cache-scope). */
export const input = {
  /** Text; '' (unset or given empty) means `default`. */
  string: (options: { default?: string; required?: boolean; expression?: string } = {}): StringSpec => ({
    kind: 'string',
    default: options.default ?? '',
    required: options.required ?? false,
    ...(options.expression !== undefined ? { expression: options.expression } : {}),
  }),
  /** true/false by core.getBooleanInput. */
  boolean: (fallback: boolean): BooleanSpec => ({ kind: 'boolean', default: fallback }),
  /** A whole number of at least 1. */
  positiveInteger: (fallback: number): NumberSpec => ({ kind: 'integer', default: fallback }),
  /** A number above 0, e.g. of seconds. */
  positiveNumber: (fallback: number, unit?: string): NumberSpec => ({
    kind: 'number',
    default: fallback,
    ...(unit !== undefined ? { unit } : {}),
  }),
  /** Items separated by commas or newlines. */
  list: (fallback = ''): ListSpec => ({ kind: 'list', default: fallback }),
  /** One item per line (items may contain commas), by core.getMultilineInput. */
  lines: (fallback = ''): ListSpec => ({ kind: 'lines', default: fallback }),
} as const;

type ValueOf<S extends InputSpec> = S extends BooleanSpec
  ? boolean
  : S extends NumberSpec
    ? number
    : S extends ListSpec
      ? string[]
      : string;

export type InputValues<T extends InputSpecs> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** The action.yml name of a declaration key. */
export const inputName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** action.yml's default for a declaration, as text. */
export function defaultText(spec: InputSpec): string | undefined {
  if (spec.kind === 'string') return spec.required ? undefined : (spec.expression ?? spec.default);
  return String(spec.default);
}

function readOne(io: ActionIO, name: string, spec: InputSpec): unknown {
  const raw = io.input(name, spec.kind === 'string' && spec.required ? { required: true } : undefined);
  switch (spec.kind) {
    case 'string':
      return raw === '' ? spec.default : raw;
    case 'boolean':
      return raw === '' ? spec.default : io.booleanInput(name);
    case 'integer':
    case 'number': {
      if (raw === '') return spec.default;
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0 || (spec.kind === 'integer' && !Number.isInteger(n)))
        throw new Error(
          `input "${name}" must be a positive ${spec.kind}${spec.unit !== undefined ? ` of ${spec.unit}` : ''}, got "${raw}"`,
        );
      return n;
    }
    case 'list':
      return listInput(raw === '' ? spec.default : raw);
    case 'lines':
      return raw === '' ? listInput(spec.default, /\n/) : io.multilineInput(name);
  }
}

/** Every declared input, read and converted; the first bad one fails the step. */
export function readInputs<T extends InputSpecs>(io: ActionIO, specs: T): InputValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = readOne(io, inputName(key), spec);
  return out as InputValues<T>;
}
