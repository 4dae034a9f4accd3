/**
 * The preflight's verdict, after the layout and before any file is written: its errors (ids
 * `print-…` and `isbn-check-digit`, on the chapters, book.yaml or the PDF's own file) stop a
 * release build with a BuildError that lists them at their file and line; a draft goes on and
 * says so (`print-draft-not-for-press`, on the PDF's file), so that nobody sends it to the press.
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Book } from '../../model/index.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';
import type { LayoutProblem } from '../pdf/render.ts';
import { marginPlace } from './margins.ts';

const isPreflight = (ruleId: string | undefined) => ruleId !== undefined && (ruleId.startsWith('print-') || ruleId === 'isbn-check-digit');

/** A page-margin problem of the layout that belongs to no block: reported at book.yaml's margins (or printer) line. */
export function reportMarginProblem(book: Book, problem: LayoutProblem, pdfFile: VFile): void {
  const side = /print\.margins\.(\w+)/.exec(problem.message)?.[1];
  const where = marginPlace(book, side);
  report(where?.file ?? pdfFile, 'print-margin-too-small', problem.message, where?.place);
}

export function preflightVerdict(book: Book, pdfFile: VFile, options: { draft: boolean }): void {
  const files = [pdfFile, ...book.files.filter((file) => file !== pdfFile), ...book.chapters.map((chapter) => chapter.file).filter((file) => !book.files.includes(file))];
  const errors = files.flatMap((file) => file.messages.filter((m) => m.fatal === true && isPreflight(m.ruleId ?? undefined)).map((m) => ({ file, m })));
  if (errors.length === 0) return;
  const ids = [...new Set(errors.map(({ m }) => m.ruleId))].join(', ');
  const where = errors.slice(0, 3).map(({ file, m }) => `${path.basename(file.path)}:${m.line ?? 1}`).join(', ');
  if (!options.draft) {
    throw new BuildError(
      `The printer's preflight found ${errors.length} error${errors.length > 1 ? 's' : ''} (${ids}; ${where}${errors.length > 3 ? '…' : ''}); correct ${errors.length > 1 ? 'them' : 'it'}, or build a draft with --draft`,
      files.filter((file) => file.messages.length > 0),
    );
  }
  report(pdfFile, 'print-draft-not-for-press', `Draft: the printer's files were written although the preflight found ${errors.length} error${errors.length > 1 ? 's' : ''} (${ids}); do not send them to the printer — a release build (without --draft) refuses them`);
}
