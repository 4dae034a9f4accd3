/**
 * The script the print document loads (`render.js`, beside paged.esm.js): render.ts, which runs in
 * Chromium, bundled by esbuild with the modules it shares with the build (../folios.ts), types
 * stripped; its import of paged.esm.js stays for the browser to resolve. Done once per process, in
 * memory.
 */
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./render.ts', import.meta.url));
/** The toolchain's folder: the bundle's comments name its files relative to it, the same from any working folder. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
let script: Promise<string> | undefined;

/** The JavaScript module of the page's layout code. */
export function browserScript(): Promise<string> {
  script ??= (async () => {
    // Loaded only when a PDF is made: the other editions do without esbuild.
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [source], absWorkingDir: root, bundle: true, external: ['./paged.esm.js'], format: 'esm', target: 'es2022', write: false, logLevel: 'silent' });
    return result.outputFiles[0].text;
  })();
  script.catch(() => (script = undefined)); // a failure is not kept: the next build tries again
  return script;
}
