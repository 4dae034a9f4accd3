/**
 * Warm builds (scripts/compile-cache.ts, docs/cache.md) on a small book of test data
 * (tests/fixtures/warm-build/): a build that reuses the cache writes the same bytes and reports
 * the same messages as a cold one; a changed chapter, bibliography or book.yaml is compiled again
 * where it must be; a chapter whose ids the chapters before it now take is compiled again; a
 * corrupt entry is made again, never an error. Each cache is a temporary BOOK_CACHE_DIR.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import { chapterCacheStats } from '../scripts/compile-cache.ts';
import { checkCacheStats } from '../scripts/check-cache.ts';
import { pageCacheStats } from '../scripts/output/html/page-cache.ts';
import { renderedCitationStats } from '../scripts/citations/index.ts';
import { cacheDir } from '../scripts/cache.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'warm-build');
let tmp: string;
const saved = { cache: process.env.BOOK_CACHE_DIR, epoch: process.env.SOURCE_DATE_EPOCH, off: process.env.BOOK_CACHE };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'warm-build-'));
  process.env.SOURCE_DATE_EPOCH = '946684800';
  delete process.env.BOOK_CACHE;
});

afterAll(async () => {
  for (const [name, value] of [['BOOK_CACHE_DIR', saved.cache], ['SOURCE_DATE_EPOCH', saved.epoch], ['BOOK_CACHE', saved.off]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(tmp, { recursive: true, force: true });
});

/** Every file written, by its path in the output folder. */
async function filesOf(folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(folder, full), await readFile(full));
    }
  }
  return files;
}

/** The entries of one of the cache's folders (`chapters`, `parsed`), in name order. */
const entriesOf = async (cache: string, kind: string) => (await readdir(path.join(cache, kind))).filter((name) => name.endsWith('.v8')).sort();

let runs = 0;
/** One build of `book` with the cache in `cache`: its files, its messages, what it reused. */
async function buildWith(book: string, cache: string, formats: Array<'html' | 'epub'> = ['html'], draft = false) {
  process.env.BOOK_CACHE_DIR = cache;
  const out = path.join(tmp, `out-${++runs}`);
  const result = await build({ manuscript: book, formats, out, draft });
  const messages = result.diagnostics.map(({ file, line, column, ruleId, severity, message }) => ({ file, line, column, ruleId, severity, message }));
  return { files: await filesOf(out), messages, stats: structuredClone(chapterCacheStats), checks: structuredClone(checkCacheStats), pages: structuredClone(pageCacheStats), citations: structuredClone(renderedCitationStats) };
}

async function copyOfFixture(name: string): Promise<string> {
  const book = path.join(tmp, name);
  await cp(fixture, book, { recursive: true });
  return book;
}

