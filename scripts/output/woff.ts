/**
 * WOFF 1.0 (W3C, 2012) read and written with Node's zlib, for the font subsets (font-subset.ts):
 * a WOFF 1.0 file is an OpenType/TrueType file whose tables are compressed one by one with zlib.
 * subset-font does the same conversions with pako, zlib ported to JavaScript, on the main thread:
 * about 0.1 s of a cold HTML or EPUB build, which Node's own zlib does in native code on its thread
 * pool, every table at once.
 */
import { promisify } from 'node:util';
import { deflate as deflateCallback, inflate as inflateCallback } from 'node:zlib';

const deflate = promisify(deflateCallback);
const inflate = promisify(inflateCallback);

const sfntHeaderSize = 12;
const sfntEntrySize = 16;
const woffHeaderSize = 44;
const woffEntrySize = 20;

const align4 = (n: number) => (n + 3) & ~3;

export interface SfntTable {
  /** The four-character tag (`cmap`, `glyf`…). */
  tag: string;
  checksum: number;
  data: Buffer;
}

/** The tables of an OpenType/TrueType file (OpenType §"Table directory": 16-byte records from offset 12), in its directory's order. */
export function sfntTables(sfnt: Buffer): SfntTable[] {
  const count = sfnt.readUInt16BE(4);
  const tables: SfntTable[] = [];
  for (let i = 0; i < count; i++) {
    const entry = sfntHeaderSize + i * sfntEntrySize;
    const offset = sfnt.readUInt32BE(entry + 8);
    const length = sfnt.readUInt32BE(entry + 12);
    if (offset + length > sfnt.length) throw new Error('a table runs past the end of the font');
    tables.push({ tag: sfnt.toString('latin1', entry, entry + 4), checksum: sfnt.readUInt32BE(entry + 4), data: sfnt.subarray(offset, offset + length) });
  }
  return tables;
}

export interface WoffEntry {
  tag: string;
  checksum: number;
  /** The table as the file stores it: zlib-compressed when that is shorter than the table. */
  stored: Buffer;
  /** The table's own length. */
  length: number;
}

/** The table directory of a WOFF 1.0 file (WOFF 1.0 §5: 20-byte entries after the 44-byte header). */
export function woffEntries(woff: Buffer): WoffEntry[] {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF 1.0 file');
  const count = woff.readUInt16BE(12);
  return Array.from({ length: count }, (_, i) => {
    const entry = woffHeaderSize + i * woffEntrySize;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    if (offset + compLength > woff.length) throw new Error('a table runs past the end of the WOFF file');
    return { tag: woff.toString('latin1', entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), stored: woff.subarray(offset, offset + compLength), length: woff.readUInt32BE(entry + 12) };
  });
}

/** Whether a WOFF entry's table is stored compressed (WOFF 1.0 §5: only when that is shorter). */
export const isCompressed = (entry: WoffEntry): boolean => entry.stored.length < entry.length;

/** An OpenType/TrueType file as WOFF 1.0: each table deflated, kept as it is when that is not smaller. */
export async function sfntToWoff(sfnt: Buffer): Promise<Buffer> {
  // By ascending tag, as WOFF wants them (a tag's bytes compare as its latin1 characters do).
  const tables = sfntTables(sfnt).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const compressed = await Promise.all(tables.map(async ({ data }) => {
    const packed = await deflate(data);
    return packed.length < data.length ? packed : data;
  }));
  const directoryEnd = woffHeaderSize + tables.length * woffEntrySize;
  let length = directoryEnd;
  for (const data of compressed) length += align4(data.length);
  const woff = Buffer.alloc(length);
  woff.write('wOFF', 0, 'latin1');
  woff.writeUInt32BE(sfnt.readUInt32BE(0), 4); // flavor: the sfnt version
  woff.writeUInt32BE(length, 8);
  woff.writeUInt16BE(tables.length, 12);
  woff.writeUInt32BE(sfntHeaderSize + tables.length * sfntEntrySize + tables.reduce((sum, { data }) => sum + align4(data.length), 0), 16); // totalSfntSize
  // majorVersion, minorVersion, the metadata and private blocks: none (zero, as Buffer.alloc leaves them).
  let offset = directoryEnd;
  tables.forEach((table, i) => {
    const entry = woffHeaderSize + i * woffEntrySize;
    const data = compressed[i];
    woff.write(table.tag, entry, 'latin1');
    woff.writeUInt32BE(offset, entry + 4);
    woff.writeUInt32BE(data.length, entry + 8);
    woff.writeUInt32BE(table.data.length, entry + 12);
    woff.writeUInt32BE(table.checksum, entry + 16);
    data.copy(woff, offset);
    offset += align4(data.length);
  });
  return woff;
}

/** A WOFF 1.0 file as the OpenType/TrueType file it holds (its tables in the WOFF's order, 4-byte aligned). */
export async function woffToSfnt(woff: Buffer): Promise<Buffer> {
  const tables = await Promise.all(
    woffEntries(woff).map(async (entry): Promise<SfntTable> => {
      const data = isCompressed(entry) ? await inflate(entry.stored) : entry.stored;
      if (data.length !== entry.length) throw new Error('a table of the WOFF file does not have its stated length');
      return { tag: entry.tag, checksum: entry.checksum, data };
    }),
  );
  const count = tables.length;
  let length = sfntHeaderSize + count * sfntEntrySize;
  for (const { data } of tables) length += align4(data.length);
  const sfnt = Buffer.alloc(length);
  sfnt.writeUInt32BE(woff.readUInt32BE(4), 0);
  sfnt.writeUInt16BE(count, 4);
  // searchRange, entrySelector, rangeShift (OpenType §"Table directory").
  const power = count > 0 ? 2 ** Math.floor(Math.log2(count)) : 0;
  sfnt.writeUInt16BE(power * 16, 6);
  sfnt.writeUInt16BE(power > 0 ? Math.log2(power) : 0, 8);
  sfnt.writeUInt16BE(count * 16 - power * 16, 10);
  let offset = sfntHeaderSize + count * sfntEntrySize;
  tables.forEach((table, i) => {
    const entry = sfntHeaderSize + i * sfntEntrySize;
    sfnt.write(table.tag, entry, 'latin1');
    sfnt.writeUInt32BE(table.checksum, entry + 4);
    sfnt.writeUInt32BE(offset, entry + 8);
    sfnt.writeUInt32BE(table.data.length, entry + 12);
    table.data.copy(sfnt, offset);
    offset += align4(table.data.length);
  });
  return sfnt;
}
