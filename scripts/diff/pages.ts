/**
 * Pages of `book diff`, as hast trees: a summary of what changed between two revisions (chapters,
 * words, notes, citations) and one page per changed chapter showing its rendered text with the
 * insertions and deletions marked. Insertions are underlined and deletions struck through as well
 * as coloured, so that a black-and-white print still tells them apart; changed blocks also carry a
 * bar in the margin (the change bar of printed proofs).
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Edit } from './sequence.ts';
import type { BlockChange, BookDiff, ChapterDiff, NoteChange } from './compare.ts';
import type { TextBlock, Token } from './text.ts';
import { labelsFor, type DiffLabels } from '../i18n/index.ts';

export interface DiffPageContext {
  lang: string;
  bookTitle: string;
  /** How the two revisions are named on the pages (`a1b2c3d`, `la copie de travail`). */
  before: string;
  after: string;
}

/** The diff's words, in the book's language (scripts/i18n). */
export function diffLabels(lang: string): DiffLabels {
  return labelsFor(lang).diff;
}

function shell(context: DiffPageContext, title: string, body: ElementContent[]): Root {
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: context.lang }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('title', title),
          h('link', { rel: 'stylesheet', href: 'assets/fonts.css' }),
          h('link', { rel: 'stylesheet', href: 'assets/style.css' }),
          h('link', { rel: 'stylesheet', href: 'assets/diff.css' }),
        ]),
        h('body', { className: ['diff-page'] }, [h('main', { id: 'main' }, body)]),
      ]),
    ],
  };
}

/** Tokens to inline content, formatting kept (`em`, `strong`, note calls as superscripts). */
function inline(tokens: Token[]): ElementContent[] {
  const out: ElementContent[] = [];
  let i = 0;
  while (i < tokens.length) {
    const marks = tokens[i].marks;
    let text = '';
    while (i < tokens.length && tokens[i].marks.join('+') === marks.join('+')) text += tokens[i++].text;
    let content: ElementContent = { type: 'text', value: text };
    for (const mark of [...marks].reverse()) {
      content = mark === 'noteref' ? h('sup', { className: ['diff-noteref'] }, [content]) : h(mark, [content]);
    }
    out.push(content);
  }
  return out;
}

/** Word edits to inline content: runs of deletions in `del`, of insertions in `ins`. */
function editedInline(edits: Edit<Token>[]): ElementContent[] {
  const out: ElementContent[] = [];
  let i = 0;
  while (i < edits.length) {
    const op = edits[i].op;
    const run: Token[] = [];
    while (i < edits.length && edits[i].op === op) {
      const edit = edits[i++];
      run.push(edit.op === 'delete' ? edit.a : edit.b);
    }
    if (op === 'equal') out.push(...inline(run));
    else if (op === 'delete') out.push(h('del', { className: ['diff-del'] }, inline(run)));
    else out.push(h('ins', { className: ['diff-ins'] }, inline(run)));
  }
  return out;
}

function blockElement(block: TextBlock, content: ElementContent[], properties: Record<string, unknown>): Element {
  const className = [...((properties.className as string[]) ?? [])];
  const rest = { ...properties, className: className.length ? className : undefined };
  switch (block.kind) {
    case 'heading':
      return h(`h${Math.min(6, (block.level ?? 1) + 1)}`, rest, content);
    case 'code':
      return h('pre', rest, content);
    case 'item':
      return h('p', { ...rest, className: [...className, 'diff-item'] }, content);
    case 'caption':
      return h('p', { ...rest, className: [...className, 'diff-caption'] }, content);
    case 'row':
      return h('p', { ...rest, className: [...className, 'diff-row'] }, content);
    default:
      return h('p', rest, content);
  }
}

interface Counter {
  n: number;
}

function renderBlockChange(change: BlockChange, counter: Counter): Element {
  if (change.type === 'equal') return blockElement(change.block, inline(change.block.tokens), {});
  const id = `change-${++counter.n}`;
  if (change.type === 'insert') return blockElement(change.block, [h('ins', { className: ['diff-ins'] }, inline(change.block.tokens))], { id, className: ['diff-changed', 'diff-block-ins'] });
  if (change.type === 'delete') return blockElement(change.block, [h('del', { className: ['diff-del'] }, inline(change.block.tokens))], { id, className: ['diff-changed', 'diff-block-del'] });
  return blockElement(change.after, editedInline(change.words), { id, className: ['diff-changed', 'diff-block-mod'] });
}

