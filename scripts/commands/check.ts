/** `book check`: the checks alone, no edition written; `--rules` lists the catalogue. */
import { compileAndCheck } from '../build.ts';
import { rulesList } from '../check/reporters.ts';
import { defineCommand, draftOption, manuscriptOption, manuscriptOptions, printMessages, reporterOption, sourceOptions } from './command.ts';

export default defineCommand({
  names: ['check'],
  usage: ['check [DIR | FILE.md ...] [--reporter human|json|compact]', 'check --rules'],
  summary: ['Run the footnote, citation, source and structure checks. Exit 1 on any error.'],
  options: {
    manuscript: manuscriptOption,
    draft: draftOption,
    reporter: reporterOption,
    ...sourceOptions,
    rules: { type: 'boolean', description: 'With check: list the rule ids and their default severity.' },
  },
  async run({ values, positionals, io }) {
    if (values.rules) {
      io.stdout.write(rulesList());
      return 0;
    }
    const quiet = values.quiet ?? false;
    const reporterName = values.reporter ?? reporterOption.default;
    const { book, diagnostics } = await compileAndCheck(
      manuscriptOptions(values, positionals),
      { renderCitations: false },
    );
    printMessages(book.files, io, reporterName, quiet);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (reporterName === 'human' && !quiet) {
      const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
      const infos = diagnostics.length - errors - warnings;
      io.stderr.write(`book check: ${book.chapters.length} chapters, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info\n`);
    }
    return errors > 0 ? 1 : 0;
  },
});
