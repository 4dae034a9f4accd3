/** `book check`: the checks alone, no edition written; `--rules` lists the catalogue. */
import path from 'node:path';
import { UsageError } from '../errors.ts';
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
    // The pipeline is loaded when the command runs, not for `book --help` (docs/startup.md).
    if (values.rules) {
      const { rulesList } = await import('../check/reporters.ts');
      io.stdout.write(rulesList());
      return 0;
    }
    const quiet = values.quiet ?? false;
    const reporterName = values.reporter ?? reporterOption.default;
    const { only, ...options } = manuscriptOptions(values, positionals);
    const [{ compileAndCheck }, { diagnosticsOf }] = await Promise.all([import('../build.ts'), import('../check/messages.ts')]);
    const { book, diagnostics: all } = await compileAndCheck(options, { renderCitations: false });
    // Files named inside a book: the whole book is read (its links, notes and citations span
    // chapters), and the messages are those of the files named (book.yaml's too, if it has any).
    let files = book.files;
    let chapters = book.chapters.length;
    if (only) {
      const chapterPaths = new Set(book.chapters.map((chapter) => path.resolve(chapter.source.path)));
      const strays = only.filter((file) => !chapterPaths.has(file));
      if (strays.length > 0) {
        throw new UsageError(
          `${strays.map((file) => `\`${path.relative(process.cwd(), file)}\``).join(', ')} ${strays.length > 1 ? 'are not chapters' : 'is not a chapter'} of the book in \`${options.manuscript}\`: list ${strays.length > 1 ? 'them' : 'it'} under \`contents\` in its book.yaml, or check ${strays.length > 1 ? 'them' : 'it'} on ${strays.length > 1 ? 'their' : 'its'} own from a folder outside the book`,
        );
      }
      const kept = new Set([...only, ...(book.root ? [path.resolve(book.root, 'book.yaml')] : [])]);
      files = book.files.filter((file) => file.path !== undefined && kept.has(path.resolve(file.path)));
      chapters = only.length;
    }
    const diagnostics = only ? diagnosticsOf(files) : all;
    await printMessages(files, io, reporterName, quiet);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (reporterName === 'human' && !quiet) {
      const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
      const infos = diagnostics.length - errors - warnings;
      const what = only ? `${chapters} of ${book.chapters.length} chapters` : `${chapters} chapters`;
      io.stderr.write(`book check: ${what}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info\n`);
    }
    return errors > 0 ? 1 : 0;
  },
});
