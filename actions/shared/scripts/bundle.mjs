// Bundles one action (src/main.ts -> dist/index.js) with esbuild: one ESM file, minified, deterministic.
// `node bundle.mjs <action-dir>` writes it; tests call bundleAction(dir) to compare with the committed dist/.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
    target: 'node20',
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
