/**
 * package.json says what the code needs, no more, no less (issue 14, point 9):
 *
 * - every package the code imports (or resolves, or runs from node_modules/.bin) is declared;
 * - what the book's build needs at run time (scripts/ outside the benchmark, bin/) is in
 *   `dependencies`, so that `npm install --omit=dev --omit=optional` is enough to build a book;
 * - nothing declared is unused, except the few listed below with the reason;
 * - the benchmark's peers (pagedjs-cli and its Puppeteer) are optional.
 *
 * A static reading of the sources: `import … from 'x'`, `import('x')`, `import 'x'`,
 * `require.resolve('x/…')`, `node_modules/.bin/x`. Type-only packages (`hast`, `mdast`…) are
 * satisfied by their `@types/` package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<'dependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string> | undefined> & { scripts: Record<string, string> };
const dependencies = Object.keys(pkg.dependencies ?? {});
const devDependencies = Object.keys(pkg.devDependencies ?? {});
const optionalDependencies = Object.keys(pkg.optionalDependencies ?? {});
const declared = new Set([...dependencies, ...devDependencies, ...optionalDependencies]);

/** Declared but not imported, each with why it is there. */
const usedOtherwise: Record<string, string> = {
  typescript: 'the type checker, `tsc --noEmit` in the npm scripts',
  '@types/node': "Node's own types, ambient (no import names them)",
};


function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'fixtures') continue;
    // The generated folder at the top (a benchmark run copies Paged.js there): not our code.
    if (dir === root && entry.name === 'build') continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(file, found);
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) found.push(file);
  }
  return found;
}

// Quoted names, and template strings up to their first substitution (`createRequire(…).resolve(\`world-atlas/countries-${…}\`)`).
const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*)['"]([^'"./][^'"]*)['"]|\b(?:require|createRequire\([^)]*\))\.resolve\(\s*`([^`./$][^`$]*)|node_modules\/\.bin\/([\w.-]+)/g;

/** The package a specifier names (`@scope/name/sub` → `@scope/name`), none for Node's builtins. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('node:')) return undefined;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return name;
}

/** For each package, the files that use it. Binaries map to their package. */
function usesIn(files: string[]): Map<string, string[]> {
  const bins: Record<string, string> = { 'ace-cli': '@daisy/ace-cli' };
  const uses = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(specifier)) {
      const spec = match[1] ?? match[2];
      const name = spec ? packageOf(spec) : bins[match[3]] ?? match[3];
      if (!name) continue;
      // A type-only package is satisfied by its @types/ package; a package's @types/ is used with it.
      const resolved = declared.has(name) || !declared.has(`@types/${name}`) ? [name] : [`@types/${name}`];
      if (declared.has(name) && declared.has(`@types/${name}`)) resolved.push(`@types/${name}`);
      for (const used of resolved) uses.set(used, [...(uses.get(used) ?? []), path.relative(root, file)]);
    }
  }
  return uses;
}

// This file names packages in its comments and lists: not uses.
const all = sourceFiles(root).filter((file) => !file.includes(`${path.sep}.git${path.sep}`) && file !== import.meta.filename);
const runtime = all.filter((file) => {
  const relative = path.relative(root, file);
  return (relative.startsWith(`scripts${path.sep}`) && !relative.startsWith(path.join('scripts', 'bench'))) || relative.startsWith(`bin${path.sep}`);
});
const used = usesIn(all);
const usedAtRunTime = usesIn(runtime);
/** Loaded by a name the code computes, not by an import: book.yaml's default family (`fonts:`). */
const resolvedByName: Record<string, string> = { '@fontsource/eb-garamond': 'scripts/manuscript/fonts.ts' };
for (const [name, file] of Object.entries(resolvedByName)) {
  expect(readFileSync(path.join(root, file), 'utf8')).toContain("'EB Garamond'");
  used.set(name, [file]);
  usedAtRunTime.set(name, [file]);
}

describe('package.json', () => {
  it('declares every package the code imports', () => {
    const undeclared = [...used].filter(([name]) => !declared.has(name)).map(([name, files]) => `${name} (${files.slice(0, 3).join(', ')})`);
    expect(undeclared).toEqual([]);
  });

  it('puts what building a book needs in dependencies', () => {
    const misplaced = [...usedAtRunTime].filter(([name]) => !dependencies.includes(name) && !name.startsWith('@types/')).map(([name, files]) => `${name} (${files[0]})`);
    expect(misplaced).toEqual([]);
  });

  it('declares nothing unused', () => {
    const unused = [...declared].filter((name) => !used.has(name) && !(name in usedOtherwise));
    expect(unused).toEqual([]);
    // The lists above stay true: what they name is declared, and what is imported leaves them.
    expect(Object.keys(usedOtherwise).filter((name) => !declared.has(name))).toEqual([]);
    expect(Object.keys(usedOtherwise).filter((name) => used.has(name))).toEqual([]);
  });

  it('keeps in dependencies only what the build uses at run time (tests and the benchmark use devDependencies)', () => {
    const onlyForTests = dependencies.filter((name) => !usedAtRunTime.has(name));
    expect(onlyForTests).toEqual([]);
  });

  it('makes the benchmark\'s peers optional: pagedjs-cli, with its own Puppeteer', () => {
    expect(optionalDependencies).toContain('pagedjs-cli');
    expect([...dependencies, ...devDependencies]).not.toContain('pagedjs-cli');
  });
});

describe('the packages the tests run', () => {
  it('are the builds the command line runs, not their development builds (vitest.config.ts)', () => {
    // Node resolves the packages of a test worker with the conditions it was started with; with
    // `development`, micromark's build that logs through `debug` and asserts through `devlop`.
    const conditions = process.execArgv.flatMap((arg, i, all) => (arg === '--conditions' || arg === '-C' ? [all[i + 1]] : arg.startsWith('--conditions=') ? [arg.slice('--conditions='.length)] : []));
    expect(conditions).toContain('node');
    expect(conditions).not.toContain('development');
  });
});
