/**
 * Page names and ids unique by construction, and nesting bounded (issue 11, items 6 and 7):
 * hostile manuscripts written into a temporary folder, built through the HTML edition and the EPUB
 * (and the print document, which needs no browser), and read back byte by byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { fromHtml } from 'hast-util-from-html';
import type { Element, Root } from 'hast';
import { visit } from '../scripts/tree/visit.ts';
import { build, type BuildResult } from '../scripts/build.ts';
import { buildPrintDocument } from '../scripts/output/pdf/print-document.ts';
import { maskDeepLines, nestingLimit } from '../scripts/markdown/nesting.ts';
import { BookIds, pageName } from '../scripts/render/ids.ts';
import type { Diagnostic } from '../scripts/check/index.ts';
import { buildProof } from '../scripts/proof/index.ts';
import { epubcheck } from './support/epub-checkers.ts';
import { runCli } from './support/cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ids-and-nesting-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeBook(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

const elements = (tree: Root | Element, test: (element: Element) => boolean): Element[] => {
  const found: Element[] = [];
  visit(tree, 'element', (node: Element) => {
    if (test(node)) found.push(node);
  });
  return found;
};
const idsOf = (tree: Root | Element): string[] => elements(tree, (e) => typeof e.properties.id === 'string').map((e) => String(e.properties.id));
const repeated = (values: string[]): string[] => [...new Set(values.filter((value, i) => values.indexOf(value) !== i))];
const hrefsOf = (tree: Root | Element): string[] => elements(tree, (e) => e.tagName === 'a' && typeof e.properties.href === 'string').map((e) => String(e.properties.href));
const isInternal = (href: string) => !/^[a-z][a-z\d+.-]*:/i.test(href) && !href.startsWith('//');

/** Every page of an HTML edition, parsed. */
async function htmlPages(folder: string): Promise<Map<string, Root>> {
  const pages = new Map<string, Root>();
  for (const name of await readdir(folder)) {
    if (name.endsWith('.html')) pages.set(name, fromHtml(await readFile(path.join(folder, name), 'utf8')));
  }
  return pages;
}