describe('warm builds', () => {
  it('a warm build writes the cold build\'s bytes (HTML and EPUB) and reports the same messages', async () => {
    const book = await copyOfFixture('same');
    const cache = path.join(tmp, 'cache-same');
    const cold = await buildWith(book, cache, ['html', 'epub']);
    // Three chapters and the generated bibliography.
    expect(cold.stats.compiled).toEqual({ reused: 0, made: 4 });
    // The three chapters' citations rendered by one engine, and kept.
    expect(cold.citations).toEqual({ reused: 0, made: 3, engines: 1 });
    expect(cold.messages.map((m) => m.ruleId)).toContain('footnote-unused');
    // The three chapters' rule messages kept (the generated bibliography is checked in every build).
    expect(cold.checks).toEqual({ reused: 0, made: 3 });
    const warm = await buildWith(book, cache, ['html', 'epub']);
    expect(warm.stats.compiled).toEqual({ reused: 4, made: 0 });
    expect(warm.checks).toEqual({ reused: 3, made: 0 });
    // Chapter 1 shows an image: its page is made in every build; the other pages (the bibliography
    // and the list of illustrations too) come from the cache.
    expect(cold.pages).toEqual({ reused: 0, made: 4 });
    expect(warm.pages).toEqual({ reused: 4, made: 0 });
    expect(warm.stats.parsed).toEqual({ reused: 3, made: 0 });
    expect(warm.citations).toEqual({ reused: 0, made: 0, engines: 0 });
    expect(warm.messages).toEqual(cold.messages);
    expect(warm.files).toEqual(cold.files);
    // The cache lives where BOOK_CACHE_DIR says, one kind of entry per folder.
    expect(cacheDir('chapters')).toBe(path.join(cache, 'chapters'));
    expect(await entriesOf(cache, 'chapters')).toHaveLength(4);
  });

  it('a changed chapter is compiled again, the others reused; the result is the cold build of the changed book', async () => {
    const book = await copyOfFixture('changed');
    const cache = path.join(tmp, 'cache-changed');
    await buildWith(book, cache);
    const chapter = path.join(book, '02-milieu.md');
    await writeFile(chapter, (await readFile(chapter, 'utf8')).replace('Un autre paragraphe', 'Un autre paragraphe changé'));
    const warm = await buildWith(book, cache);
    expect(warm.stats.compiled).toEqual({ reused: 3, made: 1 });
    expect(warm.checks).toEqual({ reused: 2, made: 1 });
    expect(warm.pages).toEqual({ reused: 3, made: 1 });
    // Its citations unchanged: taken from the cache, no engine made, no work registered.
    expect(warm.citations).toEqual({ reused: 1, made: 0, engines: 0 });
    const cold = await buildWith(book, path.join(tmp, 'cache-changed-cold'));
    expect(warm.files).toEqual(cold.files);
    expect(warm.messages).toEqual(cold.messages);
    expect(String(warm.files.get('html/02-milieu.html'))).toContain('paragraphe changé');
    // A locator changed: that chapter's citations are rendered again, by an engine made for them.
    await writeFile(chapter, (await readFile(chapter, 'utf8')).replace('[@essai-2020, p. 40]', '[@essai-2020, p. 41]'));
    const relocated = await buildWith(book, cache);
    expect(relocated.citations).toEqual({ reused: 0, made: 1, engines: 1 });
    expect(String(relocated.files.get('html/02-milieu.html'))).toContain('2020), 41.</span>');
    expect(relocated.files).toEqual((await buildWith(book, path.join(tmp, 'cache-relocated-cold'))).files);
    // One entry per chapter and build until pruned: the replaced entries are still there (an hour's margin).
    expect(await entriesOf(cache, 'chapters')).toHaveLength(6);
  });

  it('removes the entries no build used in the last hour, sweeping a folder at most every ten minutes', async () => {
    const book = await copyOfFixture('sweep');
    const cache = path.join(tmp, 'cache-sweep');
    await buildWith(book, cache);
    const chapters = path.join(cache, 'chapters');
    const entries = () => entriesOf(cache, 'chapters');
    const used = await entries();
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const old = async (name: string) => {
      await writeFile(path.join(chapters, name), serialize({ key: name, value: null }));
      await utimes(path.join(chapters, name), twoHoursAgo, twoHoursAgo);
    };
    await old('ancienne.v8');
    // Swept a moment ago, by the first build: the old entry stays for now.
    await buildWith(book, cache);
    expect(await entries()).toEqual([...used, 'ancienne.v8'].sort());
    // Eleven minutes later, the next build sweeps: the old entry goes, the ones it used stay.
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60 * 1000);
    await utimes(path.join(chapters, '.swept'), elevenMinutesAgo, elevenMinutesAgo);
    await buildWith(book, cache);
    expect(await entries()).toEqual(used);
    // An entry used two hours ago but used by this build again is kept, and touched.
    for (const name of used) await utimes(path.join(chapters, name), twoHoursAgo, twoHoursAgo);
    await utimes(path.join(chapters, '.swept'), elevenMinutesAgo, elevenMinutesAgo);
    await buildWith(book, cache);
    expect(await entries()).toEqual(used);
    for (const name of used) expect((await stat(path.join(chapters, name))).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a chapter whose heading ids the chapter before it now takes is compiled again', async () => {
    const book = await copyOfFixture('ids');
    const cache = path.join(tmp, 'cache-ids');
    await buildWith(book, cache);
    // `## Contexte` twice in chapter 1: chapter 2's and 3's `contexte-2`, `contexte-3` move on.
    const chapter = path.join(book, '01-debut.md');
    await writeFile(chapter, `${await readFile(chapter, 'utf8')}\n## Contexte\n\nEncore un paragraphe d'essai.\n`);
    const warm = await buildWith(book, cache);
    // The bibliography chapter, after them, asks its ids again and finds them free: reused.
    expect(warm.stats.compiled).toEqual({ reused: 1, made: 3 });
    expect(String(warm.files.get('html/02-milieu.html'))).toContain('id="contexte-3"');
    const cold = await buildWith(book, path.join(tmp, 'cache-ids-cold'));
    expect(warm.files).toEqual(cold.files);
    expect(warm.messages).toEqual(cold.messages);
  });

  it('a changed bibliography or book.yaml compiles every chapter again', async () => {
    const book = await copyOfFixture('book-wide');
    const cache = path.join(tmp, 'cache-book-wide');
    await buildWith(book, cache);
    const sources = path.join(book, 'sources.json');
    await writeFile(sources, (await readFile(sources, 'utf8')).replace('"Un article d\'essai"', '"Un article d\'essai revu"'));
    const afterBibliography = await buildWith(book, cache);
    expect(afterBibliography.stats.compiled).toEqual({ reused: 0, made: 4 });
    expect(afterBibliography.files).toEqual((await buildWith(book, path.join(tmp, 'cache-bib-cold'))).files);
    const config = path.join(book, 'book.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('footnote-unused: warning', 'footnote-unused: info'));
    const afterConfig = await buildWith(book, cache);
    expect(afterConfig.stats.compiled).toEqual({ reused: 0, made: 4 });
    const cold = await buildWith(book, path.join(tmp, 'cache-config-cold'));
    expect(afterConfig.messages).toEqual(cold.messages);
    expect(afterConfig.messages.find((m) => m.ruleId === 'footnote-unused')?.severity).toBe('info');
  });

  it('a corrupt or foreign entry is made again, never an error', async () => {
    const book = await copyOfFixture('corrupt');
    const cache = path.join(tmp, 'cache-corrupt');
    const cold = await buildWith(book, cache);
    const entries = path.join(cache, 'chapters');
    const names = await entriesOf(cache, 'chapters');
    expect(names).toHaveLength(4);
    await writeFile(path.join(entries, names[0]), 'not an entry');
    // Its own key, but not the shape of an entry.
    const wrongShape = { chapter: { id: 'x', title: 'x', lang: 'fr', hast: { type: 'root' }, sections: [] }, messages: [42], ids: [], data: {} };
    await writeFile(path.join(entries, names[1]), serialize({ key: names[1].replace(/\.v8$/, ''), value: wrongShape }));
    // A valid entry under another entry's name is not served either.
    await cp(path.join(entries, names[3]), path.join(entries, names[2]));
    for (const name of await entriesOf(cache, 'parsed')) await writeFile(path.join(cache, 'parsed', name), Buffer.from([0xff, 0x0d, 0x00]));
    const warm = await buildWith(book, cache);
    expect(warm.stats.compiled).toEqual({ reused: 1, made: 3 });
    expect(warm.stats.parsed).toEqual({ reused: 0, made: 3 });
    expect(warm.files).toEqual(cold.files);
    expect(warm.messages).toEqual(cold.messages);
    // Made again: the next build reuses every chapter.
    expect((await buildWith(book, cache)).stats.compiled).toEqual({ reused: 4, made: 0 });
  });

  it('the rules that read the disk, and those over the whole book, run in every build', async () => {
    const book = await copyOfFixture('disk');
    const cache = path.join(tmp, 'cache-disk');
    const cold = await buildWith(book, cache);
    expect(cold.messages.map((m) => m.ruleId)).not.toContain('image-missing');
    // The image goes; no chapter changes: every chapter's other messages come from the cache, and the image is missed.
    await rm(path.join(book, 'carte.png'));
    // An error: a draft is built.
    const noImage = await buildWith(book, cache, ['html'], true);
    expect(noImage.checks).toEqual({ reused: 3, made: 0 });
    expect(noImage.messages.filter((m) => m.ruleId === 'image-missing')).toMatchObject([{ file: path.join(book, '01-debut.md'), line: 8 }]);
    expect(noImage.messages).toEqual((await buildWith(book, path.join(tmp, 'cache-disk-cold'), ['html'], true)).messages);
    // A link to an anchor that chapter 3 no longer has: a book rule, reported on unchanged chapter 2.
    await cp(path.join(fixture, 'carte.png'), path.join(book, 'carte.png'));
    const last = path.join(book, '03-fin.md');
    const middle = path.join(book, '02-milieu.md');
    await writeFile(middle, `${await readFile(middle, 'utf8')}\nVoir [la fin](03-fin.md#ailleurs).\n`);
    await writeFile(last, `${await readFile(last, 'utf8')}\n## Ailleurs\n\nUn dernier paragraphe.\n`);
    const linked = await buildWith(book, cache);
    expect(linked.messages.map((m) => m.ruleId)).not.toContain('link-broken-anchor');
    await writeFile(last, (await readFile(last, 'utf8')).replace('## Ailleurs', '## Autre part'));
    const broken = await buildWith(book, cache, ['html'], true);
    expect(broken.checks).toEqual({ reused: 2, made: 1 });
    expect(broken.messages.filter((m) => m.ruleId === 'link-broken-anchor')).toMatchObject([{ file: middle }]);
    expect(broken.messages).toEqual((await buildWith(book, path.join(tmp, 'cache-anchor-cold'), ['html'], true)).messages);
  });

  it('a page is written again when what is around its chapter changes: a neighbour\'s title, a link\'s target', async () => {
    const book = await copyOfFixture('pages');
    const cache = path.join(tmp, 'cache-pages');
    const middle = path.join(book, '02-milieu.md');
    const last = path.join(book, '03-fin.md');
    await writeFile(middle, `${await readFile(middle, 'utf8')}\nVoir [la fin](03-fin.md#ailleurs).\n`);
    await writeFile(last, `${await readFile(last, 'utf8')}\n## Ailleurs\n\nUn dernier paragraphe.\n`);
    await buildWith(book, cache);
    // Chapter 3's title changes: its own page, and its neighbours' (their pagers name it).
    await writeFile(last, (await readFile(last, 'utf8')).replace(/^# .*$/m, '# Une fin retitrée'));
    const retitled = await buildWith(book, cache);
    // Made again: chapter 3's, chapter 2's and the bibliography's (whose pager names chapter 3); the list of illustrations' kept.
    expect(retitled.pages).toEqual({ reused: 1, made: 3 });
    expect(String(retitled.files.get('html/02-milieu.html'))).toContain('Une fin retitrée');
    expect(retitled.files).toEqual((await buildWith(book, path.join(tmp, 'cache-pages-cold-1'))).files);
    // `{#ailleurs}` now carried under another id: chapter 2's link follows it; its page is made again.
    await writeFile(last, (await readFile(last, 'utf8')).replace('## Ailleurs', '## Ailleurs {#loin}'));
    await writeFile(middle, (await readFile(middle, 'utf8')).replace('03-fin.md#ailleurs', '03-fin.md#loin'));
    const moved = await buildWith(book, cache);
    expect(moved.pages).toEqual({ reused: 2, made: 2 });
    expect(String(moved.files.get('html/02-milieu.html'))).toContain('href="03-fin.html#loin"');
    expect(moved.files).toEqual((await buildWith(book, path.join(tmp, 'cache-pages-cold-2'))).files);
  });

  it('BOOK_CACHE=0 builds without the cache', async () => {
    const book = await copyOfFixture('off');
    const cache = path.join(tmp, 'cache-off');
    process.env.BOOK_CACHE = '0';
    try {
      await buildWith(book, cache);
      await expect(readdir(path.join(cache, 'chapters'))).rejects.toThrow();
    } finally {
      delete process.env.BOOK_CACHE;
    }
  });
});
