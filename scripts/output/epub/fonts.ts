/**
 * The fonts the EPUB embeds (EPUB 3.3 §3.2 core media type `font/woff`): the family book.yaml
 * chooses (EB Garamond by default), in the four faces the style sheet uses, each cut down to the
 * characters the book uses (scripts/output/font-subset.ts). Before anything is written, every
 * character a reader sees must be drawn by every face; otherwise the build stops and says where the
 * character is, rather than letting a reading system fall back to another font in the middle of a
 * word.
 */
import type { VFile } from 'vfile';
import type { Position } from 'unist';
import type { BookMeta } from '../../model/index.ts';
import { bookFonts, type BookFonts } from '../fonts.ts';
import { faceCoverage, subsetBookFonts, type FaceCoverage } from '../font-subset.ts';
import { fontRoles, type FontRole } from '../../manuscript/fonts.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';

export interface EmbeddedFont {
  /** File name inside the package's `fonts/` folder. */
  filename: string;
  /** The subset font, WOFF 1.0. */
  data: Buffer;
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

const describeRole = (role: FontRole) => ({ regular: 'regular', italic: 'italic', bold: 'bold', 'bold-italic': 'bold italic' })[role];

async function usedCoverages(fonts: BookFonts): Promise<FaceCoverage[]> {
  return Promise.all(fonts.faces.map(faceCoverage));
}

/**
 * Equivalents, in order of preference, for characters French typography and the citation styles
 * use but a font may lack (EB Garamond does). U+2060 WORD JOINER forbids a line break on either side of it
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
export async function characterSubstitutes(book: { meta: Pick<BookMeta, 'fonts'> }): Promise<Map<string, string>> {
  const coverages = await usedCoverages(bookFonts(book));
  const drawn = (c: number) => !needsGlyph(c) || fontRoles.every((role) => coverages.some((coverage) => coverage.face.role === role && coverage.drawn.has(c)));
  const substitutes = new Map<string, string>();
  for (const [character, candidates] of equivalents) {
    if (drawn(character.codePointAt(0)!)) continue;
    const usable = candidates.find((candidate) => [...candidate].every((c) => drawn(c.codePointAt(0)!)));
    if (usable) substitutes.set(character, usable);
  }
  return substitutes;
}

/**
 * Check that every face draws every character, then subset the faces to those characters, keeping
 * the OpenType features `css` (the EPUB's style sheet) asks for (scripts/output/font-subset.ts).
 */
export async function fontsForText(book: { meta: Pick<BookMeta, 'fonts'> }, characters: Map<number, CharacterPlace>, features: string[]): Promise<EmbeddedFonts> {
  const fonts = bookFonts(book);
  const coverages = await usedCoverages(fonts);
  const needed = [...characters.keys()].filter(needsGlyph).sort((a, b) => a - b);

  const missing = new Map<number, string[]>();
  for (const role of fontRoles) {
    const faces = coverages.filter((coverage) => coverage.face.role === role);
    for (const c of needed) {
      if (!faces.some((coverage) => coverage.drawn.has(c))) missing.set(c, [...(missing.get(c) ?? []), describeRole(role)]);
    }
  }
  if (missing.size > 0) throw missingGlyphsError(fonts, missing, characters);

  const subset = await subsetBookFonts(fonts, needed, features, 'fonts/');
  return { fonts: subset.files.map((file) => ({ filename: file.name, data: file.data })), css: subset.css };
}

function missingGlyphsError(fonts: BookFonts, missing: Map<number, string[]>, characters: Map<number, CharacterPlace>): BuildError {
  const files: VFile[] = [];
  const lines: string[] = [];
  for (const [c, faces] of missing) {
    const place = characters.get(c)!;
    const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    const reason = `Character « ${String.fromCodePoint(c)} » (${hex}) is not in the book's font ${fonts.family} (${faces.join(', ')}): the EPUB cannot show it. Replace it (a look-alike from the font, or a description), or choose a font that has it in book.yaml (\`fonts\`)`;
    if (place.file) {
      report(place.file, 'epub-font-coverage', reason, place.position);
      if (!files.includes(place.file)) files.push(place.file);
    }
    lines.push(`  ${hex} « ${String.fromCodePoint(c)} » first in ${place.where}`);
  }
  return new BuildError(`The EPUB's font does not cover ${missing.size} character${missing.size > 1 ? 's' : ''} of the book:\n${lines.join('\n')}`, files);
}
