/**
 * Finds what a manuscript folder holds: `book.yaml` and the chapter files it lists, or, without one,
 * every Markdown file of the folder in name order. Every file book.yaml names must lie inside the
 * folder (scripts/manuscript/inside.ts): one that does not stops the build before anything is read.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { bookSchema, generatedBackMatter, type BookConfig, type GeneratedBackMatter } from '../config/book-schema.ts';
import { loadBookConfig, parseYamlWithPlaces } from '../config/load-config.ts';
import type { BookMeta, ChapterSource } from '../model/index.ts';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import { citationSourcesOf, isLocalePath, isStylePath, type CitationSources } from './citation-sources.ts';
import { describeProblem, resolveInside } from './inside.ts';
import { readManuscriptFile, readText } from './read-text.ts';
import { readNamesRegistry, type NamesRegistry } from './names.ts';
import { resolveBookFonts } from './fonts.ts';
import { readPlacesRegistry, type PlacesRegistry } from './places.ts';
import { readGlossary, type Glossary } from './glossary.ts';

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
  /** The bibliography files, CSL style and locale, resolved; the citation stage reads them (scripts/citations). */
  citations: CitationSources;
  /** The names registry (`names:`), when book.yaml names one and it is valid. */
  names?: NamesRegistry;
  /** The places registry (`places:`), when book.yaml names one and it is valid. */
  places?: PlacesRegistry;
  /** The glossary (`glossary:`) with the abbreviations (there or in `abbreviations:`), when named and valid. */
  glossary?: Glossary;
}

const exists = (file: string) => stat(file).then(() => true, () => false);
/** Whether anything is there, a broken symbolic link included (it then gets a message, not silence). */
const present = (file: string) => lstat(file).then(() => true, () => false);

export const isGeneratedBackMatter = (entry: string): entry is GeneratedBackMatter => (generatedBackMatter as readonly string[]).includes(entry);

export function partId(index: number): string {
  return `partie-${index + 1}`;
}

export async function loadManuscript(options: ManuscriptOptions): Promise<Manuscript> {
  if (options.files && options.files.length > 0) return loadPlainFiles(options.files.map((f) => path.resolve(f)), options);
  const root = path.resolve(options.manuscript);
  const configPath = path.join(root, 'book.yaml');
  if (!(await exists(root))) {
    const file = new VFile({ path: root });
    report(file, 'manuscript-missing', `Manuscript folder \`${options.manuscript}\` does not exist; give an existing folder with --manuscript, run book inside a book's folder (one with a book.yaml), or start one with \`book init DIR\``);
    throw new BuildError('The manuscript cannot be read.', [file]);
  }
  if (await present(configPath)) return loadBook(root, configPath);
  return loadPlainFolder(root, options);
}

/**
 * The files book.yaml names besides the chapters, with where it names them: each must lie inside
 * the manuscript folder. Style and locale count only when given as paths (a name such as
 * `chicago-fullnote-bibliography` is looked up among the shipped styles).
 */
function namedFiles(config: BookConfig): Array<{ value: string; yamlPath: Array<string | number>; what: string }> {
  const named: Array<{ value: string; yamlPath: Array<string | number>; what: string }> = [];
  const bibliography = config.bibliography;
  if (typeof bibliography === 'string') named.push({ value: bibliography, yamlPath: ['bibliography'], what: 'Bibliography' });
  else bibliography?.forEach((value, i) => named.push({ value, yamlPath: ['bibliography', i], what: 'Bibliography' }));
  if (isStylePath(config.csl)) named.push({ value: config.csl, yamlPath: ['csl'], what: 'CSL style' });
  if (isLocalePath(config.locale)) named.push({ value: config.locale, yamlPath: ['locale'], what: 'CSL locale' });
  if (config.names) named.push({ value: config.names, yamlPath: ['names'], what: 'Names registry' });
  if (config.places) named.push({ value: config.places, yamlPath: ['places'], what: 'Places registry' });
  if (config.glossary) named.push({ value: config.glossary, yamlPath: ['glossary'], what: 'Glossary' });
  if (config.abbreviations) named.push({ value: config.abbreviations, yamlPath: ['abbreviations'], what: 'List of abbreviations' });
  return named;
}

