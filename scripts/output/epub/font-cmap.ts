/**
 * Which characters a font file really has: its `cmap` table (OpenType §cmap, formats 4 and 12),
 * read from an OpenType/TrueType file, or from the WOFF 1.0 file @fontsource ships beside each WOFF2 (WOFF 1.0 §5: tables compressed
 * one by one with zlib, simpler to read than WOFF2's single Brotli stream; same font, same glyphs).
 * A `unicode-range` only says which characters a face is *meant* for; the cmap says which it can draw.
 */
import { inflateSync } from 'node:zlib';
import { isCompressed, sfntTables, woffEntries } from '../woff.ts';

function woffTable(woff: Buffer, tag: string): Buffer {
  const entry = woffEntries(woff).find((candidate) => candidate.tag === tag);
  if (!entry) throw new Error(`no \`${tag}\` table`);
  return isCompressed(entry) ? inflateSync(entry.stored) : entry.stored;
}

function format4(table: Buffer, at: number, into: Set<number>): void {
  const segments = table.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s++) {
    const end = table.readUInt16BE(ends + s * 2);
    const start = table.readUInt16BE(starts + s * 2);
    const delta = table.readInt16BE(deltas + s * 2);
    const rangeOffset = table.readUInt16BE(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const address = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
        glyph = table.readUInt16BE(address);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) into.add(c);
    }
  }
}

function format12(table: Buffer, at: number, into: Set<number>): void {
  const groups = table.readUInt32BE(at + 12);
  for (let g = 0; g < groups; g++) {
    const group = at + 16 + g * 12;
    const start = table.readUInt32BE(group);
    const end = table.readUInt32BE(group + 4);
    const glyph = table.readUInt32BE(group + 8);
    for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) into.add(c);
  }
}

/** A table of an OpenType/TrueType file. */
function sfntTable(font: Buffer, tag: string): Buffer {
  const table = sfntTables(font).find((candidate) => candidate.tag === tag);
  if (!table) throw new Error(`no \`${tag}\` table`);
  return table.data;
}

/** Whether `font` is a file this module reads: WOFF 1.0, or OpenType/TrueType (`OTTO`, 0x00010000, `true`). */
export function isReadableFont(font: Buffer): boolean {
  return ['wOFF', 'OTTO', '\x00\x01\x00\x00', 'true'].includes(font.toString('latin1', 0, 4));
}

/** The code points the font maps to a glyph (any Unicode subtable): WOFF 1.0 or OpenType/TrueType. */
export function fontCodePoints(font: Buffer): Set<number> {
  return font.toString('latin1', 0, 4) === 'wOFF' ? woffCodePoints(font) : cmapCodePoints(sfntTable(font, 'cmap'));
}

/** The code points the font maps to a glyph (any Unicode subtable). */
export function woffCodePoints(woff: Buffer): Set<number> {
  return cmapCodePoints(woffTable(woff, 'cmap'));
}

function cmapCodePoints(cmap: Buffer): Set<number> {
  const points = new Set<number>();
  const tables = cmap.readUInt16BE(2);
  for (let i = 0; i < tables; i++) {
    const record = 4 + i * 8;
    const platform = cmap.readUInt16BE(record);
    const encoding = cmap.readUInt16BE(record + 2);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const at = cmap.readUInt32BE(record + 4);
    const format = cmap.readUInt16BE(at);
    if (format === 4) format4(cmap, at, points);
    else if (format === 12) format12(cmap, at, points);
  }
  return points;
}

/** Parse a CSS `unicode-range` value (`U+0000-00FF, U+0131, U+4??`). */
export function parseUnicodeRange(value: string): Array<[number, number]> {
  return value.split(',').map((part) => {
    const token = part.trim().replace(/^U\+/i, '');
    if (token.includes('?')) return [parseInt(token.replace(/\?/g, '0'), 16), parseInt(token.replace(/\?/g, 'F'), 16)];
    const [from, to] = token.split('-');
    return [parseInt(from, 16), parseInt(to ?? from, 16)];
  });
}

export const inRanges = (ranges: Array<[number, number]>, c: number) => ranges.some(([from, to]) => c >= from && c <= to);
