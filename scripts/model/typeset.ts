/**
 * The book's own metadata as the editions print it: French typography (scripts/transforms/
 * french-typography.ts) applied once, at compile time, when the book is French (`book.typeset`).
 */
import type { BookMeta, TypesetMeta } from './index.ts';
import { frenchTypographyText } from '../transforms/french-typography.ts';
import { primaryLanguage } from '../i18n/index.ts';

/** Text of the book's own metadata, typeset like the text when the book is French. */
export function bookText(meta: Pick<BookMeta, 'language'>, value: string): string {
  return primaryLanguage(meta.language) === 'fr' ? frenchTypographyText(value) : value;
}

export function typesetMeta(meta: BookMeta): TypesetMeta {
  return {
    title: bookText(meta, meta.title),
    subtitle: meta.subtitle === undefined ? undefined : bookText(meta, meta.subtitle),
    rights: meta.rights === undefined ? undefined : bookText(meta, meta.rights),
  };
}
