/**
 * `book proof`: proofs of the draft for proofreaders, in `build/proof/`: a proof HTML edition
 * (`index.html` and a page per chapter) and `book-proof.pdf`. Both carry the draft's status and
 * date and the source version (git commit, uncommitted changes) on every page, a light « ÉPREUVE »
 * watermark, paragraph numbers in the margin, the check messages where they apply, editorial
 * markers and CriticMarkup corrections made visible, and wide margins for handwritten marks.
 *
 * The book is compiled as a draft (`:::todo` kept, errors do not stop it); the chapter trees are
 * marked (marks.ts) on copies; the pages are the HTML edition's, decorated (pages.ts). As
 * with `build()`, `proof/` is claimed before any work (scripts/output/ownership.ts: it replaces only
 * proofs it wrote) and everything is written into a staging folder first: a failure leaves the
 * previous proofs untouched.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { compileAndCheck } from '../build.ts';
import { checkOutputPlace, claimOutputs } from '../output/ownership.ts';
import { sourceDateEpoch } from '../output/book-date.ts';
import { diagnosticOf } from '../check/messages.ts';
import type { Book, Chapter } from '../model/index.ts';
import { writeHtmlEdition } from '../output/html/index.ts';
import { chapterHref } from '../model/outline.ts';
import { sourceVersion } from '../diff/git.ts';
import {
  decorateProofPage,
  proofIndexSection,
  proofLabels,
  unplacedSection,
  type ChapterMessages,
  type MessageEntry,
  type ProofInfo,
} from './pages.ts';
import { markProof, type PlacedMessage, type ProofMessage } from './marks.ts';
import { PROOF_PDF, writeProofPdf, type ProofPdf } from './pdf.ts';

export { markProof, type ProofMessage, type PlacedMessage, type ProofMarkResult } from './marks.ts';
export { proofLine, type ProofInfo } from './pages.ts';

export const proofTemplateDir = fileURLToPath(new URL('../../templates/proof/', import.meta.url));

/**
 * Messages proofs do not flag: the corrections themselves are shown in the text (critic-unresolved
 * would put a flag on each).
 */
const shownOtherwise = new Set(['critic-unresolved']);

export interface ProofOptions {
  /** Manuscript folder (default `manuscript`). */
  manuscript?: string;
  /** Output folder (default `build`); the proofs go into its `proof/` folder. */
  out?: string;
  /** The date the proofs carry (default: SOURCE_DATE_EPOCH, or now: a proof is dated when it is made). */
  date?: Date;
  /** Make the PDF too (default: true). */
  pdf?: boolean;
}

export interface ProofChapter {
  id: string;
  page: string;
  paragraphs: number;
  placed: PlacedMessage[];
  unplaced: ProofMessage[];
}

export interface ProofResult {
  book: Book;
  /** `build/proof`. */
  dir: string;
  pages: string[];
  chapters: ProofChapter[];
  info: ProofInfo;
  /** The proof PDF, when made. */
  pdf?: ProofPdf;
}

function proofMessages(file: VFile): ProofMessage[] {
  return file.messages
    .filter((message) => !shownOtherwise.has(message.ruleId ?? ''))
    .map((message) => {
      // A range that ends on its first line is placed as a point (marks.ts reads `endLine` as a block range).
      const { endLine, endColumn, ...diagnostic } = diagnosticOf(file, message);
      return endLine !== undefined && endLine !== diagnostic.line ? { ...diagnostic, endLine, endColumn } : diagnostic;
    });
}

/** Files as the editors know them: from the folder that holds the manuscript (`manuscript/…`). */
const shown = (book: Book, file: string) => path.relative(path.dirname(book.root), file) || file;

function entry(file: string, message: ProofMessage, href?: string): MessageEntry {
  return { ...message, file, href };
}

function mainOf(page: Root): Element | undefined {
  let found: Element | undefined;
  const search = (node: Root | Element) => {
    for (const child of node.children) {
      if (found || child.type !== 'element') continue;
      if (child.tagName === 'main') found = child;
      else search(child);
    }
  };
  search(page);
  return found;
}

/** Mark every chapter of a compiled draft; the book returned shares all but the chapter trees. */
export function markBook(book: Book, info: ProofInfo): { book: Book; chapters: ProofChapter[] } {
  const labels = proofLabels(info.lang);
  const chapters: ProofChapter[] = [];
  const marked: Chapter[] = book.chapters.map((chapter) => {
    const messages = chapter.source.generated ? [] : proofMessages(chapter.file);
    const result = markProof(chapter.hast, messages, { chapterId: chapter.id, lineLabel: labels.line });
    chapters.push({ id: chapter.id, page: chapterHref(chapter), paragraphs: result.paragraphs, placed: result.placed, unplaced: result.unplaced });
    return { ...chapter, hast: result.tree };
  });
  return { book: { ...book, chapters: marked }, chapters };
}

export async function buildProof(options: ProofOptions = {}): Promise<ProofResult> {
  const manuscript = options.manuscript ?? 'manuscript';
  const out = path.resolve(options.out ?? 'build');
  const dir = path.join(out, 'proof');
  await checkOutputPlace(out, [manuscript]);
  const folder = await claimOutputs(out, ['proof']);
  const date = options.date ?? sourceDateEpoch() ?? new Date();
  const { book } = await compileAndCheck({ manuscript, draft: true });
  const info: ProofInfo = {
    lang: book.meta.language,
    status: book.meta.status,
    date,
    version: await sourceVersion(book.root),
  };
  const { book: proofBook, chapters } = markBook(book, info);
  const chapterFiles = new Set(book.chapters.map((chapter) => chapter.file));
  const bookMessages = book.files
    .filter((file) => !chapterFiles.has(file))
    .flatMap((file) => proofMessages(file).map((message) => entry(shown(book, file.path), message)));
  const counts: ChapterMessages[] = chapters.map((chapter, i) => ({
    title: book.chapters[i].title,
    href: chapter.placed[0] ? `${chapter.page}#${chapter.placed[0].id}` : chapter.page,
    count: chapter.placed.length + chapter.unplaced.length,
  }));

  const decorate = (page: Root, name: string) => {
    decorateProofPage(page, info);
    const main = mainOf(page);
    if (!main) return;
    if (name === 'index.html') {
      main.children.push(proofIndexSection(info, bookMessages, counts, options.pdf === false ? undefined : PROOF_PDF));
      return;
    }
    const index = chapters.findIndex((chapter) => chapter.page === name);
    const chapter = chapters[index];
    if (chapter?.unplaced.length) {
      main.children.unshift(unplacedSection(chapter.unplaced.map((message) => entry(shown(book, book.chapters[index].file.path), message)), info.lang));
    }
  };

  const staging = await folder.stage();
  const written = path.join(staging, 'proof');
  let pages: string[];
  let pdf: ProofPdf | undefined;
  try {
    ({ pages } = await writeHtmlEdition(proofBook, written, { decorate }));
    await copyFile(path.join(proofTemplateDir, 'proof.css'), path.join(written, 'assets', 'proof.css'));
    if (options.pdf !== false) {
      pdf = await writeProofPdf(proofBook, path.join(written, PROOF_PDF), info);
      pdf.file = path.join(dir, PROOF_PDF);
    }
    // Everything is ready: only now replace the previous proofs.
    await folder.install(staging, ['proof']);
  } finally {
    await folder.discard(staging);
  }
  return { book, dir, pages, chapters, info, pdf };
}
