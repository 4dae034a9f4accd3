/**
 * Reads the book's bibliography files once: CSL-JSON (`.json`) and BibTeX / BibLaTeX (`.bib`,
 * `.bibtex`, `.biblatex`), as pandoc tells them apart, by extension. Nothing is reported here: what
 * cannot be read is recorded with its place, and the `bibliography-invalid` check reports it.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import { BuildError } from '../errors.ts';
import { readManuscriptFile, readText } from '../manuscript/read-text.ts';
import type { BibliographySource } from '../manuscript/citation-sources.ts';
import type { Bibliography, BibliographyEntry, BibliographyProblem } from './types.ts';
import { readCslJson, type ReadResult } from './csl-json.ts';

/** The reader of a bibliography file, by extension; the BibTeX parser is loaded only for a BibTeX file (start-up, docs/startup.md). */
async function readerFor(file: string): Promise<((file: VFile) => ReadResult) | undefined> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return readCslJson;
  if (extension === '.bib' || extension === '.bibtex' || extension === '.biblatex') return (await import('./bibtex.ts')).readBibtex;
  return undefined;
}

export async function loadBibliography(sources: BibliographySource[]): Promise<Bibliography> {
  const bibliography: Bibliography = { files: [], entries: [], byId: new Map(), problems: [], configured: sources.length > 0 };
  const notUtf8: VFile[] = [];
  for (const source of sources) {
    const contents = await readText(source.path);
    if (contents.problem === 'encoding') {
      notUtf8.push((await readManuscriptFile(source.path, 'This bibliography')).file);
      continue;
    }
    if (contents.problem === 'unreadable') {
      // Named in book.yaml: the message goes there. Named on the command line: on the missing path.
      const file = source.namedIn?.file ?? new VFile({ path: source.path });
      if (!source.namedIn) bibliography.files.push(file);
      bibliography.problems.push({
        file,
        reason: `Bibliography file \`${source.path}\` ${contents.reason}; correct the name${source.namedIn ? ' in book.yaml' : ' given with --bibliography'} or export the bibliography there`,
        place: source.namedIn?.place,
        unreadable: true,
      });
      continue;
    }
    const file = new VFile({ path: source.path, value: contents.text });
    bibliography.files.push(file);
    const read = await readerFor(source.path);
    if (!read) {
      bibliography.problems.push({
        file,
        reason: `Bibliography \`${path.basename(source.path)}\` is neither CSL-JSON (.json) nor BibTeX (.bib); export it from Zotero in one of these formats`,
        place: { line: 1, column: 1 },
        unreadable: true,
      });
      continue;
    }
    const result = read(file);
    for (const problem of result.problems) bibliography.problems.push({ file, ...problem } satisfies BibliographyProblem);
    for (const entry of result.entries) {
      const full: BibliographyEntry = { id: entry.item.id, item: entry.item, file, place: entry.place, typeAsWritten: entry.typeAsWritten };
      bibliography.entries.push(full);
      if (!bibliography.byId.has(full.id)) bibliography.byId.set(full.id, full);
    }
  }
  if (notUtf8.length > 0) throw new BuildError(`${notUtf8.length > 1 ? 'Bibliography files are' : 'A bibliography file is'} not valid UTF-8.`, notUtf8);
  return bibliography;
}
