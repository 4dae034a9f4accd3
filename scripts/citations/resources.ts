/**
 * Finds the CSL style and locale files a book names. Nothing is fetched: a name is looked up in
 * the repository's templates/csl/ first, then in Debian's citation-style-language packages
 * (installed by the Quick start); a path is read as it is (one named in book.yaml is first
 * confined to the manuscript folder when the manuscript is loaded, see
 * scripts/manuscript/citation-sources.ts). What is read must
 * look like what it claims to be before citeproc-js sees it: a file that does not is refused with
 * a message that never quotes it.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readText } from '../manuscript/read-text.ts';
import { isLocalePath, isStylePath } from '../manuscript/citation-sources.ts';

export const cslTemplateDir = fileURLToPath(new URL('../../templates/csl/', import.meta.url));
export const systemCslDir = '/usr/share/citation-style-language';

const styleDirs = [cslTemplateDir, path.join(systemCslDir, 'styles')];
const localeDirs = [cslTemplateDir, path.join(systemCslDir, 'locales')];

/** A file found: its text, or why it cannot be used (`problem`, the end of a sentence naming it). */
export type Found = { path: string; text: string; problem?: undefined } | { path: string; problem: string };

async function readFirst(candidates: string[]): Promise<Found | undefined> {
  for (const candidate of candidates) {
    const read = await readText(candidate);
    if (read.problem === 'unreadable') continue; // try the next place
    if (read.problem === 'encoding') return { path: candidate, problem: `is not valid UTF-8 (line ${read.line}, column ${read.column})` };
    return { path: candidate, text: read.text };
  }
  return undefined;
}

/** The root element, after the XML declaration, comments and a doctype (CSL 1.0.2 §Namespacing: the CSL namespace). */
const rootElement = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<([A-Za-z][\w.-]*(?::[\w.-]+)?)\b([^>]*)>/;
const cslNamespace = /\bxmlns\s*=\s*["']http:\/\/purl\.org\/net\/xbiblio\/csl["']/;

/** Whether `text` is a CSL document whose root is `element` (`style` or `locale`). */
export function isCslDocument(text: string, element: 'style' | 'locale'): boolean {
  const root = rootElement.exec(text);
  return root !== null && root[1] === element && cslNamespace.test(root[2]);
}

function checked(found: Found | undefined, element: 'style' | 'locale'): Found | undefined {
  if (!found || found.problem !== undefined || isCslDocument(found.text, element)) return found;
  return { path: found.path, problem: `is not a CSL ${element} (its root element is not \`<${element} xmlns="http://purl.org/net/xbiblio/csl">\`)` };
}

/**
 * `chicago-fullnote-bibliography` → templates/csl/chicago-fullnote-bibliography.csl;
 * `styles/maison.csl` → that file, relative to `base` (the manuscript folder, or the working
 * folder for a command-line option).
 */
export async function findStyle(value: string, base: string): Promise<Found | undefined> {
  if (isStylePath(value)) return checked(await readFirst([path.resolve(base, value)]), 'style');
  return checked(await readFirst(styleDirs.map((dir) => path.join(dir, `${value}.csl`))), 'style');
}

/** The locale files of one directory, as tags (`fr-FR`, `en-US`…). */
async function localeTags(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).flatMap((name) => /^locales-(.+)\.xml$/.exec(name)?.[1] ?? []);
  } catch {
    return [];
  }
}

/** Where the main region is not the language's own code (citeproc-js's CSL.LANG_BASES). */
const mainRegion: Record<string, string> = {
  en: 'en-US', cs: 'cs-CZ', da: 'da-DK', el: 'el-GR', he: 'he-IL', ja: 'ja-JP', ko: 'ko-KR', nb: 'nb-NO', nn: 'nn-NO',
  sv: 'sv-SE', uk: 'uk-UA', vi: 'vi-VN', zh: 'zh-CN', fa: 'fa-IR', af: 'af-ZA', ca: 'ca-AD', et: 'et-EE', sl: 'sl-SI', sr: 'sr-RS',
};

/**
 * `fr-FR` → locales-fr-FR.xml. A bare language (`fr`) takes the locale of its main region
 * (`fr-FR`, as citeproc-js's CSL.LANG_BASES does), or any of its regions.
 */
export async function findLocale(value: string, base: string): Promise<(Found & { tag?: string }) | undefined> {
  if (isLocalePath(value)) {
    const found = checked(await readFirst([path.resolve(base, value)]), 'locale');
    if (!found || found.problem !== undefined) return found;
    const tag = /xml:lang="([^"]+)"/.exec(found.text)?.[1];
    return tag ? { tag, ...found } : { path: found.path, problem: 'has no `xml:lang` on its `<locale>` element; say which language it is for' };
  }
  for (const dir of localeDirs) {
    const tags = await localeTags(dir);
    const [language] = value.split('-');
    const main = mainRegion[language] ?? `${language}-${language.toUpperCase()}`;
    const tag =
      tags.find((t) => t.toLowerCase() === value.toLowerCase()) ??
      (value.includes('-') ? undefined : tags.find((t) => t === main) ?? tags.find((t) => t.split('-')[0] === language));
    if (tag) {
      const found = checked(await readFirst([path.join(dir, `locales-${tag}.xml`)]), 'locale');
      if (found) return { tag, ...found };
    }
  }
  return undefined;
}
