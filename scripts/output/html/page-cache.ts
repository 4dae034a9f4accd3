/**
 * The HTML edition's share of a warm build (docs/cache.md): a chapter's page as written (its HTML,
 * the search passages read from it, the characters it shows) is kept in the build's cache
 * (`html-pages/`), and a later build whose page would be the same writes it from there instead of
 * copying, decorating and serializing the chapter's tree again.
 *
 * "The same" is, besides the toolchain: the chapter's rendering as the book holds it once compiled
 * (its hast, hashed as JSON: cross-references and the apparatus change a chapter's rendering after
 * it is compiled, so the compiled chapter's key would not do), the page around it as written with an empty
 * section (title, header, part, pager with the neighbours' titles, language, stylesheets), what
 * each of the chapter's links points to once rewritten for the edition (scripts/render/links.ts:
 * other chapters' pages and ids), and whether the page gets the search box and its font subsets.
 * A page that shows an image is never kept: its image is copied, and found or not, at every build.
 */
import type { Element, Root } from 'hast';
import type { Book } from '../../model/index.ts';
import { chapterHref } from '../../model/outline.ts';
import { rewrittenHref } from '../../render/links.ts';
import { visit } from '../../tree/visit.ts';
import { hashOf, toolchainFingerprint, ValueCache } from '../../cache.ts';
import { chapterPage } from './pages.ts';

export interface KeptPage {
  html: string;
  /** The search passages read from the page: id, text. */
  passages: Array<[string, string]>;
  /** The characters the page shows (code points). */
  characters: number[];
}

function wellFormed(entry: unknown): entry is KeptPage {
  if (typeof entry !== 'object' || entry === null) return false;
  const { html, passages, characters } = entry as Record<string, unknown>;
  return (
    typeof html === 'string' &&
    Array.isArray(passages) && passages.every((passage) => Array.isArray(passage) && passage.length === 2 && passage.every((part) => typeof part === 'string')) &&
    Array.isArray(characters) && characters.every((character) => Number.isInteger(character))
  );
}

/** Whether a page tree shows an image (then it is not kept). */
export function showsImage(page: Root): boolean {
  let found = false;
  visit(page, 'element', (node: Element) => {
    if (node.tagName === 'img' || node.tagName === 'image' || node.tagName === 'picture' || node.tagName === 'source') found = true;
  });
  return found;
}

/** What the last HTML edition took from the cache, and made and kept there, in chapter pages (a page with an image is made but not counted; read by tests/warm-build.test.ts). */
export const pageCacheStats = { reused: 0, made: 0 };

export class PageCache {
  private readonly entries = new ValueCache('html-pages');
  private readonly keys = new Map<number, string>();
  private readonly found = new Map<number, KeptPage>();

  /** The cache for `book`'s chapter pages (`serialize`: the edition's serializer), their entries read at once. */
  static async open(book: Book, serialize: (page: Root) => string, flags: { search: boolean; subsets: boolean }): Promise<PageCache> {
    const cache = new PageCache();
    Object.assign(pageCacheStats, { reused: 0, made: 0 });
    const toolchain = toolchainFingerprint();
    book.chapters.forEach((chapter, index) => {
      const around = serialize(chapterPage(book, index, []));
      const links: string[] = [];
      visit(chapter.hast, 'element', (node: Element) => {
        const href = node.properties.href;
        if (node.tagName === 'a' && typeof href === 'string') links.push(rewrittenHref(href, book, chapter, { page: chapterHref }) ?? href);
      });
      cache.keys.set(index, hashOf(toolchain, 'html-page', JSON.stringify(chapter.hast), JSON.stringify(flags), around, JSON.stringify(links)));
    });
    await Promise.all(
      [...cache.keys].map(async ([index, key]) => {
        const entry = await cache.entries.get<unknown>(key);
        if (wellFormed(entry)) cache.found.set(index, entry);
      }),
    );
    return cache;
  }

  /** The kept page of chapter `index`, if any. */
  get(index: number): KeptPage | undefined {
    const entry = this.found.get(index);
    if (entry) pageCacheStats.reused++;
    return entry;
  }

  /** Keep the page of chapter `index` as written (a page with an image is not kept: see above). */
  keep(index: number, page: KeptPage): void {
    const key = this.keys.get(index);
    if (key === undefined) return;
    pageCacheStats.made++;
    this.entries.set(key, page);
  }

  /** Written, and the cache bounded (scripts/cache.ts `prune`). */
  async close(): Promise<void> {
    await this.entries.prune();
  }
}
