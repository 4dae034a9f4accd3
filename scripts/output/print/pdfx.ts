/**
 * PDF/X from a finished PDF, by Debian's Ghostscript (pdfwrite, `-dPDFX`): the colours already on
 * the press's inks (press-colours.ts: black as K alone, the others through the press profile, which
 * Ghostscript's pdfwrite would not use), the profile embedded as the output intent (ISO 15930: `/OutputIntents` with
 * `/S /GTS_PDFX`), `GTS_PDFXVersion` in the document information. Ghostscript keeps the TrimBox and
 * BleedBox, embeds the fonts already embedded, and does not carry annotations over (PDF/X allows
 * none in the trim): the press file has no links. PDF/X-1a:2001 is the same file with its version
 * and conformance keys: Ghostscript writes no ICC-based colour in it (only DeviceCMYK), in PDF 1.3,
 * without transparency, which is what X-1a asks beyond X-3 (docs/pdf.md says how it is checked).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../../errors.ts';
import type { PdfxVersion } from '../../config/print-schema.ts';
import { fogra39, type PressProfile } from './icc-profile.ts';
import { pressColours } from './press-colours.ts';

const run = promisify(execFile);

export const pdfxNames: Record<Exclude<PdfxVersion, 'none'>, string> = { 'x-1a': 'PDF/X-1a:2001', 'x-3': 'PDF/X-3:2002' };

/** A PostScript string literal: ( ) and \ escaped, anything outside printable ASCII in octal. */
function psString(text: string): string {
  return `(${[...Buffer.from(text, 'latin1')].map((byte) => (byte === 0x28 || byte === 0x29 || byte === 0x5c ? `\\${String.fromCharCode(byte)}` : byte < 0x20 || byte > 0x7e ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte))).join('')})`;
}

/** The pdfmarks of the PDF/X keys and the output intent (after Ghostscript's lib/PDFX_def.ps). */
export function pdfxDefinitions(version: Exclude<PdfxVersion, 'none'>, profile: PressProfile): string {
  const name = pdfxNames[version];
  const conformance = version === 'x-1a' ? ` /GTS_PDFXConformance ${psString(name)}` : '';
  return `%!PS
% PDF/X keys and output intent, written by book (scripts/output/print/pdfx.ts).
[ /GTS_PDFXVersion ${psString(name)}${conformance} /Trapped /False /DOCINFO pdfmark
[ /_objdef {icc_PDFX} /type /stream /OBJ pdfmark
[ {icc_PDFX} << /N 4 >> /PUT pdfmark
[ {icc_PDFX} ${psString(profile.file)} (r) file /PUT pdfmark
[ /_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark
[ {OutputIntent_PDFX} <<
  /Type /OutputIntent
  /S /GTS_PDFX
  /OutputConditionIdentifier ${psString(fogra39.identifier)}
  /RegistryName ${psString(fogra39.registry)}
  /OutputCondition ${psString(fogra39.condition)}
  /Info ${psString(profile.description)}
  /DestOutputProfile {icc_PDFX}
>> /PUT pdfmark
[ {Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark
`;
}

export interface PdfxOptions {
  version: Exclude<PdfxVersion, 'none'>;
  profile: PressProfile;
  /** The book's date: Ghostscript writes it as CreationDate and ModDate (SOURCE_DATE_EPOCH). */
  date: Date;
  /** A folder for the definitions file. */
  workDir: string;
}

/** Convert `input` to a PDF/X at `output`; returns the milliseconds Ghostscript took. */
export async function writePdfx(input: string, output: string, options: PdfxOptions): Promise<number> {
  const work = await mkdtemp(path.join(options.workDir, 'pdfx-'));
  const started = performance.now();
  try {
    // Ghostscript names the file (its /ID) after the paths it is given: relative names in the work
    // folder, the same in every build, keep two builds of the same book byte-identical.
    const definitions = path.join(work, 'pdfx-def.ps');
    await writeFile(definitions, pdfxDefinitions(options.version, options.profile), 'latin1');
    const press = path.join(work, 'black-as-k.pdf');
    await writeFile(press, (await pressColours(await readFile(input), options.profile.file, work)).pdf);
    const args = [
      '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER',
      `--permit-file-read=${path.dirname(options.profile.file)}/`,
      '-sDEVICE=pdfwrite',
      '-dPDFX=true',
      '-dPreserveAnnots=false',
      '-sColorConversionStrategy=CMYK',
      '-sProcessColorModel=DeviceCMYK',
      `-sOutputICCProfile=${options.profile.file}`,
      '-dRenderIntent=1',
      // The images are already on the press's inks (press-images.ts): kept lossless, at their resolution.
      '-dAutoFilterColorImages=false', '-sColorImageFilter=FlateEncode', '-dDownsampleColorImages=false',
      '-dAutoFilterGrayImages=false', '-sGrayImageFilter=FlateEncode', '-dDownsampleGrayImages=false',
      '-sOutputFile=pdfx.pdf',
      'pdfx-def.ps',
      'black-as-k.pdf',
    ];
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(Math.floor(options.date.getTime() / 1000)) };
    const { stdout, stderr } = await run('gs', args, { cwd: work, env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }).catch((error: NodeJS.ErrnoException & { stderr?: string; stdout?: string }) => {
      if (error.code === 'ENOENT') throw new BuildError('Ghostscript is not installed: the PDF/X needs `gs`. Run `bash scripts/setup.sh` (Debian package `ghostscript`), or set `print.pdfx: none` in book.yaml.');
      throw new BuildError(`Ghostscript could not write the PDF/X: ${`${error.stderr ?? ''}${error.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ')}`);
    });
    // Ghostscript says so, and writes a plain PDF, when something forbids PDF/X.
    const said = `${stdout}${stderr}`;
    if (/reverting to normal PDF output|not permitted in PDF\/X/i.test(said)) {
      throw new BuildError(`Ghostscript could not write a ${pdfxNames[options.version]}: ${said.trim().split('\n').join(' ')}`);
    }
    await copyFile(path.join(work, 'pdfx.pdf'), output);
    return Math.round(performance.now() - started);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
