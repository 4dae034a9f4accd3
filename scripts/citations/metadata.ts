/**
 * pandoc's citation metadata (scripts/config/citation-metadata.ts) as the book gives it: book.yaml
 * read as pandoc reads a `--metadata-file`, each chapter's YAML front matter as a document's own
 * metadata. A chapter's value wins over book.yaml's, the first chapter's over later ones
 * (pandoc: the first definition of a field wins); `nocite` and `references` are gathered from all.
 * Inline `references` become bibliography entries placed where they are written.
 */
import type { Root } from 'mdast';
import type { Point } from 'unist';
import type { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import type { CslItem } from 'citeproc';
import { report } from '../check/messages.ts';
import { maxAliasCount } from '../config/load-config.ts';
import { citationMetadataKeys, citationMetadataSchema, type BibliographySection, type CitationMetadata } from '../config/citation-metadata.ts';
import type { CitationSources } from '../manuscript/citation-sources.ts';
import { nociteKeys } from '../markdown/citation-syntax.ts';
import { cslItemProblem } from './csl-item.ts';
import type { Bibliography } from './types.ts';

export interface InlineReference {
  value: Record<string, unknown>;
  file: VFile;
  place: Point;
}

export interface BookCitationMetadata {
  /** Keys named by `nocite`, in order; `*` for every work. */
  nocite: string[];
  /** Where each `nocite` is given, for a message about a key not in the bibliography. */
  nociteGiven: Array<{ keys: string[]; file: VFile; place: Point }>;
  suppressBibliography: boolean;
  linkCitations: boolean;
  referenceSectionTitle?: string;
  notesAfterPunctuation?: boolean;
  sections?: BibliographySection[];
  references: InlineReference[];
}

interface Given {
  metadata: CitationMetadata;
  file?: VFile;
  place?: (path: Array<string | number>) => Point | undefined;
}

/** The citation keys of a chapter's front matter, validated; other keys are the chapter's own. */
function frontMatterMetadata(tree: Root, file: VFile | undefined): Given | undefined {
  const node = tree.children[0];
  if (!node || node.type !== 'yaml') return undefined;
  let data: unknown;
  try {
    data = parseYaml(node.value, { maxAliasCount });
  } catch {
    return undefined; // compile.ts reports a front matter that is not YAML
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const own = Object.fromEntries(Object.entries(data).filter(([key]) => (citationMetadataKeys as string[]).includes(key)));
  if (Object.keys(own).length === 0) return undefined;
  const result = citationMetadataSchema.safeParse(own);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (file) report(file, 'front-matter-invalid', `Invalid value in the front matter: \`${issue.path.join('.')}\`: ${issue.message}; see docs/citations.md for pandoc's citation metadata`, node.position);
    }
    return undefined;
  }
  return { metadata: result.data, file, place: () => node.position?.start };
}

export function citationMetadata(sources: CitationSources, trees: readonly Root[], files: readonly (VFile | undefined)[]): BookCitationMetadata {
  // Without the chapter files (the live preview), the metadata is read but nothing is reported.
  const chapters = trees.flatMap((tree, i) => [frontMatterMetadata(tree, files[i])].filter((g): g is Given => g !== undefined));
  const book: Given = { metadata: sources.metadata, file: sources.namedAt?.([]).file, place: (p) => sources.namedAt?.(p).place };
  // The first definition wins: the chapters' (the document's own), then book.yaml (a metadata file).
  const ordered = [...chapters, book];
  const first = <K extends keyof CitationMetadata>(key: K): CitationMetadata[K] | undefined => ordered.find((g) => g.metadata[key] !== undefined)?.metadata[key];
  const all = [book, ...chapters];
  const keysOf = (g: Given) => {
    const value = g.metadata.nocite;
    return value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap(nociteKeys);
  };
  const nocite = all.flatMap(keysOf);
  const nociteGiven = all.flatMap((g) => {
    const place = g.place?.(['nocite']);
    return g.file && place && keysOf(g).length ? [{ keys: keysOf(g), file: g.file, place }] : [];
  });
  const references = all.flatMap((g) =>
    (g.metadata.references ?? []).flatMap((value, i): InlineReference[] => {
      const place = g.place?.(['references', i]);
      return g.file && place ? [{ value, file: g.file, place }] : [];
    }),
  );
  return {
    nocite,
    nociteGiven,
    suppressBibliography: first('suppress-bibliography') ?? false,
    linkCitations: first('link-citations') ?? false,
    referenceSectionTitle: first('reference-section-title'),
    notesAfterPunctuation: first('notes-after-punctuation'),
    sections: first('bibliography-sections'),
    references,
  };
}

/** `issued: 1953-04-25` or `issued: 1953` (CSL YAML, as pandoc takes it) → `date-parts`. */
function datesAsParts(value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  for (const key of ['issued', 'accessed', 'event-date', 'original-date', 'submitted']) {
    const date = out[key];
    const text = typeof date === 'number' ? String(date) : typeof date === 'string' ? date.trim() : undefined;
    const parts = text && /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
    if (parts) out[key] = { 'date-parts': [parts.slice(1).filter(Boolean).map(Number)] };
  }
  return out;
}

/** Inline references into the bibliography, after the files' entries; what cannot be used is a problem at its place. */
export function addInlineReferences(bibliography: Bibliography, references: readonly InlineReference[]): void {
  for (const { value, file, place } of references) {
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : '';
    if (id === '') {
      bibliography.problems.push({ file, place, unreadable: false, reason: 'An entry of `references` has no `id`; give it the key the manuscript cites it by' });
      continue;
    }
    const record = datesAsParts(value);
    const problem = cslItemProblem(record);
    if (problem) {
      bibliography.problems.push({ file, place, unreadable: false, reason: `Entry \`${id}\` of \`references\` cannot be used: ${problem}; correct it (until then it is left out of the bibliography)` });
      continue;
    }
    const typeAsWritten = typeof record.type === 'string' ? record.type : '';
    const entry = { id, item: { ...record, id, type: typeAsWritten } as CslItem, file, place, typeAsWritten };
    bibliography.entries.push(entry);
    if (!bibliography.byId.has(id)) bibliography.byId.set(id, entry);
  }
  if (references.length > 0) bibliography.configured = true;
}

/**
 * A `nocite` key that is not in the bibliography: pandoc warns; here `citation-unknown-key` at the
 * place of `nocite` (unless the bibliography could not be read at all: bibliography-invalid says so).
 */
export function reportUnknownNocite(bibliography: Bibliography, metadata: BookCitationMetadata): void {
  if (bibliography.problems.some((problem) => problem.unreadable)) return;
  for (const { keys, file, place } of metadata.nociteGiven) {
    for (const key of keys) {
      if (key === '*' || bibliography.byId.has(key)) continue;
      report(file, 'citation-unknown-key', `Key \`@${key}\` in \`nocite\` is not in the bibliography; correct the key or add the entry`, place);
    }
  }
}
