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
 *   - greys (`r g b` with r = g = b, and DeviceGray `v g` / `G`) become K alone, of the lightness
 *     the press reproduces (the profile's K ramp): grey type and rules print on one plate, as black;
 *   - every raster image, JPEG included, through the same profile (press-images.ts).
 * What is already CMYK passes Ghostscript untouched.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PDFDocument, type PDFRef } from 'pdf-lib';
import { loadPdf, pdfBytes } from '../pdf/pdf-lib.ts';
import { BuildError } from '../../errors.ts';
import { decodeContents, rewriteTexts, writeContents } from './black-to-k.ts';
import { pressImages, type ImageConversion } from './press-images.ts';

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

/** Lab colours to CMYK (0–1) through the profile's B2A (relative colorimetric) table. */
async function labToCmyk(profile: string, labs: number[][]): Promise<number[][]> {
  if (labs.length === 0) return [];
  const input = labs.map((lab) => lab.map((v) => v.toFixed(4)).join(' ')).join('\n');
  const child = run('xicclu', ['-fb', '-ir', '-pl', '-s', '1', '-v0', profile], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  // xicclu may stop before reading (a profile it cannot read): its answer says so, not a broken pipe.
  child.child.stdin?.on('error', () => undefined);
  child.child.stdin?.end(`${input}\n`);
  const { stdout } = await child.catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    if (error.code === 'ENOENT') throw new BuildError('ArgyllCMS is not installed: the PDF/X needs `xicclu` to convert its colours. Run `bash scripts/setup.sh` (Debian package `argyll`), or set `print.pdfx: none` in book.yaml.');
    throw new BuildError(`ArgyllCMS xicclu could not convert the colours: ${(error.stderr ?? '').trim().split('\n').pop()}`);
  });
  const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
  if (rows.length !== labs.length || rows.some((row) => row.length !== 4 || row.some((v) => !Number.isFinite(v)))) {
    throw new BuildError('ArgyllCMS xicclu returned no CMYK for some colours');
  }
  return rows.map((row) => row.map((v) => Math.min(1, Math.max(0, v))));
}

/**
 * Lightness (L*, 0–100) to the K alone that prints it: the profile's K ramp (forward table,
 * relative colorimetric: paper white is L* 100), black point compensated — the source's black (L* 0)
 * is K 100 %, whose L* on the press is higher — so that a grey ramp keeps its shadows.
 */
export async function greyToK(profile: string): Promise<(lightness: number) => number> {
  const steps = 64;
  const ks = Array.from({ length: steps + 1 }, (_, i) => i / steps);
  const child = run('xicclu', ['-ff', '-ir', '-pl', '-s', '1', '-v0', profile], { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
  // xicclu may stop before reading (a profile it cannot read): its answer says so, not a broken pipe.
  child.child.stdin?.on('error', () => undefined);
  child.child.stdin?.end(`${ks.map((k) => `0 0 0 ${k}`).join('\n')}\n`);
  const { stdout } = await child.catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    throw new BuildError(`ArgyllCMS xicclu could not read the press profile's black: ${(error.stderr ?? error.message).trim().split('\n').pop()}`);
  });
  const lightness = stdout.trim().split('\n').map((line) => Number(line.trim().split(/\s+/)[0]));
  if (lightness.length !== ks.length || lightness.some((v) => !Number.isFinite(v))) throw new BuildError("ArgyllCMS xicclu returned no lightness for the press profile's black");
  const [white, black] = [lightness[0], lightness[steps]];
  return (source: number) => {
    const target = black + ((white - black) * Math.min(100, Math.max(0, source))) / 100;
    // L* falls as K rises: the first step that reaches the target, interpolated.
    for (let i = 1; i <= steps; i++) {
      if (lightness[i] <= target) {
        const span = lightness[i - 1] - lightness[i];
        return span > 0 ? ks[i - 1] + ((lightness[i - 1] - target) / span) * (ks[i] - ks[i - 1]) : ks[i];
      }
    }
    return 1;
  };
}