function outsideMessage(what: string, value: string, root: string): string {
  return `${what} \`${value}\` named in book.yaml is outside the manuscript folder ${root}; move the file into the folder and name it by its path there`;
}

/** book.yaml itself: it too must be a file of the folder, in UTF-8. */
async function readConfigFile(root: string, configPath: string): Promise<VFile> {
  const resolved = resolveInside(root, 'book.yaml');
  if (resolved.problem !== undefined) {
    const file = new VFile({ path: configPath });
    const outside = resolved.problem === 'outside';
    report(file, outside ? 'path-outside-manuscript' : 'manuscript-missing', `book.yaml ${describeProblem(resolved.problem)}${outside ? ` (${root})` : ''}; ${outside ? 'put the book’s own book.yaml in the folder' : 'replace it with the book’s book.yaml'}`);
    throw new BuildError('book.yaml cannot be read.', [file]);
  }
  const { file, ok } = await readManuscriptFile(configPath, 'book.yaml');
  if (!ok) throw new BuildError('book.yaml cannot be read.', [file]);
  return file;
}

async function loadBook(root: string, configPath: string): Promise<Manuscript> {
  const configFile = await readConfigFile(root, configPath);
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
  // `glossary`, `bibliography`… place what the build makes (scripts/apparatus/back-order.ts): no file.
  config.contents.back.forEach((file, i) => {
    if (!isGeneratedBackMatter(file)) listed.push({ file, yamlPath: ['contents', 'back', i], source: { matter: 'back' } });
  });

  const seen = new Set<string>();
  for (const entry of listed) {
    const full = path.resolve(root, entry.file);
    const place = placeOfPath(entry.yamlPath);
    const resolved = seen.has(full) ? undefined : resolveInside(root, entry.file);
    if (!resolved) {
      report(configFile, 'config-invalid', `Chapter \`${entry.file}\` is listed twice in book.yaml; list each file once`, place);
    } else if (resolved.problem === 'outside') {
      report(configFile, 'path-outside-manuscript', outsideMessage('Chapter file', entry.file, root), place);
    } else if (resolved.problem !== undefined) {
      const where = resolved.problem === 'missing' ? ` in ${root}` : '';
      report(configFile, 'config-invalid', `Chapter file \`${entry.file}\` listed in book.yaml ${describeProblem(resolved.problem)}${where}; create it or correct the name`, place);
    }
    seen.add(full);
    sources.push({ path: full, ...entry.source });
  }
  for (const named of namedFiles(config)) {
    if (resolveInside(root, named.value).problem === 'outside') {
      report(configFile, 'path-outside-manuscript', outsideMessage(named.what, named.value, root), placeOfPath(named.yamlPath));
    }
  }
  const fonts = resolveBookFonts(config.fonts, root, { file: configFile, placeOfPath });
  if (sources.length === 0) {
    report(configFile, 'config-invalid', 'book.yaml lists no chapter: add files under `contents`', placeOfPath(['contents']));
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
    fonts: 'problems' in fonts ? undefined : fonts,
  };
  const citations = citationSourcesOf(config, root, { file: configFile, placeOfPath });
  const names = config.names ? await readNamesRegistry(root, config.names, { file: configFile, place: placeOfPath(['names']) }) : { files: [] };
  const places = config.places ? await readPlacesRegistry(root, config.places, { file: configFile, place: placeOfPath(['places']) }) : { files: [] };
  const glossary = config.glossary ? await readGlossary(root, config.glossary, 'glossary', { file: configFile, place: placeOfPath(['glossary']) }) : { files: [] };
  const abbreviations = config.abbreviations
    ? await readGlossary(root, config.abbreviations, 'abbreviations', { file: configFile, place: placeOfPath(['abbreviations']) })
    : { files: [] };
  return {
    root,
    meta,
    sources,
    configFile,
    files: [configFile, ...names.files, ...places.files, ...glossary.files, ...abbreviations.files],
    citations,
    names: names.registry,
    places: places.registry,
    glossary: mergeGlossaries(glossary, abbreviations, Boolean(config.glossary), Boolean(config.abbreviations)),
  };
}

