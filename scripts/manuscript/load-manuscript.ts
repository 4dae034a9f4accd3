/**
 * Finds what a manuscript folder holds: `book.yaml` and the chapter files it lists, or, without one,
 * every Markdown file of the folder in name order.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { bookSchema } from '../config/book-schema.ts';
import { loadBookConfig, parseYamlWithPlaces } from '../config/load-config.ts';
import type { BookMeta, ChapterSource } from '../model.ts';
import { BuildError } from '../errors.ts';
import { citationSourcesOf, type CitationSources } from '../citations/index.ts';

export interface ManuscriptOptions {
  /** The manuscript folder (or a single Markdown file). */
  manuscript: string;
  /** Markdown files to read instead of a folder (no book.yaml). */
  files?: string[];
  /** Overrides for a folder without book.yaml, as pandoc takes them. */
  bibliography?: string[];
  csl?: string;
  locale?: string;
}

export interface Manuscript {
  root: string;
  meta: BookMeta;
  sources: ChapterSource[];
  configFile?: VFile;
  files: VFile[];
  /** The bibliography files, CSL style and locale, resolved (scripts/citations). */
  citations: CitationSources;
}

const exists = (file: string) => stat(file).then(() => true, () => false);

export function partId(index: number): string {
  return `partie-${index + 1}`;
}

export async function loadManuscript(options: ManuscriptOptions): Promise<Manuscript> {
  if (options.files && options.files.length > 0) return loadPlainFiles(options.files.map((f) => path.resolve(f)), options);
  const root = path.resolve(options.manuscript);
  const configPath = path.join(root, 'book.yaml');
  if (!(await exists(root))) {
    const file = new VFile({ path: root });
    file.message(`Manuscript folder \`${options.manuscript}\` does not exist; give an existing folder with --manuscript`, { ruleId: 'manuscript-missing', source: 'book' }).fatal = true;
    throw new BuildError('The manuscript cannot be read.', [file]);
  }
  if (await exists(configPath)) return loadBook(root, configPath);
  return loadPlainFolder(root, options);
}

async function loadBook(root: string, configPath: string): Promise<Manuscript> {
  const configFile = new VFile({ path: configPath, value: await readFile(configPath, 'utf8') });
  const config = loadBookConfig(configFile);
  if (!config) throw new BuildError('book.yaml is not valid.', [configFile]);

  const { placeOfPath } = parseYamlWithPlaces(String(configFile.value));
  const sources: ChapterSource[] = [];
  const listed: Array<{ file: string; yamlPath: Array<string | number>; source: Omit<ChapterSource, 'path'> }> = [];
  config.contents.front.forEach((file, i) => listed.push({ file, yamlPath: ['contents', 'front', i], source: { matter: 'front' } }));
  config.contents.chapters.forEach((file, i) => listed.push({ file, yamlPath: ['contents', 'chapters', i], source: { matter: 'body' } }));
  config.contents.parts.forEach((part, p) =>
    part.chapters.forEach((file, i) =>
      listed.push({ file, yamlPath: ['contents', 'parts', p, 'chapters', i], source: { matter: 'body', part: p } }),
    ),
  );
  config.contents.back.forEach((file, i) => listed.push({ file, yamlPath: ['contents', 'back', i], source: { matter: 'back' } }));

  const seen = new Set<string>();
  for (const entry of listed) {
    const full = path.resolve(root, entry.file);
    if (seen.has(full)) {
      configFile.message(`Chapter \`${entry.file}\` is listed twice in book.yaml; list each file once`, {
        place: placeOfPath(entry.yamlPath), ruleId: 'config-invalid', source: 'book',
      }).fatal = true;
    } else if (!(await exists(full))) {
      configFile.message(`Chapter file \`${entry.file}\` listed in book.yaml does not exist in ${root}; create it or correct the name`, {
        place: placeOfPath(entry.yamlPath), ruleId: 'config-invalid', source: 'book',
      }).fatal = true;
    }
    seen.add(full);
    sources.push({ path: full, ...entry.source });
  }
  if (sources.length === 0) {
    configFile.message('book.yaml lists no chapter: add files under `contents`', {
      place: placeOfPath(['contents']), ruleId: 'config-invalid', source: 'book',
    }).fatal = true;
  }
  if (configFile.messages.some((m) => m.fatal)) throw new BuildError('book.yaml is not valid.', [configFile]);

  const meta: BookMeta = {
    title: config.title,
    subtitle: config.subtitle,
    editors: config.editors,
    authors: config.authors,
    translators: config.translators,
    language: config.language,
    publisher: config.publisher,
    rights: config.rights,
    date: config.date,
    status: config.status,
    identifiers: config.identifiers,
    parts: config.contents.parts.map((part, i) => ({ title: part.title, id: partId(i) })),
    config,
  };
  const citations = citationSourcesOf(config, root, { file: configFile, placeOfPath });
  return { root, meta, sources, configFile, files: [configFile], citations };
}

async function loadPlainFolder(root: string, options: ManuscriptOptions): Promise<Manuscript> {
  if ((await stat(root)).isFile()) return loadPlainFiles([root], options);
  const names = (await readdir(root)).filter((name) => /\.(md|markdown)$/i.test(name) && !/^readme\.md$/i.test(name));
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0) {
    const file = new VFile({ path: root });
    file.message(`No book.yaml and no Markdown file in ${root}; add chapters as .md files or a book.yaml`, { ruleId: 'manuscript-missing', source: 'book' }).fatal = true;
    throw new BuildError('The manuscript is empty.', [file]);
  }
  return loadPlainFiles(names.map((name) => path.join(root, name)), options);
}

/** Markdown files without a book.yaml: one body chapter each, in the order given. */
async function loadPlainFiles(paths: string[], options: ManuscriptOptions): Promise<Manuscript> {
  for (const file of paths) {
    if (!(await exists(file))) {
      const missing = new VFile({ path: file });
      missing.message(`File \`${file}\` does not exist`, { ruleId: 'manuscript-missing', source: 'book' }).fatal = true;
      throw new BuildError('A Markdown file cannot be found.', [missing]);
    }
  }
  const folder = path.dirname(paths[0]);
  const names = paths.map((p) => path.relative(folder, p));
  const sources: ChapterSource[] = paths.map((p) => ({ path: p, matter: 'body' }));
  // The title is the first heading of the first file, as a reader of that folder would expect.
  const firstText = await readFile(sources[0].path, 'utf8');
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(firstText.replace(/^---\n[\s\S]*?\n---\n/, ''));
  const config = bookSchema.parse({
    title: heading?.[1] ?? path.basename(folder),
    bibliography: options.bibliography,
    ...(options.csl ? { csl: options.csl } : {}),
    ...(options.locale ? { locale: options.locale, language: options.locale.split('-')[0] } : {}),
    contents: { chapters: names },
  });
  const meta: BookMeta = {
    title: config.title,
    editors: [],
    authors: [],
    translators: [],
    language: config.language,
    status: 'draft',
    identifiers: {},
    parts: [],
    config,
  };
  // Options given on the command line are relative to the working folder, as with pandoc.
  return { root: folder, meta, sources, files: [], citations: citationSourcesOf(config, process.cwd()) };
}
