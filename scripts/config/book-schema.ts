/**
 * The one schema of `book.yaml`. It gives the TypeScript types, the validation and (through the
 * `describe` texts) the words of the error messages. See docs/manuscript-format.md.
 */
import { z } from 'zod';
import { citationMetadataShape } from './citation-metadata.ts';
import { printSchema } from './print-schema.ts';

const markdownFile = z
  .string()
  .regex(/\.(md|markdown)$/i, 'a Markdown file name ending in .md')
  .describe('a Markdown file name, relative to the manuscript folder');

const date = z
  .union([z.string(), z.number(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)))
  .pipe(z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date as YYYY, YYYY-MM or YYYY-MM-DD'));

const people = z.array(z.string().min(1)).default([]);

export const severitySetting = z.enum(['error', 'warning', 'info', 'off']);

const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as fr, kk or ru-Latn');

/**
 * The back matter the build makes, by the names `contents.back` may give them among its files to
 * place them (docs/manuscript-format.md, « Back matter »): those it does not name follow the
 * author's files in the order of `defaultBackMatter`.
 */
export const generatedBackMatter = ['glossary', 'places-index', 'names-index', 'illustrations', 'biographies', 'bibliography'] as const;
export type GeneratedBackMatter = (typeof generatedBackMatter)[number];
/** Glossary and notes first, then the sources, then the indexes and tables (the usual French order). */
export const defaultBackMatter: readonly GeneratedBackMatter[] = ['glossary', 'biographies', 'bibliography', 'names-index', 'places-index', 'illustrations'];

const backEntry = z
  .string()
  .refine(
    (value) => /\.(md|markdown)$/i.test(value) || (generatedBackMatter as readonly string[]).includes(value),
    `a Markdown file name ending in .md, or one of ${generatedBackMatter.join(', ')}`,
  );

export const partSchema = z
  .object({
    title: z.string().min(1),
    chapters: z.array(markdownFile).min(1, 'at least one chapter file'),
  })
  .strict();

const fontFile = z
  .string()
  .regex(/\.(woff2|woff|otf|ttf)$/i, 'a font file name ending in .woff2, .woff, .otf or .ttf')
  .describe('a font file, relative to the manuscript folder');

/**
 * The book's type (scripts/manuscript/fonts.ts): a family from an @fontsource package, or the
 * four faces the stylesheets use as files of the manuscript.
 */
export const fontsSchema = z
  .object({
    // Written into the editions' CSS: letters, digits, spaces, dots and hyphens only.
    family: z
      .string()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'a font family name such as EB Garamond (letters, digits, spaces, dots, hyphens)')
      .default('EB Garamond'),
    files: z
      .object({ regular: fontFile, italic: fontFile, bold: fontFile, 'bold-italic': fontFile })
      .strict()
      .optional(),
    licence: z.string().min(1).optional(),
  })
  .strict();

export const bookSchema = z
  .object({
    title: z.string().min(1, 'a non-empty title'),
    subtitle: z.string().optional(),
    editors: people,
    authors: people,
    translators: people,
    language: languageTag.default('fr'),
    publisher: z.string().optional(),
    rights: z.string().optional(),
    date: date.optional(),
    status: z.enum(['draft', 'release']).default('draft'),
    identifiers: z
      .object({
        isbn: z.string().optional(),
        uuid: z.string().uuid('a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427').optional(),
      })
      .strict()
      .default({}),
    bibliography: z.union([z.string(), z.array(z.string())]).optional(),
    csl: z.string().default('chicago-fullnote-bibliography'),
    locale: z.string().default('fr-FR'),
    names: z.string().optional(),
    places: z.string().optional(),
    glossary: z.string().optional(),
    abbreviations: z.string().optional(),
    todo: z.enum(['allow', 'refuse']).default('allow'),
    rules: z.record(z.string(), severitySetting).default({}),
    trim: z
      .object({ width: z.string().default('156mm'), height: z.string().default('234mm') })
      .strict()
      .default({}),
    // pandoc's citation metadata and the bibliography's sections (citation-metadata.ts).
    ...citationMetadataShape,
    contents: z
      .object({
        front: z.array(markdownFile).default([]),
        parts: z.array(partSchema).default([]),
        chapters: z.array(markdownFile).default([]),
        back: z.array(backEntry).default([]),
      })
      .strict(),
    fonts: fontsSchema.default({}),
    /** The back cover's text (plain paragraphs, separated by blank lines): build/book-cover.pdf. */
    'back-cover': z.string().optional(),
    /** Print production: printer preset, PDF/X, paper, ink limit (scripts/config/print-schema.ts). */
    print: printSchema,
  })
  .strict();

export type BookConfig = z.output<typeof bookSchema>;
export type SeveritySetting = z.output<typeof severitySetting>;
