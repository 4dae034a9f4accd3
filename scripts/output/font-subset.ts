/**
 * The fonts of the EPUB and the HTML edition, cut down to the characters the book uses. The
 * subsetter is HarfBuzz's (subset-font, WebAssembly), which also keeps every glyph a kept OpenType
 * layout feature can reach (GSUB closure): the small capitals of `font-variant: small-caps`, the
 * old-style figures of `oldstyle-nums`, the ligatures. Which features to keep is read from the
 * edition's own stylesheet (`layoutFeaturesOf`), plus those a browser applies to Latin and Cyrillic
 * text unasked; every other feature (swashes, stylistic sets…) and its glyphs go.
 *
 * Same input, same bytes: the subsetter and the WOFF encoder (zlib) are deterministic (tests/fonts.test.ts
 * checks it), so each result is kept in node_modules/.cache/book/fonts/, named by a hash of the font
 * file, the characters, the features and the versions of the tools; a build that changes no character
 * subsets nothing (subsetting the book's 16 files costs about half a second).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { BookFonts, FontFace } from '../manuscript/fonts.ts';
import { fontFaceRule, fontsComment, familyRule, installedName } from './fonts.ts';
import { fontCodePoints, inRanges, isReadableFont, parseUnicodeRange } from './epub/font-cmap.ts';
import { cachedFile, hashOf } from '../cache.ts';
import { sfntToWoff, woffToSfnt } from './woff.ts';
import { BuildError } from '../errors.ts';

/** Our WOFF 1.0 reader and writer (woff.ts): with zlib's version, it makes a subset's bytes, so it is in the cache keys. */
const woffWriter = 'woff.ts@1';


/**
 * The features a browser applies to horizontal Latin and Cyrillic text without being asked (CSS
 * Fonts 4 §7.1; HarfBuzz's default set): composition, localized forms, marks, contextual
 * alternates, standard ligatures, kerning.
 */
export const defaultLayoutFeatures = ['ccmp', 'locl', 'rlig', 'rvrn', 'mark', 'mkmk', 'calt', 'clig', 'liga', 'kern', 'rclt', 'curs', 'dist'];

/** CSS keywords (CSS Fonts 4 §6) and the OpenType features they turn on. */
const keywordFeatures: Record<string, string[]> = {
  'small-caps': ['smcp'],
  'all-small-caps': ['smcp', 'c2sc'],
  'petite-caps': ['pcap'],
  'all-petite-caps': ['pcap', 'c2pc'],
  unicase: ['unic'],
  'titling-caps': ['titl'],
  'oldstyle-nums': ['onum'],
  'lining-nums': ['lnum'],
  'proportional-nums': ['pnum'],
  'tabular-nums': ['tnum'],
  'diagonal-fractions': ['frac', 'numr', 'dnom'],
  'stacked-fractions': ['afrc'],
  ordinal: ['ordn'],
  'slashed-zero': ['zero'],
  'discretionary-ligatures': ['dlig'],
  'historical-ligatures': ['hlig'],
  'historical-forms': ['hist'],
  super: ['sups'],
  sub: ['subs'],
};

/** The OpenType features a stylesheet asks for (`font-variant*`, `font-feature-settings`), with the defaults. */
export function layoutFeaturesOf(css: string): string[] {
  const features = new Set(defaultLayoutFeatures);
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const declaration of text.matchAll(/(font-variant(?:-[a-z]+)?|font-feature-settings)\s*:\s*([^;}]*)/g)) {
    const [, property, value] = declaration;
    if (property === 'font-feature-settings') {
      for (const tag of value.matchAll(/["']([\x20-\x7e]{4})["']\s*(on|off|\d+)?/g)) if (tag[2] !== 'off' && tag[2] !== '0') features.add(tag[1]);
      continue;
    }
    for (const keyword of value.trim().split(/\s+/)) for (const tag of keywordFeatures[keyword] ?? []) features.add(tag);
  }
  return [...features].sort();
}

const require = createRequire(import.meta.url);
const toolVersions = ['subset-font', 'harfbuzzjs', 'fontverter', 'woff2sfnt-sfnt2woff', 'wawoff2']
  .map((name) => {
    try {
      return `${name}@${(require(`${name}/package.json`) as { version: string }).version}`;
    } catch {
      return name;
    }
  })
  .join(' ')
  .concat(` ${woffWriter} zlib@${process.versions.zlib}`);

let harfbuzzFlags = false;

/**
 * subset-font, loaded on the first subset to make: it loads HarfBuzz and a WOFF 2 codec (0.1–0.4 s),
 * which a cached build does without.
 *
 * HarfBuzz (680 KB of WebAssembly) runs as V8's baseline compiler (Liftoff) makes it, without the
 * optimizing tier that V8 otherwise compiles for the whole module in the background: that tier took
 * 250–300 ms of CPU, during which Node held the build's next file operation (a cold HTML build of the
 * benchmark's 100k-word book sat idle that long after its first subset). A book's subsets take a few
 * milliseconds more in baseline code. The flags concern WebAssembly only, and are set before HarfBuzz
 * is first compiled; they are process-wide: the only other WebAssembly here is the WOFF 2 codec
 * subset-font loads (wawoff2), which decodes a face given as WOFF 2 without a WOFF 1 beside it.
 */
async function subsetFont(...args: Parameters<typeof import('subset-font').default>): Promise<Buffer> {
  if (!harfbuzzFlags) {
    harfbuzzFlags = true;
    setFlagsFromString('--no-wasm-tier-up');
    setFlagsFromString('--no-wasm-dynamic-tiering');
  }
  const { default: subset } = await import('subset-font');
  return subset(...args);
}

/** A subset kept in the cache's `fonts/` (scripts/cache.ts). */
const cached = (key: string, extension: string, make: () => Promise<Buffer>): Promise<Buffer> => cachedFile('fonts', `${key}${extension}`, make);

export interface FaceCoverage {
  face: FontFace;
  /** The code points the face draws within its unicode-range. */
  drawn: Set<number>;
}

const coverages = new Map<string, Promise<FaceCoverage>>();

/** The file a face is read from: the WOFF 1.0 file @fontsource ships beside a WOFF 2 when there is one (quicker to decode, same font). */
async function faceSource(face: FontFace): Promise<{ file: string; bytes: Buffer }> {
  const sibling = face.file.replace(/\.woff2$/i, '.woff');
  const file = sibling !== face.file && existsSync(sibling) ? sibling : face.file;
  return { file, bytes: await readFile(file) };
}

/** `work` on a font file; one that HarfBuzz or the WOFF reader cannot read (cut short, not a font) stops the build with its name. */
async function readingFont<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BuildError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new BuildError(`The font file ${file} cannot be read as a font (${why}): replace it with a complete WOFF, WOFF 2, OpenType or TrueType file, or name other files under \`fonts\` in book.yaml`);
  }
}

