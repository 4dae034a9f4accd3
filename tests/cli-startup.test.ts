/**
 * Start-up (docs/startup.md): `book --help`, `book --version` and a command's help load the
 * commands' descriptions only, not the pipeline (parse, compile, citations, the writers), and
 * `book check` loads no edition writer. Measured on the real bin/book.js, the modules it loads
 * listed by a module hook (tests/support/load-log.mjs): from the TypeScript sources through tsx
 * (BOOK_FROM_SOURCE=1), and compiled (bin/compiled.js), where the sources a loaded file holds are
 * read from the bundle's sources.json.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundlesDir, sourcesKey } from '../bin/compiled.js';
import { formats } from '../scripts/output/index.ts';
import { formatNames } from '../scripts/output/format-names.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'book.js');
const hooks = path.join(root, 'tests', 'support', 'load-log.mjs');

type Way = 'sources' | 'compiled';

/** The project's modules (relative to the root) and the packages `node bin/book.js ...args` loads. */
async function loaded(args: string[], way: Way, extraEnv: Record<string, string> = {}): Promise<{ modules: string[]; packages: Set<string>; stdout: string; files: string[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'book-startup-'));
  const log = path.join(dir, 'loaded.txt');
  try {
    // A check that finds errors exits 1: what it loaded is still what is looked at.
    const env = { ...process.env, BOOK_LOAD_LOG: log, BOOK_FROM_SOURCE: way === 'sources' ? '1' : '0', ...extraEnv };
    const { stdout } = await run(process.execPath, ['--import', hooks, bin, ...args], { cwd: root, env }).catch(
      (error: { code?: number; stdout: string }) => {
        if (error.code !== 1) throw error;
        return error;
      },
    );
    const urls = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
    const files = urls.map((url) => new URL(url).pathname);
    const bundled = files.filter((file) => file.startsWith(`${bundlesDir}/`));
    const sources = bundled.length ? (JSON.parse(await readFile(path.join(path.dirname(bundled[0]), 'sources.json'), 'utf8')) as Record<string, string[]>) : {};
    const modules = [
      ...files.filter((file) => !file.includes('/node_modules/')).map((file) => path.relative(root, file)),
      ...bundled.flatMap((file) => sources[path.basename(file)] ?? [`(not in sources.json) ${file}`]),
    ];
    // Packages Node loaded, and those the bundle's loaded files hold (bin/compiled.js bundles most).
    const packageFiles = [...files.filter((file) => !file.startsWith(`${bundlesDir}/`)), ...bundled.flatMap((file) => (sources[path.basename(file)] ?? []).map((source) => `/${source}`))];
    const packages = new Set(packageFiles.flatMap((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
    return { modules, packages, stdout, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pipeline = ['scripts/build.ts', 'scripts/compile.ts', 'scripts/markdown/parse.ts', 'scripts/citations/index.ts', 'scripts/check/index.ts', 'scripts/output/index.ts'];

describe.each(['sources', 'compiled'] as const)('start-up, from the %s', (way) => {
  // What a command loads once the command line is compiled for these sources: the first command
  // after a change compiles it (loading esbuild), whichever test runs first.
  beforeAll(async () => {
    if (way === 'compiled') await run(process.execPath, [bin, '--version'], { cwd: root, env: { ...process.env, BOOK_FROM_SOURCE: '0' } });
  });

  it('book --help and book --version load the commands, not the pipeline', async () => {
    for (const args of [['--help'], ['--version'], ['check', '--help']]) {
      const { modules, packages, stdout, files } = await loaded(args, way);
      expect(stdout).toMatch(/^(Usage|book)/m);
      expect(modules).toContain('scripts/commands/check.ts');
      expect(modules.filter((module) => pipeline.includes(module) || module.startsWith('scripts/output/') && module !== 'scripts/output/format-names.ts')).toEqual([]);
      if (way === 'sources') {
        // tsx (and its esbuild) alone: no Markdown, no citations, no reporter.
        expect([...packages].filter((name) => !['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps'].includes(name))).toEqual([]);
      } else {
        // The bundle of this version of the sources, and no package at all: not even tsx.
        expect(files).toContain(path.join(bundlesDir, sourcesKey(), 'cli.mjs'));
        expect([...packages]).toEqual([]);
      }
    }
  });

  it('book check loads the compiler and the checks, no edition writer', async () => {
    const { modules, packages } = await loaded(['check', '--quiet', 'tests/fixtures/check/footnote-empty'], way);
    expect(modules).toEqual(expect.arrayContaining(['scripts/compile.ts', 'scripts/check/index.ts']));
    expect(modules.filter((module) => module === 'scripts/output/index.ts' || /^scripts\/output\/(html|epub|pdf)\//.test(module))).toEqual([]);
    for (const name of ['playwright-core', 'pdf-lib', 'epub-gen-memory', 'subset-font']) expect(packages.has(name)).toBe(false);
    // The Markdown reader is loaded, from node_modules or inside the bundle: the list above is read right.
    expect(packages.has('micromark')).toBe(true);
  });

  it('book check of a book that cites loads no citeproc-js, even with an empty cache: its style is shipped', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'book-startup-cache-'));
    try {
      const { packages } = await loaded(['check', '--quiet', 'tests/fixtures/warm-build'], way, { BOOK_CACHE_DIR: cache });
      expect(packages.has('micromark')).toBe(true);
      // What it reads of the style and locale comes from templates/csl/style-facts.json (scripts/citations/style-facts.ts).
      expect(packages.has('citeproc')).toBe(false);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe('the compiled command line', () => {
  it('requires the CommonJS packages it leaves to Node, never imports them (Node would scan their sources first)', async () => {
    await run(process.execPath, [bin, '--version'], { cwd: root, env: { ...process.env, BOOK_FROM_SOURCE: '0' } });
    const dir = path.join(bundlesDir, sourcesKey());
    const chunks = (await readdir(dir)).filter((name) => name.endsWith('.mjs'));
    const code = (await Promise.all(chunks.map((name) => readFile(path.join(dir, name), 'utf8')))).join('\n');
    for (const name of ['pdf-lib', 'jszip', 'epub-gen-memory', 'subset-font']) {
      expect(code).toContain(`__require(${JSON.stringify(name)})`);
      expect(code).not.toContain(`from ${JSON.stringify(name)}`);
      expect(code).not.toContain(`import(${JSON.stringify(name)})`);
    }
    expect(code).toMatch(/createRequire\([^)]*\)\("playwright-core"\)/);
    expect(code).not.toMatch(/from "playwright-core"|import\("playwright-core"\)/);
  });

  it('is made again for any change to the sources, tsconfig.json or package.json, and only then', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'book-sources-key-'));
    try {
      for (const name of ['scripts', 'tsconfig.json', 'package.json']) await cp(path.join(root, name), path.join(dir, name), { recursive: true });
      const key = sourcesKey(dir);
      expect(sourcesKey(dir)).toBe(key);
      const file = path.join(dir, 'scripts', 'commands', 'check.ts');
      const text = await readFile(file, 'utf8');
      await writeFile(file, `${text}\n`);
      const changed = sourcesKey(dir);
      expect(changed).not.toBe(key);
      await writeFile(file, text);
      expect(sourcesKey(dir)).toBe(key);
      await writeFile(path.join(dir, 'scripts', 'new-module.ts'), 'export {};\n');
      expect(sourcesKey(dir)).not.toBe(key);
      await writeFile(path.join(dir, 'tsconfig.json'), '{}\n');
      expect(sourcesKey(dir)).not.toBe(key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('start-up', () => {
  it('names the editions as their writers do, in the same order', () => {
    expect(formatNames).toEqual(Object.keys(formats));
  });
});
