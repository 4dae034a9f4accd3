/**
 * pandoc's citation metadata (pandoc's manual, "Citations" and "Other relevant metadata fields"),
 * read from book.yaml and from any chapter's YAML front matter, and one option of ours:
 *
 *   nocite: '@a @b' | '@*'            works in the bibliography without being cited
 *   suppress-bibliography: true       no bibliography at all
 *   link-citations: true              each cited work linked to its bibliography entry
 *   reference-section-title: Sources  the title of the generated bibliography
 *   references: [ {id, type, …} ]     works given inline, as CSL-JSON (or CSL YAML) entries
 *   notes-after-punctuation: false    the note calls against the punctuation (default: the language's)
 *   bibliography-sections:            the bibliography in sections, by a field of its entries:
 *     - { title: Sources, field: type, values: [manuscript, interview] }
 *     - { title: Travaux }            (no field: every entry not in an earlier section)
 */
import { z } from 'zod';

export const bibliographySectionSchema = z
  .object({
    title: z.string().min(1, 'a non-empty title'),
    field: z.string().min(1).optional().describe('a CSL variable such as type, genre or keyword'),
    values: z.array(z.union([z.string(), z.number()]).transform(String)).min(1, 'at least one value').optional(),
  })
  .strict()
  .refine((section) => (section.field === undefined) === (section.values === undefined), 'a `field` with its `values`, or neither (then the section takes every entry left)');

export const citationMetadataShape = {
  nocite: z.union([z.string(), z.array(z.string())]).optional(),
  'suppress-bibliography': z.boolean().optional(),
  'link-citations': z.boolean().optional(),
  'reference-section-title': z.string().min(1, 'a non-empty title').optional(),
  references: z.array(z.record(z.string(), z.unknown())).optional(),
  'notes-after-punctuation': z.boolean().optional(),
  'bibliography-sections': z.array(bibliographySectionSchema).min(1, 'at least one section').optional(),
};

/** The same keys in a chapter's front matter (where other keys are the chapter's own). */
export const citationMetadataSchema = z.object(citationMetadataShape);

export type CitationMetadata = z.output<typeof citationMetadataSchema>;
export type BibliographySection = z.output<typeof bibliographySectionSchema>;
export const citationMetadataKeys = Object.keys(citationMetadataShape) as Array<keyof CitationMetadata>;
