/**
 * Our print HTML, for the PDF engines we compare with (pagedjs-cli, WeasyPrint): the very document
 * our PDF edition lays out, made by the PDF module itself (`writePdfEdition` with
 * `keepPrintHtml`, which keeps print.html and its stylesheets), with the fonts beside it. This is
 * preparation, outside any timing; it costs one PDF layout per size (`layoutOnly`: nothing printed).
 *
 * Two changes for the other engines, and only these: our script (render.js, which starts our
 * Paged.js with our handlers) is removed, since each engine brings its own layout; and a small
 * stylesheet prints the folio with `counter(page)`, which our handler otherwise sets as --folio.
 * Both are made on the tree (hast), not by text surgery.
 */
import { access, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import type { Root, Element } from 'hast';
import { remove } from 'unist-util-remove';
import { visit } from 'unist-util-visit';
import { compileBook } from '../compile.ts';
import { bookFonts, installFonts } from '../output/fonts.ts';

export interface PrintHtml {
  /** The folder holding the document and its stylesheets and fonts. */
  dir: string;
  /** The document for the other engines (no script of ours). */
  html: string;
  /** Its stylesheets in order, as files, the folio stylesheet last. */
  stylesheets: string[];
  /** Pages of our own PDF built while preparing, for reference. */
  ourPages: number;
}

export type PrintHtmlResult = { status: 'ok'; print: PrintHtml } | { status: 'blocked'; reason: string };

const folioStylesheet = 'bench-folios.css';

/**
 * Remove every `<script>` (the other engines lay the document out themselves) and link the folio
 * stylesheet after the others, as the others are linked (author styles, `media="paged"`).
 */
export function withOtherEnginesChanges(tree: Root): Root {
  remove(tree, (node) => node.type === 'element' && (node as Element).tagName === 'script');
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'head') return;
    const links = node.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'link');
    const media = links.find((link) => link.properties.media)?.properties.media;
    node.children.push(h('link', { rel: 'stylesheet', href: folioStylesheet, media: typeof media === 'string' ? media : undefined, dataPaged: '' }));
  });
  return tree;
}

const folioCss = `/* Benchmark only: the folio, which our Paged.js handler sets as --folio, for the other engines. */
@page {
  @bottom-center { content: counter(page); }
}
`;

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * Build the print HTML of `manuscript` into `dir` (which must not exist yet or be empty), through
 * the PDF module. Blocked, with the reason, when the module cannot give it.
 */
export async function preparePrintHtml(manuscript: string, dir: string): Promise<PrintHtmlResult> {
  let pdf: typeof import('../output/pdf/index.ts');
  try {
    pdf = await import('../output/pdf/index.ts');
  } catch (error) {
    return { status: 'blocked', reason: `the PDF module (scripts/output/pdf/index.ts) cannot be loaded: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof pdf.writePdfEdition !== 'function') {
    return { status: 'blocked', reason: 'the PDF module does not export writePdfEdition, through which the print HTML is kept' };
  }
  const book = await compileBook({ manuscript });
  const work = await mkdtemp(path.join(path.dirname(dir), '.print-build-'));
  let ourPages: number;
  try {
    // Laid out (to count our pages), not printed: only the document is needed.
    const edition = await pdf.writePdfEdition(book, work, { keepPrintHtml: true, layoutOnly: true });
    ourPages = edition.pages;
    const kept = path.join(work, 'print');
    if (!(await exists(path.join(kept, 'print.html')))) {
      return { status: 'blocked', reason: 'writePdfEdition with keepPrintHtml did not keep print.html in print/' };
    }
    await rm(dir, { recursive: true, force: true });
    await rename(kept, dir);
  } catch (error) {
    return { status: 'blocked', reason: `our PDF build, needed to get the print HTML, failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // The kept folder has fonts.css but, so far, not the font files it points at.
  const fontsCss = path.join(dir, 'fonts.css');
  if ((await exists(fontsCss)) && !(await exists(path.join(dir, 'fonts')))) {
    await installFonts(bookFonts(book), path.join(dir, 'fonts'), 'fonts/');
  }

  const tree = withOtherEnginesChanges(fromHtml(await readFile(path.join(dir, 'print.html'), 'utf8')));
  const stylesheets: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'link' && String(node.properties.rel ?? '').includes('stylesheet') && typeof node.properties.href === 'string') {
      stylesheets.push(path.join(dir, node.properties.href));
    }
  });
  const html = path.join(dir, 'print-other-engines.html');
  await writeFile(html, toHtml(tree));
  await writeFile(path.join(dir, folioStylesheet), folioCss);
  return { status: 'ok', print: { dir, html, stylesheets, ourPages } };
}
