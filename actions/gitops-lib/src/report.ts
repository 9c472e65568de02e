// What a bump or promotion reports to the workflow: the step outputs both actions declare, and a before → after
// table in the job summary.
import { Summary, code, link, type ActionIO } from '@craftista/actions-shared';
import type { BumpResult } from './bump.js';

export function writeOutputs(io: ActionIO, result: BumpResult): void {
  io.output('operation', result.operation);
  io.output('branch', result.branch);
  io.output('pull-request-number', result.pullRequest ? String(result.pullRequest.number) : '');
  io.output('pull-request-url', result.pullRequest?.url ?? '');
  io.output('commit', result.commit ?? '');
  io.output('changed-files', result.changedFiles.join('\n'));
  io.output('result', JSON.stringify(result));
}

export async function summarize(io: ActionIO, title: string, env: string, result: BumpResult): Promise<void> {
  const s = new Summary().heading(title, 3);
  s.table(
    ['service', 'file', 'before', 'after'],
    result.outcomes.map((o) => [
      o.service,
      code(o.path),
      code(`${o.before.tag}${o.before.digest ? '@' + o.before.digest.slice(0, 19) + '…' : ''}`),
      code(`${o.after.tag}${o.after.digest ? '@' + o.after.digest.slice(0, 19) + '…' : ''}`),
    ]),
    { raw: true },
  );
  s.paragraph(
    `${env}: **${result.operation}**` +
      (result.pullRequest
        ? ` — ${link(`#${result.pullRequest.number}`, result.pullRequest.url)} on ${code(result.branch)}`
        : ''),
  );
  // The pull request is already there: a summary that cannot be written is worth a warning, not a failure.
  await s
    .write(io)
    .catch((e: unknown) => io.warning(`could not write the job summary: ${(e as Error).message}`));
}
