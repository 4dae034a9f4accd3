/**
 * Two compiled books compared chapter by chapter on their rendered text (text.ts): blocks aligned
 * first, a rewritten block paired with its old self when they are alike, then words within it.
 * Notes are compared as units (their renumbering is no change) and citations by the works cited.
 * Pure: two books in, the differences out.
 */
import path from 'node:path';
import type { Nodes } from 'mdast';
import type { Book, Chapter } from '../model/index.ts';
import { diffSequences, type Edit } from './sequence.ts';
import { chapterText, similarity, type Note, type TextBlock, type Token } from './text.ts';

export type BlockChange =
  | { type: 'equal'; block: TextBlock }
  | { type: 'insert'; block: TextBlock }
  | { type: 'delete'; block: TextBlock }
  | { type: 'modify'; before: TextBlock; after: TextBlock; words: Edit<Token>[] };

export type NoteChange =
  | { type: 'equal'; note: Note; before: number }
  | { type: 'insert'; note: Note }
  | { type: 'delete'; note: Note }
  | { type: 'modify'; before: Note; after: Note; blocks: BlockChange[] };

export type ChapterStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface ChapterDiff {
  /** Page name of the diff (the chapter's id). */
  id: string;
  title: string;
  /** The Markdown file, relative to the manuscript folder. */
  file: string;
  status: ChapterStatus;
  body: BlockChange[];
  notes: NoteChange[];
  words: { inserted: number; deleted: number };
  noteCounts: { before: number; after: number; added: number; removed: number; modified: number };
  citations: { before: number; after: number; added: string[]; removed: string[] };
}

export interface BookDiff {
  chapters: ChapterDiff[];
}

/** Paired blocks must be at least this alike, or they are a deletion and an insertion. */
const pairing = 0.5;

const wordCount = (tokens: Token[]) => tokens.filter((token) => token.key !== ' ').length;

/** A space left alone between two changes belongs to them: `a b` → `c d` reads as one change. */
function mergeLoneSpaces(edits: Edit<Token>[]): Edit<Token>[] {
  const out: Edit<Token>[] = [];
  edits.forEach((edit, i) => {
    const before = edits[i - 1];
    const after = edits[i + 1];
    if (edit.op === 'equal' && edit.a.key === ' ' && before && after && before.op !== 'equal' && after.op !== 'equal') {
      out.push({ op: 'delete', a: edit.a }, { op: 'insert', b: edit.b });
    } else out.push(edit);
  });
  // Deletions before insertions within each changed stretch, so that each reads as one.
  const sorted: Edit<Token>[] = [];
  let stretch: Edit<Token>[] = [];
  const flush = () => {
    sorted.push(...stretch.filter((e) => e.op === 'delete'), ...stretch.filter((e) => e.op === 'insert'));
    stretch = [];
  };
  for (const edit of out) {
    if (edit.op === 'equal') {
      flush();
      sorted.push(edit);
    } else stretch.push(edit);
  }
  flush();
  return sorted;
}

export function diffWords(before: Token[], after: Token[]): Edit<Token>[] {
  return mergeLoneSpaces(diffSequences(before, after, (x, y) => x.key === y.key));
}

export function compareBlocks(before: TextBlock[], after: TextBlock[]): BlockChange[] {
  const changes: BlockChange[] = [];
  let deleted: TextBlock[] = [];
  let inserted: TextBlock[] = [];
  const flush = () => {
    const pairs = diffSequences(deleted, inserted, (x, y) => x.kind === y.kind && x.level === y.level && similarity(x, y) >= pairing);
    for (const pair of pairs) {
      if (pair.op === 'equal') changes.push({ type: 'modify', before: pair.a, after: pair.b, words: diffWords(pair.a.tokens, pair.b.tokens) });
      else if (pair.op === 'delete') changes.push({ type: 'delete', block: pair.a });
      else changes.push({ type: 'insert', block: pair.b });
    }
    deleted = [];
    inserted = [];
  };
  for (const edit of diffSequences(before, after, (x, y) => x.key === y.key)) {
    if (edit.op === 'equal') {
      flush();
      changes.push({ type: 'equal', block: edit.b });
    } else if (edit.op === 'delete') deleted.push(edit.a);
    else inserted.push(edit.b);
  }
  flush();
  return changes;
}

const asBlock = (note: Note): TextBlock => ({ kind: 'paragraph', tokens: note.blocks.flatMap((b) => b.tokens), key: note.key });

