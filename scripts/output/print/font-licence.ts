/**
 * Whether a font's licence lets a PDF carry it: the `fsType` field of its OS/2 table (OpenType
 * spec, OS/2 table, "fsType": embedding permissions). A printer receives the fonts inside the PDF,
 * so a face marked "restricted licence embedding" (bit 1, with no "preview & print" or "editable"
 * bit), "no subsetting" (bit 8: Chromium embeds subsets) or "bitmap embedding only" (bit 9) cannot
 * be sent. The book's faces are WOFF2 files (@fontsource): read through their table directory,
 * their table data decompressed with Brotli (W3C WOFF 2.0 §4–5).
 */
import { brotliDecompressSync } from 'node:zlib';

const knownTags = ['cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post', 'cvt ', 'fpgm', 'glyf', 'loca', 'prep', 'CFF ', 'VORG', 'EBDT', 'EBLC', 'gasp', 'hdmx', 'kern', 'LTSH', 'PCLT', 'VDMX', 'vhea', 'vmtx', 'BASE', 'GDEF', 'GPOS', 'GSUB', 'EBSC', 'JSTF', 'MATH', 'CBDT', 'CBLC', 'COLR', 'CPAL', 'SVG ', 'sbix', 'acnt', 'avar', 'bdat', 'bloc', 'bsln', 'cvar', 'fdsc', 'feat', 'fmtx', 'fvar', 'gvar', 'hsty', 'just', 'lcar', 'mort', 'morx', 'opbd', 'prop', 'trak', 'Zapf', 'Silf', 'Glat', 'Gloc', 'Feat', 'Sill'];

/** The `fsType` of a WOFF2 or plain OpenType/TrueType font; undefined when it has no OS/2 table. */
export function fsTypeOf(font: Uint8Array): number | undefined {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const signature = view.getUint32(0);
  if (signature === 0x774f4632) return woff2FsType(font, view);
  // sfnt: a table directory of 16-byte records after a 12-byte header.
  const tables = view.getUint16(4);
  for (let i = 0; i < tables; i++) {
    const record = 12 + 16 * i;
    if (String.fromCharCode(...font.subarray(record, record + 4)) === 'OS/2') return view.getUint16(view.getUint32(record + 8) + 8);
  }
  return undefined;
}

function woff2FsType(font: Uint8Array, view: DataView): number | undefined {
  const numTables = view.getUint16(12);
  const compressedSize = view.getUint32(20);
  let offset = 48;
  const base128 = () => {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = font[offset++];
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('bad UIntBase128');
  };
  const entries: Array<{ tag: string; length: number }> = [];
  for (let i = 0; i < numTables; i++) {
    const flags = font[offset++];
    let tag = knownTags[flags & 0x3f];
    if ((flags & 0x3f) === 63) {
      tag = String.fromCharCode(...font.subarray(offset, offset + 4));
      offset += 4;
    }
    const version = flags >> 6;
    const origLength = base128();
    const transformed = tag === 'glyf' || tag === 'loca' ? version === 0 : version !== 0;
    const length = transformed ? base128() : origLength;
    entries.push({ tag, length });
  }
  // A font collection (flavor `ttcf`) has a collection directory here; the book has none.
  const data = brotliDecompressSync(font.subarray(offset, offset + compressedSize));
  let at = 0;
  for (const entry of entries) {
    if (entry.tag === 'OS/2') return data.readUInt16BE(at + 8);
    at += entry.length;
  }
  return undefined;
}

/** Why a font with this `fsType` may not be embedded in the printer's PDF, or undefined when it may. */
export function embeddingRefused(fsType: number): string | undefined {
  if (fsType & 0x0200) return 'its licence allows only bitmap embedding';
  if (fsType & 0x0100) return 'its licence forbids embedding a subset, which is what the PDF carries';
  if ((fsType & 0x000e) === 0x0002) return 'its licence forbids embedding (restricted licence)';
  return undefined;
}
