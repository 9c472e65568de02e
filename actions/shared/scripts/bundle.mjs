// Bundles one action (src/main.ts -> dist/index.js) with esbuild: one ESM file, minified, deterministic.
// `node bundle.mjs <action-dir>` writes it; tests call bundleAction(dir) to compare with the committed dist/.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Every action.yml declares `runs.using: node24`: GitHub runs actions on Node 24 and is retiring node20 from its
// runners. Our machines run the tests, bundles included, on Node 20. So a bundle targets both: esbuild emits only
// syntax that each of them runs.
export const ACTION_RUNTIME = 'node24';
export const NODE_TARGETS = ['node20', ACTION_RUNTIME];

// ESM bundles of CommonJS dependencies call require() for Node built-ins; give them one.
const banner = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** Returns the bundle text of the action in `dir` without touching the disk. */
export async function bundleAction(dir) {
  const root = resolve(dir);
  const result = await build({
    entryPoints: [join(root, 'src', 'index.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: NODE_TARGETS,
    format: 'esm',
    minify: true,
    legalComments: 'eof',
    conditions: ['craftista-source'],
    banner: { js: banner },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export function distPath(dir) {
  return join(resolve(dir), 'dist', 'index.js');
}

export function committedBundle(dir) {
  return readFileSync(distPath(dir), 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? '.';
  const text = await bundleAction(dir);
  mkdirSync(join(resolve(dir), 'dist'), { recursive: true });
  writeFileSync(distPath(dir), text);
  console.log(`${distPath(dir)}: ${text.length} bytes`);
}
