// What an action's run() needs from the runner, as a small interface: production passes coreIO(),
// tests pass recordingIO() and read back outputs, logs and the failure, with no module mocking.
// coreIO speaks the runner's documented protocol (INPUT_* variables, the GITHUB_OUTPUT file, workflow
// commands) directly, as @actions/core does; loading @actions/core alone added ~130 ms to each cold start.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import type { Env } from './github-urls.js';

export interface ActionIO {
  /** The raw input ('' when unset), trimmed. */
  input(name: string): string;
  output(name: string, value: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Registers a value to be masked in the log. */
  secret(value: string): void;
  fail(message: string): void;
  env: Env;
}

/** Escapes the data of a workflow command (`::name::data`). */
export function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The value of an input as the runner passes it: INPUT_<NAME>, spaces as underscores, upper case. */
export function readInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Appends name=value to the GITHUB_OUTPUT file in its multi-line form. */
export function writeOutput(file: string, name: string, value: string): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error('output collides with its delimiter');
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

export function coreIO(
  env: Env = process.env,
  out: (line: string) => void = (l) => process.stdout.write(`${l}${EOL}`),
): ActionIO {
  return {
    env,
    input: (name) => readInput(env, name),
    output: (name, value) => {
      const file = env['GITHUB_OUTPUT'];
      if (file === undefined || file === '')
        throw new Error('GITHUB_OUTPUT is not set: is this running in GitHub Actions?');
      writeOutput(file, name, value);
    },
    info: (m) => out(m),
    warning: (m) => out(`::warning::${escapeCommandData(m)}`),
    secret: (v) => {
      if (v !== '') out(`::add-mask::${escapeCommandData(v)}`);
    },
    fail: (m) => {
      process.exitCode = 1;
      out(`::error::${escapeCommandData(m)}`);
    },
  };
}

export interface RecordingIO extends ActionIO {
  outputs: Record<string, string>;
  logs: string[];
  failure: string | undefined;
  secrets: string[];
}

/** An ActionIO that keeps everything in memory; inputs keyed by their action.yml names. */
export function recordingIO(inputs: Record<string, string>, env: Env = {}): RecordingIO {
  const io: RecordingIO = {
    outputs: {},
    logs: [],
    failure: undefined,
    secrets: [],
    env,
    input: (name) => (inputs[name] ?? '').trim(),
    output: (name, value) => {
      io.outputs[name] = value;
    },
    info: (m) => io.logs.push(m),
    warning: (m) => io.logs.push(`warning: ${m}`),
    secret: (v) => io.secrets.push(v),
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
