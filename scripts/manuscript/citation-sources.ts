/**
 * The citation files a book names — bibliography files, CSL style, CSL locale — as plain data for
 * the model: where each is (or the name of a shipped style or locale) and where book.yaml names it,
 * for a message at that place. Nothing is read here: the citation stage (scripts/citations) reads
 * them when the book is compiled. Paths in book.yaml are relative to the manuscript folder (and
 * confined to it, see load-manuscript.ts); command-line paths to the working folder, as with pandoc.
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Point } from 'unist';
import type { BookConfig } from '../config/book-schema.ts';
import { citationMetadataKeys, type CitationMetadata } from '../config/citation-metadata.ts';

/** Where book.yaml names a setting: its file and the place of the value. */
export interface NamedIn {
  file: VFile;
  place: Point;
}

export interface BibliographySource {
  /** Absolute path of the file. */
  path: string;
  /** Where the file is named (book.yaml), for a message when it does not exist. */
  namedIn?: NamedIn;
}

export interface CitationSetting {
  value: string;
  /** The folder a relative path is read from: the manuscript's, or the working folder for an option. */
  base: string;
  namedIn?: NamedIn;
}

export interface CitationSources {
  bibliography: BibliographySource[];
  csl: CitationSetting;
  locale: CitationSetting;
  /** pandoc's citation metadata in book.yaml (nocite, inline references…: config/citation-metadata.ts). */
  metadata: CitationMetadata;
  /** Where book.yaml gives a value, by its path (`['references', 0]`), for messages about it. */
  namedAt?: (yamlPath: Array<string | number>) => NamedIn;
}

const isPath = (value: string, extension: string) => value.includes('/') || value.includes(path.sep) || value.toLowerCase().endsWith(extension);

/** Whether a `csl:` value is a path (read as it is) rather than the name of a shipped style. */
export const isStylePath = (value: string) => isPath(value, '.csl');
/** Whether a `locale:` value is a path rather than a tag. */
export const isLocalePath = (value: string) => isPath(value, '.xml');

/** What book.yaml (or the command line, for a folder without one) names, relative to `base`. */
export function citationSourcesOf(
  config: Pick<BookConfig, 'bibliography' | 'csl' | 'locale'> & Partial<CitationMetadata>,
  base: string,
  configFile?: { file: VFile; placeOfPath: (path: Array<string | number>) => Point },
): CitationSources {
  const files = config.bibliography === undefined ? [] : Array.isArray(config.bibliography) ? config.bibliography : [config.bibliography];
  const named = (yamlPath: Array<string | number>): NamedIn | undefined =>
    configFile ? { file: configFile.file, place: configFile.placeOfPath(yamlPath) } : undefined;
  return {
    bibliography: files.map((file, i) => ({
      path: path.resolve(base, file),
      namedIn: named(Array.isArray(config.bibliography) ? ['bibliography', i] : ['bibliography']),
    })),
    csl: { value: config.csl, base, namedIn: named(['csl']) },
    locale: { value: config.locale, base, namedIn: named(['locale']) },
    metadata: Object.fromEntries(citationMetadataKeys.filter((key) => config[key] !== undefined).map((key) => [key, config[key]])) as CitationMetadata,
    ...(configFile ? { namedAt: (yamlPath: Array<string | number>) => named(yamlPath)! } : {}),
  };
}
