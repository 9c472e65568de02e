// Runs a Craftista app (or any TypeScript entry) as a real child process, from sources through tsx,
// so cross-service tests and benchmarks talk to it over loopback HTTP like a peer would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitFor, type Started } from './processes.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The NODE_OPTIONS the images set (docker/Dockerfile), so that built code measured here runs with the same
 * heap settings as it does in a pod.
 */
export function imageNodeOptions(): string {
  const options = imageEnvironment().NODE_OPTIONS;
  if (options === undefined) throw new Error('docker/Dockerfile sets no ENV NODE_OPTIONS="..."');
  return options;
}

/** The runtime settings the images put in the environment (docker/Dockerfile): NODE_OPTIONS and malloc's. */
export function imageEnvironment(): Record<string, string> {
  const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
  const settings = dockerfile.matchAll(/^ENV ((?:NODE_OPTIONS|MALLOC_[A-Z_]+))=("[^"]*"|\S+)$/gm);
  return Object.fromEntries([...settings].map(([, name, value]) => [name!, value!.replace(/^"|"$/g, '')]));
}

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  output(): string;
  /** SIGTERM (graceful) by default; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resident set size now and its peak (VmHWM), in MiB, read from /proc. */
  memory(): { rssMiB: number; peakMiB: number };
  exitCode(): number | null;
  /** Milliseconds from spawning the process to its first good answer on the ready path. */
  readonly readyMs: number;
}

export interface StartServiceOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  readyPath?: string;
  timeoutMs?: number;
}

/**
 * Starts `entry` (a path relative to the repo root) with PORT set: a `.ts` entry runs from sources through tsx
 * (tests), a built `.js` entry such as apps/catalogue/dist/main.js runs with plain node and the images' NODE_OPTIONS
 * and malloc settings (benchmarks).
 */
export async function startService(
  entry: string,
  options: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const fromSource = entry.endsWith('.ts');
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    ...(fromSource ? {} : imageEnvironment()),
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const spawnedAt = performance.now();
  const started: Started = startProcess(
    process.execPath,
    fromSource
      ? ['--conditions=craftista-source', '--import', 'tsx', path.resolve(repoRoot, entry)]
      : [path.resolve(repoRoot, entry)],
    { cwd: repoRoot, env: env as NodeJS.ProcessEnv },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${entry} at ${url}`,
    async () => {
      if (started.child.exitCode !== null) throw new Error(`exited with ${started.child.exitCode}`);
      const res = await fetch(url + (options.readyPath ?? '/livez'));
      return res.ok;
    },
    // A short interval, so the ready time the benches report is read to within a few milliseconds.
    { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 10, describe: () => started.output() },
  );
  const readyMs = Math.round(performance.now() - spawnedAt);
  return {
    readyMs,
    url,
    port,
    pid: started.child.pid!,
    output: started.output,
    stop: (signal = 'SIGTERM') => started.stop(signal),
    memory: () => procMemory(started.child.pid!),
    exitCode: () => started.child.exitCode,
  };
}

export function procMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(kb('VmRSS') / 1024), peakMiB: Math.round(kb('VmHWM') / 1024) };
}