/** Every XHTML file of an EPUB, parsed, by its name in OEBPS/. */
async function epubPages(file: string): Promise<Map<string, Root>> {
  const zip = await JSZip.loadAsync(await readFile(file));
  const pages = new Map<string, Root>();
  for (const name of Object.keys(zip.files)) {
    if (name.endsWith('.xhtml')) pages.set(name.replace(/^OEBPS\//, ''), fromHtml(await zip.file(name)!.async('string')));
  }
  return pages;
}

/** Internal links that lead nowhere: to no page of the edition, or to no id of that page. */
function brokenLinks(pages: Map<string, Root>): string[] {
  const broken: string[] = [];
  for (const [name, tree] of pages) {
    for (const href of hrefsOf(tree).filter(isInternal)) {
      const hash = href.indexOf('#');
      const file = decodeURIComponent(hash < 0 ? href : href.slice(0, hash)) || name;
      if (/\.(css|png|woff2)$/.test(file) || file.startsWith('assets/')) continue;
      const target = pages.get(file);
      const id = hash < 0 ? undefined : decodeURIComponent(href.slice(hash + 1));
      if (!target || (id !== undefined && !idsOf(target).includes(id))) broken.push(`${name} → ${href}`);
    }
  }
  return broken;
}

const tocLinks = (index: Root): string[] =>
  elements(index, (e) => e.tagName === 'nav' && Array.isArray(e.properties.className) && e.properties.className.includes('toc')).flatMap(hrefsOf);

const of = (result: BuildResult, ruleId: string): Array<Pick<Diagnostic, 'line' | 'column'> & { file: string }> =>
  result.diagnostics
    .filter((d) => d.ruleId === ruleId)
    .map((d) => ({ file: path.relative(result.book.root, d.file), line: d.line, column: d.column }));

describe('chapters that ask for the same page', () => {
  let root: string;
  let out: string;
  let result: BuildResult;

  beforeAll(async () => {
    root = await writeBook('clashes', {
      'book.yaml': 'title: Livre hostile\nlanguage: fr\ncontents:\n  chapters: [index.md, p1/a.md, p2/a.md, un.md, deux.md, toc.md, Index.md, a-notes.md]\n',
      'index.md': '# Accueil\n\nTexte[^1].\n\n## Sources {#a-fn-1}\n\nVoir [la section](#a-fn-1), [le commun](un.md#commun) et [l’autre](deux.md#commun).\n\n[^1]: Note.\n',
      'p1/a.md': '# Premier A\n\n## Sources\n\nTexte[^1]. Voir [ici](#sources) et [là](../p2/a.md#sources).\n\n## Commun {#commun}\n\n[^1]: Note A.\n',
      'p2/a.md': '# Second A\n\n## Sources\n\nTexte[^1]. Voir [ici](#sources), [le second](#sources-2) et [le premier A](../p1/a.md).\n\n## Sources\n\n[^1]: Note A2.\n',
      'un.md': '---\nid: meme\n---\n\n# Un\n\n## Commun {#commun}\n\n## Deux fois {#x}\n\n## Encore {#x}\n\n[Voir](#x) et [commun](#commun).\n',
      'deux.md': '---\nid: meme\n---\n\n# Deux\n\n## Commun {#commun}\n\nUn [passage]{#main} et un [autre]{#chapter-meme}.\n',
      'toc.md': '# Table\n\nTexte.\n',
      'Index.md': '# Index majuscule\n\nTexte.\n',
      'a-notes.md': '# Les notes de A\n\nTexte.\n',
    });
    out = path.join(dir, 'clashes-out');
    result = await build({ manuscript: root, out, formats: ['html', 'epub'] });
  });

  it('keeps index.html the title and contents page, and gives every chapter a page of its own', async () => {
    const pages = await htmlPages(path.join(out, 'html'));
    const index = pages.get('index.html')!;
    expect(elements(index, (e) => e.tagName === 'body')[0].properties.className).toEqual(['index-page']);
    const links = tocLinks(index);
    expect(links).toEqual(['index-2.html', 'a.html', 'a-2.html', 'meme.html', 'meme-2.html', 'toc-2.html', 'Index-3.html', 'a-notes-2.html']);
    expect(result.book.chapters.map((chapter) => `${chapter.id}.html`)).toEqual(links);
    // Each page is its chapter's: its first heading carries the chapter's title.
    const titles = links.map((link) => elements(pages.get(link)!, (e) => e.tagName === 'h1').map((e) => e.properties.id));
    expect(titles).toEqual(result.book.chapters.map((chapter) => [chapter.id]));
    expect([...pages.keys()].sort()).toEqual(['index.html', ...links].sort());
  });

  it('names each chapter file of the EPUB once, and its contents reach every one', async () => {
    const pages = await epubPages(path.join(out, 'book.epub'));
    const nav = elements(pages.get('toc.xhtml')!, (e) => e.tagName === 'nav' && e.properties.id === 'toc').flatMap(hrefsOf);
    expect(nav).toEqual(['index-2.xhtml', 'a.xhtml', 'a-2.xhtml', 'meme.xhtml', 'meme-2.xhtml', 'toc-2.xhtml', 'Index-3.xhtml', 'a-notes-2.xhtml']);
    expect(brokenLinks(pages)).toEqual([]);
    // A duplicate id in a content document is an EPUBCheck error (RSC-005) as well.
    expect((await epubcheck(path.join(out, 'book.epub'))).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
  }, 120_000);

  it('leaves no id twice in a page, nor in the print document', async () => {
    for (const [name, tree] of [...(await htmlPages(path.join(out, 'html'))), ...(await epubPages(path.join(out, 'book.epub')))]) {
      expect(repeated(idsOf(tree)), name).toEqual([]);
    }
    const print = buildPrintDocument(result.book, { stylesheets: [], script: 'render.js' });
    expect(repeated(idsOf(print.tree))).toEqual([]);
  });

  it('keeps links going where the author meant them to', async () => {
    const pages = await htmlPages(path.join(out, 'html'));
    expect(brokenLinks(pages)).toEqual([]);
    const links = (page: string) => hrefsOf(pages.get(page)!).filter((href) => !/^(#main|#.*-fn(ref)?-\d+$|index\.html|assets\/)/.test(href));
    // index.md's own heading {#a-fn-1} (renamed: a.md's first note has that id), meme's and meme-2's #commun.
    expect(links('index-2.html')).toEqual(['#a-fn-1-2', 'meme.html#commun-2', 'meme-2.html#commun-3', 'a.html']);
    // The second « Sources » of p2/a.md is `sources-2` in its chapter, whatever ids they carry.
    expect(links('a-2.html')).toEqual(['#sources-2', '#sources-3', 'a.html', 'a.html', 'meme.html']);
    expect(links('a.html')).toEqual(['#sources', 'a-2.html#sources-2', 'index-2.html', 'a-2.html']);
    // Two {#x} in one chapter: links go to the first.
    expect(links('meme.html').slice(0, 2)).toEqual(['#x', '#commun-2']);
    // The page's own links are not the chapter's: the skip link still reaches <main>, not {#main}.
    const page = pages.get('meme-2.html')!;
    expect(hrefsOf(page)[0]).toBe('#main');
    expect(elements(page, (e) => e.properties.id === 'main').map((e) => e.tagName)).toEqual(['main']);
    expect(idsOf(page)).toContain('main-2');
    // In the print document, one for the whole book: the same targets, by their ids alone.
    const print = buildPrintDocument(result.book, { stylesheets: [], script: 'render.js' });
    const ids = new Set(idsOf(print.tree));
    expect(hrefsOf(print.tree).filter((href) => href.startsWith('#') && !ids.has(href.slice(1)))).toEqual([]);
    expect(hrefsOf(print.tree)).toContain('#chapter-a');
  });

  it('reports each clash where the author set it', () => {
    expect(of(result, 'chapter-id-duplicate')).toEqual([
      { file: 'a-notes.md', line: 1, column: 1 },
      { file: 'deux.md', line: 2, column: 1 },
      { file: 'index.md', line: 1, column: 1 },
      { file: 'Index.md', line: 1, column: 1 },
      { file: 'p2/a.md', line: 1, column: 1 },
      { file: 'toc.md', line: 1, column: 1 },
    ]);
    expect(of(result, 'id-duplicate')).toEqual([
      { file: 'deux.md', line: 7, column: 1 },
      { file: 'deux.md', line: 9, column: 4 },
      { file: 'deux.md', line: 9, column: 27 },
      { file: 'index.md', line: 5, column: 1 },
      { file: 'un.md', line: 7, column: 1 },
      { file: 'un.md', line: 11, column: 1 },
    ]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('gives the same names from build to build', async () => {
    const again = path.join(dir, 'clashes-again');
    await build({ manuscript: root, out: again, formats: ['html'] });
    for (const name of await readdir(path.join(out, 'html'))) {
      if (!name.endsWith('.html')) continue;
      expect(await readFile(path.join(again, 'html', name), 'utf8'), name).toBe(await readFile(path.join(out, 'html', name), 'utf8'));
    }
  });
});

describe('chapters with odd file names', () => {
  const names = ['100%', 'quoi?', 'num#1', 'l’été "chaud"', "d'apostrophe", 'avec espace', 'ligne\nnouvelle', 'Жұманиязов', '東京', '...', '%%', 'ÉTÉ', 'été'];
  let out: string;
  let result: BuildResult;

  beforeAll(async () => {
    const files: Record<string, string> = {};
    names.forEach((name, i) => (files[`${name}.md`] = `# Chapitre ${i + 1}\n\nTexte.\n`));
    files['%%.md'] = '# Liens\n\nVoir [a](100%25.md), [b](quoi%3F.md), [c](num%231.md#num-1) et [d](<avec espace.md>).\n';
    const root = await writeBook('odd-names', files);
    out = path.join(dir, 'odd-names-out');
    result = await build({ manuscript: root, out, formats: ['html', 'epub'] });
  });

  it('makes page names safe in a URL and a file name, one per chapter', async () => {
    const ids = result.book.chapters.map((chapter) => chapter.id);
    for (const id of ids) expect(id).toMatch(/^[\p{L}\p{M}\p{N}_-]+$/u);
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(names.length);
    const pages = await htmlPages(path.join(out, 'html'));
    expect(tocLinks(pages.get('index.html')!).sort()).toEqual(ids.map((id) => `${id}.html`).sort());
    expect(brokenLinks(pages)).toEqual([]);
    const links = hrefsOf(pages.get(`${result.book.chapters.find((c) => c.title === 'Liens')!.id}.html`)!).filter((href) => !/^(#|index|assets)/.test(href));
    expect(links.slice(0, 4)).toEqual(['100.html', 'quoi.html', 'num-1.html#num-1', 'avec-espace.html']);
  });

  it('writes an EPUB whose file names and links EPUBCheck accepts', async () => {
    const file = path.join(out, 'book.epub');
    const pages = await epubPages(file);
    for (const name of pages.keys()) expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(brokenLinks(pages)).toEqual([]);
    expect((await epubcheck(file)).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
  }, 120_000);
});

describe('page names and the id registry', () => {
  it('keeps a valid front matter id as it is, and makes any file name a page name', () => {
    expect(pageName('captivite_1944-Été')).toBe('captivite_1944-Été');
    expect(pageName("l'été \"chaud\" ?#%\n.md")).toBe('l-été-chaud-md');
    expect(pageName('e\u0301te\u0301')).toBe('été');
    expect(pageName('...')).toBe('');
    expect([...pageName('x'.repeat(300))]).toHaveLength(100);
  });

  it('gives names shaped like another chapter’s generated ids the next free one', () => {
    const ids = new BookIds({ parts: ['partie-1'] });
    const claims = ids.claimChapters(['a-notes', 'a', 'a-fnref-1', 'partie-1', 'chapter-a', 'x', 'X', 'a-fn', 'a-fn', 'index']);
    expect(claims.map((claim) => claim.id)).toEqual(['a-notes-2', 'a', 'a-fnref-1-id-2', 'partie-1-2', 'chapter-a-2', 'x', 'X-2', 'a-fn', 'a-fn-id-2', 'index-2']);
    expect(claims.map((claim) => claim.clash?.reason)).toEqual(['generated', undefined, 'generated', 'reserved', 'generated', undefined, 'duplicate', undefined, 'duplicate', 'reserved']);
    // Element ids then avoid them all, generated ones included.
    expect(['a', 'a-fn-3', 'a-fnref-2-2', 'chapter-x', 'partie-1-title', 'b-fn-1'].map((id) => ids.has(id))).toEqual([true, true, true, true, true, false]);
  });
});

describe('nesting too deep', () => {
  const depth = 3000;
  const cases: Record<string, string> = {
    blockquotes: `${'> '.repeat(depth)}texte\n`,
    lists: `${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- x`).join('\n')}\n`,
    'ordered-lists': `${Array.from({ length: depth }, (_, i) => `${'   '.repeat(i)}1. x`).join('\n')}\n`,
    'quotes-and-lists': `${'> - '.repeat(depth)}x\n`,
    emphasis: `${'*'.repeat(depth)}x${'*'.repeat(depth)}\n`,
    spans: `${'['.repeat(depth)}x${']{.a}'.repeat(depth)}\n`,
    notes: `Texte${'^['.repeat(depth)}x${']'.repeat(depth)}.\n`,
    // A `:::` block's fence must be longer than those inside: the text grows with the square of
    // the depth, so 300 levels make the point.
    directives: `${Array.from({ length: 300 }, (_, i) => `${':'.repeat(303 - i)}todo`).join('\n')}\ntexte\n${Array.from({ length: 300 }, (_, i) => ':'.repeat(4 + i)).join('\n')}\n`,
  };
  const noStack = (text: string) => {
    expect(text).not.toMatch(/RangeError|Maximum call stack|\n\s+at /);
  };

  for (const [name, body] of Object.entries(cases)) {
    it(`${name}: a positioned error, exit 1 in check and in a draft build, no stack`, async () => {
      const root = await writeBook(`deep-${name}`, { 'chapitre.md': `# Titre\n\nAvant.\n\n${body}\nAprès[^1].\n` });
      const check = await runCli(['check', root, '--reporter', 'json']);
      noStack(check.stdout + check.stderr);
      expect(check.code).toBe(1);
      const diagnostics = JSON.parse(check.stdout) as Diagnostic[];
      const deep = diagnostics.filter((d) => d.ruleId === 'nesting-too-deep');
      expect(deep).toHaveLength(1);
      expect(deep[0]).toMatchObject({ file: expect.stringContaining('chapitre.md'), line: expect.any(Number), severity: 'error' });
      expect(deep[0].line).toBeGreaterThanOrEqual(5);
      // The rest of the chapter is still checked: the note called after it has no definition.
      expect(diagnostics.some((d) => d.ruleId === 'footnote-undefined')).toBe(true);

      const out = path.join(dir, `deep-${name}-out`);
      const draft = await runCli(['build', '--draft', '-m', root, '--out', out, '--format', 'html,epub']);
      noStack(draft.stdout + draft.stderr);
      expect(draft.code).toBe(1);
      expect(draft.stdout + draft.stderr).toContain('nesting-too-deep');
      expect(existsSync(path.join(out, 'html'))).toBe(false);
      expect(existsSync(path.join(out, 'book.epub'))).toBe(false);
    }, 60_000);
  }

  it('refuses to build it even when book.yaml turns the rule off: part of it was left out', async () => {
    const root = await writeBook('deep-off', {
      'book.yaml': 'title: Trop profond\nlanguage: fr\nrules:\n  nesting-too-deep: off\ncontents:\n  chapters: [chapitre.md]\n',
      'chapitre.md': `# Titre\n\n${cases.blockquotes}`,
    });
    await expect(build({ manuscript: root, out: path.join(dir, 'deep-off-out'), formats: ['html'], draft: true })).rejects.toThrow(/chapitre\.md: nested too deep/);
  });

  it('makes proofs of it all the same, with the message at its place', async () => {
    const root = await writeBook('deep-proof', { 'chapitre.md': `# Titre\n\n${cases.blockquotes}` });
    const proof = await buildProof({ manuscript: root, out: path.join(dir, 'deep-proof-out'), pdf: false, date: new Date(0) });
    const page = await readFile(path.join(proof.dir, 'chapitre.html'), 'utf8');
    expect(page).toContain('nesting-too-deep');
  }, 60_000);

  it('takes brackets and links that cannot nest for what they are', async () => {
    const body = `${'['.repeat(depth)}x${'](u)'.repeat(depth)}\n\n${'['.repeat(depth)}x${']'.repeat(depth)}\n`;
    const root = await writeBook('deep-links', { 'chapitre.md': `# Titre\n\n${body}` });
    const check = await runCli(['check', root, '--reporter', 'json']);
    noStack(check.stdout + check.stderr);
    expect(check.code).toBe(0);
  }, 60_000);

  it('leaves nesting below the limit alone, and the text of a book unchanged', async () => {
    const text = `${'> '.repeat(nestingLimit - 1)}texte\n\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n')}\n`;
    expect(maskDeepLines(text)).toEqual({ text, places: [] });
    // Every chapter of the shipped manuscript.
    const shipped = path.join(import.meta.dirname, '..', 'manuscript');
    const chapters = (await readdir(shipped)).filter((name) => name.endsWith('.md'));
    expect(chapters.length).toBeGreaterThan(0);
    for (const name of chapters) {
      const book = await readFile(path.join(shipped, name), 'utf8');
      expect(maskDeepLines(book).text, name).toBe(book);
    }
    const root = await writeBook('deep-enough', { 'chapitre.md': `# Titre\n\n${text}` });
    const check = await runCli(['check', root, '--reporter', 'json']);
    expect((JSON.parse(check.stdout) as Diagnostic[]).filter((d) => d.ruleId === 'nesting-too-deep')).toEqual([]);
  });
});
