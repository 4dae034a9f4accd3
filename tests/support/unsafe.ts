/**
 * What no edition may carry, read as a browser or a reading system reads it: the HTML and XHTML
 * files are parsed (hast-util-from-html) and every element and attribute looked at, so that text
 * which only looks like markup (`&lt;a href="javascript:…"&gt;` in a title) is not mistaken for it,
 * and markup is never missed because of its spelling. Also: no content of a file outside the
 * manuscript, no script action in a PDF.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import type { Element, Root, RootContent } from 'hast';
import JSZip from 'jszip';
import { searchDataPath, searchScript, searchScriptPath } from '../../scripts/output/html/search/index.ts';

/**
 * The one script an edition may carry: the HTML edition's search (scripts/output/html/search/), by
 * its path, with exactly the bytes our build makes, with no content of its own in the page; and its
 * data file, which must be nothing but `window.bookSearchData = JSON;`.
 */
const ownScript = await searchScript();
const isOwnScriptElement = (name: string, element: Element) =>
  !name.includes('.epub!') &&
  element.children.length === 0 &&
  Object.keys(element.properties).sort().join(' ') === 'defer src' &&
  element.properties.src === searchScriptPath &&
  element.properties.defer === true;

function scriptFileProblem(name: string, bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (name.endsWith(`/${searchScriptPath}`) && !name.includes('.epub!')) return text === ownScript ? undefined : `${name}: not the search script the build makes`;
  if (name.endsWith(`/${searchDataPath}`) && !name.includes('.epub!')) {
    const data = /^window\.bookSearchData = (.*);\n$/s.exec(text);
    try {
      if (data) JSON.parse(data[1]);
      return data ? undefined : `${name}: search data that is more than data`;
    } catch {
      return `${name}: search data that is not JSON`;
    }
  }
  return `${name}: a script file`;
}

/** Every file of an output folder, EPUBs opened (`book.epub!OEBPS/x.xhtml`): name → bytes. */
export async function outputFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const bytes = await readFile(full);
        const name = path.relative(dir, full);
        files.set(name, bytes);
        if (entry.name.endsWith('.epub')) {
          const zip = await JSZip.loadAsync(bytes);
          for (const [inner, item] of Object.entries(zip.files)) {
            if (!item.dir) files.set(`${name}!${inner}`, Buffer.from(await item.async('uint8array')));
          }
        }
      }
    }
  };
  await walk(dir);
  return files;
}

/** Elements that run, embed or redirect. */
const forbiddenElements = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'form', 'svg', 'math', 'audio', 'video', 'source', 'track', 'portal']);
/** Our own style attribute, the only one: an ordered list's start as its counter (scripts/output/epub/content.ts). */
const ownStyle = /^counter-reset: list-item -?\d+$/;
/** `href`: another site in full, mail, a fragment, or a path on the same site (no scheme, not `//host`). */
const safeHref = /^(?:https?:\/\/[^/\\\s]|mailto:|#|(?![a-z][a-z0-9+.-]*:)(?![/\\][/\\]))/i;
/** `src` and the like: a file beside the page, nothing else. */
const safeSrc = /^(?![a-z][a-z0-9+.-]*:)(?![/\\])\S/i;
const urlAttributes = ['href', 'src', 'xLinkHref', 'poster', 'action', 'formAction', 'srcSet', 'background', 'cite', 'data', 'manifest'];

/** Browsers drop tabs and newlines inside URLs and trim the rest: read the URL as they do. */
const asBrowserReads = (url: string) => url.replace(/[\t\n\r]/g, '').trim();

function markupProblems(name: string, tree: Root): string[] {
  const problems: string[] = [];
  const walk = (node: Root | RootContent) => {
    if (node.type === 'element') {
      const element = node as Element;
      const tag = element.tagName.toLowerCase();
      if (forbiddenElements.has(tag) && !(tag === 'script' && isOwnScriptElement(name, element))) problems.push(`${name}: <${tag}>`);
      if (tag === 'meta' && element.properties.httpEquiv !== undefined) problems.push(`${name}: <meta http-equiv>`);
      if (tag === 'link' && !/^(?:stylesheet)$/i.test(String(element.properties.rel ?? '')) ) problems.push(`${name}: <link rel=${String(element.properties.rel)}>`);
      if (tag === 'style' && /url\(\s*['"]?(?:[a-z]+:|\/\/)/i.test(JSON.stringify(element.children))) problems.push(`${name}: <style> loading a URL`);
      for (const [key, value] of Object.entries(element.properties)) {
        if (/^on/i.test(key)) problems.push(`${name}: <${tag} ${key}>`);
        if (key === 'autoFocus' || key === 'tabIndex') problems.push(`${name}: <${tag} ${key}>`);
        if (key === 'style' && !ownStyle.test(String(value))) problems.push(`${name}: <${tag} style="${String(value)}">`);
        if (urlAttributes.includes(key) && value !== undefined && value !== null) {
          const url = asBrowserReads(Array.isArray(value) ? value.join(' ') : String(value));
          const safe = key === 'href' || key === 'cite' ? safeHref.test(url) : safeSrc.test(url);
          if (!safe) problems.push(`${name}: <${tag} ${key}="${url}">`);
        }
      }
      for (const child of element.children) walk(child);
      if (element.content) walk(element.content as unknown as Root);
    } else if ('children' in node) {
      for (const child of node.children) walk(child);
    }
  };
  walk(tree);
  return problems;
}

/**
 * The problems found in `files` (empty when all is well): elements and attributes that run or load
 * from elsewhere, CSS loading from another site, a PDF action, or the first line of `outside`
 * (files a manuscript must not publish, e.g. /etc/passwd) anywhere.
 */
export function unsafeIn(files: Map<string, Buffer>, outside: string[] = []): string[] {
  const problems: string[] = [];
  for (const [name, bytes] of files) {
    for (const text of outside) if (text && bytes.includes(text)) problems.push(`${name}: carries \`${text.slice(0, 12)}…\` from outside the manuscript`);
    if (name.endsWith('.pdf')) {
      const raw = bytes.toString('latin1');
      if (/\/URI\s*\(\s*(?:javascript|data|vbscript|file):/i.test(raw)) problems.push(`${name}: a script or file link`);
      if (/\/(?:JavaScript|JS|Launch|SubmitForm|ImportData)\b/.test(raw)) problems.push(`${name}: a PDF action`);
    } else if (/\.(?:x?html?)$/i.test(name)) {
      problems.push(...markupProblems(name, fromHtml(bytes.toString('utf8'))));
    } else if (/\.(?:m?js|cjs)$/i.test(name)) {
      const problem = scriptFileProblem(name, bytes);
      if (problem) problems.push(problem);
    } else if (name.endsWith('.css')) {
      if (/url\(\s*['"]?(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(bytes.toString('utf8').replace(/url\(\s*['"]?data:font\//gi, ''))) problems.push(`${name}: CSS loading from elsewhere`);
    }
  }
  return problems;
}
