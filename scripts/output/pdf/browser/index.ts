/**
 * The script the print document loads (`render.js`): render.ts, which runs in Chromium, bundled by
 * esbuild with Paged.js and the modules it shares with the build (../folios.ts), types stripped,
 * minified. Every part of the book's layout loads it, each in a browser context of its own, through
 * the build's process: Paged.js as it is published (paged.esm.js, 890 KB) was served 23 times for
 * the 300k-word book, 20 MB the build's process read, encoded and let go while Chromium laid the
 * book out; minified inside render.js, 400 KB a part. Done once per process, in memory.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./render.ts', import.meta.url));
/** The toolchain's folder: the bundle's comments name its files relative to it, the same from any working folder. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** Paged.js's ES module, which render.ts imports as `./paged.esm.js` (its types: paged.esm.d.ts); the package exports no path to it, it sits beside lib/ (pagedjs 0.4.x). */
const pagedEsm = path.join(path.dirname(createRequire(import.meta.url).resolve('pagedjs')), '..', 'dist', 'paged.esm.js');
let script: Promise<string> | undefined;

/** The JavaScript module of the page's layout code. */
export function browserScript(): Promise<string> {
  script ??= (async () => {
    // Loaded only when a PDF is made: the other editions do without esbuild.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [source],
      absWorkingDir: root,
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      plugins: [{ name: 'book:pagedjs', setup: (b) => b.onResolve({ filter: /^\.\/paged\.esm\.js$/ }, () => ({ path: pagedEsm })) }],
    });
    return result.outputFiles[0].text;
  })();
  script.catch(() => (script = undefined)); // a failure is not kept: the next build tries again
  return script;
}
