/**
 * `npm run bench`: for each size (20k, 100k, 300k words), generate the manuscript, then run every
 * tool in turn, round-robin (run 1 of each tool, then run 2 of each…, starting one tool further
 * each round), so that a slow minute of the machine does not fall on one tool only. Then write
 * build/bench/results.json, report.md and time-vs-size.svg.
 *
 *   npm run bench                      # 20k, 100k, 300k words, 3 runs each
 *   npm run bench -- --quick           # 20k words, 1 run (the test suite runs it at 3k: --quick --sizes 3k)
 *   npm run bench -- --sizes 20k,100k --runs 5 --note "machine shared with CI"
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chartSvg } from './chart.ts';
import { evaluateGoals } from './goals.ts';
import { describeMachine, formatBytes, loadAverage } from './machine.ts';
import { defaultSeed, generateManuscript, writeManuscript, type ManuscriptStats } from './manuscript.ts';
import { preparePrintHtml, type PrintHtmlResult } from './print-html.ts';
import { measurePreview } from './preview.ts';
import { measure } from './process-tree.ts';
import { reportMarkdown, seconds } from './report.ts';
import { median, ratiosOf, type BenchResults, type RunRecord, type ToolInfo, type ToolResult } from './results.ts';
import { fullSizes, parseWordCount, quickSizes, sizeLabel } from './sizes.ts';
import { buildTools, cslFiles, pdfFontNames, pdfPages, repoRoot, toolIds, warmDir, type Tool, type ToolId, type TypstWorkspace, type Workspace } from './tools.ts';
import { changeChapter, coldCache, prepareWarm, type RunCache, type WarmState } from './cache.ts';
import { typstBook, writeTypstFonts } from './typst.ts';

export interface BenchOptions {
  sizes: number[];
  runs: number;
  /** Where results.json, report.md and the chart go; the manuscripts and outputs go in `work/`. */
  out: string;
  seed: number;
  quick: boolean;
  notes: string[];
  /** Run only these tools (the others are reported as not run). */
  only?: ToolId[];
  timeoutMs: number;
  log: (line: string) => void;
}

