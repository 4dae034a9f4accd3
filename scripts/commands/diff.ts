/** `book diff`: word-level differences of the rendered text between two revisions (scripts/diff/). */
import path from 'node:path';
import { defineCommand, manuscriptOf, manuscriptOption, outOption } from './command.ts';
import { outOf } from './book-folder.ts';

export default defineCommand({
  names: ['diff'],
  usage: ['diff REV1 [REV2] [--manuscript DIR] [--out DIR]'],
  summary: [
    'Word-level differences of the rendered text between two git revisions (REV2 left',
    'out: the working tree), as HTML pages in build/diff/.',
  ],
  options: { manuscript: manuscriptOption, out: outOption },
  async run({ values, positionals, io }) {
    const [from, to, ...extra] = positionals;
    if (!from || extra.length > 0) {
      io.stderr.write('book diff: give one or two git revisions: book diff REV1 [REV2]\n');
      return 2;
    }
    // The arguments are revisions: the manuscript comes only from --manuscript.
    const [{ checkOutputPlace }, { diffRevisions, describeDiff }] = await Promise.all([import('../output/ownership.ts'), import('../diff/index.ts')]);
    const manuscript = manuscriptOf(values, []);
    const out = outOf(values, []);
    await checkOutputPlace(out, [manuscript]);
    const result = await diffRevisions({ manuscript, from, to, out: path.join(out, 'diff') });
    for (const line of describeDiff(result)) io.stdout.write(`${line}\n`);
    if (!values.quiet) io.stderr.write(`Differences: ${path.relative(process.cwd(), path.join(result.dir, 'index.html'))}\n`);
    return 0;
  },
});
