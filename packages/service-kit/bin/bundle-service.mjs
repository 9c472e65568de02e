// Run from an app's directory by its build script: bundles src/main.ts into dist/main.js with esbuild, which is
// what `node dist/main.js` (the images, the benches) runs.
// Why: run from tsc's output, a service loads ~250 CommonJS and ~150 ESM files from node_modules, each kept with
// its source, wrapper and resolution state. One minified ESM file (lazy imports split into chunks loaded on first
// use) holds 59 MiB instead of 70 (recommendation, 2 s after start), together with the images' malloc threshold
// (docker/Dockerfile: without it the bundle saves only ~1 MB, its parse buffers staying in glibc's heap). Files the
// code reads beside itself (../static, ../views, ./migrations) are found from dist/ as before: the bundle sits
// where tsc's main.js did.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

// CommonJS dependencies inside an ESM bundle call require() for Node built-ins; give them one.
const banner = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";
// Loaded from node_modules at run time, if at all. PGlite (voting's embedded store in dev) finds its WebAssembly
// beside itself. The others are required by their dependents only on demand: Fastify's JSON-schema compilers (our
// routes validate with zod) and inject(), body-parser's tables of legacy charsets. Bundled, their ~0.9 MB of source
// would be read and kept by every process that never runs them.
const external = ['@electric-sql/pglite', 'ajv', 'ajv-formats', 'fast-uri', 'light-my-request', 'iconv-lite'];

// Every zod entry point re-exports its error messages in ~45 languages (260 KB of the 440 KB zod adds to a bundle),
// so nothing can tree-shake them; the services answer in English, so the bundle gets zod's English alone.
const zodInEnglish = {
  name: 'zod-in-english',
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.resolve(path.dirname(importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'zod-locales' }, ({ path: english }) => ({
      contents: `export { default as en } from ${JSON.stringify(english)};`,
      resolveDir: path.dirname(english),
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  conditions: ['craftista-source'],
  external,
  banner: { js: banner },
  plugins: [zodInEnglish],
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`dist/: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(2)} MB`);
