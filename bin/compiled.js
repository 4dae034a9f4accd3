// The command line compiled once for each version of its sources: scripts/ bundled by esbuild into
// plain JavaScript in node_modules/.cache/book-cli/<key>/, so that a command does not go through
// tsx's module hooks (about 0.35 s of `book check` on 100k words, 0.15 s of `book --help`).
// See docs/startup.md, "The compiled command line".
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashSources } from '../scripts/hash-sources.js';
import { forgetOtherVersions, markUsed } from '../scripts/versions.js';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Changed when the way the bundle is made changes, so that no bundle made the old way is served. */
const recipe = 'esm-splitting-node20-meta-url-2-packages-mjs-cjs-required';

/**
 * The packages of `external` that are only CommonJS, given to the bundle through `require` rather
 * than `import`: imported as ES modules, Node first scans their source for the names they export
 * (cjs-module-lexer; 26 ms for pdf-lib). Each is bundled as a one-line CommonJS module,
 * `module.exports = require(name)`, whose `require` is the chunk's own (the banner's); esbuild then
 * reads its names as Node does for a CommonJS module (`default` is `module.exports`). Not
 * playwright-core, which scripts/browser.ts requires itself (a dynamic `import()` of such a module
 * would get `default` alone from esbuild's chunk), nor packages that ship an ES module build.
 */
const requiredPackages = ['epub-gen-memory', 'jszip', 'pdf-lib', 'subset-font'];

/**
 * Packages left to Node: they find files of their own beside their code (Playwright, esbuild,
 * HarfBuzz's WebAssembly, epub-gen-memory's templates), or are large, loaded by one edition only,
 * and come in a few files anyway. Every other package (the unified collective's hundreds of small
 * modules, YAML, zod) is bundled: resolving and reading its files one by one was a fifth of a warm
 * build's time.
 */
const external = ['playwright-core', 'esbuild', 'epub-gen-memory', 'jszip', 'pdf-lib', 'subset-font', 'bwip-js', 'citeproc', '@retorquere/bibtex-parser', '@myriaddreamin/*'];

/** Every file of scripts/ (path and bytes), tsconfig.json, package.json, package-lock.json (the bundled packages' versions), the recipe and esbuild's version: the bundle's key. */
export function sourcesKey(base = root) {
  const digest = createHash('sha256').update(recipe).update('\0');
  return hashSources(digest, base, { dirs: ['scripts'], files: ['tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/esbuild/package.json'] }).digest('hex').slice(0, 32);
}

export const bundlesDir = path.join(root, 'node_modules', '.cache', 'book-cli');

/**
 * scripts/cli.ts and what it imports, bundled into `dir`: one chunk per module a command loads when
 * it runs (esbuild's code splitting keeps every `await import()` lazy), with the packages but those
 * in `external`, which resolve from node_modules above the folder. `import.meta.url` is the source file's own URL
 * in each module, so that templates, fonts and the browser's scripts are found where they are.
 */
async function bundle(dir) {
  const { build } = await import('esbuild');
  const partial = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    const { metafile } = await build({
      absWorkingDir: root,
      metafile: true,
      entryPoints: [path.join(root, 'scripts', 'cli.ts')],
      outdir: partial,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external,
      // .mjs: the folder is under node_modules, where Node looks for no package.json, so a .js file
      // would be read twice, the second time to guess whether it is a module.
      outExtension: { '.js': '.mjs' },
      // For a bundled CommonJS package that requires a built-in module (YAML requires `process`).
      banner: { js: "import { createRequire as __bookRequire } from 'node:module'; const require = __bookRequire(import.meta.url);" },
      logLevel: 'silent',
      plugins: [
        {
          name: 'book:required-packages',
          setup(build) {
            const filter = new RegExp(`^(${requiredPackages.map((name) => name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})$`);
            build.onResolve({ filter }, (args) => (args.namespace === 'book-required' ? { path: args.path, external: true } : { path: args.path, namespace: 'book-required' }));
            build.onLoad({ filter: /.*/, namespace: 'book-required' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
          },
        },
        {
          name: 'book:source-urls',
          setup(build) {
            build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => ({
              contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
              loader: 'ts',
            }));
          },
        },
      ],
    });
    // Which sources each file holds (tests/cli-startup.test.ts reads it: what a command loads).
    const sources = Object.fromEntries(Object.entries(metafile.outputs).map(([file, output]) => [path.basename(file), Object.keys(output.inputs).sort()]));
    await writeFile(path.join(partial, 'sources.json'), `${JSON.stringify(sources, null, 1)}\n`);
    // Another process may have made it meanwhile: either copy is the same.
    await rename(partial, dir).catch(() => undefined);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  // Bundles of other versions of the sources, unused for a day, go (a running command may still load its chunks).
  await forgetOtherVersions(path.dirname(dir), path.basename(dir));
}

/**
 * The compiled command line's module (its `runCommandLine`), made first if this version of the
 * sources has none; undefined when it cannot be (no esbuild, a read-only node_modules) or is not
 * wanted: BOOK_FROM_SOURCE=1, or BOOK_DEBUG=1, whose traces then point into the TypeScript sources.
 */
export async function compiledCommandLine() {
  if (process.env.BOOK_FROM_SOURCE === '1' || process.env.BOOK_DEBUG === '1') return undefined;
  try {
    const dir = path.join(bundlesDir, sourcesKey());
    const entry = path.join(dir, 'cli.mjs');
    if (existsSync(entry)) {
      // Used: kept by the pruning of other versions' bundles (`bundle`).
      await markUsed(dir);
    } else {
      await bundle(dir);
    }
    return await import(pathToFileURL(entry).href);
  } catch {
    return undefined;
  }
}
