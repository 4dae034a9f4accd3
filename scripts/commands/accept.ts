/** `book accept` and `book reject`: apply or discard the CriticMarkup in the sources (scripts/critic/). */
import path from 'node:path';
import { BuildError } from '../errors.ts';
import { defineCommand, isFolder, manuscriptOf, manuscriptOption, printMessages, reporterOption } from './command.ts';

export default defineCommand({
  names: ['accept', 'reject'],
  usage: ['accept|reject [DIR | FILE.md ...]'],
  summary: [
    'Apply every CriticMarkup correction ({++ ++}, {-- --}, {~~ ~> ~~}) in the files,',
    'or discard them; highlights and comments go either way. Lists each change.',
  ],
  options: { manuscript: manuscriptOption, reporter: reporterOption },
  async run({ name, values, positionals, io }) {
    const resolution = name === 'reject' ? 'reject' : 'accept';
    const { resolveManuscript, describeChanges } = await import('../critic/index.ts');
    let results;
    try {
      results = await resolveManuscript({ manuscript: manuscriptOf(values, positionals), files: positionals.filter((p) => !isFolder(p)) }, resolution);
    } catch (error) {
      // A refusal says itself which files were changed (none when a file is refused before any is
      // written); the build's "previous editions are untouched" would not be about the sources.
      if (!(error instanceof BuildError)) throw error;
      await printMessages(error.files, io, values.reporter ?? reporterOption.default, false);
      io.stderr.write(`book ${resolution}: ${error.message}\n`);
      return 1;
    }
    const lines = describeChanges(results, resolution, (file) => path.relative(process.cwd(), file) || file);
    for (const line of lines) io.stdout.write(`${line}\n`);
    if (!values.quiet) {
      const files = results.filter((result) => result.changes.length > 0).length;
      io.stderr.write(
        lines.length
          ? `book ${resolution}: ${lines.length} change${lines.length > 1 ? 's' : ''} in ${files} file${files > 1 ? 's' : ''}\n`
          : `book ${resolution}: No CriticMarkup in the manuscript; nothing changed\n`,
      );
    }
    return 0;
  },
});
