// Which services of craftista.services.yaml does a push affect? A service is affected when turbo's
// affected detection (`turbo ls --affected --output=json`, which follows the workspace dependency graph)
// lists its workspace, when a changed file is its Dockerfile, or when a changed file is a root build input
// that every image is built from (turbo lists no workspace for those). Prints a JSON array of service names.
//   node affected-services.mjs <services.yaml> <turbo-ls.json> <changed-files.txt>
//   node affected-services.mjs --all <services.yaml>   (no usable diff base: a new branch or a force push)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Root files every image build reads: docker/Dockerfile copies tsconfig.base.json, and `turbo prune` carries
// the root package.json, the lockfile and turbo.json into each image. .dockerignore decides what the build sees.
export const ROOT_BUILD_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'turbo.json',
  '.dockerignore',
];

export function allServices(configText) {
  return Object.keys(parse(configText).services);
}

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
  const rootInput = ROOT_BUILD_INPUTS.some((f) => changed.has(f));
  return Object.entries(config.services)
    .filter(([, s]) => rootInput || paths.has(s.path.replace(/\/+$/, '')) || changed.has(s.dockerfile))
    .map(([name]) => name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let names;
  if (args[0] === '--all' && args.length === 2) names = allServices(readFileSync(args[1], 'utf8'));
  else if (args.length === 3 && !args.includes('--all'))
    names = affectedServices(
      readFileSync(args[0], 'utf8'),
      readFileSync(args[1], 'utf8'),
      readFileSync(args[2], 'utf8'),
    );
  else {
    console.error(
      'usage: affected-services.mjs <services.yaml> <turbo-ls.json> <changed-files.txt>\n' +
        '       affected-services.mjs --all <services.yaml>',
    );
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(names)}\n`);
}
