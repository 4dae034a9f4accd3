/** The library's public surface: what `book` does, importable. */
export { build, compileAndCheck, type BuildOptions, type BuildResult, type BuildOutput, type ProgressEvent } from './build.ts';
export { compileBook, compileChapter } from './compile.ts';
export { checkBook, catalogue, type Diagnostic, type RuleId, type Severity } from './check/index.ts';
export { BuildError } from './errors.ts';
export { formats, type Format } from './output/index.ts';
export type { Book, Chapter, BookMeta, OutlineEntry, OutlinePart, TypesetMeta, PrintPage } from './model/index.ts';
export { labelsFor, type Labels } from './i18n/index.ts';
export { buildProof, markProof, type ProofOptions, type ProofResult } from './proof/index.ts';
export { resolveManuscript, resolveCriticMarkup, resolveFiles, type CriticChange, type Resolution } from './critic/index.ts';
export { diffRevisions, type DiffOptions, type DiffResult } from './diff/index.ts';
export { startPreview, type PreviewOptions, type PreviewServer } from './preview/index.ts';