export function compareNotes(before: Note[], after: Note[]): NoteChange[] {
  const changes: NoteChange[] = [];
  let deleted: Note[] = [];
  let inserted: Note[] = [];
  const flush = () => {
    for (const pair of diffSequences(deleted, inserted, (x, y) => similarity(asBlock(x), asBlock(y)) >= pairing)) {
      if (pair.op === 'equal') changes.push({ type: 'modify', before: pair.a, after: pair.b, blocks: compareBlocks(pair.a.blocks, pair.b.blocks) });
      else if (pair.op === 'delete') changes.push({ type: 'delete', note: pair.a });
      else changes.push({ type: 'insert', note: pair.b });
    }
    deleted = [];
    inserted = [];
  };
  for (const edit of diffSequences(before, after, (x, y) => x.key === y.key)) {
    if (edit.op === 'equal') {
      flush();
      changes.push({ type: 'equal', note: edit.b, before: edit.a.number });
    } else if (edit.op === 'delete') deleted.push(edit.a);
    else inserted.push(edit.b);
  }
  flush();
  return changes;
}

function countWords(changes: BlockChange[]): { inserted: number; deleted: number } {
  let inserted = 0;
  let deleted = 0;
  for (const change of changes) {
    if (change.type === 'insert') inserted += wordCount(change.block.tokens);
    else if (change.type === 'delete') deleted += wordCount(change.block.tokens);
    else if (change.type === 'modify') {
      for (const edit of change.words) {
        if (edit.op === 'insert' && edit.b.key !== ' ') inserted++;
        else if (edit.op === 'delete' && edit.a.key !== ' ') deleted++;
      }
    }
  }
  return { inserted, deleted };
}

/** Cited keys of a chapter, with how often each is cited (from the parsed tree: what the author wrote). */
function citations(chapter: Chapter | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  if (!chapter) return counts;
  const walk = (node: Nodes) => {
    if (node.type === 'cite') for (const citation of node.citations) counts.set(citation.key, (counts.get(citation.key) ?? 0) + 1);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(chapter.mdast);
  return counts;
}

function sum(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

export function compareChapters(before: Chapter | undefined, after: Chapter | undefined, file: string): ChapterDiff {
  const old = before ? chapterText(before.hast) : { body: [], notes: [] };
  const now = after ? chapterText(after.hast) : { body: [], notes: [] };
  const body = compareBlocks(old.body, now.body);
  const notes = compareNotes(old.notes, now.notes);
  const words = countWords(body);
  for (const note of notes) {
    const noteWords =
      note.type === 'modify' ? countWords(note.blocks)
      : note.type === 'insert' ? countWords(note.note.blocks.map((block) => ({ type: 'insert', block })))
      : note.type === 'delete' ? countWords(note.note.blocks.map((block) => ({ type: 'delete', block })))
      : { inserted: 0, deleted: 0 };
    words.inserted += noteWords.inserted;
    words.deleted += noteWords.deleted;
  }
  const citedBefore = citations(before);
  const citedAfter = citations(after);
  const changed = body.some((c) => c.type !== 'equal') || notes.some((n) => n.type !== 'equal');
  return {
    id: (after ?? before)!.id,
    title: (after ?? before)!.title,
    file,
    status: !before ? 'added' : !after ? 'removed' : changed ? 'modified' : 'unchanged',
    body,
    notes,
    words,
    noteCounts: {
      before: old.notes.length,
      after: now.notes.length,
      added: notes.filter((n) => n.type === 'insert').length,
      removed: notes.filter((n) => n.type === 'delete').length,
      modified: notes.filter((n) => n.type === 'modify').length,
    },
    citations: {
      before: sum(citedBefore),
      after: sum(citedAfter),
      added: [...citedAfter.keys()].filter((key) => !citedBefore.has(key)).sort(),
      removed: [...citedBefore.keys()].filter((key) => !citedAfter.has(key)).sort(),
    },
  };
}

/** How a chapter is known across revisions: its file in the manuscript, or what the build made. */
function chapterKey(book: Book, chapter: Chapter): string {
  return chapter.source.generated ? `(${chapter.source.generated})` : path.relative(book.root, chapter.source.path).split(path.sep).join('/');
}

export function compareBooks(before: Book, after: Book): BookDiff {
  const old = new Map(before.chapters.map((chapter) => [chapterKey(before, chapter), chapter]));
  const keys = after.chapters.map((chapter) => chapterKey(after, chapter));
  const chapters: ChapterDiff[] = [];
  after.chapters.forEach((chapter, i) => chapters.push(compareChapters(old.get(keys[i]), chapter, keys[i])));
  // Chapters gone, where they stood in the old order.
  before.chapters.forEach((chapter, i) => {
    const key = chapterKey(before, chapter);
    if (keys.includes(key)) return;
    const next = before.chapters.slice(i + 1).map((c) => chapterKey(before, c)).find((k) => keys.includes(k));
    const at = next ? chapters.findIndex((c) => c.file === next) : chapters.length;
    chapters.splice(at, 0, compareChapters(chapter, undefined, key));
  });
  return { chapters };
}
