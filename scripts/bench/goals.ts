/**
 * The goals of issue 13 (which replace issue 6's, the live preview kept), checked against what was
 * measured. Each says met, missed — by how much, as a ratio and in absolute terms — or not measured
 * (and why: a size not run, a tool missing). They are judged on our cold runs (a new empty build
 * cache for every run: scripts/bench/cache.ts), except the one about warm rebuilds.
 */
import type { GoalResult, PreviewResult, ToolResult } from './results.ts';
import type { ToolId } from './tools.ts';
import { formatBytes } from './machine.ts';
import { sizeLabel } from './sizes.ts';

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const pps = (value: number) => `${value.toFixed(1)} pages/s`;

export const GB = 1e9;
const k20 = 20_000;
const k100 = 100_000;
const k300 = 300_000;

export const goalThresholds = {
  /** HTML and EPUB: our time at most this share of pandoc's, at 100k and 300k words. */
  htmlVsPandoc: 0.5,
  epubVsPandoc: 0.5,
  /** PDF: at least this many times pagedjs-cli's pages per second, at 100k and 300k words. */
  pdfVsPagedjs: 2,
  /** PDF: the 300k book in at most this many times the 100k book's time. */
  pdfScaling: 3.3,
  check100kMs: 1000,
  check300kMs: 2000,
  /** Peak memory of the whole process tree (summed RSS) of our runs at 300k words. */
  memoryBytes: 1.5 * GB,
  /** HTML rebuilt after one changed chapter, cache warm, at 100k words. */
  warmHtmlMs: 1000,
  /** Issue 6: the live preview rebuilds one changed chapter. */
  previewMs: 200,
} as const;

/** Where each goal is judged. */
export const goalSizes = {
  halfPandoc: [k100, k300],
  pagedjs: [k100, k300],
  weasyprint: [k20, k100, k300],
} as const;

function find(results: ToolResult[], tool: ToolId, words: number): ToolResult | undefined {
  return results.find((r) => r.tool === tool && r.words === words);
}

function why(result: ToolResult | undefined, tool: ToolId, words: number): string {
  if (!result) return `${tool} was not run at ${sizeLabel(words)}`;
  const reason = result.reason && result.reason.length > 160 ? `${result.reason.slice(0, 159)}…` : result.reason;
  return `${tool} at ${sizeLabel(words)}: ${result.status}${reason ? ` (${reason})` : ''}`;
}

const measuredOk = (r: ToolResult | undefined): r is ToolResult & { medianMs: number } => r?.status === 'ok' && r.medianMs !== undefined && r.medianMs > 0;

/** `… over the limit of 1.29 s: 3.53 s too slow (×3.74 the limit)`. */
function overTime(value: number, limit: number): string {
  return `missed by ${seconds(value - limit)}: ${seconds(value)} against at most ${seconds(limit)} (×${(value / limit).toFixed(2)} the limit)`;
}

/** One comparison at one size: the text, and whether it holds. */
type Comparison = { text: string; holds: boolean } | { problem: string };

/**
 * A goal judged at several sizes: met if it holds at every one, missed if it fails at one (even if
 * others were not measured), not measured if it could be decided nowhere or held only at some.
 */
function atSizes(id: string, goal: string, goalSizes: readonly number[], sizes: number[], compare: (words: number) => Comparison): GoalResult {
  const parts: string[] = [];
  const problems: string[] = [];
  let missed = false;
  for (const words of goalSizes) {
    if (!sizes.includes(words)) {
      problems.push(`the ${sizeLabel(words)} size was not run`);
      continue;
    }
    const comparison = compare(words);
    if ('problem' in comparison) problems.push(comparison.problem);
    else {
      if (!comparison.holds) missed = true;
      parts.push(`${sizeLabel(words)}: ${comparison.text}`);
    }
  }
  if (parts.length === 0) return { id, goal, status: 'not measured', measured: problems.join('; ') };
  const measured = [...parts, ...problems.map((p) => `not measured: ${p}`)].join('; ');
  return { id, goal, status: missed ? 'missed' : problems.length ? 'not measured' : 'met', measured };
}