function renderNote(change: NoteChange, counter: Counter, labels: DiffLabels): Element {
  const number = (n: number, extra?: string) => h('span', { className: ['diff-note-number'] }, `${labels.note} ${n}${extra ? ` ${extra}` : ''}`);
  if (change.type === 'equal') {
    return h('div', { className: ['diff-note'] }, [
      number(change.note.number, change.before !== change.note.number ? labels.renumbered(change.before) : undefined),
      ...change.note.blocks.map((block) => blockElement(block, inline(block.tokens), {})),
    ]);
  }
  const id = `change-${++counter.n}`;
  if (change.type === 'insert' || change.type === 'delete') {
    const wrap = change.type === 'insert' ? 'ins' : 'del';
    return h('div', { id, className: ['diff-note', 'diff-changed', `diff-block-${wrap}`] }, [
      number(change.note.number),
      ...change.note.blocks.map((block) => blockElement(block, [h(wrap, { className: [`diff-${wrap}`] }, inline(block.tokens))], {})),
    ]);
  }
  return h('div', { id, className: ['diff-note', 'diff-changed', 'diff-block-mod'] }, [
    number(change.after.number, change.before.number !== change.after.number ? labels.renumbered(change.before.number) : undefined),
    ...change.blocks.map((block) => renderBlockChange(block, { n: 0 })),
  ]);
}

export function diffChapterPage(diff: ChapterDiff, context: DiffPageContext): Root {
  const labels = diffLabels(context.lang);
  const counter: Counter = { n: 0 };
  const body = diff.body.map((change) => renderBlockChange(change, counter));
  const notes = diff.notes.map((change) => renderNote(change, counter, labels));
  const jumps = Array.from({ length: counter.n }, (_, i) => h('a', { href: `#change-${i + 1}` }, String(i + 1)));
  return shell(context, `${labels.title} — ${diff.title}`, [
    h('header', { className: ['diff-header'] }, [
      h('p', [h('a', { href: 'index.html' }, labels.summaryLink)]),
      h('h1', `${labels.title} : ${diff.title}`),
      h('p', { className: ['diff-revisions'] }, `${labels.between(context.before, context.after)} · ${labels.file} ${diff.file} · ${labels.status[diff.status]}`),
      h('p', { className: ['diff-stats'] }, [
        `${labels.words} ${labels.wordCounts(diff.words.inserted, diff.words.deleted)} · ${labels.notes} ${labels.noteCounts(diff.noteCounts)}`,
      ]),
      ...(jumps.length ? [h('nav', { className: ['diff-jumps'], ariaLabel: labels.changes }, [`${labels.changes} : `, ...jumps.flatMap((a, i) => (i ? [' ', a] : [a]))])] : []),
    ]),
    h('section', { className: ['diff-body'] }, body),
    ...(notes.length ? [h('section', { className: ['diff-notes'] }, [h('h2', labels.notes), ...notes])] : []),
  ]);
}

function citationCell(diff: ChapterDiff): ElementContent[] {
  const { before, after, added, removed } = diff.citations;
  const parts: ElementContent[] = [{ type: 'text', value: `${before} → ${after}` }];
  if (added.length) parts.push(h('br'), h('ins', { className: ['diff-ins'] }, `+ ${added.join(', ')}`));
  if (removed.length) parts.push(h('br'), h('del', { className: ['diff-del'] }, `− ${removed.join(', ')}`));
  return parts;
}

export function diffIndexPage(diff: BookDiff, context: DiffPageContext): Root {
  const labels = diffLabels(context.lang);
  const changed = diff.chapters.filter((chapter) => chapter.status !== 'unchanged');
  const unchanged = diff.chapters.length - changed.length;
  const rows = changed.map((chapter) =>
    h('tr', { className: [`diff-status-${chapter.status}`] }, [
      h('td', [h('a', { href: `${chapter.id}.html` }, chapter.title), h('br'), h('span', { className: ['diff-file'] }, chapter.file)]),
      h('td', labels.status[chapter.status]),
      h('td', labels.wordCounts(chapter.words.inserted, chapter.words.deleted)),
      h('td', labels.noteCounts(chapter.noteCounts)),
      h('td', citationCell(chapter)),
    ]),
  );
  return shell(context, `${labels.title} — ${context.bookTitle}`, [
    h('header', { className: ['diff-header'] }, [
      h('h1', `${labels.title} : ${context.bookTitle}`),
      h('p', { className: ['diff-revisions'] }, labels.between(context.before, context.after)),
    ]),
    changed.length
      ? h('table', { className: ['diff-summary'] }, [
          h('thead', [h('tr', [h('th', labels.chapter), h('th', labels.state), h('th', labels.words), h('th', labels.notes), h('th', labels.citations)])]),
          h('tbody', rows),
        ])
      : h('p', labels.noChange),
    ...(unchanged ? [h('p', { className: ['diff-unchanged'] }, labels.unchanged(unchanged))] : []),
  ]);
}
