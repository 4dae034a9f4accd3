/**
 * The script the print document loads (`render.js`): render.ts, which runs in Chromium, bundled by
 * esbuild with Paged.js and the modules it shares with the build (../folios.ts), types stripped,
 * minified, and kept in the build's cache. Every part of the book's layout loads it, each in a
 * browser context of its own, through the build's process: Paged.js as it is published
 * (paged.esm.js, 890 KB) was served 23 times for the 300k-word book, 20 MB the build's process
 * read, encoded and let go while Chromium laid the book out; minified inside render.js, 520 KB a
 * part.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, cachedFile, hashOf, toolchainFingerprint } from '../../../cache.ts';
import { withEsbuild } from '../../../esbuild.ts';
import { forgetOtherVersions, markUsed } from '../../../versions.js';

const source = fileURLToPath(new URL('./render.ts', import.meta.url));
/** The toolchain's folder: the bundle's comments name its files relative to it, the same from any working folder. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** Paged.js's ES module, which render.ts imports as `./paged.esm.js` (its types: paged.esm.d.ts); the package exports no path to it, it sits beside lib/ (pagedjs 0.4.x). */
const require = createRequire(import.meta.url);
const pagedEsm = path.join(path.dirname(require.resolve('pagedjs')), '..', 'dist', 'paged.esm.js');
let script: Promise<string> | undefined;

/** The JavaScript module of the page's layout code. */
export function browserScript(): Promise<string> {
  script ??= (async () => {
    // Made once for each version of the toolchain (its sources, Paged.js, esbuild: the fingerprint
    // of the build's cache), kept in node_modules/.cache/book/print/; the versions before it go
    // after a day unused.
    const name = `render-${hashOf(toolchainFingerprint(), 'render.js')}.js`;
    const code = await cachedFile('print', name, async () => {
      await forgetOtherVersions(cacheDir('print'), name, (other) => /^render-[0-9a-f]+\.js$/.test(other));
      // Loaded only when a PDF is made: the other editions do without esbuild.
      const result = await withEsbuild(({ build }) =>
        build({
          entryPoints: [source],
          absWorkingDir: root,
          bundle: true,
          minify: true,
          format: 'esm',
          target: 'es2022',
          write: false,
          logLevel: 'silent',
          plugins: [{ name: 'book:pagedjs', setup: (b) => b.onResolve({ filter: /^\.\/paged\.esm\.js$/ }, () => ({ path: pagedEsm })) }],
        }),
      );
      return result.outputFiles[0].contents;
    });
    await markUsed(path.join(cacheDir('print'), name));
    return code.toString('utf8');
  })();
  script.catch(() => (script = undefined)); // a failure is not kept: the next build tries again
  return script;
}
