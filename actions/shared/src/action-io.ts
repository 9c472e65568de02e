// What an action's run() needs from the runner, as a small interface. Production passes coreIO(): @actions/core
// (inputs, outputs, masking, groups, annotations, the job summary) and @actions/github's context. Tests pass
// recordingIO(), which reads inputs with the same @actions/core functions and keeps outputs, logs, secrets and
// the failure in memory, so run() is tested without module mocking.
import { appendFileSync } from 'node:fs';
import * as core from '@actions/core';
import { contextOf, type Env, type GitHubContext } from './github-context.js';

export type { Env, GitHubContext } from './github-context.js';
export type { AnnotationProperties, InputOptions } from '@actions/core';

export interface ActionIO {
  /** core.getInput: '' when unset, trimmed; `required` fails on an empty value. */
  input(name: string, options?: core.InputOptions): string;
  /** core.getBooleanInput: true/True/TRUE or false/False/FALSE, anything else fails. */
  booleanInput(name: string, options?: core.InputOptions): boolean;
  /** core.getMultilineInput: one trimmed item per non-empty line. */
  multilineInput(name: string, options?: core.InputOptions): string[];
  output(name: string, value: string): void;
  info(message: string): void;
  /** A warning annotation, on a file and line when given. */
  warning(message: string, where?: core.AnnotationProperties): void;
  /** Registers a value to be masked in the log. */
  secret(value: string): void;
  /** Runs body inside a collapsible log section. */
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
  /** Appends Markdown to the job summary (nothing outside a runner). */
  summary(markdown: string): Promise<void>;
  /** Marks the step failed with an error annotation. */
  fail(message: string): void;
  /** The process environment (RUNNER_TEMP, GITHUB_WORKSPACE, PATH, tool variables). */
  env: Env;
  /** The workflow run: event, payload, ref, sha, repository, server and API addresses. */
  readonly context: GitHubContext;
}

/** The runner's side: @actions/core and @actions/github's context, read from this process's environment. */
export function coreIO(): ActionIO {
  let context: GitHubContext | undefined;
  return {
    env: process.env,
    get context() {
      // Read on first use, inside run(), so an unreadable event payload fails the step like any other error.
      context ??= contextOf(process.env);
      return context;
    },
    input: core.getInput,
    booleanInput: core.getBooleanInput,
    multilineInput: core.getMultilineInput,
    output: core.setOutput,
    info: core.info,
    warning: (message, where) => core.warning(message, where),
    secret: core.setSecret,
    group: core.group,
    summary: async (markdown) => {
      if (!process.env['GITHUB_STEP_SUMMARY']) return;
      await core.summary.addRaw(markdown).write();
    },
    fail: core.setFailed,
  };
}

/** Runs fn with the given variables set in process.env (synchronously), then puts the old values back. */
function withVariables<T>(vars: Env, fn: () => T): T {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  const set = (k: string, v: string | undefined): void => {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  for (const [k, v] of Object.entries(vars)) set(k, v);
  try {
    return fn();
  } finally {
    for (const [k, v] of saved) set(k, v);
  }
}

export interface RecordingIO extends ActionIO {
  outputs: Record<string, string>;
  logs: string[];
  failure: string | undefined;
  secrets: string[];
  groups: string[];
  /** Warnings placed on a file (and line). */
  annotations: Array<core.AnnotationProperties & { message: string }>;
}

/**
 * An ActionIO for tests: inputs keyed by their action.yml names and read through @actions/core's own functions,
 * the context hydrated by @actions/github from `env`, everything written kept in memory, and the job summary
 * appended to env.GITHUB_STEP_SUMMARY when set.
 */
export function recordingIO(inputs: Record<string, string>, env: Env = {}): RecordingIO {
  const variable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  const read =
    <T>(get: (name: string, options?: core.InputOptions) => T) =>
    (name: string, options?: core.InputOptions): T =>
      withVariables({ [variable(name)]: inputs[name] ?? '' }, () => get(name, options));
  let context: GitHubContext | undefined;
  const io: RecordingIO = {
    outputs: {},
    logs: [],
    failure: undefined,
    secrets: [],
    groups: [],
    annotations: [],
    env,
    get context() {
      context ??= contextOf(env);
      return context;
    },
    input: read(core.getInput),
    booleanInput: read(core.getBooleanInput),
    multilineInput: read(core.getMultilineInput),
    output: (name, value) => {
      io.outputs[name] = value;
    },
    info: (m) => io.logs.push(m),
    warning: (m, where) => {
      io.logs.push(`warning: ${m}`);
      if (where !== undefined) io.annotations.push({ message: m, ...where });
    },
    secret: (v) => io.secrets.push(v),
    group: (name, body) => {
      io.groups.push(name);
      return body();
    },
    summary: async (markdown) => {
      const file = env['GITHUB_STEP_SUMMARY'];
      if (file) appendFileSync(file, markdown, 'utf8');
    },
    fail: (m) => {
      io.failure = m;
      io.logs.push(`error: ${m}`);
    },
  };
  return io;
}

/** Runs an action body, turning any thrown value into a failed step (not only Errors). */
export async function runAction(io: ActionIO, body: (io: ActionIO) => Promise<void>): Promise<void> {
  try {
    await body(io);
  } catch (err) {
    io.fail(err instanceof Error ? err.message : String(err));
  }
}
