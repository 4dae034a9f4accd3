/**
 * The check stage's share of a warm build (docs/cache.md): what the chapter rules said on a chapter
 * is kept in the build's cache (`checks/`), rule by rule, and a later build whose chapter is the
 * same takes the messages from there instead of running the rules on it again.
 *
 * "The same" is what a chapter rule reads (scripts/check/rule.ts): the chapter's compiling inputs
 * (compile-cache.ts's key: its bytes, its place and claimed id, the book's context and citations),
 * what compiling made of it that the rules read (id, title, language, source, id clashes), the
 * book's chapters (ids and files: messages name the chapter that holds an id) and the rules' ids.
 * Only chapters compiled through the cache have a key. The rules that read the disk
 * (`readsDisk`: a missing image, an image outside the manuscript) and the book's rules run in
 * every build; so do the silences (`book-ignore`) and the severities, which come after.
 */
import type { VFileMessage } from 'vfile-message';
import type { Book, Chapter } from './model/index.ts';
import type { CheckMemo } from './check/index.ts';
import { allRules } from './check/rules/index.ts';
import { hashOf, toolchainFingerprint, ValueCache } from './cache.ts';
import { compiledFrom, restoreMessage, storeMessage, storedMessages, type StoredMessage } from './compile-cache.ts';

type CheckEntry = Array<[string, StoredMessage[]]>;

/** An entry of the shape `keep` writes: anything else is checked again. */
function wellFormed(entry: unknown): entry is CheckEntry {
  return Array.isArray(entry) && entry.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && storedMessages(pair[1]));
}

/** What the last build's check stage took from the cache and ran again, in chapters (read by tests/warm-build.test.ts). */
export const checkCacheStats = { reused: 0, made: 0 };

export class CheckCache implements CheckMemo {
  private readonly entries = new ValueCache('checks');
  private readonly keys = new Map<Chapter, string>();
  private readonly found = new Map<Chapter, CheckEntry>();

  /** The cache for `book`'s chapters, their entries read at once. */
  static async open(book: Book): Promise<CheckCache> {
    const cache = new CheckCache();
    Object.assign(checkCacheStats, { reused: 0, made: 0 });
    const toolchain = toolchainFingerprint();
    const chapters = JSON.stringify(book.chapters.map((chapter) => [chapter.id, chapter.source.path]));
    const rules = allRules.map((rule) => rule.id).join(',');
    for (const chapter of book.chapters) {
      const compiled = compiledFrom.get(chapter);
      if (compiled === undefined) continue;
      const { id, title, lang, source, idClash } = chapter;
      const own = JSON.stringify({ id, title, lang, source, idClash: idClash ?? null, clashes: chapter.ids?.clashes ?? [] });
      cache.keys.set(chapter, hashOf(toolchain, 'checks', compiled, own, chapters, rules));
    }
    await Promise.all(
      [...cache.keys].map(async ([chapter, key]) => {
        const entry = await cache.entries.get<unknown>(key);
        if (wellFormed(entry)) cache.found.set(chapter, entry);
      }),
    );
    return cache;
  }

  known(chapter: Chapter): ReadonlyMap<string, VFileMessage[]> | undefined {
    const entry = this.found.get(chapter);
    if (!entry) return undefined;
    checkCacheStats.reused++;
    return new Map(entry.map(([rule, messages]) => [rule, messages.map(restoreMessage)]));
  }

  keep(chapter: Chapter, messages: ReadonlyMap<string, VFileMessage[]>): void {
    const key = this.keys.get(chapter);
    if (key === undefined) return;
    checkCacheStats.made++;
    // Serialized now (ValueCache.set): the severities applied later change the messages.
    this.entries.set(key, [...messages].map(([rule, list]) => [rule, list.map(storeMessage)]) satisfies CheckEntry);
  }

  /** Written, and the cache bounded (scripts/cache.ts `prune`). */
  async close(): Promise<void> {
    await this.entries.prune();
  }
}
