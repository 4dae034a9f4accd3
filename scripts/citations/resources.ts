/**
 * Finds the CSL style and locale files a book names. Nothing is fetched: a name is looked up in
 * the repository's templates/csl/ first, then in Debian's citation-style-language packages
 * (installed by the Quick start); a path is read as it is.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const cslTemplateDir = fileURLToPath(new URL('../../templates/csl/', import.meta.url));
export const systemCslDir = '/usr/share/citation-style-language';

const styleDirs = [cslTemplateDir, path.join(systemCslDir, 'styles')];
const localeDirs = [cslTemplateDir, path.join(systemCslDir, 'locales')];

async function readFirst(candidates: string[]): Promise<{ path: string; text: string } | undefined> {
  for (const candidate of candidates) {
    try {
      return { path: candidate, text: await readFile(candidate, 'utf8') };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

const isPath = (value: string, extension: string) => value.includes('/') || value.includes(path.sep) || value.toLowerCase().endsWith(extension);

/**
 * `chicago-fullnote-bibliography` → templates/csl/chicago-fullnote-bibliography.csl;
 * `styles/maison.csl` → that file, relative to `base` (the manuscript folder, or the working
 * folder for a command-line option).
 */
export async function findStyle(value: string, base: string): Promise<{ path: string; text: string } | undefined> {
  if (isPath(value, '.csl')) return readFirst([path.resolve(base, value)]);
  return readFirst(styleDirs.map((dir) => path.join(dir, `${value}.csl`)));
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
export async function findLocale(value: string, base: string): Promise<{ tag: string; path: string; text: string } | undefined> {
  if (isPath(value, '.xml')) {
    const found = await readFirst([path.resolve(base, value)]);
    const tag = found ? /xml:lang="([^"]+)"/.exec(found.text)?.[1] : undefined;
    return found && tag ? { tag, ...found } : undefined;
  }
  for (const dir of localeDirs) {
    const tags = await localeTags(dir);
    const [language] = value.split('-');
    const main = mainRegion[language] ?? `${language}-${language.toUpperCase()}`;
    const tag =
      tags.find((t) => t.toLowerCase() === value.toLowerCase()) ??
      (value.includes('-') ? undefined : tags.find((t) => t === main) ?? tags.find((t) => t.split('-')[0] === language));
    if (tag) {
      const found = await readFirst([path.join(dir, `locales-${tag}.xml`)]);
      if (found) return { tag, ...found };
    }
  }
  return undefined;
}