/** RGB colours (0–1) to CMYK (0–1) through the profile's B2A (relative colorimetric) table. */
export async function rgbToCmyk(profile: string, colours: number[][]): Promise<number[][]> {
  return labToCmyk(profile, colours.map(srgbToLab));
}

const rgbOperator = /(^|\s)(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) (rg|RG)(?=\s|$)/g;
/** DeviceGray greys other than black (black-to-k.ts has made black K already). */
const greyOperator = /(^|\s)(\d*\.?\d+) (g|G)(?=\s|$)/g;

const short = (v: number) => String(Math.round(v * 1000) / 1000);

export interface PressColoursResult {
  pdf: Uint8Array;
  pages: number;
  images: ImageConversion;
}

export interface PressDocument {
  /** The document, its colours converted, to be written (pdfx.ts writes it as a PDF/X or hands it to Ghostscript). */
  doc: PDFDocument;
  /** Its pages' content streams as text (latin1), as written into it: read again by `pdfxObstacles`. */
  contents: Map<PDFRef, string>;
  pages: number;
  images: ImageConversion;
}

/**
 * The PDF with black as K alone, greys as K alone, every other RGB colour and every image in CMYK
 * through `profile`. `workDir`: a folder for the JPEGs Ghostscript decodes.
 */
export async function pressColours(pdf: Uint8Array, profile: string, workDir: string): Promise<PressColoursResult> {
  const { doc, pages, images } = await pressDocument(pdf, profile, workDir);
  return { pdf: await pdfBytes(doc, { objectStreams: false }), pages, images };
}

/** `pressColours`, the document left unwritten; given a document, it is changed in place. */
export async function pressDocument(pdf: Uint8Array | PDFDocument, profile: string, workDir: string): Promise<PressDocument> {
  const doc = pdf instanceof PDFDocument ? pdf : await loadPdf(pdf);
  let toK: ((lightness: number) => number) | undefined;
  const kOf = async () => (toK ??= await greyToK(profile));
  const greyK = (value: number, k: (lightness: number) => number) => short(k(srgbToLab([value, value, value])[0]));
  // The pages' content streams read once (black already K alone); the colours they use, converted at once.
  const contents = decodeContents(doc);
  const found = new Map<string, number[]>();
  let greys = false;
  // The streams with a colour to convert: most pages have none left once black is K, and are not
  // searched again.
  const coloured = new Set<string>();
  for (const content of contents.texts.values()) {
    let any = false;
    for (const match of content.matchAll(rgbOperator)) {
      any = true;
      if (match[2] === match[3] && match[3] === match[4]) greys = true;
      else found.set(`${match[2]} ${match[3]} ${match[4]}`, [Number(match[2]), Number(match[3]), Number(match[4])]);
    }
    if (greyOperator.test(content)) greys = any = true;
    greyOperator.lastIndex = 0;
    if (any) coloured.add(content);
  }
  const keys = [...found.keys()];
  const converted = new Map(keys.map((key, i) => [key, i]));
  const cmyk = await rgbToCmyk(profile, keys.map((key) => found.get(key)!));
  const k = greys ? await kOf() : undefined;
  rewriteTexts(contents, (content) =>
    !coloured.has(content) ? content : content
      .replace(rgbOperator, (_, space: string, r: string, g: string, b: string, operator: string) => {
        const values = r === g && g === b ? [0, 0, 0, Number(greyK(Number(r), k!))] : cmyk[converted.get(`${r} ${g} ${b}`)!];
        return `${space}${values.map(short).join(' ')} ${operator === 'rg' ? 'k' : 'K'}`;
      })
      .replace(greyOperator, (_, space: string, v: string, operator: string) => `${space}0 0 0 ${greyK(Number(v), k!)} ${operator === 'g' ? 'k' : 'K'}`),
  );
  await writeContents(doc, contents);
  const images = await pressImages(doc, { labToCmyk: (labs) => labToCmyk(profile, labs), greyToK: kOf, srgbToLab }, workDir);
  return { doc, contents: contents.texts, pages: doc.getPageCount(), images };
}
