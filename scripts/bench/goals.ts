/**
 * The goals of issue 6, checked against what was measured. Each says met, missed, or not measured
 * (and why: a size not run, a tool missing), with the numbers it was decided on.
 */
import type { GoalResult, PreviewResult, ToolResult } from './results.ts';
import type { ToolId } from './tools.ts';
import { formatBytes } from './machine.ts';
import { sizeLabel } from './sizes.ts';

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const pps = (value: number) => `${value.toFixed(1)} pages/s`;

export const GB = 1e9;
export const goalThresholds = {
  htmlVsPandoc: 0.5,
  epubVsPandoc: 0.5,
  pdfVsPagedjs: 2,
  pdfScaling: 3.3,
  checkMs: 3000,
  memoryBytes: 1.5 * GB,
  previewMs: 200,
} as const;

function find(results: ToolResult[], tool: ToolId, words: number): ToolResult | undefined {
  return results.find((r) => r.tool === tool && r.words === words);
}

function why(result: ToolResult | undefined, tool: ToolId, words: number): string {
  if (!result) return `${tool} was not run at ${sizeLabel(words)}`;
  const reason = result.reason && result.reason.length > 160 ? `${result.reason.slice(0, 159)}…` : result.reason;
  return `${tool} at ${sizeLabel(words)}: ${result.status}${reason ? ` (${reason})` : ''}`;
}

function notMeasured(id: string, goal: string, measured: string): GoalResult {
  return { id, goal, status: 'not measured', measured };
}

/** Ours at most `share` of theirs, at every size where both ran. */
function halfOf(results: ToolResult[], sizes: number[], id: string, goal: string, ours: ToolId, theirs: ToolId, share: number): GoalResult {
  const parts: string[] = [];
  const problems: string[] = [];
  let compared = 0;
  let missed = false;
  for (const words of sizes) {
    const a = find(results, ours, words);
    const b = find(results, theirs, words);
    if (a?.status !== 'ok' || b?.status !== 'ok' || !a.medianMs || !b.medianMs) {
      problems.push(a?.status !== 'ok' ? why(a, ours, words) : why(b, theirs, words));
      continue;
    }
    compared++;
    const ratio = a.medianMs / b.medianMs;
    if (ratio > share) missed = true;
    parts.push(`${sizeLabel(words)}: ${seconds(a.medianMs)} vs ${seconds(b.medianMs)} (×${ratio.toFixed(2)})`);
  }
  if (compared === 0) return notMeasured(id, goal, problems.join('; '));
  const measured = [...parts, ...problems.map((p) => `not measured: ${p}`)].join('; ');
  return { id, goal, status: missed ? 'missed' : problems.length ? 'not measured' : 'met', measured };
}

