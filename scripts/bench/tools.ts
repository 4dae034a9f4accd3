/**
 * What the benchmark runs: our `book check` and each of our editions through the real command line
 * (`node bin/book.js`, a child process, so that process start counts as it does for pandoc), and
 * the tools a user would pick instead — pandoc (HTML, EPUB 3, with --citeproc and the book's CSL
 * style), pagedjs-cli and WeasyPrint (on our own print HTML). A tool that cannot run here is kept,
 * with the reason, and reported as missing or blocked: never silently left out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrintHtmlResult } from './print-html.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/** The editions the issue asks for; each is timed if the registry (scripts/output/index.ts) has it. */
export const expectedEditions = ['html', 'epub', 'pdf'] as const;
export type Edition = (typeof expectedEditions)[number];

export type ToolId =
  | 'book-check'
  | 'book-html'
  | 'book-epub'
  | 'book-pdf'
  | 'book-html-warm'
  | 'book-epub-warm'
  | 'pandoc-html'
  | 'pandoc-epub'
  | 'pagedjs-cli'
  | 'weasyprint'
  | 'typst';

/** Every tool, in the order of the report and of `--only`. */
export const toolIds: readonly ToolId[] = [
  'book-check', 'book-html', 'book-epub', 'book-pdf', 'book-html-warm', 'book-epub-warm',
  'pandoc-html', 'pandoc-epub', 'pagedjs-cli', 'weasyprint', 'typst',
];

export type Availability = { status: 'ok'; version: string } | { status: 'missing' | 'blocked'; reason: string };

/** One size's files, prepared before any timing. */
export interface Workspace {
  words: number;
  label: string;
  dir: string;
  manuscript: string;
  pandocDir: string;
  pandocInputs: string[];
  bibliography: string;
  print: PrintHtmlResult;
  /** The same book as a Typst document (scripts/bench/typst.ts), for the Typst anchor. */
  typst: TypstWorkspace;
}

export type TypstWorkspace = { status: 'ok'; source: string; fonts: string } | { status: 'blocked'; reason: string };

export interface Invocation {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd: string;
  /** What it writes (removed before each run); the PDF whose pages are counted. */
  output: string;
}

export interface Tool {
  id: ToolId;
  label: string;
  side: 'ours' | 'theirs';
  produces: 'report' | 'html' | 'epub' | 'pdf';
  availability: Availability;
  /**
   * Our tools' build cache (scripts/bench/cache.ts): `cold`, a new empty BOOK_CACHE_DIR for every
   * run; `warm`, a rebuild after one changed chapter with a cache warmed beforehand. Not set: a
   * tool of others, which has no cache of ours.
   */
  cache?: 'cold' | 'warm';
  /** The edition a warm tool rebuilds. */
  format?: Edition;
  /** Blocked for one size only (no print HTML for it). */
  blockedFor?(workspace: Workspace): string | undefined;
  invocation(workspace: Workspace, runDir: string): Invocation;
}

export interface CslFiles {
  style: string;
  locale: string;
  /** Where they come from, said in the report. */
  origin: string;
}

/** The style and locale our book uses: templates/csl/ when it has them, Debian's files otherwise. */
export function cslFiles(): CslFiles {
  const style = 'chicago-fullnote-bibliography.csl';
  const locale = 'locales-fr-FR.xml';
  const ours = path.join(repoRoot, 'templates', 'csl');
  if (existsSync(path.join(ours, style)) && existsSync(path.join(ours, locale))) {
    return { style: path.join(ours, style), locale: path.join(ours, locale), origin: 'templates/csl/ (the files our book uses)' };
  }
  const debian = '/usr/share/citation-style-language';
  return {
    style: path.join(debian, 'styles', style),
    locale: path.join(debian, 'locales', locale),
    origin: `${debian} (templates/csl/ does not have them yet)`,
  };
}

function versionOf(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).split('\n')[0].trim();
  } catch {
    return undefined;
  }
}

/** The browser our PDF uses (scripts/browser.ts `chromiumCandidates`), given to pagedjs-cli too. */
const chromium = async () => (await import('../browser.ts')).chromiumCandidates().find((p) => existsSync(p));

/** Chromium's flags as our PDF gives them (scripts/browser.ts), so that both engines start alike. */
async function ourChromiumArgs(): Promise<string[]> {
  const { chromiumArgs } = await import('../browser.ts');
  return [...chromiumArgs];
}

