/** The benchmark's public surface (see docs/benchmark.md). */
export { runBenchmark, type BenchOptions } from './run.ts';
export { generateManuscript, writeManuscript, countWords, type GeneratedManuscript, type ManuscriptStats } from './manuscript.ts';
export { measure, treeMemory, type Measurement } from './process-tree.ts';
export { evaluateGoals, goalThresholds } from './goals.ts';
export type { BenchResults, ToolResult, GoalResult, PreviewResult } from './results.ts';
export { coldCache, prepareWarm, changeChapter, addWordToParagraph } from './cache.ts';
export { typstBook, chapterToTypst, escapeTypst, writeTypstFonts, writeTypstWorkspace } from './typst.ts';
