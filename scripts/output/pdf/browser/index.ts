/**
 * The script the print document loads (`render.js`, beside paged.esm.js): render.ts, which runs in
 * Chromium, turned into JavaScript by esbuild's `transform` (types stripped, nothing bundled: its
 * import of paged.esm.js stays for the browser to resolve). Done once per process, in memory.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./render.ts', import.meta.url));
let script: Promise<string> | undefined;

/** The JavaScript module of the page's layout code. */
export function browserScript(): Promise<string> {
  script ??= (async () => {
    // Loaded only when a PDF is made: the other editions do without esbuild.
    const { transform } = await import('esbuild');
    const result = await transform(await readFile(source, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: 'render.ts' });
    return result.code;
  })();
  script.catch(() => (script = undefined)); // a failure is not kept: the next build tries again
  return script;
}
