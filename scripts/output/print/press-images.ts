/**
 * The raster images of the PDF on the press's inks, before Ghostscript writes the PDF/X (called by
 * press-colours.ts). Chromium writes an image in one of these forms (checked with `pdfimages -list`
 * on what it prints): a JPEG as it was given (DCTDecode, RGB or greyscale, tagged with the file's
 * ICC profile); a PNG, a CMYK JPEG and anything it had to decode as 8-bit RGB (FlateDecode, tagged
 * sRGB), with a greyscale soft mask (`/SMask`) when the image has transparency. Each becomes an
 * 8-bit DeviceCMYK image, Flate-compressed (lossless), converted through the press profile:
 *   - colour: source → CIE Lab (the image's own ICC profile read by ArgyllCMS `xicclu`, or sRGB
 *     when it has none or xicclu cannot read it: Chromium's compact sRGB v4 profile) → CMYK by the
 *     press profile's separation table (relative colorimetric), which holds the ink limit; by
 *     trilinear interpolation in a 17³ table;
 *   - greyscale (a grey JPEG, or an RGB image whose every pixel is neutral, as Chromium writes a
 *     grey PNG): black plate alone, K chosen so that the press reproduces the grey's lightness (the
 *     profile's K ramp, black point compensated: the source's black is the press's K 100 %);
 *   - transparency: composited over the paper (white) and the soft mask dropped. PDF/X-1a and
 *     PDF/X-3 allow no transparency, and Ghostscript would otherwise flatten the whole page into
 *     one 720 ppi image, text included. Images in the book stand on the white page.
 * JPEGs are decoded by Ghostscript's own DCTDecode filter (no JPEG decoder in Node). An image in
 * any other form (16-bit, indexed, Lab…), which Chromium does not write, stops the build with a
 * message rather than reach the printer unconverted; DeviceCMYK images (idem) pass as they are.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';
import { BuildError } from '../../errors.ts';

const run = promisify(execFile);

/** Colour conversions the images need, from press-colours.ts (xicclu on the press profile). */
export interface PressConversions {
  /** Lab (D50) colours to CMYK (0–1) through the press profile's separation table. */
  labToCmyk: (labs: number[][]) => Promise<number[][]>;
  /** A lightness (L*, 0–100, of the source) to the black plate's K (0–1), black point compensated. */
  greyToK: () => Promise<(lightness: number) => number>;
  /** sRGB (0–1) to Lab (D50). */
  srgbToLab: (rgb: number[]) => number[];
}

const GRID = 17;

type Form = { kind: 'rgb' | 'grey'; icc?: Uint8Array } | { kind: 'cmyk' } | { kind: 'unknown'; why: string };

function nameOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFName ? value.decodeText() : undefined;
}

function filtersOf(stream: PDFRawStream): string[] {
  const filter = stream.dict.get(PDFName.of('Filter'));
  if (filter === undefined) return [];
  if (filter instanceof PDFArray) return filter.asArray().map((f) => nameOf(f) ?? '?');
  return [nameOf(filter) ?? '?'];
}

function formOf(stream: PDFRawStream, doc: PDFDocument): Form {
  const dict = stream.dict;
  const bits = (dict.lookup(PDFName.of('BitsPerComponent')) as PDFNumber | undefined)?.asNumber();
  if (bits !== 8) return { kind: 'unknown', why: `${bits ?? '?'} bits a component` };
  if (dict.has(PDFName.of('Decode'))) return { kind: 'unknown', why: 'a /Decode array' };
  const filters = filtersOf(stream);
  if (filters.length > 1 || (filters.length === 1 && filters[0] !== 'FlateDecode' && filters[0] !== 'DCTDecode')) return { kind: 'unknown', why: `the ${filters.join(' + ')} filter` };
  if (filters[0] === 'FlateDecode' && dict.has(PDFName.of('DecodeParms'))) return { kind: 'unknown', why: 'a Flate predictor' };
  const space = dict.get(PDFName.of('ColorSpace'));
  const resolved = space instanceof PDFRef ? doc.context.lookup(space) : space;
  const device = nameOf(resolved);
  if (device === 'DeviceRGB') return { kind: 'rgb' };
  if (device === 'DeviceGray') return { kind: 'grey' };
  if (device === 'DeviceCMYK') return { kind: 'cmyk' };
  if (resolved instanceof PDFArray && nameOf(resolved.get(0)) === 'ICCBased') {
    const icc = resolved.lookup(1);
    if (icc instanceof PDFRawStream) {
      const n = (icc.dict.lookup(PDFName.of('N')) as PDFNumber | undefined)?.asNumber();
      const bytes = filtersOf(icc).length === 0 ? icc.contents : filtersOf(icc).join() === 'FlateDecode' ? inflateSync(icc.contents) : undefined;
      if (n === 3) return { kind: 'rgb', icc: bytes };
      if (n === 1) return { kind: 'grey', icc: bytes };
      if (n === 4) return { kind: 'cmyk' };
    }
  }
  return { kind: 'unknown', why: `the colour space ${resolved?.toString().slice(0, 40) ?? 'none'}` };
}

