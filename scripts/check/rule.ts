/**
 * A check rule is one small function over one chapter's parsed tree (or over the whole book). It
 * reports through vfile messages; the shared wrapper stamps rule id and source, and the runner
 * applies the severity from the catalogue and book.yaml. Rules never throw and never print.
 */
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import type { Book, Chapter } from '../model/index.ts';
import type { RuleId } from './catalogue.ts';
import { report, type Place, type ReportExtra } from './messages.ts';

export type { Place } from './messages.ts';
export type Report = (reason: string, place?: Place, file?: VFile, extra?: ReportExtra) => void;

/**
 * A chapter rule reads its chapter (tree, bytes, id, title, language, id clashes), the book's
 * context (book.yaml, the registries, the bibliography, the CSL locale) and the chapters' ids and
 * files: what a warm build keys its messages on (scripts/check-cache.ts). A rule that reads
 * anything else, the disk for one, says `readsDisk` and runs in every build.
 */
export interface ChapterRule {
  id: RuleId;
  scope: 'chapter';
  readsDisk?: boolean;
  check(tree: Root, report: Report, context: { book: Book; chapter: Chapter }): void;
}

export interface BookRule {
  id: RuleId;
  scope: 'book';
  check(book: Book, report: Report): void;
}

export type Rule = ChapterRule | BookRule;

export function chapterRule(id: RuleId, check: ChapterRule['check'], options: { readsDisk?: boolean } = {}): ChapterRule {
  return { id, scope: 'chapter', check, ...(options.readsDisk ? { readsDisk: true } : {}) };
}

export function bookRule(id: RuleId, check: BookRule['check']): BookRule {
  return { id, scope: 'book', check };
}

/** Stamp a message the same way for every rule (messages.ts). */
export function reportTo(file: VFile, id: RuleId): Report {
  return (reason, place, other, extra) => {
    report(other ?? file, id, reason, place, extra);
  };
}