/** The editions in the registry right now: read at every run, as editions land while we work. */
async function registeredEditions(): Promise<{ names: string[]; problem?: string }> {
  try {
    const { formats } = await import('../output/index.ts');
    return { names: Object.keys(formats) };
  } catch (error) {
    return { names: [], problem: `the registry of editions (scripts/output/index.ts) cannot be loaded: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The book's fonts as TrueType for Typst: written once per benchmark, shared by the sizes. */
let typstFonts: Promise<{ dir: string; families: string[] }> | undefined;

async function prepareTypst(generated: ReturnType<typeof generateManuscript>, dir: string, options: BenchOptions): Promise<TypstWorkspace> {
  try {
    typstFonts ??= (async () => {
      const fontsDir = path.join(options.out, 'work', 'typst-fonts');
      await rm(fontsDir, { recursive: true, force: true });
      const { families } = await writeTypstFonts(fontsDir);
      return { dir: fontsDir, families };
    })();
    const fonts = await typstFonts;
    const source = path.join(dir, 'typst', 'book.typ');
    await mkdir(path.dirname(source), { recursive: true });
    await writeFile(source, typstBook(generated, fonts.families).source);
    return { status: 'ok', source, fonts: fonts.dir };
  } catch (error) {
    return { status: 'blocked', reason: `the Typst document could not be made: ${(error as Error).message.split('\n')[0]}` };
  }
}

async function prepareWorkspace(words: number, options: BenchOptions, needPrint: boolean, needTypst = false): Promise<{ workspace: Workspace; stats: ManuscriptStats }> {
  const label = sizeLabel(words);
  const dir = path.join(options.out, 'work', label);
  await rm(dir, { recursive: true, force: true });
  const generated = generateManuscript({ words, seed: options.seed });
  const { manuscript, pandoc } = await writeManuscript(generated, dir);
  let print: PrintHtmlResult = { status: 'blocked', reason: 'no tool here needs it' };
  if (needPrint) {
    options.log(`${label}: print HTML for the other PDF engines (our PDF module, untimed)…`);
    const started = performance.now();
    print = await preparePrintHtml(manuscript, path.join(dir, 'print'));
    options.log(`${label}: print HTML ${print.status === 'ok' ? `ready (${seconds(performance.now() - started)}, our PDF: ${print.print.ourPages} pages)` : `blocked: ${print.reason}`}`);
  }
  let typst: TypstWorkspace = { status: 'blocked', reason: 'no tool here needs it' };
  if (needTypst) {
    const started = performance.now();
    typst = await prepareTypst(generated, dir, options);
    options.log(`${label}: Typst document ${typst.status === 'ok' ? `ready (${seconds(performance.now() - started)}, untimed)` : `blocked: ${typst.reason}`}`);
  }
  return {
    workspace: { words, label, dir, manuscript, pandocDir: pandoc, pandocInputs: generated.pandoc.inputs, bibliography: path.join(manuscript, 'bibliography.json'), print, typst },
    stats: generated.stats,
  };
}

/**
 * What quick mode (the test suite's run) leaves out, and why: only what costs more than a few
 * seconds. The warm HTML rebuild (two builds of a 3k book, ~3 s) and Typst (~1 s) stay in.
 */
export const quickSkips: Partial<Record<ToolId, string>> = {
  'book-epub-warm': 'left out in quick mode: its warming build and its rebuild cost two EPUB builds (5 s and more), and the warm HTML row already tries the warm runs',
};

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The line that says why a tool failed: our command line's own message (`book: …`, not its
 * progress lines nor its "nothing was written" coda), else a line naming an error, else the last line; from its start,
 * since the output kept is only its end.
 */
export function failureSummary(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const line =
    lines.findLast((l) => /^book: (?!✓)/.test(l) && !l.endsWith('…') && !l.includes('Nothing was written')) ??
    lines.find((l) => /error/i.test(l)) ??
    lines.at(-1) ??
    'no output';
  return shorten(line, 240);
}

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const before = loadAverage();
  const machine = describeMachine();
  const notes = [...options.notes];
  if (options.quick) {
    notes.push(`Quick mode: one run at ${options.sizes.map(sizeLabel).join(', ')} words, to keep the benchmark working; its timings say little.`);
    for (const [tool, reason] of Object.entries(quickSkips)) notes.push(`${tool}: ${reason}.`);
  }
  if (before[0] > machine.cores * 0.5) {
    notes.push(`The machine was busy when the run began (load average ${before[0].toFixed(2)} on ${machine.cores} cores): other work competed for the CPU, so these timings are indicative only.`);
  }

  const registry = await registeredEditions();
  if (registry.problem) notes.push(registry.problem);
  const tools = await buildTools(registry.names);
  const selected = (tool: Tool) => !options.only || options.only.includes(tool.id);
  const toolInfos: ToolInfo[] = tools.map((tool) => ({
    id: tool.id,
    label: tool.label,
    side: tool.side,
    status: tool.availability.status,
    ...(tool.availability.status === 'ok' ? { version: tool.availability.version } : { reason: tool.availability.reason }),
  }));
  for (const info of toolInfos) if (info.status !== 'ok') options.log(`${info.label}: ${info.status} — ${info.reason}`);

  const results: ToolResult[] = [];
  const manuscripts: BenchResults['manuscripts'] = [];
  await mkdir(options.out, { recursive: true });

  for (const words of options.sizes) {
    const needPrint = tools.some((t) => (t.id === 'pagedjs-cli' || t.id === 'weasyprint') && t.availability.status === 'ok' && selected(t));
    const runs = (id: ToolId) => tools.some((t) => t.id === id && t.availability.status === 'ok' && selected(t));
    const { workspace, stats } = await prepareWorkspace(words, options, needPrint, runs('typst'));
    manuscripts.push({ words, stats });
    options.log(`${workspace.label}: ${stats.words} words, ${stats.chapters} chapters, ${stats.notes} notes, ${stats.citations} citations`);

    const perTool = new Map<ToolId, ToolResult>();
    for (const tool of tools) {
      const base = { tool: tool.id, label: tool.label, side: tool.side, words, runs: [] as RunRecord[], ...(tool.cache ? { cache: tool.cache } : {}) };
      const blocked = tool.blockedFor?.(workspace);
      if (!selected(tool)) perTool.set(tool.id, { ...base, status: 'blocked', reason: 'not selected in this run (--only)' });
      else if (tool.availability.status !== 'ok') perTool.set(tool.id, { ...base, status: tool.availability.status, reason: tool.availability.reason });
      else if (blocked) perTool.set(tool.id, { ...base, status: 'blocked', reason: blocked });
      else if (options.quick && quickSkips[tool.id]) perTool.set(tool.id, { ...base, status: 'blocked', reason: quickSkips[tool.id] });
      else perTool.set(tool.id, { ...base, status: 'ok' });
    }
    const warm = new Map<ToolId, WarmState>();
    /** Builds that left their cache folder empty, cold or warm. */
    const unwritten = new Map<ToolId, number>();

    for (let run = 0; run < options.runs; run++) {
      const runnable = tools.filter((tool) => perTool.get(tool.id)!.status === 'ok');
      for (const tool of rotate(runnable, run)) {
        const result = perTool.get(tool.id)!;
        if (result.status !== 'ok') continue;
        const runDir = path.join(workspace.dir, 'runs', tool.id);
        await rm(runDir, { recursive: true, force: true });
        await mkdir(runDir, { recursive: true });
        // Untimed: the cache folder of the run; for a warm run, the warming build (once) and the changed chapter.
        let cache: RunCache | undefined;
        try {
          if (tool.cache === 'cold') cache = await coldCache();
          else if (tool.cache === 'warm' && tool.format) {
            let state = warm.get(tool.id);
            if (!state) {
              options.log(`${workspace.label}: warming the cache of ${tool.label} (one untimed build)…`);
              state = await prepareWarm(workspace.manuscript, warmDir(workspace, tool.format), tool.format, path.join(repoRoot, 'bin', 'book.js'));
              warm.set(tool.id, state);
            }
            await changeChapter(state, run);
            const folder = state.cache;
            cache = { env: { BOOK_CACHE_DIR: folder }, finish: async () => ({ written: state.warmed }) };
          }
        } catch (error) {
          result.status = 'failed';
          result.reason = `preparing the ${tool.cache} run failed: ${failureSummary(String((error as { stderr?: string }).stderr ?? '') + '\n' + (error as Error).message)}`;
          continue;
        }
        const call = tool.invocation(workspace, runDir);
        const env = { ...(call.env ?? { ...process.env, NO_COLOR: '1' }), ...cache?.env };
        const measurement = await measure(call.command, call.args, { cwd: call.cwd, env, timeoutMs: options.timeoutMs });
        if (cache && !(await cache.finish()).written && tool.id !== 'book-check') unwritten.set(tool.id, (unwritten.get(tool.id) ?? 0) + 1);
        const record: RunRecord = { ms: measurement.ms, peakBytes: measurement.peakBytes, peakPssBytes: measurement.peakPssBytes, peakProcesses: measurement.peakProcesses, exitCode: measurement.exitCode };
        const failed = measurement.timedOut || measurement.exitCode !== 0;
        options.log(`${workspace.label} · run ${run + 1}/${options.runs} · ${tool.label}: ${failed ? 'FAILED' : seconds(measurement.ms)} · ${formatBytes(measurement.peakBytes)} RSS, ${formatBytes(measurement.peakPssBytes)} PSS`);
        if (failed) {
          result.status = 'failed';
          result.reason = measurement.timedOut
            ? `no result after ${seconds(options.timeoutMs)}`
            : `exit ${measurement.exitCode ?? measurement.signal}: ${failureSummary(measurement.outputTail)}`;
          result.runs.push(record);
          continue;
        }
        result.runs.push(record);
        if (tool.produces === 'pdf') {
          const pages = pdfPages(call.output);
          if (pages === undefined) {
            result.status = 'failed';
            result.reason = `no readable PDF at ${path.relative(options.out, call.output)}`;
          } else result.pages = pages;
          if (tool.id === 'typst' && pages !== undefined) {
            const fonts = pdfFontNames(call.output);
            if (fonts) result.note = `fonts embedded: ${fonts.join(', ')}`;
          }
        }
      }
    }
    for (const [id, count] of unwritten) {
      const result = perTool.get(id)!;
      result.note = result.cache === 'warm'
        ? 'the warming build wrote nothing in its BOOK_CACHE_DIR: this version of book has no build cache there, so these warm runs are in fact cold ones'
        : `${count === result.runs.length ? 'no run' : `${result.runs.length - count} of ${result.runs.length} runs`} wrote anything in the empty BOOK_CACHE_DIR it was given: this version of book may not honour it, and may have read the default cache (node_modules/.cache/book/)`;
    }

    for (const result of perTool.values()) {
      if (result.status === 'ok' && result.runs.length) {
        result.medianMs = median(result.runs.map((r) => r.ms));
        result.peakBytes = Math.max(...result.runs.map((r) => r.peakBytes));
        result.peakPssBytes = Math.max(...result.runs.map((r) => r.peakPssBytes));
        if (result.pages) result.pagesPerSecond = result.pages / (result.medianMs / 1000);
      }
      results.push(result);
    }
  }

  options.log('live preview…');
  const preview = await measurePreview(options.quick ? 1 : 5);
  const finishedAt = new Date().toISOString();
  const report: BenchResults = {
    version: 1,
    startedAt,
    finishedAt,
    quick: options.quick,
    seed: options.seed,
    runsPerSize: options.runs,
    sizes: options.sizes,
    machine,
    loadAverage: { before, after: loadAverage() },
    notes,
    csl: cslFiles(),
    tools: toolInfos,
    manuscripts,
    results,
    ratios: ratiosOf(results),
    preview,
    goals: evaluateGoals(results, options.sizes, preview),
  };
  await writeFile(path.join(options.out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(options.out, 'report.md'), reportMarkdown(report));
  await writeFile(path.join(options.out, 'time-vs-size.svg'), chartSvg(results, options.sizes));
  return report;
}

const help = `npm run bench -- [options]

  --quick            20k words, one run (--sizes to change the size)
  --sizes LIST       word counts, e.g. 20k,100k,300k (default: all three)
  --runs N           runs per tool and size, median taken (default 3; quick: 1)
  --out DIR          where to write report.md, results.json, the chart (default build/bench)
  --seed N           manuscript seed (default ${defaultSeed})
  --only LIST        only these tools: book-check, book-html, book-epub, book-pdf, book-html-warm,
                     book-epub-warm, pandoc-html, pandoc-epub, pagedjs-cli, weasyprint, typst
  --note TEXT        a line for the report (e.g. what else ran on the machine); may be repeated
  --timeout SECONDS  give up on one run after this long (default 1800)
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      note: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const quick = values.quick ?? false;
  const sizes = values.sizes ? values.sizes.split(',').map((s) => parseWordCount(s)) : [...(quick ? quickSizes : fullSizes)];
  if (sizes.some((s) => s === undefined)) {
    process.stderr.write(`bench: \`--sizes ${values.sizes}\` should be word counts such as 20k,100k,300k\n`);
    return 2;
  }
  const runs = values.runs ? Number(values.runs) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`bench: \`--runs ${values.runs}\` should be a whole number of runs, 1 or more\n`);
    return 2;
  }
  const only = values.only?.split(',').map((t) => t.trim());
  const unknown = only?.filter((t) => !toolIds.includes(t as ToolId));
  if (unknown?.length) {
    process.stderr.write(`bench: unknown tool ${unknown.join(', ')}; choose among ${toolIds.join(', ')}\n`);
    return 2;
  }
  const out = path.resolve(values.out ?? path.join(repoRoot, 'build', 'bench'));
  const report = await runBenchmark({
    sizes: (sizes as number[]).sort((a, b) => a - b),
    runs,
    out,
    seed: values.seed ? Number(values.seed) : defaultSeed,
    quick,
    notes: values.note ?? [],
    only: only as ToolId[] | undefined,
    timeoutMs: (values.timeout ? Number(values.timeout) : 1800) * 1000,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  process.stderr.write(`\nbench: wrote ${path.relative(process.cwd(), path.join(out, 'report.md'))}, results.json and time-vs-size.svg\n`);
  for (const goal of report.goals) process.stderr.write(`  ${goal.status.padEnd(12)} ${goal.goal}: ${goal.measured}\n`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && /scripts[\/]bench[\/]run\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
