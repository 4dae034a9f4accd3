/**
 * `npm run bench -- --quick --sizes 3k` as a user runs it (a child process, one run, 3k words: a
 * book whose PDFs still run past ten pages, 17 to 25 of them), so that the
 * benchmark cannot rot: it must finish and write its report, results and chart, with a row for
 * every tool — measured, or said missing or blocked with the reason. Timings are not asserted:
 * speed is the benchmark's business, not the tests'.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../scripts/bench/results.ts';
import { rowLabel } from '../scripts/bench/report.ts';
import { toolIds as allTools } from '../scripts/bench/tools.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const toolIds = ['book-check', 'book-html', 'book-epub', 'book-pdf', 'pandoc-html', 'pandoc-epub', 'pagedjs-cli', 'weasyprint', 'book-html-warm', 'book-epub-warm', 'typst'];

let out: string;
let results: BenchResults;
let report: string;
let svg: string;
let stderr: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'book-bench-quick-'));
  const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  ({ stderr } = await run(process.execPath, [tsx, 'scripts/bench/run.ts', '--quick', '--sizes', '3k', '--out', out], { cwd: repo, maxBuffer: 16 * 1024 * 1024 }));
  results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as BenchResults;
  report = await readFile(path.join(out, 'report.md'), 'utf8');
  svg = await readFile(path.join(out, 'time-vs-size.svg'), 'utf8');
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('npm run bench -- --quick', () => {
  it('runs one size, 3k words, once', () => {
    expect(results.quick).toBe(true);
    expect(results.sizes).toEqual([3_000]);
    expect(results.runsPerSize).toBe(1);
    expect(results.manuscripts[0].stats.words).toBeGreaterThanOrEqual(3_000);
    expect(stderr).toMatch(/wrote .*report\.md/);
  });

  it('has a result for every tool: measured, or missing/blocked/failed with a reason', () => {
    expect(results.results.map((r) => r.tool).sort()).toEqual([...toolIds].sort());
    for (const result of results.results) {
      if (result.status === 'ok') {
        expect(result.runs).toHaveLength(1);
        expect(result.medianMs).toBeGreaterThan(0);
        expect(result.peakBytes).toBeGreaterThan(0);
      } else {
        expect(result.reason, `${result.tool} is ${result.status} without a reason`).toMatch(/\w/);
      }
    }
    // Always here: our check and our HTML edition, and pandoc (installed by the Quick start).
    for (const tool of ['book-check', 'book-html', 'pandoc-html', 'pandoc-epub']) {
      expect(results.results.find((r) => r.tool === tool)?.status, tool).toBe('ok');
    }
    // pagedjs-cli, when installed (an optional peer), runs through scripts/bench/pagedjs-cli-patient.mjs.
    const pagedjs = results.results.find((r) => r.tool === 'pagedjs-cli')!;
    if (pagedjs.status !== 'missing') expect(pagedjs.status, pagedjs.reason).toBe('ok');
  });

  it('counts the pages of every PDF it made', () => {
    for (const result of results.results.filter((r) => ['book-pdf', 'pagedjs-cli', 'weasyprint', 'typst'].includes(r.tool) && r.status === 'ok')) {
      expect(result.pages, result.tool).toBeGreaterThan(10);
      expect(result.pagesPerSecond, result.tool).toBeGreaterThan(0);
    }
  });

  it('checks every goal of the issue and says met, missed or not measured', () => {
    expect(results.goals.map((g) => g.id)).toEqual([
      'html-half-pandoc', 'epub-half-pandoc', 'pdf-2x-pagedjs', 'pdf-faster-weasyprint', 'pdf-linear', 'memory-300k', 'check-100k', 'check-300k', 'warm-html-100k', 'preview-200ms',
    ]);
    for (const goal of results.goals) expect(['met', 'missed', 'not measured']).toContain(goal.status);
    // The 300k goals cannot be decided on 3k words.
    expect(results.goals.find((g) => g.id === 'check-300k')?.status).toBe('not measured');
  });

  it('writes report.md with a row per tool, and the machine it ran on', () => {
    const section = report.slice(report.indexOf('### 3k words'), report.indexOf('## Tools'));
    for (const result of results.results) {
      expect(section).toContain(`| ${rowLabel(result)} |`);
    }
    expect(report).toMatch(/## Cold and warm/);
    expect(report).toMatch(/\| 3k \| HTML \| [\d.]+ m?s \| [\d.]+ m?s \| ×[\d.]+ \|/);
    expect(report).toContain(results.machine.cpuModel);
    expect(report).toMatch(/## Goals/);
    expect(report).toContain('Quick mode');
  });

  it('runs our tools cold, the HTML rebuild warm, and Typst beside the PDF engines', () => {
    expect([...toolIds].sort()).toEqual([...allTools].sort());
    const of = (tool: string) => results.results.find((r) => r.tool === tool)!;
    for (const tool of ['book-check', 'book-html', 'book-epub', 'book-pdf']) expect(of(tool).cache, tool).toBe('cold');
    // The warm HTML row is measured even in quick mode (a few seconds); the warm EPUB row is not, and says why.
    expect(of('book-html-warm')).toMatchObject({ cache: 'warm', status: 'ok' });
    expect(of('book-epub-warm')).toMatchObject({ cache: 'warm', status: 'blocked', reason: expect.stringMatching(/quick mode/) });
    expect(results.notes.join('\n')).toMatch(/book-epub-warm: left out in quick mode: /);
    // Typst is installed here (an optional dependency): measured, its pages counted, its fonts the book's.
    expect(of('typst').status).toBe('ok');
    expect(results.tools.find((t) => t.id === 'typst')?.version).toMatch(/^Typst \d+\.\d+\.\d+, @myriaddreamin\/typst-ts-node-compiler /);
    expect(of('typst').note).toMatch(/^fonts embedded: EBGaramond/);
    expect(of('typst').note).not.toMatch(/Libertinus/);
  });

  it('draws the chart as SVG, one line per measured tool', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const measured = results.results.filter((r) => r.status === 'ok').map((r) => r.tool);
    for (const tool of measured) expect(svg).toContain(`data-tool="${tool}"`);
  });
});
