// Waits for the Compute Engine task of an analysis: exponential backoff 2 s -> 30 s, bounded by a timeout,
// every terminal status mapped explicitly.
import type { SonarClient } from './client.js';

export type TaskStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCELED';

export interface CeTask {
  id: string;
  status: TaskStatus;
  analysisId?: string;
  errorMessage?: string;
  componentKey?: string;
}

export interface PollOptions {
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log?: (message: string) => void;
}

/** The waits between polls: 2, 4, 8, 16, 30, 30, … seconds (in ms). */
export function backoffDelay(attempt: number, initial = 2000, max = 30_000): number {
  return Math.min(max, initial * 2 ** attempt);
}

export async function waitForTask(client: SonarClient, taskId: string, opts: PollOptions): Promise<CeTask> {
  const start = opts.now();
  for (let attempt = 0; ; attempt++) {
    const { task } = await client.get<{ task: CeTask }>('api/ce/task', { id: taskId });
    switch (task.status) {
      case 'SUCCESS':
        if (task.analysisId === undefined) throw new Error(`task ${taskId} succeeded without an analysisId`);
        return task;
      case 'FAILED':
        throw new Error(
          `SonarQube could not process the analysis (task ${taskId} FAILED): ${task.errorMessage ?? 'no error message'}`,
        );
      case 'CANCELED':
        throw new Error(
          `the analysis task ${taskId} was CANCELED on the server${task.errorMessage ? `: ${task.errorMessage}` : ''}`,
        );
      case 'PENDING':
      case 'IN_PROGRESS':
        break;
      default:
        throw new Error(`task ${taskId} has an unknown status "${String(task.status)}"`);
    }
    const delay = backoffDelay(attempt, opts.initialDelayMs, opts.maxDelayMs);
    const elapsed = opts.now() - start;
    if (elapsed + delay > opts.timeoutMs) {
      throw new Error(
        `timed out after ${Math.round(elapsed / 1000)} s waiting for task ${taskId} (still ${task.status}); raise the timeout input or check the server's queue`,
      );
    }
    opts.log?.(`task ${taskId} is ${task.status}; next check in ${delay / 1000} s`);
    await opts.sleep(delay);
  }
}
