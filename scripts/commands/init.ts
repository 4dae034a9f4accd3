/**
 * `book init [DIR]`: a new book in DIR (default: the working folder), from the model in
 * templates/init/: a commented book.yaml, two sample chapters (a note, a citation, a testimony, a
 * quotation), a bibliography and a names registry. It builds at once: `cd DIR && book build`.
 * A file already there is never replaced: init refuses before writing anything.
 */
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import { defineCommand } from './command.ts';

/** The model book, copied file by file. */
export const initTemplateDir = fileURLToPath(new URL('../../templates/init/', import.meta.url));

const present = (file: string) => lstat(file).then(() => true, () => false);

/** Create the model book in `dir`; returns the names written. Refuses (UsageError) if any of them is there already. */
export async function initBook(dir: string): Promise<string[]> {
  const names = (await readdir(initTemplateDir)).sort();
  const taken = [];
  for (const name of names) if (await present(path.join(dir, name))) taken.push(name);
  if (await present(path.join(dir, 'book.yaml'))) {
    throw new UsageError(`\`${dir}\` already holds a book (book.yaml); choose an empty or new folder: book init DIR`);
  }
  if (taken.length > 0) {
    throw new UsageError(`\`${dir}\` already holds ${taken.map((name) => `\`${name}\``).join(', ')}, which book init would write; choose an empty or new folder: book init DIR`);
  }
  await mkdir(dir, { recursive: true });
  // COPYFILE_EXCL: a file that appeared meanwhile is still not replaced.
  for (const name of names) await copyFile(path.join(initTemplateDir, name), path.join(dir, name), constants.COPYFILE_EXCL);
  return names;
}

export default defineCommand({
  names: ['init'],
  usage: ['init [DIR]'],
  summary: ['Create a new book in DIR (default: here): book.yaml, two sample chapters, a bibliography.'],
  options: {},
  async run({ values, positionals, io }) {
    if (positionals.length > 1) throw new UsageError(`book init takes one folder, not ${positionals.length}: book init [DIR]`);
    const dir = positionals[0] ?? '.';
    const names = await initBook(path.resolve(dir));
    if (!values.quiet) {
      const relative = path.relative(process.cwd(), path.resolve(dir));
      const shown = relative === '' ? '.' : relative.startsWith('..') ? path.resolve(dir) : relative;
      io.stderr.write(`book init: a new book in ${shown}: ${names.join(', ')}\n`);
      io.stderr.write(`Next: ${shown === '.' ? '' : `cd ${shown.includes(' ') ? JSON.stringify(shown) : shown} && `}book check && book build\n`);
    }
    return 0;
  },
});
