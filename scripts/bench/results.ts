/**
 * What one benchmark run found, as written to results.json: every tool at every size (measured,
 * failed, missing or blocked, never absent), the ratios ours/theirs, and the goals (issue 13, and
 * issue 6's live preview).
 */
import type { Machine } from './machine.ts';
import type { ManuscriptStats } from './manuscript.ts';
import type { ToolId } from './tools.ts';

export interface RunRecord {
  ms: number;
  peakBytes: number;
  peakPssBytes: number;
  peakProcesses: number;
  exitCode: number | null;
}

export type ResultStatus = 'ok' | 'failed' | 'missing' | 'blocked';

export interface ToolResult {
  tool: ToolId;
  label: string;
  side: 'ours' | 'theirs';
  words: number;
  status: ResultStatus;
  /** Our tools: run with an empty build cache each time (`cold`), or rebuilt after one changed chapter with a warm one (`warm`). */
  cache?: 'cold' | 'warm';
  /** Why a tool did not run, or how it failed. */
  reason?: string;
  /** What a reader of a measured row must know (a cache folder left empty, the fonts a PDF embeds). */
  note?: string;
  runs: RunRecord[];
  medianMs?: number;
  /** The largest peak of the process tree over the runs: summed RSS (the measure). */
  peakBytes?: number;
  /** The same in summed PSS: shared pages counted once. */
  peakPssBytes?: number;
  pages?: number;
  pagesPerSecond?: number;
}

export interface ToolInfo {
  id: ToolId;
  label: string;
  side: 'ours' | 'theirs';
  status: 'ok' | 'missing' | 'blocked';
  version?: string;
  reason?: string;
}

export interface Ratio {
  words: number;
  ours: ToolId;
  theirs: ToolId;
  /** Our median time over theirs: below 1, we are faster. */
  time: number;
  /** Our pages per second over theirs (PDF only): above 1, we are faster. */
  pagesPerSecond?: number;
}

export type PreviewResult =
  | { status: 'ok'; chapter: string; medianMs: number; runs: number[] }
  | { status: 'missing' | 'blocked' | 'failed'; reason: string };

export interface GoalResult {
  id: string;
  goal: string;
  status: 'met' | 'missed' | 'not measured';
  measured: string;
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  seed: number;
  runsPerSize: number;
  sizes: number[];
  machine: Machine;
  loadAverage: { before: number[]; after: number[] };
  notes: string[];
  csl: { style: string; locale: string; origin: string };
  tools: ToolInfo[];
  manuscripts: Array<{ words: number; stats: ManuscriptStats }>;
  results: ToolResult[];
  ratios: Ratio[];
  preview: PreviewResult;
  goals: GoalResult[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Our tool ↔ the tool it is measured against. */
export const pairs: ReadonlyArray<readonly [ToolId, ToolId]> = [
  ['book-html', 'pandoc-html'],
  ['book-epub', 'pandoc-epub'],
  ['book-pdf', 'pagedjs-cli'],
  ['book-pdf', 'weasyprint'],
  ['book-pdf', 'typst'],
];

export function ratiosOf(results: ToolResult[]): Ratio[] {
  const ratios: Ratio[] = [];
  const at = (tool: ToolId, words: number) => results.find((r) => r.tool === tool && r.words === words && r.status === 'ok');
  for (const words of [...new Set(results.map((r) => r.words))]) {
    for (const [ours, theirs] of pairs) {
      const a = at(ours, words);
      const b = at(theirs, words);
      if (!a?.medianMs || !b?.medianMs) continue;
      const ratio: Ratio = { words, ours, theirs, time: a.medianMs / b.medianMs };
      if (a.pagesPerSecond && b.pagesPerSecond) ratio.pagesPerSecond = a.pagesPerSecond / b.pagesPerSecond;
      ratios.push(ratio);
    }
  }
  return ratios;
}
