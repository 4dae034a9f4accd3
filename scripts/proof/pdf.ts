/**
 * The proof PDF: the print edition's own rendering (scripts/output/pdf, `writePdfEdition`) of the
 * marked chapters, with the proof stylesheet after the print design (templates/proof/
 * proof-print.css: A4, a wide right margin, paragraph numbers, messages beside the text) and the
 * proof line and watermark given to it as custom properties. The trimmed PDF the print edition
 * makes for screens is the proof.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Book } from '../model/index.ts';
import { PDF_FILES, writePdfEdition, type PdfEdition } from '../output/pdf/index.ts';
import { proofLabels, proofLine, type ProofInfo } from './pages.ts';

const proofTemplateDir = fileURLToPath(new URL('../../templates/proof/', import.meta.url));

export const PROOF_PDF = 'book-proof.pdf';

/** A CSS string (CSS Syntax Level 3 §4.3.5): quotes and backslashes escaped, line breaks as `\A`. */
export function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\A ')}"`;
}

export interface ProofPdf {
  file: string;
  pages: number;
  edition: PdfEdition;
}

/** Render the marked book (see marks.ts) as the proof PDF at `file`. */
export async function writeProofPdf(book: Book, file: string, info: ProofInfo, options: { timeoutMs?: number } = {}): Promise<ProofPdf> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'book-proof-pdf-'));
  try {
    const variables = path.join(work, 'proof-variables.css');
    await writeFile(variables, `:root {\n  --proof-line: ${cssString(proofLine(info))};\n  --proof-watermark: ${cssString(proofLabels(info.lang).watermark)};\n}\n`);
    const edition = await writePdfEdition(book, work, {
      stylesheets: [path.join(proofTemplateDir, 'proof-print.css'), variables],
      date: info.date,
      timeoutMs: options.timeoutMs,
    });
    await copyFile(path.join(work, PDF_FILES.screen), file);
    return { file, pages: edition.pages, edition };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
