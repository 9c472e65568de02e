// Which services of craftista.services.yaml does a push affect? A service is affected when turbo's
// affected detection (`turbo ls --affected --output=json`, which follows the workspace dependency graph)
// lists its workspace, or when a changed file is its Dockerfile. Prints a JSON array of service names.
//   node affected-services.mjs <services.yaml> <turbo-ls.json> <changed-files.txt>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export function affectedServices(configText, turboJson, changedFiles) {
  const config = parse(configText);
  const turbo = JSON.parse(turboJson);
  const paths = new Set((turbo.packages?.items ?? []).map((p) => String(p.path).replace(/\/+$/, '')));
  const changed = new Set(
    changedFiles
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  return Object.entries(config.services)
    .filter(([, s]) => paths.has(s.path.replace(/\/+$/, '')) || changed.has(s.dockerfile))
    .map(([name]) => name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [configFile, turboFile, changedFile] = process.argv.slice(2);
  if (!configFile || !turboFile || !changedFile) {
    console.error('usage: affected-services.mjs <services.yaml> <turbo-ls.json> <changed-files.txt>');
    process.exit(2);
  }
  const names = affectedServices(
    readFileSync(configFile, 'utf8'),
    readFileSync(turboFile, 'utf8'),
    readFileSync(changedFile, 'utf8'),
  );
  process.stdout.write(`${JSON.stringify(names)}\n`);
}