/** A file name as a PostScript string (Ghostscript's -dSAFER permits the work folder by its absolute path). */
const psName = (file: string) => `(${file.replace(/[()\\]/g, (c) => `\\${c}`)})`;

/** The JPEGs, decoded in one Ghostscript run by its DCTDecode filter, as raw 8-bit samples. */
async function decodeJpegs(jpegs: Uint8Array[], workDir: string): Promise<Buffer[]> {
  if (jpegs.length === 0) return [];
  const work = await mkdtemp(path.join(workDir, 'jpeg-'));
  try {
    const lines = ['/decode { (w) file /o exch def (r) file /DCTDecode filter /i exch def /b 65536 string def', '  { i b readstring exch o exch writestring not { exit } if } loop o closefile i closefile } def'];
    for (let i = 0; i < jpegs.length; i++) {
      await writeFile(path.join(work, `image-${i}.jpg`), jpegs[i]);
      lines.push(`${psName(path.join(work, `image-${i}.jpg`))} ${psName(path.join(work, `image-${i}.raw`))} decode`);
    }
    await writeFile(path.join(work, 'decode.ps'), `${lines.join('\n')}\n`);
    await run('gs', ['-q', '-dNODISPLAY', '-dBATCH', '-dNOPAUSE', '-dSAFER', `--permit-file-all=${work}/`, 'decode.ps'], { cwd: work, maxBuffer: 16 * 1024 * 1024 }).catch((error: NodeJS.ErrnoException & { stderr?: string; stdout?: string }) => {
      if (error.code === 'ENOENT') throw new BuildError('Ghostscript is not installed: the PDF/X needs `gs`. Run `bash scripts/setup.sh` (Debian package `ghostscript`), or set `print.pdfx: none` in book.yaml.');
      throw new BuildError(`Ghostscript could not decode a JPEG image of the book for the press: ${`${error.stderr ?? ''}${error.stdout ?? ''}`.trim().split('\n').slice(-2).join(' ')}`);
    });
    return await Promise.all(jpegs.map((_, i) => readFile(path.join(work, `image-${i}.raw`))));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Lab of each input through an ICC profile (ArgyllCMS xicclu, forward, relative colorimetric); undefined when xicclu cannot read it. */
async function labThrough(icc: Uint8Array, inputs: number[][], workDir: string): Promise<number[][] | undefined> {
  const work = await mkdtemp(path.join(workDir, 'icc-'));
  try {
    await writeFile(path.join(work, 'source.icc'), icc);
    const child = run('xicclu', ['-ff', '-ir', '-pl', '-s', '1', '-v0', 'source.icc'], { cwd: work, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    // xicclu may stop before reading (a profile it cannot read): its answer says so, not a broken pipe.
    child.child.stdin?.on('error', () => undefined);
    child.child.stdin?.end(`${inputs.map((values) => values.map((v) => v.toFixed(5)).join(' ')).join('\n')}\n`);
    const { stdout } = await child.catch(() => ({ stdout: '' }));
    const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
    if (rows.length !== inputs.length || rows.some((row) => row.length !== 3 || row.some((v) => !Number.isFinite(v)))) return undefined;
    return rows;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** An RGB (0–255) → CMYK (0–1) function: the 17³ grid through source profile → Lab → press, interpolated. */
async function rgbConverter(conversions: PressConversions, icc: Uint8Array | undefined, workDir: string) {
  const points: number[][] = [];
  for (let r = 0; r < GRID; r++) for (let g = 0; g < GRID; g++) for (let b = 0; b < GRID; b++) points.push([r / (GRID - 1), g / (GRID - 1), b / (GRID - 1)]);
  const labs = (icc && (await labThrough(icc, points, workDir))) ?? points.map(conversions.srgbToLab);
  const table = await conversions.labToCmyk(labs);
  const at = (r: number, g: number, b: number) => table[(r * GRID + g) * GRID + b];
  return (r: number, g: number, b: number): number[] => {
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

/** The 256 K values (0–255) of a grey ramp whose lightness the source profile gives (sRGB without one). */
async function greyTable(conversions: PressConversions, icc: Uint8Array | undefined, components: 1 | 3, workDir: string): Promise<Uint8Array> {
  const ramp = Array.from({ length: 256 }, (_, v) => v / 255);
  const inputs = ramp.map((v) => (components === 1 ? [v] : [v, v, v]));
  const labs = (icc && (await labThrough(icc, inputs, workDir))) ?? ramp.map((v) => conversions.srgbToLab([v, v, v]));
  const toK = await conversions.greyToK();
  return Uint8Array.from(labs.map(([lightness]) => Math.round(toK(lightness) * 255)));
}

/** Decoded samples of a soft mask (Flate or none, 8 bits), or undefined when it cannot be read. */
function maskOf(image: PDFRawStream, doc: PDFDocument, pixels: number): Uint8Array | undefined {
  const mask = image.dict.lookup(PDFName.of('SMask'));
  if (!(mask instanceof PDFRawStream)) return undefined;
  const filters = filtersOf(mask);
  if (filters.length > 1 || (filters.length === 1 && filters[0] !== 'FlateDecode') || mask.dict.has(PDFName.of('DecodeParms'))) return undefined;
  const samples = filters.length ? inflateSync(mask.contents) : Buffer.from(mask.contents);
  const width = (mask.dict.lookup(PDFName.of('Width')) as PDFNumber).asNumber();
  const height = (mask.dict.lookup(PDFName.of('Height')) as PDFNumber).asNumber();
  const [iw, ih] = [(image.dict.lookup(PDFName.of('Width')) as PDFNumber).asNumber(), (image.dict.lookup(PDFName.of('Height')) as PDFNumber).asNumber()];
  if ((mask.dict.lookup(PDFName.of('BitsPerComponent')) as PDFNumber | undefined)?.asNumber() !== 8 || samples.length < width * height) return undefined;
  if (width === iw && height === ih) return samples.subarray(0, pixels);
  // Another size: nearest sample.
  const out = new Uint8Array(pixels);
  for (let y = 0; y < ih; y++) for (let x = 0; x < iw; x++) out[y * iw + x] = samples[Math.floor((y * height) / ih) * width + Math.floor((x * width) / iw)];
  return out;
}

export interface ImageConversion {
  /** Images converted: colour (through the profile), grey (to K alone), their soft masks composited over white. */
  colour: number;
  grey: number;
  composited: number;
}

/** Every raster image of `doc` to 8-bit DeviceCMYK through the press profile (in place). */
export async function pressImages(doc: PDFDocument, conversions: PressConversions, workDir: string): Promise<ImageConversion> {
  const images: Array<{ ref: PDFRef; stream: PDFRawStream; form: Form & { kind: 'rgb' | 'grey' } }> = [];
  const problems: string[] = [];
  const masks = new Set<string>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream) {
      const mask = object.dict.get(PDFName.of('SMask'));
      if (mask instanceof PDFRef) masks.add(mask.toString());
    }
  }
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream) || nameOf(object.dict.get(PDFName.of('Subtype'))) !== 'Image') continue;
    // Stencil masks take the fill colour (converted in the content streams); soft masks are alpha, not colour.
    if (object.dict.get(PDFName.of('ImageMask'))?.toString() === 'true' || masks.has(ref.toString())) continue;
    const form = formOf(object, doc);
    if (form.kind === 'cmyk') continue;
    const size = `${String(object.dict.lookup(PDFName.of('Width')))} × ${String(object.dict.lookup(PDFName.of('Height')))} px`;
    if (form.kind === 'unknown') problems.push(`an image of ${size} with ${form.why}`);
    else images.push({ ref, stream: object, form });
  }
  if (problems.length > 0) {
    throw new BuildError(`The PDF/X cannot convert ${problems.length > 1 ? 'these images' : 'this image'} to the press's inks: ${problems.join('; ')}. Give the image as an 8-bit RGB or greyscale PNG or JPEG.`);
  }
  const jpegs = images.filter(({ stream }) => filtersOf(stream)[0] === 'DCTDecode');
  const decodedJpegs = await decodeJpegs(jpegs.map(({ stream }) => stream.contents), workDir);
  const rgbConverters = new Map<string, Promise<(r: number, g: number, b: number) => number[]>>();
  const greyTables = new Map<string, Promise<Uint8Array>>();
  const keyOf = (icc: Uint8Array | undefined, components: number) => `${components}:${icc ? Buffer.from(icc).toString('base64') : 'srgb'}`;
  const result: ImageConversion = { colour: 0, grey: 0, composited: 0 };
  for (const { ref, stream, form } of images) {
    const components = form.kind === 'rgb' ? 3 : 1;
    const width = (stream.dict.lookup(PDFName.of('Width')) as PDFNumber).asNumber();
    const height = (stream.dict.lookup(PDFName.of('Height')) as PDFNumber).asNumber();
    const pixels = width * height;
    const jpeg = jpegs.findIndex((image) => image.stream === stream);
    const samples = jpeg >= 0 ? decodedJpegs[jpeg] : filtersOf(stream).length ? inflateSync(stream.contents) : Buffer.from(stream.contents);
    if (samples.length < pixels * components) throw new BuildError(`An image of ${width} × ${height} px in the PDF has ${samples.length} bytes of samples for ${pixels * components}: it cannot be converted for the press`);
    const source = Buffer.from(samples.subarray(0, pixels * components));
    // Transparency: composite over the paper's white, in the source's space.
    const alpha = maskOf(stream, doc, pixels);
    if (stream.dict.has(PDFName.of('SMask')) && !alpha) throw new BuildError(`An image of ${width} × ${height} px has a transparency mask the PDF/X step cannot read; give it without transparency`);
    if (alpha) {
      for (let p = 0; p < pixels; p++) {
        const a = alpha[p];
        if (a === 255) continue;
        for (let c = 0; c < components; c++) source[p * components + c] = Math.round((source[p * components + c] * a + 255 * (255 - a)) / 255);
      }
      result.composited++;
    }
    let neutral = components === 1;
    if (!neutral) {
      neutral = true;
      for (let i = 0; i < source.length; i += 3) {
        if (source[i] !== source[i + 1] || source[i] !== source[i + 2]) {
          neutral = false;
          break;
        }
      }
    }
    const out = Buffer.alloc(pixels * 4);
    if (neutral) {
      const key = keyOf(form.icc, components);
      if (!greyTables.has(key)) greyTables.set(key, greyTable(conversions, form.icc, components as 1 | 3, workDir));
      const table = await greyTables.get(key)!;
      for (let p = 0; p < pixels; p++) out[p * 4 + 3] = table[source[p * components]];
      result.grey++;
    } else {
      const key = keyOf(form.icc, 3);
      if (!rgbConverters.has(key)) rgbConverters.set(key, rgbConverter(conversions, form.icc, workDir));
      const convert = await rgbConverters.get(key)!;
      const cache = new Map<number, number[]>();
      for (let p = 0, i = 0; p < pixels; p++, i += 3) {
        const colour = (source[i] << 16) | (source[i + 1] << 8) | source[i + 2];
        let value = cache.get(colour);
        if (!value) {
          value = convert(source[i], source[i + 1], source[i + 2]);
          if (cache.size < 65536) cache.set(colour, value);
        }
        for (let c = 0; c < 4; c++) out[p * 4 + c] = Math.round(value[c] * 255);
      }
      result.colour++;
    }
    const compressed = deflateSync(out);
    const dict = stream.dict.clone(doc.context);
    dict.set(PDFName.of('ColorSpace'), PDFName.of('DeviceCMYK'));
    dict.set(PDFName.of('BitsPerComponent'), PDFNumber.of(8));
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    dict.set(PDFName.of('Length'), PDFNumber.of(compressed.length));
    for (const key of ['DecodeParms', 'SMask', 'ColorTransform', 'Decode']) dict.delete(PDFName.of(key));
    doc.context.assign(ref, PDFRawStream.of(dict, compressed));
  }
  return result;
}