/**
 * The glossary with the abbreviations of both files; undefined when a file named is not valid (its
 * messages say why) or when none is named.
 */
function mergeGlossaries(
  glossary: { registry?: Glossary },
  abbreviations: { registry?: Glossary },
  glossaryNamed: boolean,
  abbreviationsNamed: boolean,
): Glossary | undefined {
  if ((glossaryNamed && !glossary.registry) || (abbreviationsNamed && !abbreviations.registry)) return undefined;
  const base = glossary.registry ?? abbreviations.registry;
  if (!base) return undefined;
  return { ...base, abbreviations: [...(glossary.registry?.abbreviations ?? []), ...(abbreviations.registry?.abbreviations ?? [])] };
}

async function loadPlainFolder(root: string, options: ManuscriptOptions): Promise<Manuscript> {
  if ((await stat(root)).isFile()) return loadPlainFiles([root], options);
  const names = (await readdir(root)).filter((name) => /\.(md|markdown)$/i.test(name) && !/^readme\.md$/i.test(name));
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0) {
    const file = new VFile({ path: root });
    report(file, 'manuscript-missing', `No book.yaml and no Markdown file in ${root}; add chapters as .md files or a book.yaml`);
    throw new BuildError('The manuscript is empty.', [file]);
  }
  // The folder's Markdown files are the manuscript's as if listed: a link out of it, broken or looping, is refused.
  const refused: VFile[] = [];
  for (const name of names) {
    const resolved = resolveInside(root, name);
    if (resolved.problem === undefined) continue;
    const file = new VFile({ path: path.join(root, name) });
    const outside = resolved.problem === 'outside';
    report(file, outside ? 'path-outside-manuscript' : 'manuscript-missing', `\`${name}\` ${describeProblem(resolved.problem)}${outside ? ` (${root})` : ''}; ${outside ? 'copy the file into the folder instead of linking to it' : 'remove it or make it a Markdown file'}`);
    refused.push(file);
  }
  if (refused.length > 0) throw new BuildError('A file of the manuscript folder cannot be read.', refused);
  return loadPlainFiles(names.map((name) => path.join(root, name)), options);
}

/** Markdown files without a book.yaml: one body chapter each, in the order given. */
async function loadPlainFiles(paths: string[], options: ManuscriptOptions): Promise<Manuscript> {
  for (const file of paths) {
    if (!(await exists(file))) {
      const missing = new VFile({ path: file });
      report(missing, 'manuscript-missing', `File \`${file}\` does not exist`);
      throw new BuildError('A Markdown file cannot be found.', [missing]);
    }
  }
  const folder = path.dirname(paths[0]);
  const names = paths.map((p) => path.relative(folder, p));
  const sources: ChapterSource[] = paths.map((p) => ({ path: p, matter: 'body' }));
  // The title is the first heading of the first file, as a reader of that folder would expect.
  // A file that cannot be read is reported when the chapters are read (scripts/compile.ts).
  const first = await readText(sources[0].path);
  const firstText = first.problem === undefined ? first.text : '';
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(firstText.replace(/^---\n[\s\S]*?\n---\n/, ''));
  const config = bookSchema.parse({
    title: heading?.[1] ?? path.basename(folder),
    bibliography: options.bibliography,
    ...(options.csl ? { csl: options.csl } : {}),
    // The book's language from a locale tag (`fr-FR` → fr); a locale given as a file says nothing of it.
    ...(options.locale ? { locale: options.locale, ...(/^[a-z]{2,3}(-|$)/.test(options.locale) ? { language: options.locale.split('-')[0] } : {}) } : {}),
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
