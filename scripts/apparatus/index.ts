/**
 * The scholarly apparatus made from the registries (docs/manuscript-format.md): the words of the
 * registries found in the chapters (occurrences.ts), the chapters they make (chapters.ts), and the
 * order of the back matter (`contents.back`). Called by compileBook in three steps:
 *   1. `planApparatus`, before the citations are loaded: the drafts, their Markdown parsed;
 *   2. `finishApparatus`, once the manuscript's chapters are compiled: marks them, compiles the
 *      drafts through the callback it is given, and shapes them;
 *   3. `orderChapters`: front matter, body, back matter in the order book.yaml asks.
 * Nothing is made without a registry that calls for it: a book with none is unchanged.
 */
import type { Root } from 'mdast';
import type { BookConfig } from '../config/book-schema.ts';
import { defaultBackMatter, type GeneratedBackMatter } from '../config/book-schema.ts';
import type { Chapter } from '../model/index.ts';
import type { Labels } from '../i18n/labels.ts';
import { draftApparatus, finishApparatusChapter, type ApparatusDraft, type ApparatusInput } from './chapters.ts';
import { markAbbreviations, markOccurrences, type ApparatusMarks, type ClaimId } from './occurrences.ts';

export type { ApparatusMarks } from './occurrences.ts';

export interface ApparatusPlan {
  input: ApparatusInput;
  drafts: ApparatusDraft[];
  /** The drafts' trees: the citation stage registers the works they cite with the chapters'. */
  trees: Root[];
}

export function planApparatus(input: ApparatusInput, labels: Labels, lang: string): ApparatusPlan {
  const drafts = draftApparatus(input, labels, lang);
  return { input, drafts, trees: drafts.map((d) => d.mdast) };
}

/**
 * Mark the manuscript's chapters and make the generated ones (`compile` compiles a draft like any
 * chapter, with the page name claimed for it).
 */
export function finishApparatus(
  plan: ApparatusPlan,
  chapters: readonly Chapter[],
  compile: (draft: ApparatusDraft, index: number) => Chapter,
  labels: Labels,
  lang: string,
  /** Claims an id in the book's ids (render/ids.ts): the apparatus's never take an author's. */
  claimId?: ClaimId,
): { chapters: Chapter[]; marks: ApparatusMarks } {
  const { input } = plan;
  const glossaryDraft = plan.drafts.find((d) => d.kind === 'glossary');
  const marks = markOccurrences(chapters, {
    places: input.places?.places,
    persons: input.names?.persons,
    glossary: input.glossary,
    glossaryPath: glossaryDraft?.source.path,
    glossaryId: glossaryDraft?.wantedId,
    claimId,
  });
  const made = plan.drafts.flatMap((draft, i) => {
    const chapter = compile(draft, i);
    // Abbreviations in definitions and notes too (not in the list itself, nor in the headings of entries).
    if (draft.kind !== 'abbreviations') markAbbreviations(chapter.hast, input.glossary);
    return finishApparatusChapter(chapter, input, marks, labels, lang, claimId) ? [chapter] : [];
  });
  return { chapters: made, marks };
}

/** Where a piece of back matter goes: before `before` (an index into the ordered chapters) — the end when it is their number. */
export type BackSlots = Partial<Record<GeneratedBackMatter, number>>;

/**
 * The chapters in book order: the manuscript's front matter, then the list of abbreviations; the
 * body; then the back matter in the order of `contents.back` — its files and the names of what
 * the build makes — with what it does not name after, in the default order
 * (`defaultBackMatter`). The slots say where the print edition puts what is not a chapter (the
 * index of names).
 */
export function orderChapters(manuscript: readonly Chapter[], generated: readonly Chapter[], config: BookConfig): { chapters: Chapter[]; slots: BackSlots } {
  const front = manuscript.filter((c) => c.source.matter === 'front');
  const body = manuscript.filter((c) => c.source.matter === 'body');
  const backFiles = manuscript.filter((c) => c.source.matter === 'back');
  const byKind = new Map<string, Chapter>();
  for (const chapter of generated) if (chapter.source.generated) byKind.set(chapter.source.generated, chapter);
  const ordered: Chapter[] = [...front, ...(byKind.has('abbreviations') ? [byKind.get('abbreviations')!] : []), ...body];
  const slots: BackSlots = {};
  const named = config.contents.back.filter((entry): entry is GeneratedBackMatter => (defaultBackMatter as readonly string[]).includes(entry));
  const place = (kind: GeneratedBackMatter) => {
    const chapter = byKind.get(kind);
    if (chapter) ordered.push(chapter);
    else slots[kind] = ordered.length;
  };
  let fileIndex = 0;
  for (const entry of config.contents.back) {
    if ((defaultBackMatter as readonly string[]).includes(entry)) place(entry as GeneratedBackMatter);
    else if (fileIndex < backFiles.length) ordered.push(backFiles[fileIndex++]);
  }
  // Files not listed in `contents.back` (a book without book.yaml has none) keep their place.
  ordered.push(...backFiles.slice(fileIndex));
  for (const kind of defaultBackMatter) if (!named.includes(kind)) place(kind);
  return { chapters: ordered, slots };
}
