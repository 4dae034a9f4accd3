/**
 * scripts/output/woff.ts, WOFF 1.0 through Node's zlib, held to woff2sfnt-sfnt2woff (the codec
 * subset-font uses, with pako) both ways: on every WOFF file of EB Garamond and on random tables.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sfntToWoff, woffToSfnt } from '../scripts/output/woff.ts';

const require = createRequire(import.meta.url);
// The codec subset-font converts with (through fontverter), found where subset-font finds it.
const fontverter = createRequire(require.resolve('subset-font')).resolve('fontverter');
const theirs = createRequire(fontverter)('woff2sfnt-sfnt2woff') as { toSfnt(woff: Buffer): Buffer; toWoff(sfnt: Buffer): Buffer };
const garamond = path.join(path.dirname(require.resolve('@fontsource/eb-garamond/package.json')), 'files');

/** An sfnt's version and tables (tag → checksum and bytes), whatever their order and offsets. */
function tablesOf(sfnt: Buffer): { version: number; tables: Map<string, { checksum: number; data: Buffer }> } {
  const tables = new Map<string, { checksum: number; data: Buffer }>();
  for (let i = 0; i < sfnt.readUInt16BE(4); i++) {
    const record = 12 + i * 16;
    const offset = sfnt.readUInt32BE(record + 8);
    tables.set(sfnt.toString('latin1', record, record + 4), { checksum: sfnt.readUInt32BE(record + 4), data: sfnt.subarray(offset, offset + sfnt.readUInt32BE(record + 12)) });
  }
  return { version: sfnt.readUInt32BE(0), tables };
}

/** OpenType's table checksum: the sum of its 32-bit words, the last padded with zeros. */
function checksum(data: Buffer): number {
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** An sfnt made of `tables` (tag → bytes), checksums as OpenType computes them. */
function sfntOf(tables: Array<[string, Buffer]>): Buffer {
  const header = Buffer.alloc(12 + tables.length * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(tables.length, 4);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach(([tag, data], i) => {
    header.write(tag, 12 + i * 16, 'latin1');
    header.writeUInt32BE(checksum(data), 12 + i * 16 + 4);
    header.writeUInt32BE(offset, 12 + i * 16 + 8);
    header.writeUInt32BE(data.length, 12 + i * 16 + 12);
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

describe('WOFF 1.0 through zlib (woff.ts)', () => {
  it('reads every WOFF file of EB Garamond into the tables woff2sfnt-sfnt2woff reads, and writes them back', async () => {
    const names = (await readdir(garamond)).filter((name) => name.endsWith('.woff'));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const woff = await readFile(path.join(garamond, name));
      const ours = await woffToSfnt(woff);
      const expected = tablesOf(theirs.toSfnt(woff));
      const got = tablesOf(ours);
      expect(got.version).toBe(expected.version);
      expect([...got.tables.keys()]).toEqual([...expected.tables.keys()]);
      for (const [tag, table] of expected.tables) {
        expect(got.tables.get(tag)!.data.equals(table.data), `${name}: ${tag}`).toBe(true);
        expect(got.tables.get(tag)!.checksum).toBe(table.checksum);
      }
      // Written again by us and read by them: the same tables; the header's lengths are true.
      const again = await sfntToWoff(ours);
      expect(again.readUInt32BE(8)).toBe(again.length);
      expect(again.readUInt32BE(16)).toBe(ours.length);
      const back = tablesOf(theirs.toSfnt(again));
      for (const [tag, table] of expected.tables) {
        expect(back.tables.get(tag)!.data.equals(table.data), `${name}: ${tag} again`).toBe(true);
        expect(back.tables.get(tag)!.checksum).toBe(table.checksum);
      }
    }
  });

  it('round-trips any tables, compressible or not, sorted by tag in the WOFF directory', async () => {
    const tag = fc.stringMatching(/^[A-Za-z]{4}$/);
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 2000 }).map((n) => new Uint8Array(n).fill(7)));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(tag, bytes), { selector: ([t]) => t, minLength: 1, maxLength: 8 }), async (tables) => {
        const sfnt = sfntOf(tables.map(([t, data]) => [t, Buffer.from(data)]));
        const woff = await sfntToWoff(sfnt);
        expect(woff.toString('latin1', 0, 4)).toBe('wOFF');
        const tags = Array.from({ length: woff.readUInt16BE(12) }, (_, i) => woff.readUInt32BE(44 + i * 20));
        expect(tags).toEqual([...tags].sort((a, b) => a - b));
        for (const read of [await woffToSfnt(woff), theirs.toSfnt(woff)]) {
          const got = tablesOf(read).tables;
          for (const [t, data] of tables) {
            expect(Buffer.from(data).equals(got.get(t)!.data)).toBe(true);
            expect(got.get(t)!.checksum).toBe(checksum(Buffer.from(data)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses what is not a WOFF 1.0 file, or a table past its end', async () => {
    await expect(woffToSfnt(Buffer.from('OTTO0000000000000000000000000000000000000000'))).rejects.toThrow(/not a WOFF/);
    const woff = await sfntToWoff(sfntOf([['abcd', Buffer.alloc(100, 1)]]));
    await expect(woffToSfnt(woff.subarray(0, woff.length - 8))).rejects.toThrow(/past the end/);
  });
});