export async function buildTools(registered: readonly string[]): Promise<Tool[]> {
  const node = process.execPath;
  const bookBin = path.join(repoRoot, 'bin', 'book.js');
  // As the command line says it, asked once untimed like the other tools' versions: this also
  // compiles the command line for this version of the sources (bin/compiled.js) before any timed run.
  const ourVersion = versionOf(node, [bookBin, '--version'])?.replace(/^book /, '') ?? (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const csl = cslFiles();
  const pandocVersion = versionOf('pandoc', ['--version']);
  const chromiumPath = await chromium();
  const chromiumVersion = chromiumPath ? versionOf(chromiumPath, ['--version']) : undefined;
  const weasyVersion = versionOf('weasyprint', ['--version']);

  const edition = (format: Edition): Availability =>
    registered.includes(format)
      ? { status: 'ok', version: `book ${ourVersion}` }
      : { status: 'missing', reason: `the \`${format}\` edition is not in the registry of editions (scripts/output/index.ts) yet` };
  const ourBuild = (format: Edition, label: string, produces: Tool['produces'], output: string): Tool => ({
    id: `book-${format}`,
    label,
    side: 'ours',
    produces,
    availability: edition(format),
    cache: 'cold',
    format,
    invocation: (w, runDir) => ({
      command: node,
      args: [bookBin, 'build', '--manuscript', w.manuscript, '--out', runDir, '--format', format, '--quiet'],
      cwd: w.dir,
      output: path.join(runDir, output),
    }),
  });
  /** The warm rebuild: the same command on the warm copy of the manuscript (warmManuscript). */
  const warmBuild = (format: 'html' | 'epub', label: string, produces: Tool['produces'], output: string): Tool => ({
    ...ourBuild(format, label, produces, output),
    id: `book-${format}-warm`,
    cache: 'warm',
    invocation: (w, runDir) => ({
      command: node,
      args: [bookBin, 'build', '--manuscript', warmManuscript(w, format), '--out', runDir, '--format', format, '--quiet'],
      cwd: w.dir,
      output: path.join(runDir, output),
    }),
  });

  const pandoc: Availability = pandocVersion
    ? existsSync(csl.style)
      ? { status: 'ok', version: pandocVersion }
      : { status: 'blocked', reason: `the CSL style ${csl.style} is not there; run \`bash scripts/setup.sh\`` }
    : { status: 'missing', reason: 'pandoc is not installed; run `bash scripts/setup.sh` (Debian package `pandoc`)' };
  const pandocRun = (to: 'html5' | 'epub3', output: string) => (w: Workspace, runDir: string): Invocation => ({
    command: 'pandoc',
    args: [
      '--from', 'markdown', '--to', to, '--standalone', '--citeproc',
      '--bibliography', w.bibliography, '--csl', csl.style,
      // pandoc 2.17 has its own copy of the CSL locales and no option to load a locale file: `lang`
      // selects fr-FR among them.
      '--metadata-file', path.join(w.pandocDir, 'metadata.yaml'), '--metadata', 'lang=fr-FR',
      '--output', path.join(runDir, output),
      ...w.pandocInputs.map((file) => path.join(w.pandocDir, file)),
    ],
    cwd: w.dir,
    output: path.join(runDir, output),
  });

  let pagedjsCli: Availability;
  let pagedjsBin: string | undefined;
  try {
    // Its package.json is not in the package's exports: found beside its entry point instead.
    const manifest = path.join(path.dirname(require.resolve('pagedjs-cli')), '..', 'package.json');
    pagedjsBin = path.join(path.dirname(manifest), 'src', 'cli.js');
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    pagedjsCli = chromiumPath
      ? { status: 'ok', version: `pagedjs-cli ${version}, ${chromiumVersion ?? 'Chromium'}` }
      : { status: 'missing', reason: 'Chromium is not installed; run `bash scripts/setup.sh` (Debian package `chromium`)' };
  } catch {
    pagedjsCli = { status: 'missing', reason: 'pagedjs-cli, an optional peer of the benchmark, is not installed (`npm install --include=optional`): skipped' };
  }
  let typst: Availability;
  try {
    const manifest = require.resolve('@myriaddreamin/typst-ts-node-compiler/package.json');
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    // Loading it loads its native binary: a platform without one is found out here, not mid-run.
    // The Typst it embeds, asked of itself (`sys.version`, ~60 ms).
    const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler') as typeof import('@myriaddreamin/typst-ts-node-compiler');
    const compiler = NodeCompiler.create();
    const probe = compiler.compile({ mainFileContent: '#metadata(str(sys.version)) <typst-version>' }).result;
    const typstVersion = probe ? (compiler.query(probe, { selector: '<typst-version>', field: 'value' }) as unknown[])[0] : undefined;
    typst = { status: 'ok', version: `Typst ${typeof typstVersion === 'string' ? typstVersion : '(version unknown)'}, @myriaddreamin/typst-ts-node-compiler ${version}` };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    typst = /Cannot find module '@myriaddreamin\/typst-ts-node-compiler/.test(message)
      ? { status: 'missing', reason: '@myriaddreamin/typst-ts-node-compiler, an optional anchor of the benchmark, is not installed (`npm install --include=optional`): skipped' }
      : { status: 'missing', reason: `@myriaddreamin/typst-ts-node-compiler cannot be loaded here (${message}): skipped` };
  }
  const printBlocked = (w: Workspace) => (w.print.status === 'blocked' ? `no print HTML: ${w.print.reason}` : undefined);
  const printHtml = (w: Workspace) => (w.print.status === 'ok' ? w.print.print : undefined);
  const browserArgs = (await ourChromiumArgs()).join(',');
  const patientPagedjs = fileURLToPath(new URL('./pagedjs-cli-patient.mjs', import.meta.url));

  return [
    {
      id: 'book-check',
      label: 'book check',
      side: 'ours',
      produces: 'report',
      availability: { status: 'ok', version: `book ${ourVersion}` },
      cache: 'cold',
      invocation: (w, runDir) => ({ command: node, args: [bookBin, 'check', w.manuscript, '--quiet'], cwd: w.dir, output: runDir }),
    },
    ourBuild('html', 'book build --format html', 'html', 'html'),
    { id: 'pandoc-html', label: 'pandoc → HTML', side: 'theirs', produces: 'html', availability: pandoc, invocation: pandocRun('html5', 'book.html') },
    ourBuild('epub', 'book build --format epub', 'epub', 'book.epub'),
    { id: 'pandoc-epub', label: 'pandoc → EPUB 3', side: 'theirs', produces: 'epub', availability: pandoc, invocation: pandocRun('epub3', 'book.epub') },
    ourBuild('pdf', 'book build --format pdf', 'pdf', 'book.pdf'),
    warmBuild('html', 'HTML, warm rebuild after one changed chapter', 'html', 'html'),
    warmBuild('epub', 'EPUB, warm rebuild after one changed chapter', 'epub', 'book.epub'),
    {
      id: 'pagedjs-cli',
      label: 'pagedjs-cli → PDF',
      side: 'theirs',
      produces: 'pdf',
      availability: pagedjsCli,
      blockedFor: printBlocked,
      invocation: (w, runDir) => ({
        command: node,
        // No --timeout: pagedjs-cli passes it on as a string, and Puppeteer then takes "0" as 0 ms
        // rather than "no limit"; its default (the number 0) is no limit. The benchmark has its own.
        // Through pagedjs-cli-patient.mjs: its command line as it is, but for Puppeteer's limit on
        // one DevTools call (180 s), which its printing of the 300k-word book outlasted.
        args: [patientPagedjs, pagedjsBin ?? 'pagedjs-cli', printHtml(w)?.html ?? '', '--output', path.join(runDir, 'book.pdf'), '--browserArgs', browserArgs],
        // Puppeteer's own browser is never downloaded (PUPPETEER_SKIP_DOWNLOAD): Debian's Chromium runs.
        // Puppeteer leaves its browser profile (puppeteer_dev_chrome_profile-*) in the temporary
        // folder when pagedjs-cli exits; TMPDIR puts it in the run's folder, emptied before each run.
        env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: chromiumPath, PUPPETEER_SKIP_DOWNLOAD: '1', TMPDIR: runDir },
        cwd: printHtml(w)?.dir ?? w.dir,
        output: path.join(runDir, 'book.pdf'),
      }),
    },
    {
      id: 'weasyprint',
      label: 'WeasyPrint → PDF',
      side: 'theirs',
      produces: 'pdf',
      availability: weasyVersion
        ? { status: 'ok', version: weasyVersion }
        : { status: 'missing', reason: 'weasyprint is not installed (Debian package `weasyprint`; `bash scripts/setup.sh` installs it)' },
      blockedFor: printBlocked,
      invocation: (w, runDir) => ({
        command: 'weasyprint',
        // Our stylesheets are linked with media="paged" (the browser must not apply them, Paged.js
        // does): WeasyPrint applies them when told that this is its media type.
        args: ['--media-type', 'paged', printHtml(w)?.html ?? '', path.join(runDir, 'book.pdf')],
        cwd: printHtml(w)?.dir ?? w.dir,
        output: path.join(runDir, 'book.pdf'),
      }),
    },
    {
      id: 'typst',
      label: 'Typst → PDF (anchor)',
      side: 'theirs',
      produces: 'pdf',
      availability: typst,
      blockedFor: (w) => (w.typst.status === 'blocked' ? `no Typst document: ${w.typst.reason}` : undefined),
      invocation: (w, runDir) => ({
        command: node,
        args: [path.join(repoRoot, 'scripts', 'bench', 'typst-compile.mjs'), w.typst.status === 'ok' ? w.typst.source : '', path.join(runDir, 'book.pdf'), w.typst.status === 'ok' ? w.typst.fonts : ''],
        cwd: w.dir,
        output: path.join(runDir, 'book.pdf'),
      }),
    },
  ];
}

/** Where the warm runs of one edition keep their copy of the manuscript and their cache. */
export const warmDir = (w: Workspace, format: string) => path.join(w.dir, 'warm', format);
export const warmManuscript = (w: Workspace, format: string) => path.join(warmDir(w, format), 'manuscript');

/** The font families a PDF embeds, from poppler's pdffonts (subset prefixes dropped). */
export function pdfFontNames(file: string): string[] | undefined {
  try {
    const lines = execFileSync('pdffonts', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').slice(2);
    return [...new Set(lines.map((line) => line.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, '')).filter(Boolean))];
  } catch {
    return undefined;
  }
}

/** Pages of a PDF, from poppler's pdfinfo. */
export function pdfPages(file: string): number | undefined {
  try {
    const match = /^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
