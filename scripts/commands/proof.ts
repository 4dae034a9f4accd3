/** `book proof`: proofs of the draft (scripts/proof/). */
import path from 'node:path';
import { defineCommand, manuscriptOf, manuscriptOption, outOption, printMessages, reporterOption } from './command.ts';
import { outOf } from './book-folder.ts';

export default defineCommand({
  names: ['proof'],
  usage: ['proof [--manuscript DIR] [--out DIR]'],
  summary: [
    'Proofs of the draft in build/proof/: HTML pages and book-proof.pdf with paragraph',
    'numbers, the check messages in the margin, corrections and editorial markers shown.',
  ],
  options: { manuscript: manuscriptOption, out: outOption, reporter: reporterOption },
  async run({ values, positionals, io }) {
    // The date a proof carries: now, or SOURCE_DATE_EPOCH (buildProof's default).
    const { buildProof } = await import('../proof/index.ts'); // loads the PDF writer: only when asked
    const result = await buildProof({ manuscript: manuscriptOf(values, positionals), out: outOf(values, positionals) });
    await printMessages(result.book.files, io, values.reporter ?? reporterOption.default, true);
    if (!values.quiet) {
      const flags = result.chapters.reduce((n, chapter) => n + chapter.placed.length + chapter.unplaced.length, 0);
      io.stderr.write(`Proofs: ${path.relative(process.cwd(), result.dir) || result.dir}/ (${result.pages.length} pages, ${flags} check messages shown)\n`);
    }
    return 0;
  },
});
