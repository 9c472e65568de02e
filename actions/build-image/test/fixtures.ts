import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '@craftista/actions-shared';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const events = join(fixtures, 'events');

/** Reads events/<name>.env, with GITHUB_EVENT_PATH made absolute. */
export function eventEnv(name: string): Env {
  const env: Env = {};
  for (const line of readFileSync(join(events, `${name}.env`), 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  if (env['GITHUB_EVENT_PATH'] !== undefined)
    env['GITHUB_EVENT_PATH'] = join(events, env['GITHUB_EVENT_PATH']);
  return env;
}
