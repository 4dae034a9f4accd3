/**
 * The shape of one CSL-JSON entry, as the CSL 1.0.2 data schema gives it
 * (https://github.com/citation-style-language/schema, csl-data.json): names are arrays of name
 * objects, dates date objects (or EDTF strings), `custom` an object, the number variables (`page`,
 * `volume`…) text or a number, every other variable text. citeproc-js assumes this shape and fails deep inside when an entry breaks it
 * (`"title": {}` → "value.match is not a function"), so an entry that breaks it is reported at
 * its place and left out before citeproc-js sees it.
 */

const nameVariables = new Set([
  'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author', 'contributor', 'curator', 'director',
  'editor', 'editorial-director', 'executive-producer', 'guest', 'host', 'interviewer', 'illustrator', 'narrator', 'organizer',
  'original-author', 'performer', 'producer', 'recipient', 'reviewed-author', 'script-writer', 'series-creator', 'translator',
]);

const dateVariables = new Set(['accessed', 'available-date', 'event-date', 'issued', 'original-date', 'submitted']);

/** The variables the schema lets be a number as well as text; every other is text only (citeproc-js calls string methods on them). */
const numberVariables = new Set([
  'id', 'chapter-number', 'citation-number', 'collection-number', 'edition', 'first-reference-note-number', 'issue', 'locator', 'number',
  'number-of-pages', 'number-of-volumes', 'page', 'page-first', 'part-number', 'printing-number', 'section', 'supplement-number',
  'version', 'volume',
]);

/** Name parts that are text; the others (`comma-suffix`, `static-ordering`, `parse-names`) may also be flags. */
const nameFlags = new Set(['comma-suffix', 'static-ordering', 'parse-names']);

const isText = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}

function nameProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `is ${kindOf(value)} where a list of names (\`[{"family": …, "given": …}]\`) is expected`;
  for (const name of value) {
    if (!isObject(name)) return `holds ${kindOf(name)} where a name (\`{"family": …, "given": …}\` or \`{"literal": …}\`) is expected`;
    for (const [part, text] of Object.entries(name)) {
      if (typeof text === 'string' || (nameFlags.has(part) && (isText(text) || typeof text === 'boolean'))) continue;
      return `has a name whose \`${part}\` is ${kindOf(text)} where text is expected`;
    }
  }
  return undefined;
}

function dateProblem(value: unknown): string | undefined {
  // CSL 1.0.2 also allows an EDTF string (`"2010-05"`).
  if (isText(value)) return undefined;
  if (!isObject(value)) return `is ${kindOf(value)} where a date (\`{"date-parts": [[1995, 5, 12]]}\`) is expected`;
  const parts = value['date-parts'];
  if (parts !== undefined) {
    const well =
      Array.isArray(parts) &&
      parts.length >= 1 &&
      parts.length <= 2 &&
      parts.every((part) => Array.isArray(part) && part.length >= 1 && part.length <= 3 && part.every((n) => (typeof n === 'number' && Number.isInteger(n)) || (typeof n === 'string' && /^-?\d+$/.test(n.trim())))) &&
      // A range gives both ends alike (citeproc-js: "element mismatch in date range input").
      (parts.length === 1 || (parts[0] as unknown[]).length === (parts[1] as unknown[]).length);
    if (!well) return 'has `date-parts` that are not one list of year, month, day (`[[1995, 5, 12]]`) or two alike for a range';
  }
  for (const key of ['season', 'literal', 'raw']) {
    if (value[key] !== undefined && !isText(value[key])) return `has a \`${key}\` that is ${kindOf(value[key])} where text is expected`;
  }
  if (value.circa !== undefined && !isText(value.circa) && typeof value.circa !== 'boolean') return `has a \`circa\` that is ${kindOf(value.circa)}`;
  return undefined;
}

/**
 * What is wrong with an entry, as the end of a sentence (« `title` is an object where text is
 * expected »), or undefined when citeproc-js can take it.
 */
export function cslItemProblem(item: Record<string, unknown>): string | undefined {
  for (const [variable, value] of Object.entries(item)) {
    if (value === undefined) continue;
    let problem: string | undefined;
    if (nameVariables.has(variable)) problem = nameProblem(value);
    else if (dateVariables.has(variable)) problem = dateProblem(value);
    else if (variable === 'custom') problem = isObject(value) ? undefined : `is ${kindOf(value)} where an object is expected`;
    else if (variable === 'categories') problem = Array.isArray(value) && value.every(isText) ? undefined : `is ${kindOf(value)} where a list of words is expected`;
    else if (numberVariables.has(variable) ? !isText(value) : typeof value !== 'string') problem = `is ${kindOf(value)} where text is expected`;
    if (problem) return `\`${variable}\` ${problem}`;
  }
  return undefined;
}
