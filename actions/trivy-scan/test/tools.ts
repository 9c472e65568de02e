import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A pinned tool built by scripts/install-tools.sh, or the same name on PATH; fails saying how to get it. */
export function pinnedTool(name: string, version: string): string {
  const dir = process.env['CRAFTISTA_TOOLS_DIR'] ?? join(homedir(), '.cache', 'craftista', 'tools');
  const candidates = [
    join(dir, `${name}-${version}`, name),
    ...(process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, name)),
  ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(`${name} ${version} not found in ${dir} or on PATH: run scripts/install-tools.sh ${name}`);
}