export function evaluateGoals(results: ToolResult[], sizes: number[], preview: PreviewResult): GoalResult[] {
  const goals: GoalResult[] = [];
  const t = goalThresholds;
  goals.push(halfOf(results, sizes, 'html-half-pandoc', 'HTML in at most half of pandoc\'s time on the same book', 'book-html', 'pandoc-html', t.htmlVsPandoc));
  goals.push(halfOf(results, sizes, 'epub-half-pandoc', 'EPUB in at most half of pandoc\'s time on the same book', 'book-epub', 'pandoc-epub', t.epubVsPandoc));

  const big = 300_000;
  const mid = 100_000;
  {
    const id = 'pdf-2x-pagedjs';
    const goal = 'PDF: at least twice the pages per second of pagedjs-cli at 300k words';
    const ours = find(results, 'book-pdf', big);
    const theirs = find(results, 'pagedjs-cli', big);
    if (!sizes.includes(big)) goals.push(notMeasured(id, goal, 'the 300k size was not run'));
    else if (ours?.status !== 'ok' || !ours.pagesPerSecond) goals.push(notMeasured(id, goal, why(ours, 'book-pdf', big)));
    else if (theirs?.status !== 'ok' || !theirs.pagesPerSecond) goals.push(notMeasured(id, goal, why(theirs, 'pagedjs-cli', big)));
    else {
      const ratio = ours.pagesPerSecond / theirs.pagesPerSecond;
      goals.push({ id, goal, status: ratio >= t.pdfVsPagedjs ? 'met' : 'missed', measured: `${pps(ours.pagesPerSecond)} vs ${pps(theirs.pagesPerSecond)} (×${ratio.toFixed(2)})` });
    }
  }
  {
    // Pages per second: the two engines set the same document on different numbers of pages.
    const id = 'pdf-faster-weasyprint';
    const goal = 'PDF faster than WeasyPrint (pages per second, at every size run)';
    const parts: string[] = [];
    const problems: string[] = [];
    let missed = false;
    for (const words of sizes) {
      const a = find(results, 'book-pdf', words);
      const b = find(results, 'weasyprint', words);
      if (a?.status !== 'ok' || !a.pagesPerSecond) problems.push(why(a, 'book-pdf', words));
      else if (b?.status !== 'ok' || !b.pagesPerSecond) problems.push(why(b, 'weasyprint', words));
      else {
        if (a.pagesPerSecond <= b.pagesPerSecond) missed = true;
        parts.push(`${sizeLabel(words)}: ${pps(a.pagesPerSecond)} vs ${pps(b.pagesPerSecond)}`);
      }
    }
    if (parts.length === 0) goals.push(notMeasured(id, goal, problems.join('; ')));
    else goals.push({ id, goal, status: missed ? 'missed' : problems.length ? 'not measured' : 'met', measured: [...parts, ...problems.map((p) => `not measured: ${p}`)].join('; ') });
  }
  {
    const id = 'pdf-linear';
    const goal = `PDF scales linearly: 300k words in at most ${t.pdfScaling}× the time of 100k`;
    const a = find(results, 'book-pdf', big);
    const b = find(results, 'book-pdf', mid);
    if (!sizes.includes(big) || !sizes.includes(mid)) goals.push(notMeasured(id, goal, 'the 100k and 300k sizes were not both run'));
    else if (a?.status !== 'ok' || !a.medianMs) goals.push(notMeasured(id, goal, why(a, 'book-pdf', big)));
    else if (b?.status !== 'ok' || !b.medianMs) goals.push(notMeasured(id, goal, why(b, 'book-pdf', mid)));
    else {
      const ratio = a.medianMs / b.medianMs;
      goals.push({ id, goal, status: ratio <= t.pdfScaling ? 'met' : 'missed', measured: `${seconds(a.medianMs)} / ${seconds(b.medianMs)} = ×${ratio.toFixed(2)}` });
    }
  }
  {
    const id = 'check-300k';
    const goal = '`book check` on 300k words in under 3 s';
    const a = find(results, 'book-check', big);
    if (!sizes.includes(big)) goals.push(notMeasured(id, goal, 'the 300k size was not run'));
    else if (a?.status !== 'ok' || !a.medianMs) goals.push(notMeasured(id, goal, why(a, 'book-check', big)));
    else goals.push({ id, goal, status: a.medianMs < t.checkMs ? 'met' : 'missed', measured: seconds(a.medianMs) });
  }
  {
    const id = 'memory-300k';
    const goal = 'Peak memory of our build, Chromium included, under 1.5 GB at 300k words';
    const ours = (['book-html', 'book-epub', 'book-pdf'] as const).map((tool) => find(results, tool, big));
    const measured = ours.filter((r): r is ToolResult => r?.status === 'ok' && r.peakBytes !== undefined);
    if (!sizes.includes(big)) goals.push(notMeasured(id, goal, 'the 300k size was not run'));
    else if (measured.length === 0 || !measured.some((r) => r.tool === 'book-pdf')) {
      goals.push(notMeasured(id, goal, why(ours[2], 'book-pdf', big)));
    } else {
      const peak = Math.max(...measured.map((r) => r.peakBytes!));
      const detail = measured.map((r) => `${r.tool} ${formatBytes(r.peakBytes!)}`).join(', ');
      goals.push({ id, goal, status: peak < t.memoryBytes ? 'met' : 'missed', measured: `${formatBytes(peak)} (${detail})` });
    }
  }
  {
    const id = 'preview-200ms';
    const goal = 'Live preview: one changed chapter\'s HTML rebuilt in under 200 ms (the shipped manuscript)';
    if (preview.status !== 'ok') goals.push(notMeasured(id, goal, `preview ${preview.status}: ${preview.reason}`));
    else goals.push({ id, goal, status: preview.medianMs < t.previewMs ? 'met' : 'missed', measured: `${seconds(preview.medianMs)} (${preview.chapter})` });
  }
  return goals;
}
