/**
 * What proofs add to the pages of the HTML edition, as hast trees: the proof line (status, date,
 * source version) at the top and foot of every page, the « ÉPREUVE » watermark, and on the index
 * the check messages of the whole book. The chapter pages themselves are the web edition's
 * (scripts/output/html/pages.ts), marked by scripts/proof/marks.ts. Their styles are in
 * templates/proof/.
 */
import { h } from 'hastscript';
import type { Element, ElementContent, Root } from 'hast';
import type { Diagnostic } from '../check/messages.ts';
import type { SourceVersion } from '../diff/git.ts';
import { labelsFor, type ProofLabels } from '../i18n/index.ts';

export interface ProofInfo {
  lang: string;
  status: 'draft' | 'release';
  /** When the proof was made (the caller's clock; SOURCE_DATE_EPOCH honoured by the command). */
  date: Date;
  version: SourceVersion;
}

/** The proofs' words, in the book's language (scripts/i18n). */
export function proofLabels(lang: string): ProofLabels {
  return labelsFor(lang).proof;
}

/** `Épreuve · version de travail · 23 novembre 2025 · source a1b2c3d, modifications non validées` */
export function proofLine(info: ProofInfo): string {
  const labels = proofLabels(info.lang);
  const date = new Intl.DateTimeFormat(info.lang, { dateStyle: 'long', timeZone: 'UTC' }).format(info.date);
  const { version } = info;
  const source = !version.versioned
    ? labels.unversioned
    : `${labels.source} ${version.commit ?? labels.noCommit}, ${version.dirty ? labels.uncommitted : labels.committed}`;
  return `${labels.proof} · ${labels.status[info.status]} · ${date} · ${source}`;
}

/** Add the proof line, the watermark and the proof stylesheet to a page of the HTML edition. */
export function decorateProofPage(page: Root, info: ProofInfo): void {
  const labels = proofLabels(info.lang);
  const html = page.children.find((node): node is Element => node.type === 'element' && node.tagName === 'html');
  const head = html?.children.find((node): node is Element => node.type === 'element' && node.tagName === 'head');
  const body = html?.children.find((node): node is Element => node.type === 'element' && node.tagName === 'body');
  if (!head || !body) return;
  head.children.push(h('link', { rel: 'stylesheet', href: 'assets/proof.css' }));
  const line = proofLine(info);
  const classes = Array.isArray(body.properties.className) ? body.properties.className : [];
  body.properties.className = [...classes, 'proof', ...(info.version.dirty ? ['proof-dirty'] : [])];
  // After the skip link, so that it stays the first thing a keyboard reaches.
  const at = body.children.findIndex((node) => node.type === 'element' && (node.properties.className as string[] | undefined)?.includes('skip-link')) + 1;
  body.children.splice(
    at,
    0,
    h('div', { className: ['proof-watermark'], ariaHidden: 'true' }, labels.watermark),
    h('p', { className: ['proof-line', 'proof-line-top'], role: 'note' }, line),
  );
  body.children.push(h('p', { className: ['proof-line', 'proof-line-foot'], ariaHidden: 'true' }, line));
}

/** A message in a proof's list: the one `Diagnostic` (scripts/check/messages.ts), and its flag. */
export interface MessageEntry extends Diagnostic {
  /** The flag in a chapter page, when the message was placed there. */
  href?: string;
}

export interface ChapterMessages {
  title: string;
  href: string;
  count: number;
}

function messageItem(entry: MessageEntry, labels: ProofLabels): Element {
  const where = `${entry.file}:${entry.line}:${entry.column}`;
  return h('li', { className: ['proof-entry', `proof-${entry.severity}`] }, [
    h('span', { className: ['proof-severity'] }, labels.severity[entry.severity]),
    ' ',
    entry.href ? h('a', { href: entry.href }, where) : h('span', { className: ['proof-where'] }, where),
    ' ',
    entry.message,
    ' ',
    h('span', { className: ['proof-rule'] }, `[${entry.ruleId}]`),
  ]);
}

/** The index page's addition: how to read the proof, the book's own messages, counts by chapter. */
export function proofIndexSection(info: ProofInfo, bookMessages: MessageEntry[], chapters: ChapterMessages[], pdf?: string): Element {
  const labels = proofLabels(info.lang);
  const content: ElementContent[] = [h('h2', { id: 'proof-messages' }, labels.messages), h('p', { className: ['proof-howto'] }, labels.howTo)];
  if (pdf) content.push(h('p', [h('a', { href: pdf }, labels.pdf)]));
  const counted = chapters.filter((chapter) => chapter.count > 0);
  if (bookMessages.length === 0 && counted.length === 0) content.push(h('p', labels.noMessage));
  if (bookMessages.length) {
    content.push(h('h3', labels.bookMessages), h('ul', { className: ['proof-entries'] }, bookMessages.map((entry) => messageItem(entry, labels))));
  }
  if (counted.length) {
    content.push(
      h('ul', { className: ['proof-chapter-counts'] }, counted.map((chapter) => h('li', [h('a', { href: chapter.href }, chapter.title), ` — ${labels.chapterMessages(chapter.count)}`]))),
    );
  }
  return h('section', { className: ['proof-summary'], ariaLabelledBy: 'proof-messages' }, content);
}

/** Messages of a chapter that point at nothing rendered (front matter, an unused note). */
export function unplacedSection(entries: MessageEntry[], lang: string): Element {
  const labels = proofLabels(lang);
  return h('aside', { className: ['proof-unplaced'], role: 'note' }, [
    h('p', { className: ['proof-unplaced-title'] }, labels.unplaced),
    h('ul', { className: ['proof-entries'] }, entries.map((entry) => messageItem(entry, labels))),
  ]);
}
