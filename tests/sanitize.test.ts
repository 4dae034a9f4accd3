/**
 * The sanitizing step (scripts/render/sanitize.ts). One schema, two uses: what the report says is
 * exactly what hast-util-sanitize takes away (a property test over random trees); the renderer's
 * own output passes untouched; and a hostile manuscript (tests/fixtures/sanitize/hostile) built
 * through the HTML and EPUB editions carries nothing unsafe in their bytes, and its EPUB passes
 * EPUBCheck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import JSZip from 'jszip';
import { h } from 'hastscript';
import { sanitize } from 'hast-util-sanitize';
import type { Element, ElementContent, Root } from 'hast';
import type { Position } from 'unist';
import { reportUnsafe, sanitizeChapter, sanitizeSchema, type SanitizeRuleId } from '../scripts/render/sanitize.ts';
import { build, compileAndCheck } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { diagnosticsOf, type Diagnostic } from '../scripts/check/index.ts';
import { epubcheck } from './support/epub-checkers.ts';
import { searchScriptPath } from '../scripts/output/html/search/index.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'sanitize', 'hostile');
const sanitizeRules = new Set(['attribute-unsafe', 'link-unsafe', 'html-raw']);

interface Reported {
  reason: string;
  place: Position | undefined;
  ruleId: SanitizeRuleId;
}

function reportsOf(tree: Root, placeOf?: (element: Element) => Position | undefined): Reported[] {
  const reports: Reported[] = [];
  reportUnsafe(tree, (reason, place, ruleId) => reports.push({ reason, place, ruleId }), placeOf);
  return reports;
}

const at = (line: number, column = 1): Position => ({ start: { line, column }, end: { line, column: column + 1 } });
const placed = <T extends Element>(element: T, line: number, column = 1): T => Object.assign(element, { position: at(line, column) });
const root = (...children: ElementContent[]): Root => ({ type: 'root', children });

describe('the schema', () => {
  it('lets through everything the renderer emits, unchanged', () => {
    const tree = root(
      h('h2', { id: 'section', className: ['important'], lang: 'kk', dir: 'ltr', title: 'Titre' }, 'Section'),
      h('p', [
        'Texte',
        h('a', { className: ['noteref'], id: 'c-fnref-1', href: '#c-fn-1', role: 'doc-noteref', ariaLabel: 'Note 1' }, '1'),
        h('span', { className: ['citation'], dataCites: 'a b' }, [h('i', 'Titre'), ', ', h('span', { className: ['smallcaps'] }, 'Nom'), h('sup', 'e'), h('sub', '2')]),
        h('a', { href: 'https://example.org/a?b=c#d' }, ['https:', h('wbr'), '//example.org']),
        h('a', { href: 'mailto:auteur@example.org' }, 'écrire'),
        h('a', { href: 'autre.html#x' }, 'ailleurs'),
        h('img', { src: 'images/carte.png', alt: 'Carte' }),
        h('ins', { className: ['critic', 'critic-insertion'] }, 'a'),
        h('del', { className: ['critic'] }, 'b'),
        h('mark', { className: ['critic-highlight'] }, 'c'),
        h('strong', { className: ['citation-unknown'] }, 'clé?'),
        h('b', 'gras'),
        h('em', 'oblique'),
      ]),
      h('figure', { className: ['source', 'source-testimony'], id: 't1' }, [h('figcaption', { className: ['apparatus'] }, 'Témoignage'), h('blockquote', { lang: 'ru' }, [h('p', 'Текст')])]),
      h('aside', { className: ['todo'], role: 'note', ariaLabel: 'À faire' }, [h('p', 'à vérifier')]),
      h('section', { className: ['bibliography', 'csl-bib-body'], role: 'doc-bibliography' }, [h('div', { className: ['csl-entry'], id: 'ref-a' }, 'Entrée')]),
      h('section', { className: ['footnotes'], ariaLabelledBy: 'c-notes' }, [
        h('h2', { id: 'c-notes' }, 'Notes'),
        h('aside', { id: 'c-fn-1', className: ['footnote'], role: 'doc-footnote' }, [h('p', [h('a', { href: '#c-fnref-1', role: 'doc-backlink', ariaLabel: 'Retour' }, '1')])]),
      ]),
      h('table', [h('thead', [h('tr', [h('th', { align: 'left' }, 'a')])]), h('tbody', [h('tr', [h('td', { align: 'right' }, '1')])])]),
      h('ol', { start: 3 }, [h('li', 'trois')]),
      h('ul', { className: ['contains-task-list'] }, [h('li', { className: ['task-list-item'] }, [h('input', { type: 'checkbox', checked: true, disabled: true }), ' fait'])]),
      h('pre', [h('code', { className: ['language-js'] }, 'x')]),
      h('hr'),
      h('p', ['a', h('br'), 'b']),
    );
    const before = structuredClone(tree);
    expect(reportsOf(tree)).toEqual([]);
    expect(sanitize(tree, sanitizeSchema)).toEqual(before);
  });

  it('keeps the author’s ids as written: no clobber prefix', () => {
    const tree = root(h('h2', { id: 'temoignage-1' }, 'T'), h('span', { id: 'name' }, 'x'));
    expect(sanitizeChapter(tree)).toEqual(root(h('h2', { id: 'temoignage-1' }, 'T'), h('span', { id: 'name' }, 'x')));
  });

  const refusedLinks = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox',
    'file:///etc/passwd',
    'tel:+33123456789',
    'HTTPS://example.org',
    '//evil.example/x',
    '/\\evil.example/x',
    '\\\\evil.example/x',
    ' //evil.example/x',
  ];
  it.each(refusedLinks)('refuses the link %j, reported as link-unsafe, and drops it', (href) => {
    const tree = root(placed(h('p', [placed(h('a', { href }, 'lien'), 3, 5)]), 3));
    const reports = reportsOf(tree);
    expect(reports.map((r) => [r.ruleId, r.place?.start])).toEqual([['link-unsafe', { line: 3, column: 5 }]]);
    expect(sanitizeChapter(tree)).toMatchObject({ children: [{ children: [{ tagName: 'a', properties: {}, children: [{ value: 'lien' }] }] }] });
  });

  const keptLinks = ['https://example.org/', 'http://example.org/', 'mailto:a@example.org', '#note', 'chapitre.md#x', '../autre.html', '?q=1', 'dossier/page:2', ''];
  it.each(keptLinks)('keeps the link %j', (href) => {
    const tree = root(h('p', [h('a', { href }, 'lien')]));
    expect(reportsOf(tree)).toEqual([]);
    expect(sanitizeChapter(tree)).toEqual(root(h('p', [h('a', { href }, 'lien')])));
  });

  it('never lets an image load from elsewhere: its text alternative stands in its place', () => {
    for (const src of ['https://example.org/x.png', '//example.org/x.png', 'data:image/png;base64,iVBORw0KGgo=', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const tree = root(placed(h('p', [placed(h('img', { src, alt: 'Une carte' }), 2, 3)]), 2));
      expect(reportsOf(tree).map((r) => [r.ruleId, r.place?.start.column])).toEqual([['link-unsafe', 3]]);
      const clean = sanitizeChapter(root(h('p', [h('img', { src, alt: 'Une carte' })])));
      expect(clean).toEqual(root(h('p', [h('span', { className: ['image-unavailable'] }, 'Une carte')])));
    }
    const local = root(h('p', [h('img', { src: 'images/carte.png', alt: 'Carte' })]));
    expect(sanitizeChapter(local)).toEqual(root(h('p', [h('img', { src: 'images/carte.png', alt: 'Carte' })])));
  });

  it('refuses event handlers, style, autofocus and values that are not allowed, as attribute-unsafe', () => {
    const span = placed(h('span', { onClick: 'alert(1)', style: 'color:red', autoFocus: true, tabIndex: 1, lang: 'en US', id: 'deux mots', role: 'button', dataX: '1', name: 'n' }, 'x'), 4, 2);
    const reports = reportsOf(root(placed(h('p', [span]), 4)));
    expect(reports.every((r) => r.ruleId === 'attribute-unsafe' && r.place?.start.column === 2)).toBe(true);
    expect(reports.map((r) => /`([^`=]+)/.exec(r.reason)?.[1])).toEqual(['onclick', 'style', 'autofocus', 'tabindex', 'lang', 'id', 'role', 'data-x', 'name']);
    expect(sanitizeChapter(root(h('p', [h('span', { onClick: 'alert(1)', style: 'color:red', autoFocus: true, lang: 'kk' }, 'x')])))).toEqual(root(h('p', [h('span', { lang: 'kk' }, 'x')])));
  });

  it('reports elements outside the allowlist as html-raw: embedded content dropped with its content, others unwrapped', () => {
    const tree = root(
      placed(h('div', [placed(h('script', 'alert(1)'), 2), placed(h('iframe', { src: 'https://example.org' }), 3), placed(h('font', { color: 'red' }, 'texte'), 4), placed(h('td', 'hors table'), 5)]), 1),
    );
    expect(reportsOf(tree).map((r) => [r.ruleId, r.place?.start.line])).toEqual([
      ['html-raw', 2],
      ['html-raw', 3],
      ['html-raw', 4],
      ['html-raw', 5],
    ]);
    expect(sanitizeChapter(tree)).toMatchObject({ children: [{ tagName: 'div', children: [{ type: 'text', value: 'texte' }, { type: 'text', value: 'hors table' }] }] });
  });

  it('reports at the element’s own place, else the one the renderer kept aside, else the nearest positioned ancestor', () => {
    const generated = h('span', { style: 'color:red' }, 'citeproc'); // no position: citeproc's output
    const spanOfRenderer = h('span', { onClick: 'x' }, 'span'); // no position: made by a handler
    const tree = root(placed(h('p', [h('i', [generated]), spanOfRenderer]), 7, 1));
    const places = new Map<Element, Position>([[spanOfRenderer, at(7, 12)]]);
    expect(reportsOf(tree, (element) => places.get(element)).map((r) => r.place?.start)).toEqual([
      { line: 7, column: 1 },
      { line: 7, column: 12 },
    ]);
  });

  it('is idempotent: a sanitized tree reports nothing and stays the same', () => {
    const tree = root(h('p', [h('span', { onClick: 'x', lang: 'kk' }, 'a'), h('a', { href: 'javascript:x' }, 'b'), h('img', { src: 'https://x/y.png', alt: 'c' })]));
    const once = sanitizeChapter(tree);
    const copy = structuredClone(once);
    expect(reportsOf(copy)).toEqual([]);
    expect(sanitizeChapter(copy)).toEqual(once);
  });
});

describe('one schema, two uses', () => {
  const tags = ['p', 'span', 'a', 'img', 'div', 'section', 'aside', 'table', 'tr', 'td', 'ol', 'input', 'b', 'script', 'iframe', 'font', 'svg', 'x-custom'];
  const keys = ['id', 'className', 'lang', 'dir', 'title', 'href', 'src', 'alt', 'role', 'ariaLabel', 'dataCites', 'dataX', 'onClick', 'style', 'autoFocus', 'tabIndex', 'start', 'align', 'type', 'checked', 'disabled', 'name', 'x:y'];
  const values: fc.Arbitrary<unknown> = fc.constantFrom(
    'x', 'a b', '', 'kk', 'en-GB', 'en US', 'rtl', 'doc-noteref', 'note', 'button', 'left', 'checkbox',
    'javascript:alert(1)', 'https://example.org', '//evil.example', '#a', 'mailto:a@b', 'data:x', 'carte.png',
    true, false, 3, ['a', 'b'], ['doc-noteref'], ['x', 'javascript:y'],
  );
  type Shape = { tag: string; properties: Record<string, unknown>; children: Shape[] };
  const shapeOf = (depth: number): fc.Arbitrary<Shape> =>
    fc.record({
      tag: fc.constantFrom(...tags),
      properties: fc.dictionary(fc.constantFrom(...keys), values, { maxKeys: 4 }),
      children: depth > 0 ? fc.array(shapeOf(depth - 1), { maxLength: 3 }) : fc.constant([]),
    });
  const shape = shapeOf(3);

  /** Elements numbered in document order, each on a line of its own, so that a report's line names its element. */
  function toTree(shapes: Shape[]): { tree: Root; tagOfLine: Map<number, string> } {
    let line = 0;
    const tagOfLine = new Map<number, string>();
    const make = (s: Shape): Element => {
      line += 1;
      tagOfLine.set(line, s.tag);
      const element: Element = { type: 'element', tagName: s.tag, properties: structuredClone(s.properties) as Element['properties'], children: [], position: at(line) };
      element.children = s.children.map(make);
      return element;
    };
    return { tree: root(...shapes.map(make)), tagOfLine };
  }

  function byLine(node: Root | Element, into = new Map<number, Element>()): Map<number, Element> {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.position) into.set(child.position.start.line, child);
      byLine(child, into);
    }
    return into;
  }

  it('reports exactly what hast-util-sanitize takes away, each at its element', () => {
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 4 }), (shapes) => {
        const { tree, tagOfLine } = toTree(shapes);
        const reports = reportsOf(tree); // replaces refused images by their stand-in
        const before = byLine(tree);
        const after = byLine(sanitize(tree, sanitizeSchema) as Root);
        const expected = new Map<number, number>();
        const visit = (node: Root | Element, inStripped: boolean) => {
          for (const child of node.children) {
            if (child.type !== 'element' || !child.position) continue;
            const line = child.position.start.line;
            const kept = after.get(line);
            let count = 0;
            if (inStripped) count = 0;
            else if (tagOfLine.get(line) === 'img' && child.tagName === 'span') count = 1; // the stand-in of a refused image
            else if (!kept) count = 1; // the element itself
            else {
              for (const [key, value] of Object.entries(child.properties)) {
                if (value === null || value === undefined) continue;
                // Gone, shortened, or put back by `required` with another value (`type` of an input).
                const now = kept.properties[key];
                if (now === undefined || (Array.isArray(value) ? !Array.isArray(now) || now.length < value.length : now !== value)) count += 1;
              }
            }
            expected.set(line, count);
            visit(child, inStripped || (!kept && (sanitizeSchema.strip ?? []).includes(child.tagName)));
          }
        };
        visit(tree, false);
        const actual = new Map<number, number>([...before.keys()].map((line) => [line, 0]));
        for (const report of reports) actual.set(report.place!.start.line, (actual.get(report.place!.start.line) ?? 0) + 1);
        expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
        for (const report of reports) {
          const element = before.get(report.place!.start.line)!;
          if (!after.has(report.place!.start.line)) expect(report.ruleId).toBe('html-raw');
          else expect(report.ruleId === 'html-raw').toBe(false);
          expect(element).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a hostile manuscript through the HTML and EPUB editions', () => {
  let out: string;
  let pages: Map<string, string>;
  let xhtml: Map<string, string>;
  let diagnostics: Diagnostic[];

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'sanitize-test-'));
    const result = await build({ manuscript: fixture, out, formats: ['html', 'epub'], draft: true });
    diagnostics = result.diagnostics;
    pages = new Map();
    for (const name of (await readdir(path.join(out, 'html'))).filter((n) => n.endsWith('.html'))) pages.set(name, await readFile(path.join(out, 'html', name), 'utf8'));
    const zip = await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')));
    xhtml = new Map();
    for (const name of Object.keys(zip.files).filter((n) => n.endsWith('.xhtml'))) xhtml.set(name, await zip.file(name)!.async('string'));
  }, 120_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  const outputs = () => [...pages, ...xhtml];
  /** Every start tag of a file. */
  const tagsOf = (text: string) => text.match(/<[A-Za-z][^>]*>/g) ?? [];
  const attributeValues = (text: string, name: string) => [...text.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

  it('builds as a draft, and writes chapters from every hostile file', () => {
    expect([...pages.keys()]).toEqual(expect.arrayContaining(['attributs.html', 'liens.html', 'html.html', 'citations.html']));
    expect([...xhtml.keys()]).toEqual(expect.arrayContaining(['OEBPS/attributs.xhtml', 'OEBPS/liens.xhtml', 'OEBPS/citations.xhtml']));
  });

  it('writes no event handler, no style attribute, no autofocus', () => {
    for (const [name, text] of outputs()) {
      const bad = tagsOf(text).filter((tag) => /\son[a-z]+\s*=|\sstyle\s*=|\sautofocus\b|\stabindex\s*=/i.test(tag));
      expect(bad, name).toEqual([]);
    }
  });

  it('writes no script, iframe, object, embed, svg or style element', () => {
    // Our own search script (scripts/output/html/search/), exactly this element, once per HTML page;
    // tests/support/unsafe.ts checks that its file holds the bytes the build makes.
    const ownScript = `<script src="${searchScriptPath}" defer></script>`;
    for (const [name, text] of pages) expect(text.split(ownScript).length - 1, name).toBe(1);
    for (const [name, text] of outputs()) expect(text.split(ownScript).join(''), name).not.toMatch(/<(script|iframe|object|embed|svg|style)\b/i);
  });

  it('links only to http, https, mailto or inside the book, and loads nothing from the network', () => {
    for (const [name, text] of outputs()) {
      for (const href of attributeValues(text, 'href')) expect(href, name).toMatch(/^(?:https?:\/\/[^/\\]|mailto:|#|(?![a-z][a-z\d+.-]*:|[/\\]{2})[^\s])/i);
      for (const src of attributeValues(text, 'src')) expect(src, name).not.toMatch(/^(?:[a-z][a-z\d+.-]*:|\/\/)/i);
      expect(text, name).not.toMatch(/=\s*"\s*(?:javascript|vbscript|data|file):/i);
    }
  });

  it('keeps the safe part of the hostile text: spans, their language, the links’ text', () => {
    const chapter = pages.get('attributs.html')!;
    expect(chapter).toContain('<span lang="kk">Қадем Жұманиязов</span>');
    expect(chapter).toContain('<span>passage</span>');
    expect(pages.get('liens.html')).toContain('<a>lien</a>');
    expect(pages.get('liens.html')).toContain('<span class="image-unavailable">pixel</span>');
    // A bibliography's URL as typed, made a valid one (EPUBCheck RSC-020).
    expect(pages.get('citations.html')).toContain('href="https://example.org/une%20page%20%22citée%22#a%23b"');
  });

  it('rewrites links between chapters for the EPUB and drops those that land nowhere', () => {
    const liens = xhtml.get('OEBPS/liens.xhtml')!;
    expect(liens).toContain('href="citations.xhtml#citations"');
    expect(liens).not.toMatch(/href="(?:notes\.pdf|\/page|#nulle-part)"/);
  });

  it('gives an EPUB that passes EPUBCheck', async () => {
    const messages = await epubcheck(path.join(out, 'book.epub'));
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity)).map((m) => `${m.ID} ${m.message}`)).toEqual([]);
  }, 120_000);

  it('reports every removal with its rule, as an error, at its place', () => {
    const mine = diagnostics.filter((d) => sanitizeRules.has(d.ruleId));
    expect(mine.every((d) => d.severity === 'error')).toBe(true);
    const lines = (file: string, ruleId: string) => mine.filter((d) => path.basename(d.file) === file && d.ruleId === ruleId).map((d) => d.line);
    expect(lines('attributs.md', 'attribute-unsafe')).toEqual([1, 3, 3, 4, 4, 4, 4, 4, 6, 6, 7, 7, 9, 11, 11, 11]);
    expect(lines('liens.md', 'link-unsafe')).toEqual([3, 3, 3, 4, 4, 5, 5, 5, 8, 8, 8]);
    expect(lines('html.md', 'html-raw')).toEqual([3, 5, 7, 7, 8, 10, 12, 12, 14]);
    // The remote image `![pixel](https://…)` is image-missing's alone; comments are never reported.
    const line9 = diagnostics.filter((d) => path.basename(d.file) === 'liens.md' && d.line === 9).map((d) => d.ruleId);
    expect(line9).toContain('image-missing');
    expect(line9.filter((id) => sanitizeRules.has(id))).toEqual([]);
    expect(mine.filter((d) => path.basename(d.file) === 'html.md' && d.line === 16)).toEqual([]);
  });

  it('is refused as a release, and `book check` reports the same as the build', async () => {
    const error = await build({ manuscript: fixture, out: path.join(out, 'release'), formats: ['html'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const released = diagnosticsOf((error as BuildError).files).filter((d) => sanitizeRules.has(d.ruleId));
    const checked = (await compileAndCheck({ manuscript: fixture }, { renderCitations: false })).diagnostics.filter((d) => sanitizeRules.has(d.ruleId));
    expect(checked).toEqual(diagnostics.filter((d) => sanitizeRules.has(d.ruleId)));
    expect(released).toEqual(checked);
  });
});
