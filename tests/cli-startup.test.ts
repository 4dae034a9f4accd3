/**
 * Start-up (docs/startup.md): `book --help`, `book --version` and a command's help load the
 * commands' descriptions only, not the pipeline (parse, compile, citations, the writers), and
 * `book check` loads no edition writer. Measured on the real bin/book.js, the modules it loads
 * listed by a module hook (tests/support/load-log.mjs).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formats } from '../scripts/output/index.ts';
import { formatNames } from '../scripts/output/format-names.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'book.js');
const hooks = path.join(root, 'tests', 'support', 'load-log.mjs');

/** The project's modules (relative to the root) and the packages `node bin/book.js ...args` loads. */
async function loaded(args: string[]): Promise<{ modules: string[]; packages: Set<string>; stdout: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'book-startup-'));
  const log = path.join(dir, 'loaded.txt');
  try {
    // A check that finds errors exits 1: what it loaded is still what is looked at.
    const { stdout } = await run(process.execPath, ['--import', hooks, bin, ...args], { cwd: root, env: { ...process.env, BOOK_LOAD_LOG: log } }).catch(
      (error: { code?: number; stdout: string }) => {
        if (error.code !== 1) throw error;
        return error;
      },
    );
    const urls = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
    const files = urls.map((url) => new URL(url).pathname);
    const modules = files.filter((file) => !file.includes('/node_modules/')).map((file) => path.relative(root, file));
    const packages = new Set(files.flatMap((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
    return { modules, packages, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pipeline = ['scripts/build.ts', 'scripts/compile.ts', 'scripts/markdown/parse.ts', 'scripts/citations/index.ts', 'scripts/check/index.ts', 'scripts/output/index.ts'];

describe('start-up', () => {
  it('book --help and book --version load the commands, not the pipeline', async () => {
    for (const args of [['--help'], ['--version'], ['check', '--help']]) {
      const { modules, packages, stdout } = await loaded(args);
      expect(stdout).toMatch(/^(Usage|book)/m);
      expect(modules).toContain('scripts/commands/check.ts');
      expect(modules.filter((module) => pipeline.includes(module) || module.startsWith('scripts/output/') && module !== 'scripts/output/format-names.ts')).toEqual([]);
      // tsx (and its esbuild) alone: no Markdown, no citations, no reporter.
      expect([...packages].filter((name) => !['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps'].includes(name))).toEqual([]);
    }
  });

  it('book check loads the compiler and the checks, no edition writer', async () => {
    const { modules, packages } = await loaded(['check', '--quiet', 'tests/fixtures/check/footnote-empty']);
    expect(modules).toEqual(expect.arrayContaining(['scripts/compile.ts', 'scripts/check/index.ts']));
    expect(modules.filter((module) => module === 'scripts/output/index.ts' || /^scripts\/output\/(html|epub|pdf)\//.test(module))).toEqual([]);
    for (const name of ['playwright-core', 'pdf-lib', 'epub-gen-memory', 'subset-font']) expect(packages.has(name)).toBe(false);
  });

  it('names the editions as their writers do, in the same order', () => {
    expect(formatNames).toEqual(Object.keys(formats));
  });
});