/**
 * What a face draws, from its `cmap`: read from the file itself (OpenType, TrueType, WOFF 1.0), from
 * the WOFF 1.0 file @fontsource ships beside its WOFF2, or else from the font HarfBuzz decodes.
 */
export function faceCoverage(face: FontFace): Promise<FaceCoverage> {
  const key = `${face.file}\0${face.unicodeRange ?? ''}`;
  let coverage = coverages.get(key);
  if (!coverage) {
    coverage = (async () => {
      const { file, bytes } = await faceSource(face);
      const font = isReadableFont(bytes) ? bytes : await cached(hashOf(bytes, toolVersions, 'sfnt'), '.otf', () => readingFont(file, () => subsetFont(bytes, undefined, { keepAllGlyphs: true, targetFormat: 'sfnt' })));
      const ranges = face.unicodeRange ? parseUnicodeRange(face.unicodeRange) : undefined;
      const drawn = new Set([...(await readingFont(file, async () => fontCodePoints(font)))].filter((c) => !ranges || inRanges(ranges, c)));
      return { face, drawn };
    })();
    coverages.set(key, coverage);
  }
  return coverage;
}

/**
 * A face's file reduced to `characters` (those it does not draw are simply absent) and `features`,
 * as WOFF 1.0. Not WOFF 2:
 * its Brotli encoder (quality 11, in WebAssembly) takes about 0.4 s a face where zlib takes 0.03 s,
 * for files a fifth smaller; EPUB 3.3 (§3.2) and every browser read both. The source is the WOFF 1.0
 * file @fontsource ships beside its WOFF 2 when there is one: quicker to decode, same font.
 */
export async function subsetFace(face: FontFace, characters: number[], features: string[]): Promise<Buffer> {
  const { file, bytes: source } = await faceSource(face);
  const text = String.fromCodePoint(...[...characters].sort((a, b) => a - b));
  const wanted = [...features].sort();
  return cached(hashOf(source, text, wanted.join(','), toolVersions), '.woff', () =>
    readingFont(file, async () => {
      // WOFF 1.0 in and out through Node's zlib (woff.ts); HarfBuzz works on the plain font.
      const font = source.toString('latin1', 0, 4) === 'wOFF' ? await woffToSfnt(source) : source;
      return sfntToWoff(await subsetFont(font, text, { targetFormat: 'sfnt', keepFeatures: wanted }));
    }),
  );
}

export interface SubsetFonts {
  /** The font files, by the name the CSS gives them. */
  files: Array<{ name: string; data: Buffer }>;
  /** The @font-face rules (URLs `urlPrefix` + name) and the family rule. */
  css: string;
}

/**
 * The book's faces subset to `characters`: a file only for a face whose unicode-range holds one of
 * them (an @fontsource family is split by alphabet: a book without Cyrillic carries no Cyrillic file).
 */
export async function subsetBookFonts(fonts: BookFonts, characters: Iterable<number>, features: string[], urlPrefix: string): Promise<SubsetFonts> {
  const needed = [...new Set(characters)];
  const subsets: Array<{ name: string; data: Promise<Buffer> }> = [];
  const rules: string[] = [];
  for (const face of fonts.faces) {
    // By the face's unicode-range, as a browser picks the file: reading each cmap cost more than the
    // rest of a cached build. HarfBuzz leaves out what the face does not draw.
    const ranges = face.unicodeRange ? parseUnicodeRange(face.unicodeRange) : undefined;
    const kept = ranges ? needed.filter((c) => inRanges(ranges, c)) : needed;
    if (kept.length === 0) continue;
    const name = installedName(fonts, face, '.woff');
    // All started at once: one face's tables are compressed on zlib's threads while HarfBuzz cuts the next.
    subsets.push({ name, data: subsetFace(face, kept, features) });
    rules.push(fontFaceRule(face, `${urlPrefix}${name}`));
  }
  const files = await Promise.all(subsets.map(async ({ name, data }) => ({ name, data: await data })));
  return { files, css: `${fontsComment(fonts)}\n${rules.join('\n')}\n${familyRule(fonts)}\n` };
}
