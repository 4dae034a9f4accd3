/** `book fix`: apply the typography fixes the checks can make safely (scripts/typography/), like `eslint --fix`. */
import path from 'node:path';
import { BuildError } from '../errors.ts';
import { defineCommand, isFolder, manuscriptOf, manuscriptOption, printMessages, reporterOption } from './command.ts';

export default defineCommand({
  names: ['fix'],
  usage: ['fix [DIR | FILE.md ...] [--dry-run]'],
  summary: [
    'Apply the French typography fixes that are safe (1939-1945 → 1939–1945, no 7 → n^o^ 7,',
    '“ ” → « », ... → …), changing only those bytes. Lists each change.',
  ],
  options: {
    manuscript: manuscriptOption,
    reporter: reporterOption,
    'dry-run': { type: 'boolean', description: 'With fix: list the changes, write nothing.' },
  },
  async run({ values, positionals, io }) {
    const dryRun = values['dry-run'] ?? false;
    const { describeFixes, fixManuscript } = await import('../typography/fix-files.ts');
    let results;
    try {
      results = await fixManuscript({ manuscript: manuscriptOf(values, positionals), files: positionals.filter((p) => !isFolder(p)) }, { dryRun });
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      await printMessages(error.files, io, values.reporter ?? reporterOption.default, false);
      io.stderr.write(`book fix: ${error.message}\n`);
      return 1;
    }
    const lines = describeFixes(results, (file) => path.relative(process.cwd(), file) || file);
    for (const line of lines) io.stdout.write(`${line}\n`);
    if (!values.quiet) {
      const files = results.filter((result) => result.changes.length > 0).length;
      const count = `${lines.length} change${lines.length > 1 ? 's' : ''} in ${files} file${files > 1 ? 's' : ''}`;
      io.stderr.write(
        lines.length === 0 ? 'book fix: nothing to fix\n' : dryRun ? `book fix: ${count} to make (dry run: nothing written)\n` : `book fix: ${count}\n`,
      );
    }
    return 0;
  },
});