/** Ours in at most `share` of theirs. */
function shareOf(results: ToolResult[], ours: ToolId, theirs: ToolId, share: number) {
  return (words: number): Comparison => {
    const a = find(results, ours, words);
    const b = find(results, theirs, words);
    if (!measuredOk(a)) return { problem: why(a, ours, words) };
    if (!measuredOk(b)) return { problem: why(b, theirs, words) };
    const ratio = a.medianMs / b.medianMs;
    const limit = share * b.medianMs;
    const holds = ratio <= share;
    return { holds, text: `${seconds(a.medianMs)} vs ${seconds(b.medianMs)} (×${ratio.toFixed(2)})${holds ? '' : `, ${overTime(a.medianMs, limit)}`}` };
  };
}

/** A time at one size against a limit. */
function within(results: ToolResult[], tool: ToolId, limitMs: number) {
  return (words: number): Comparison => {
    const a = find(results, tool, words);
    if (!measuredOk(a)) return { problem: why(a, tool, words) };
    const holds = a.medianMs <= limitMs;
    return { holds, text: `${seconds(a.medianMs)}${holds ? '' : `, ${overTime(a.medianMs, limitMs)}`}${a.note ? ` (${a.note})` : ''}` };
  };
}

export function evaluateGoals(results: ToolResult[], sizes: number[], preview: PreviewResult): GoalResult[] {
  const t = goalThresholds;
  const goals: GoalResult[] = [];
  goals.push(atSizes('html-half-pandoc', 'HTML in at most half of pandoc\'s time, at 100k and 300k words', goalSizes.halfPandoc, sizes, shareOf(results, 'book-html', 'pandoc-html', t.htmlVsPandoc)));
  goals.push(atSizes('epub-half-pandoc', 'EPUB in at most half of pandoc\'s time, at 100k and 300k words', goalSizes.halfPandoc, sizes, shareOf(results, 'book-epub', 'pandoc-epub', t.epubVsPandoc)));

  goals.push(
    atSizes('pdf-2x-pagedjs', `PDF: at least ${t.pdfVsPagedjs}× the pages per second of pagedjs-cli, at 100k and 300k words`, goalSizes.pagedjs, sizes, (words) => {
      const a = find(results, 'book-pdf', words);
      const b = find(results, 'pagedjs-cli', words);
      if (!measuredOk(a) || !a.pagesPerSecond || !a.pages) return { problem: why(a, 'book-pdf', words) };
      if (!measuredOk(b) || !b.pagesPerSecond) return { problem: why(b, 'pagedjs-cli', words) };
      const ratio = a.pagesPerSecond / b.pagesPerSecond;
      const holds = ratio >= t.pdfVsPagedjs;
      const needed = t.pdfVsPagedjs * b.pagesPerSecond;
      const text = `${pps(a.pagesPerSecond)} vs ${pps(b.pagesPerSecond)} (×${ratio.toFixed(2)})`;
      if (holds) return { holds, text };
      // The same pages at the pages per second needed: the time our PDF would have to take.
      const neededMs = (a.pages / needed) * 1000;
      return { holds, text: `${text}, missed by ${(needed - a.pagesPerSecond).toFixed(1)} pages/s: ${pps(a.pagesPerSecond)} against at least ${pps(needed)} (×${(a.pagesPerSecond / needed).toFixed(2)} of it; our ${a.pages} pages in ${seconds(a.medianMs)} instead of at most ${seconds(neededMs)})` };
    }),
  );

  // Pages per second: the engines set the same document on different numbers of pages.
  goals.push(
    atSizes('pdf-faster-weasyprint', 'PDF ahead of WeasyPrint (pages per second), at 20k, 100k and 300k words', goalSizes.weasyprint, sizes, (words) => {
      const a = find(results, 'book-pdf', words);
      const b = find(results, 'weasyprint', words);
      if (!measuredOk(a) || !a.pagesPerSecond) return { problem: why(a, 'book-pdf', words) };
      if (!measuredOk(b) || !b.pagesPerSecond) return { problem: why(b, 'weasyprint', words) };
      const holds = a.pagesPerSecond > b.pagesPerSecond;
      const share = a.pagesPerSecond / b.pagesPerSecond;
      const text = `${pps(a.pagesPerSecond)} vs ${pps(b.pagesPerSecond)} (×${share.toFixed(2)})`;
      return { holds, text: holds ? text : `${text}, missed by ${(b.pagesPerSecond - a.pagesPerSecond).toFixed(1)} pages/s (${Math.round((share - 1) * 100)} %)` };
    }),
  );

  {
    const id = 'pdf-linear';
    const goal = `PDF scales linearly: 300k words in at most ${t.pdfScaling}× the time of 100k`;
    const a = find(results, 'book-pdf', k300);
    const b = find(results, 'book-pdf', k100);
    if (!sizes.includes(k300) || !sizes.includes(k100)) goals.push({ id, goal, status: 'not measured', measured: 'the 100k and 300k sizes were not both run' });
    else if (!measuredOk(a)) goals.push({ id, goal, status: 'not measured', measured: why(a, 'book-pdf', k300) });
    else if (!measuredOk(b)) goals.push({ id, goal, status: 'not measured', measured: why(b, 'book-pdf', k100) });
    else {
      const ratio = a.medianMs / b.medianMs;
      const holds = ratio <= t.pdfScaling;
      const text = `${seconds(a.medianMs)} / ${seconds(b.medianMs)} = ×${ratio.toFixed(2)}`;
      goals.push({ id, goal, status: holds ? 'met' : 'missed', measured: holds ? text : `${text}, missed by ×${(ratio - t.pdfScaling).toFixed(2)} (×${(ratio / t.pdfScaling).toFixed(2)} the limit): the 300k PDF in ${seconds(a.medianMs)} against at most ${seconds(t.pdfScaling * b.medianMs)}, ${seconds(a.medianMs - t.pdfScaling * b.medianMs)} too slow` });
    }
  }

  {
    const id = 'memory-300k';
    const goal = `Peak memory of our whole process tree (Chromium included) at most ${formatBytes(t.memoryBytes)} at 300k words`;
    const tools = ['book-check', 'book-html', 'book-epub', 'book-pdf'] as const;
    const ours = tools.map((tool) => find(results, tool, k300));
    const measured = ours.filter((r): r is ToolResult => r?.status === 'ok' && r.peakBytes !== undefined);
    if (!sizes.includes(k300)) goals.push({ id, goal, status: 'not measured', measured: 'the 300k size was not run' });
    else if (!measured.some((r) => r.tool === 'book-pdf')) goals.push({ id, goal, status: 'not measured', measured: why(ours[3], 'book-pdf', k300) });
    else {
      const peak = Math.max(...measured.map((r) => r.peakBytes!));
      const detail = measured.map((r) => `${r.tool} ${formatBytes(r.peakBytes!)}`).join(', ');
      const holds = peak <= t.memoryBytes;
      goals.push({
        id,
        goal,
        status: holds ? 'met' : 'missed',
        measured: `${formatBytes(peak)} (${detail})${holds ? '' : `, missed by ${formatBytes(peak - t.memoryBytes)} (×${(peak / t.memoryBytes).toFixed(2)} the limit)`}`,
      });
    }
  }

  goals.push(atSizes('check-100k', `\`book check\` on 100k words in at most ${seconds(t.check100kMs)}`, [k100], sizes, within(results, 'book-check', t.check100kMs)));
  goals.push(atSizes('check-300k', `\`book check\` on 300k words in at most ${seconds(t.check300kMs)}`, [k300], sizes, within(results, 'book-check', t.check300kMs)));
  goals.push(
    atSizes('warm-html-100k', `HTML rebuilt after one changed chapter, cache warm, in at most ${seconds(t.warmHtmlMs)} at 100k words`, [k100], sizes, within(results, 'book-html-warm', t.warmHtmlMs)),
  );

  {
    const id = 'preview-200ms';
    const goal = 'Live preview (issue 6): one changed chapter\'s HTML rebuilt in at most 200 ms (the shipped manuscript)';
    if (preview.status !== 'ok') goals.push({ id, goal, status: 'not measured', measured: `preview ${preview.status}: ${preview.reason}` });
    else {
      const holds = preview.medianMs <= t.previewMs;
      goals.push({ id, goal, status: holds ? 'met' : 'missed', measured: `${seconds(preview.medianMs)} (${preview.chapter})${holds ? '' : `, ${overTime(preview.medianMs, t.previewMs)}`}` });
    }
  }
  return goals;
}
