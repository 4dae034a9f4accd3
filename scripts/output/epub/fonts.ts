/**
 * The fonts the EPUB embeds (EPUB 3.3 §3.2 core media type `font/woff2`): EB Garamond from
 * @fontsource, in the four faces the style sheet uses, and only the subsets (Latin, Cyrillic…)
 * whose characters the book uses. Before anything is written, every character a reader sees must
 * be drawn by every face; otherwise the build stops and says where the character is, rather than
 * letting a reading system fall back to another font in the middle of a word.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Position } from 'unist';
import { bookFontFaces, fontFamily, type FontFace } from '../fonts.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';
import { inRanges, parseUnicodeRange, woffCodePoints } from './font-cmap.ts';

/** The faces the EPUB style sheet asks for: text, italics, headings and bold, bold italics. */
const usedFaces = new Set(['400-normal', '400-italic', '600-normal', '600-italic']);

export interface EmbeddedFont {
  /** File name inside the package's `fonts/` folder. */
  filename: string;
  /** Absolute path of the woff2 file. */
  file: string;
}

export interface EmbeddedFonts {
  fonts: EmbeddedFont[];
  /** The @font-face rules, with URLs relative to the style sheet. */
  css: string;
}

/** Where a character was first met, for the error message. */
export interface CharacterPlace {
  file?: VFile;
  position?: Position;
  /** What holds it when it has no file: « the title page », « book.yaml title ». */
  where: string;
}

/** Characters that need no glyph: controls and invisible format characters (soft hyphen, joiners). */
export const needsGlyph = (c: number) => !/[\p{Cc}\p{Cf}]/u.test(String.fromCodePoint(c));

interface FaceCoverage {
  face: FontFace;
  /** Code points the face draws within its unicode-range. */
  drawn: Set<number>;
}

async function coverageOf(face: FontFace): Promise<FaceCoverage> {
  const woff = await readFile(face.file.replace(/\.woff2$/, '.woff'));
  const ranges = parseUnicodeRange(face.unicodeRange);
  const drawn = new Set([...woffCodePoints(woff)].filter((c) => inRanges(ranges, c)));
  return { face, drawn };
}

const faceName = (face: FontFace) => `${face.weight}-${face.style}`;
const describeFace = (key: string) =>
  ({ '400-normal': 'regular', '400-italic': 'italic', '600-normal': 'semibold', '600-italic': 'semibold italic' })[key] ?? key;

async function usedCoverages(): Promise<FaceCoverage[]> {
  return Promise.all((await bookFontFaces()).filter((face) => usedFaces.has(faceName(face))).map(coverageOf));
}

/**
 * Equivalents, in order of preference, for characters French typography and the citation styles
 * use but EB Garamond lacks. U+2060 WORD JOINER forbids a line break on either side of it
 * (UAX #14, LB11) and needs no glyph, so a thin space or a hyphen followed by it cannot break:
 * - U+202F NARROW NO-BREAK SPACE (before « ; : ! ? », inside guillemets) → thin space + joiner
 *   (a thin space takes no break before it, LB21);
 * - U+2011 NON-BREAKING HYPHEN (CSL page ranges, compound names) → hyphen + joiner (LB21 again).
 */
const equivalents: Array<[string, string[]]> = [
  ['\u202f', ['\u2009\u2060', '\u00a0']],
  ['\u2011', ['\u2010\u2060', '-\u2060']],
];

/** The substitutions the EPUB needs: only for characters every face does not draw itself. */
export async function characterSubstitutes(): Promise<Map<string, string>> {
  const coverages = await usedCoverages();
  const drawn = (c: number) => !needsGlyph(c) || [...usedFaces].every((key) => coverages.some((coverage) => faceName(coverage.face) === key && coverage.drawn.has(c)));
  const substitutes = new Map<string, string>();
  for (const [character, candidates] of equivalents) {
    if (drawn(character.codePointAt(0)!)) continue;
    const usable = candidates.find((candidate) => [...candidate].every((c) => drawn(c.codePointAt(0)!)));
    if (usable) substitutes.set(character, usable);
  }
  return substitutes;
}

export async function fontsForText(characters: Map<number, CharacterPlace>): Promise<EmbeddedFonts> {
  const coverages = await usedCoverages();
  const needed = [...characters.keys()].filter(needsGlyph).sort((a, b) => a - b);

  const missing = new Map<number, string[]>();
  for (const key of usedFaces) {
    const faces = coverages.filter((coverage) => faceName(coverage.face) === key);
    for (const c of needed) {
      if (!faces.some((coverage) => coverage.drawn.has(c))) missing.set(c, [...(missing.get(c) ?? []), describeFace(key)]);
    }
  }
  if (missing.size > 0) throw missingGlyphsError(missing, characters);

  const embedded = coverages.filter((coverage) => needed.some((c) => coverage.drawn.has(c)));
  const fonts = embedded.map(({ face }) => ({ filename: path.basename(face.file), file: face.file }));
  const css = embedded
    .map(
      ({ face }) =>
        `@font-face {\n  font-family: '${face.family}';\n  font-style: ${face.style};\n  font-weight: ${face.weight};\n  src: url('fonts/${path.basename(face.file)}') format('woff2');\n  unicode-range: ${face.unicodeRange};\n}`,
    )
    .join('\n');
  return { fonts, css: `/* ${fontFamily} (SIL Open Font License 1.1), from @fontsource/eb-garamond. */\n${css}\n` };
}

function missingGlyphsError(missing: Map<number, string[]>, characters: Map<number, CharacterPlace>): BuildError {
  const files: VFile[] = [];
  const lines: string[] = [];
  for (const [c, faces] of missing) {
    const place = characters.get(c)!;
    const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    const reason = `Character « ${String.fromCodePoint(c)} » (${hex}) is not in the book's font ${fontFamily} (${faces.join(', ')}): the EPUB cannot show it. Replace it (a look-alike from the font, or a description), or choose a font that has it in scripts/output/fonts.ts`;
    if (place.file) {
      report(place.file, 'epub-font-coverage', reason, place.position);
      if (!files.includes(place.file)) files.push(place.file);
    }
    lines.push(`  ${hex} « ${String.fromCodePoint(c)} » first in ${place.where}`);
  }
  return new BuildError(`The EPUB's font does not cover ${missing.size} character${missing.size > 1 ? 's' : ''} of the book:\n${lines.join('\n')}`, files);
}
