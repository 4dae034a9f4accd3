/**
 * The colours of the PDF on the press's four inks, before Ghostscript writes the PDF/X. Debian's
 * Ghostscript 10.0 pdfwrite converts RGB to CMYK with its own default CMYK profile whatever
 * `-sOutputICCProfile` says (checked: the same CMYK numbers with the FOGRA39 profiles at 240 % and
 * 300 % and with none), so the conversion is done here, through the book's press profile:
 *   - black (`0 0 0 rg`…) becomes K alone (black-to-k.ts);
 *   - every other RGB colour of the pages (`r g b rg` / `RG`: Chromium writes colours so) becomes
 *     `c m y k k` / `K`: sRGB → CIE Lab (D50, as the ICC profile connection space), then Lab →
 *     CMYK through the profile's separation table (ArgyllCMS `xicclu`, relative colorimetric),
 *     which holds the ink limit;
 *   - 8-bit RGB images (Flate or uncompressed; what Chromium writes for PNG) through the same
 *     conversion, by trilinear interpolation in a 17 × 17 × 17 table computed by `xicclu`.
 * What is already CMYK passes Ghostscript untouched. JPEG images (DCTDecode) are left to
 * Ghostscript's conversion: docs/pdf.md says so.
 */
import { execFile } from 'node:child_process';
import { deflateSync, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { PDFArray, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef } from 'pdf-lib';
import { BuildError } from '../../errors.ts';
import { rewriteContents } from './black-to-k.ts';

const run = promisify(execFile);

/** sRGB (0–1) to CIE Lab D50: IEC 61966-2-1 transfer curve, the Bradford-adapted D50 matrix of ICC sRGB profiles. */
export function srgbToLab([r, g, b]: number[]): [number, number, number] {
  const linear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [linear(r), linear(g), linear(b)];
  const X = 0.4360747 * R + 0.3850649 * G + 0.1430804 * B;
  const Y = 0.2225045 * R + 0.7168786 * G + 0.0606169 * B;
  const Z = 0.0139322 * R + 0.0971045 * G + 0.7141733 * B;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const [fx, fy, fz] = [f(X / 0.9642), f(Y / 1), f(Z / 0.8249)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** RGB colours (0–1) to CMYK (0–1) through the profile's B2A (relative colorimetric) table. */
export async function rgbToCmyk(profile: string, colours: number[][]): Promise<number[][]> {
  if (colours.length === 0) return [];
  const input = colours.map((rgb) => srgbToLab(rgb).map((v) => v.toFixed(4)).join(' ')).join('\n');
  const child = run('xicclu', ['-fb', '-ir', '-pl', '-s', '1', '-v0', profile], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  child.child.stdin?.end(`${input}\n`);
  const { stdout } = await child.catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    if (error.code === 'ENOENT') throw new BuildError('ArgyllCMS is not installed: the PDF/X needs `xicclu` to convert its colours. Run `bash scripts/setup.sh` (Debian package `argyll`), or set `print.pdfx: none` in book.yaml.');
    throw new BuildError(`ArgyllCMS xicclu could not convert the colours: ${(error.stderr ?? '').trim().split('\n').pop()}`);
  });
  const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
  if (rows.length !== colours.length || rows.some((row) => row.length !== 4 || row.some((v) => !Number.isFinite(v)))) {
    throw new BuildError('ArgyllCMS xicclu returned no CMYK for some colours');
  }
  return rows.map((row) => row.map((v) => Math.min(1, Math.max(0, v))));
}

const GRID = 17;

/** A 17³ RGB → CMYK table and its trilinear interpolation, for images. */
async function imageConverter(profile: string): Promise<(r: number, g: number, b: number) => number[]> {
  const points: number[][] = [];
  for (let r = 0; r < GRID; r++) for (let g = 0; g < GRID; g++) for (let b = 0; b < GRID; b++) points.push([r / (GRID - 1), g / (GRID - 1), b / (GRID - 1)]);
  const table = await rgbToCmyk(profile, points);
  const at = (r: number, g: number, b: number) => table[(r * GRID + g) * GRID + b];
  return (r, g, b) => {
    const [x, y, z] = [(r / 255) * (GRID - 1), (g / 255) * (GRID - 1), (b / 255) * (GRID - 1)];
    const [x0, y0, z0] = [Math.min(Math.floor(x), GRID - 2), Math.min(Math.floor(y), GRID - 2), Math.min(Math.floor(z), GRID - 2)];
    const [dx, dy, dz] = [x - x0, y - y0, z - z0];
    const out = [0, 0, 0, 0];
    for (let i = 0; i < 8; i++) {
      const [ix, iy, iz] = [i >> 2, (i >> 1) & 1, i & 1];
      const weight = (ix ? dx : 1 - dx) * (iy ? dy : 1 - dy) * (iz ? dz : 1 - dz);
      const corner = at(x0 + ix, y0 + iy, z0 + iz);
      for (let c = 0; c < 4; c++) out[c] += weight * corner[c];
    }
    return out;
  };
}

const rgbOperator = /(^|\s)(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) (rg|RG)(?=\s|$)/g;

const short = (v: number) => String(Math.round(v * 1000) / 1000);

function isRgbImage(stream: PDFRawStream, doc: PDFDocument): boolean {
  const dict = stream.dict;
  if (dict.get(PDFName.of('Subtype')) !== PDFName.of('Image') || dict.get(PDFName.of('ImageMask'))?.toString() === 'true') return false;
  if (Number((dict.get(PDFName.of('BitsPerComponent')) as PDFNumber | undefined)?.asNumber()) !== 8 || dict.has(PDFName.of('DecodeParms')) || dict.has(PDFName.of('Decode'))) return false;
  const filter = dict.get(PDFName.of('Filter'));
  if (filter !== undefined && filter !== PDFName.of('FlateDecode')) return false;
  const space = dict.get(PDFName.of('ColorSpace'));
  if (space === PDFName.of('DeviceRGB')) return true;
  const resolved = space instanceof PDFRef ? doc.context.lookup(space) : space;
  // [/ICCBased stream] with N 3: taken as sRGB, which is what Chromium tags its images with.
  if (resolved instanceof PDFArray && resolved.get(0) === PDFName.of('ICCBased')) {
    const icc = resolved.lookup(1);
    return icc instanceof PDFRawStream && (icc.dict.get(PDFName.of('N')) as PDFNumber | undefined)?.asNumber() === 3;
  }
  return false;
}

/** The PDF with black as K alone and every other RGB colour and image in CMYK through `profile`. */
export async function pressColours(pdf: Uint8Array, profile: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  // First pass: the colours the pages use, converted at once.
  const found = new Map<string, number[]>();
  rewriteContents(doc, (content) => {
    for (const match of content.matchAll(rgbOperator)) found.set(`${match[2]} ${match[3]} ${match[4]}`, [Number(match[2]), Number(match[3]), Number(match[4])]);
    return content;
  });
  const keys = [...found.keys()];
  const converted = new Map(keys.map((key, i) => [key, i]));
  const cmyk = await rgbToCmyk(profile, keys.map((key) => found.get(key)!));
  rewriteContents(doc, (content) =>
    content.replace(rgbOperator, (_, space: string, r: string, g: string, b: string, operator: string) => {
      const values = cmyk[converted.get(`${r} ${g} ${b}`)!];
      return `${space}${values.map(short).join(' ')} ${operator === 'rg' ? 'k' : 'K'}`;
    }),
  );
  // Images.
  let convert: ((r: number, g: number, b: number) => number[]) | undefined;
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream) || !isRgbImage(object, doc)) continue;
    convert ??= await imageConverter(profile);
    const rgb = object.dict.has(PDFName.of('Filter')) ? inflateSync(object.contents) : Buffer.from(object.contents);
    const out = Buffer.alloc((rgb.length / 3) * 4);
    const cache = new Map<number, number[]>();
    for (let i = 0, o = 0; i + 2 < rgb.length; i += 3, o += 4) {
      const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
      let value = cache.get(key);
      if (!value) {
        value = convert(rgb[i], rgb[i + 1], rgb[i + 2]);
        if (cache.size < 65536) cache.set(key, value);
      }
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(value[c] * 255);
    }
    const compressed = deflateSync(out);
    const dict = object.dict.clone(doc.context);
    dict.set(PDFName.of('ColorSpace'), PDFName.of('DeviceCMYK'));
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    dict.set(PDFName.of('Length'), PDFNumber.of(compressed.length));
    doc.context.assign(ref, PDFRawStream.of(dict, compressed));
  }
  return doc.save({ useObjectStreams: false });
}
