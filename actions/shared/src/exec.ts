// Runs a command without a shell, streaming its output to the log while keeping a copy for the caller.
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Echo output to this process's stdout/stderr (default true). */
  stream?: boolean;
}

export function execCommand(
  command: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      if (opts.stream !== false) process.stdout.write(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (opts.stream !== false) process.stderr.write(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error(`${command} not found on PATH`) : e),
    );
    child.on('close', (code, signal) =>
      resolvePromise({
        code: code ?? (signal !== null ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Splits a multi-line or comma-separated action input into trimmed, non-empty items. */
export function listInput(value: string, separators: RegExp = /[\n,]/): string[] {
  return value
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
