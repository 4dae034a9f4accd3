/**
 * The anchor beyond the peers (issue 13.6): the benchmark's synthetic manuscript as a Typst
 * document, so that a typesetter without a browser can be timed on a book of the same size and
 * shape. The same generated content — read by our own Markdown reader (scripts/markdown/parse.ts),
 * so that notes, citations, spans and blocks are the ones our pipeline sees — turned into Typst
 * markup: parts and chapters as headings (each opening on a right-hand page), notes as
 * `#footnote[…]` at the foot of the page of their call, citations written out as the note they
 * become in the book's note style (a plain formatter of the CSL-JSON entry, not citeproc: Typst
 * does no citation processing here), testimonies and archival documents as blocks, tables as
 * `#table`, Kazakh and Russian names in `#text(lang: …)`, a table of contents and a bibliography;
 * the trim size (156 × 234 mm), margins (17 mm top, 21 mm bottom, 21 mm inside, 16 mm outside),
 * type size and running heads (the book's title on the left, the chapter's on the right, none on
 * opening pages) of our print design (templates/print/print.css). No index of names.
 *
 * Every piece of the manuscript's text goes through `escapeTypst`, so that no character typed in
 * it (`#`, `*`, `_`, `$`, `@`, `<`, `[`, `\`, a backtick, `//`…) can open Typst syntax.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Content, FootnoteDefinition, PhrasingContent, Root, RootContent, TableRow } from 'mdast';
import { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import { parseMarkdown } from '../markdown/parse.ts';
import type { Cite, CitationItem, Span } from '../markdown/types.ts';
import { defaultBookFonts, fontsourceSlug } from '../manuscript/fonts.ts';
import type { GeneratedManuscript } from './manuscript.ts';

/**
 * Typst markup escaping: a backslash before any character Typst's markup gives a meaning to. In
 * markup, `\` followed by any non-space character is that character; `\` before a space would be a
 * line break, so whitespace is never escaped. `/` is escaped because `//` and `/*` open comments
 * (and `/ ` a term list), `-`, `+`, `=` and `.` because they open lists and headings (`1.` at the
 * start of a line), `~` is a non-breaking space, `'` and `"` are left alone: Typst makes them the
 * typographic apostrophe and quotes of the text's language, as our typography does.
 */
export function escapeTypst(text: string): string {
  return text.replace(/[\\#*_$@<>[\]`~=\-+/.:{}]/g, (c) => `\\${c}`).replace(/\s+/g, (space) => (space.includes('\u00a0') || space.includes('\u202f') ? space : ' '));
}

/** A Typst string literal (for `#text(lang: …)`, `#set document(title: …)`). */
export function typstString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

interface CslItem {
  id: string;
  type: string;
  author?: Array<{ family?: string; given?: string; literal?: string }>;
  title?: string;
  'container-title'?: string;
  publisher?: string;
  'publisher-place'?: string;
  volume?: string;
  issue?: string;
  page?: string;
  archive?: string;
  archive_location?: string;
  'archive-place'?: string;
  issued?: { 'date-parts'?: number[][] };
}

const names = (item: CslItem) =>
  (item.author ?? []).map((a) => a.literal ?? [a.given, a.family].filter(Boolean).join(' ')).filter(Boolean).join(' et ');

/** A full note form of an entry, in Typst markup (title in italics): `Prénom Nom, _Titre_ (Lieu : Éditeur, 1990)`. */
export function formatEntry(item: CslItem): string {
  const year = item.issued?.['date-parts']?.[0]?.[0];
  const title = escapeTypst(item.title ?? item.id);
  const author = names(item);
  const lead = author ? `${escapeTypst(author)}, ` : '';
  if (item.type === 'article-journal') {
    return `${lead}« ${title} », #emph[${escapeTypst(item['container-title'] ?? '')}] ${escapeTypst(item.volume ?? '')}, n° ${escapeTypst(item.issue ?? '')} (${year ?? ''})`;
  }
  if (item.type === 'manuscript') {
    return `${title}, ${escapeTypst([item['archive-place'], item.archive, item.archive_location].filter(Boolean).join(', '))}`;
  }
  return `${lead}#emph[${title}] (${escapeTypst([item['publisher-place'], item.publisher].filter(Boolean).join(' : '))}, ${year ?? ''})`;
}

/** The citation as the text of a note: items separated by `;`, each with its prefix and locator. */
function citationText(cite: Cite, entries: Map<string, CslItem>): string {
  const items = cite.citations.map((c: CitationItem) => {
    const entry = entries.get(c.key);
    const body = entry ? formatEntry(entry) : escapeTypst(c.key);
    return `${c.prefix.trim() ? `${escapeTypst(c.prefix.trim())} ` : ''}${body}${c.suffix.trim() ? `${escapeTypst(c.suffix.trim().startsWith(',') ? c.suffix.trim() : `, ${c.suffix.trim()}`)}` : ''}`;
  });
  return `${items.join(' ; ')}.`;
}

interface Context {
  entries: Map<string, CslItem>;
  definitions: Map<string, FootnoteDefinition>;
  /** Inside a note: a citation is written in its text, not as a note of its own. */
  inNote: boolean;
}

function inline(nodes: PhrasingContent[], context: Context): string {
  return nodes.map((node) => phrasing(node, context)).join('');
}

function phrasing(node: PhrasingContent, context: Context): string {
  switch (node.type) {
    case 'text':
      return escapeTypst(node.value);
    case 'emphasis':
      return `#emph[${inline(node.children, context)}]`;
    case 'strong':
      return `#strong[${inline(node.children, context)}]`;
    case 'inlineCode':
      return escapeTypst(node.value);
    case 'break':
      return ' \\\n';
    case 'link':
      return inline(node.children, context);
    case 'footnoteReference': {
      const definition = context.definitions.get(node.identifier);
      if (!definition) return '';
      const inner = { ...context, inNote: true };
      const body = definition.children.map((child) => (child.type === 'paragraph' ? inline(child.children, inner) : '')).join(' ');
      return `#footnote[${body}]`;
    }
    case 'span': {
      const span = node as Span;
      const inner = inline(span.children, context);
      if (span.data?.hName === 'sup') return `#super[${inner}]`;
      const lang = span.data?.hProperties?.lang;
      return typeof lang === 'string' ? `#text(lang: ${typstString(lang)})[${inner}]` : inner;
    }
    case 'cite': {
      const cite = node as Cite;
      const first = cite.citations[0];
      const entry = first ? context.entries.get(first.key) : undefined;
      // `@key [p. 3]`: the author in the running text, the work in the note.
      const lead = first?.authorInText && entry ? escapeTypst(names(entry) || entry.title || first.key) : '';
      const text = citationText(cite, context.entries);
      return context.inNote ? `${lead ? `${lead}, ` : ''}${text.replace(/\.$/, '')}` : `${lead}#footnote[${text}]`;
    }
    default:
      return 'children' in node ? inline((node as { children: PhrasingContent[] }).children, context) : '';
  }
}

function tableCells(row: TableRow, context: Context): string[] {
  return row.children.map((cell) => `[${inline(cell.children, context)}]`);
}

/** Attributes of a block directive, as written (`who`, `title`…). */
const attribute = (node: { attributes?: Record<string, string | null | undefined> | null }, name: string) => node.attributes?.[name] ?? '';

function block(node: RootContent | Content, context: Context, headingOffset: number): string {
  switch (node.type) {
    case 'heading': {
      const level = Math.min(6, node.depth + headingOffset);
      return `${'='.repeat(level)} ${inline(node.children, context)}`;
    }
    case 'paragraph': {
      const text = inline(node.children, context);
      return text;
    }
    case 'blockquote':
      return `#quote(block: true)[\n${node.children.map((child) => block(child, context, headingOffset)).join('\n\n')}\n]`;
    case 'list':
      return node.children
        .map((item) => `${node.ordered ? '+' : '-'} ${item.children.map((child) => block(child, context, headingOffset)).join(' ')}`)
        .join('\n');
    case 'table': {
      const [head, ...rows] = node.children;
      const columns = head?.children.length ?? 1;
      const align = (node.align ?? []).map((a) => (a === 'right' ? 'right' : a === 'center' ? 'center' : 'left'));
      return [
        `#table(columns: ${columns}, stroke: none, align: (${align.length ? align.join(', ') : 'left'},), inset: 3pt,`,
        `  table.hline(), table.header(${tableCells(head, context).join(', ')}), table.hline(stroke: 0.4pt),`,
        ...rows.map((row) => `  ${tableCells(row, context).join(', ')},`),
        '  table.hline())',
      ].join('\n');
    }
    case 'containerDirective': {
      const body = node.children.map((child) => block(child as Content, context, headingOffset)).join('\n\n');
      if (node.name === 'testimony') {
        const who = [attribute(node, 'who'), attribute(node, 'role'), attribute(node, 'date')].filter(Boolean).join(', ');
        const translator = attribute(node, 'translator');
        return `#quote(block: true, attribution: [${escapeTypst(who)}${translator ? escapeTypst(` (trad. ${translator})`) : ''}])[\n${body}\n]`;
      }
      if (node.name === 'document') {
        const heading = [attribute(node, 'title'), attribute(node, 'place'), attribute(node, 'date')].filter(Boolean).join(', ');
        const source = [attribute(node, 'archive'), attribute(node, 'shelfmark')].filter(Boolean).join(', ');
        return `#block(inset: (left: 1.5em), above: 10pt, below: 10pt)[#smallcaps[${escapeTypst(heading)}]\n\n${body}\n\n#align(right)[#text(size: 9pt)[${escapeTypst(source)}]]]`;
      }
      return body;
    }
    case 'footnoteDefinition':
    case 'yaml':
    case 'html':
    case 'definition':
      return '';
    case 'thematicBreak':
      return '#align(center)[\\*]';
    case 'code':
      return `#block[${escapeTypst(node.value)}]`;
    default:
      return 'children' in node ? (node as { children: Content[] }).children.map((child) => block(child, context, headingOffset)).join('\n\n') : '';
  }
}

/** One chapter file of the manuscript as Typst markup; its `#` title becomes a heading at `level`. */
export function chapterToTypst(markdown: string, entries: Map<string, CslItem>, level = 2, name = 'chapter.md'): string {
  const tree = parseMarkdown(new VFile({ path: name, value: markdown })) as Root;
  const definitions = new Map<string, FootnoteDefinition>();
  for (const node of tree.children) if (node.type === 'footnoteDefinition') definitions.set(node.identifier, node);
  const context: Context = { entries, definitions, inNote: false };
  return tree.children
    .map((node) => block(node, context, level - 1))
    .filter((text) => text.trim() !== '')
    .join('\n\n');
}

export interface TypstLayout {
  /** Page width and height, in mm: our print design's trim size. */
  width: number;
  height: number;
}

/** Our print design (templates/print/print.css, the default trim size of book.yaml). */
export const printLayout: TypstLayout = { width: 156, height: 234 };

/** The document's preamble: page, type, headings, running heads, notes. */
export function typstPreamble(title: string, fontFamilies: string[], layout: TypstLayout = printLayout): string {
  return `// Generated by scripts/bench/typst.ts from the benchmark's manuscript: the book's content and print design, for Typst.
#set document(title: ${typstString(title)})
#let book-title = ${typstString(title)}
// A blank page: the one Typst adds so that a part or chapter opens on the right, between the last
// page of what came before (marked <division-end>) and the opening.
#let openings = heading.where(level: 1).or(heading.where(level: 2))
#let is-blank(p) = query(<division-end>).any(m => m.location().page() == p - 1) and query(openings).any(h => h.location().page() == p + 1)
#set text(font: (${fontFamilies.map(typstString).join(', ')},), size: 11pt, lang: "fr", hyphenate: true, number-type: "old-style")
#set par(justify: true, leading: 0.45em, spacing: 0.45em, first-line-indent: 1.25em)
#set page(
  width: ${layout.width}mm, height: ${layout.height}mm,
  margin: (top: 17mm, bottom: 21mm, inside: 21mm, outside: 16mm),
  numbering: "1",
  footer: context {
    let p = here().page()
    // No folio on a blank page nor on a part's page.
    if not is-blank(p) and not query(heading.where(level: 1)).any(h => h.location().page() == p) { align(center, text(size: 9.5pt, counter(page).display("1"))) }
  },
  header-ascent: 5mm,
  footer-descent: 7mm,
  // Running heads: the book's title on left-hand pages, the chapter's on right-hand pages; none on
  // a page where a part or a chapter opens.
  header: context {
    let p = here().page()
    let opening = query(openings).any(h => h.location().page() == p)
    if not opening and not is-blank(p) {
      let head = if calc.even(p) { book-title } else {
        let before = query(heading.where(level: 2).before(here()))
        if before.len() > 0 { before.last().body } else { book-title }
      }
      align(center, text(size: 8.5pt, tracking: 0.06em, smallcaps(head)))
    }
  },
)
#set footnote.entry(separator: line(length: 30%, stroke: 0.4pt), gap: 2.5pt)
#show footnote.entry: set text(size: 9pt)
#show footnote.entry: set par(leading: 0.35em, first-line-indent: 0pt)
#show heading: set text(weight: 600)
// Parts: a page of their own, on the right, with neither running head nor folio.
#show heading.where(level: 1): it => {
  [#metadata(none) <division-end>]
  pagebreak(to: "odd", weak: true)
  v(30mm)
  align(center, text(size: 20pt, it.body))
  // Its first chapter breaks the page (to the next right-hand one), after the division's end mark.
}
// Chapters: open on a right-hand page.
#show heading.where(level: 2): it => {
  [#metadata(none) <division-end>]
  pagebreak(to: "odd", weak: true)
  v(18mm)
  block(below: 8mm, text(size: 18pt, it.body))
}
#show heading.where(level: 3): set text(size: 12.5pt)
#show heading.where(level: 3): set block(above: 16pt, below: 7pt)
`;
}

export interface TypstBook {
  source: string;
  /** Chapters and parts, for the report. */
  chapters: number;
  parts: number;
}

/** The generated manuscript as one Typst document: title page, contents, parts and chapters, bibliography. */
export function typstBook(generated: GeneratedManuscript, fontFamilies: string[] = ['EB Garamond']): TypstBook {
  const config = parseYaml(generated.book.get('book.yaml') ?? '') as {
    title: string;
    subtitle?: string;
    editors?: string[];
    contents: { front?: string[]; parts?: Array<{ title: string; chapters: string[] }>; back?: string[] };
  };
  const items = JSON.parse(generated.book.get('bibliography.json') ?? '[]') as CslItem[];
  const entries = new Map(items.map((item) => [item.id, item]));
  const chapter = (file: string) => chapterToTypst(generated.book.get(file) ?? '', entries, 2, file);
  const parts: string[] = [typstPreamble(config.title, fontFamilies)];
  parts.push(
    [
      '#page(header: none, footer: none)[',
      `  #v(40mm) #align(center)[#text(size: 22pt)[${escapeTypst(config.title)}] #v(6mm) #text(size: 14pt)[${escapeTypst(config.subtitle ?? '')}] #v(20mm) ${escapeTypst((config.editors ?? []).join(', '))}]`,
      ']',
      '#page(header: none, footer: none)[]',
      // A division like a chapter (its own running head), left out of itself.
      '#heading(level: 2, outlined: false)[Table des matières]',
      '#outline(title: none, depth: 2)',
    ].join('\n'),
  );
  let chapters = 0;
  for (const file of config.contents.front ?? []) {
    parts.push(chapter(file));
    chapters++;
  }
  for (const part of config.contents.parts ?? []) {
    parts.push(`= ${escapeTypst(part.title)}`);
    for (const file of part.chapters) {
      parts.push(chapter(file));
      chapters++;
    }
  }
  const sorted = [...items].sort((a, b) => (names(a) || a.title || '').localeCompare(names(b) || b.title || '', 'fr'));
  parts.push(['== Bibliographie', ...sorted.map((item) => `#par(first-line-indent: 0pt, hanging-indent: 1.25em)[${formatEntry(item)}.]`)].join('\n\n'));
  return { source: `${parts.join('\n\n')}\n`, chapters, parts: config.contents.parts?.length ?? 0 };
}

/**
 * A TrueType/OpenType file with its family renamed: the `name` table replaced by one that names
 * `family` (name ids 1 and 16) and keeps the style name (2 and 17) given. @fontsource splits a face
 * by alphabet into files that all call themselves "EB Garamond"; Typst takes one file per family
 * and style and falls back to its own fonts for what that file lacks, so each alphabet gets a
 * family of its own ("EB Garamond latin", "EB Garamond cyrillic-ext"…) and the document lists them
 * all, in order, as CSS's unicode-range does. Weight and style are read from the OS/2 table, which
 * is kept. Tables are checked for nothing but their bounds (the font is @fontsource's, read by us).
 */
export function renameFontFamily(font: Buffer, family: string, style: string): Buffer {
  const tables = font.readUInt16BE(4);
  const records: Array<{ tag: string; offset: number; length: number }> = [];
  for (let i = 0; i < tables; i++) {
    const at = 12 + i * 16;
    records.push({ tag: font.toString('latin1', at, at + 4), offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) });
  }
  const strings: Array<[number, string]> = [[1, family], [2, style], [4, `${family} ${style}`], [6, `${family}-${style}`.replace(/[^A-Za-z0-9-]/g, '')], [16, family], [17, style]];
  const encoded = strings.map(([id, text]) => [id, Buffer.from(text, 'utf16le').swap16()] as const);
  const header = 6 + encoded.length * 12;
  const name = Buffer.alloc(header + encoded.reduce((sum, [, b]) => sum + b.length, 0));
  name.writeUInt16BE(0, 0);
  name.writeUInt16BE(encoded.length, 2);
  name.writeUInt16BE(header, 4);
  let stringOffset = 0;
  encoded.forEach(([id, bytes], i) => {
    const at = 6 + i * 12;
    name.writeUInt16BE(3, at); // Windows
    name.writeUInt16BE(1, at + 2); // Unicode BMP
    name.writeUInt16BE(0x409, at + 4); // en-US
    name.writeUInt16BE(id, at + 6);
    name.writeUInt16BE(bytes.length, at + 8);
    name.writeUInt16BE(stringOffset, at + 10);
    bytes.copy(name, header + stringOffset);
    stringOffset += bytes.length;
  });
  const record = records.findIndex((r) => r.tag === 'name');
  if (record < 0) throw new Error('the font has no name table');
  // The new table goes at the end, 4-byte aligned; its record points at it.
  const start = Math.ceil(font.length / 4) * 4;
  const out = Buffer.alloc(start + Math.ceil(name.length / 4) * 4);
  font.copy(out);
  name.copy(out, start);
  let checksum = 0;
  for (let i = 0; i < name.length; i += 4) checksum = (checksum + out.readUInt32BE(start + i)) >>> 0;
  const at = 12 + record * 16;
  out.writeUInt32BE(checksum, at + 4);
  out.writeUInt32BE(start, at + 8);
  out.writeUInt32BE(name.length, at + 12);
  return out;
}

/**
 * The book's faces as TrueType files Typst can read (it reads TrueType and OpenType, not the WOFF 2
 * files @fontsource ships): each face decompressed whole (fontverter, which subset-font brings)
 * into `dir`, its family renamed after its alphabet (`renameFontFamily`). Returns the families in
 * the order the document should list them.
 */
export async function writeTypstFonts(dir: string): Promise<{ family: string; families: string[]; files: string[] }> {
  const fonts = defaultBookFonts();
  const require = createRequire(import.meta.url);
  const fontverter = createRequire(require.resolve('subset-font'))('fontverter') as { convert(data: Buffer, to: 'sfnt'): Promise<Buffer> };
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const families: string[] = [];
  for (const face of fonts.faces) {
    const base = path.basename(face.file, path.extname(face.file));
    // `eb-garamond-cyrillic-ext-400-italic` → alphabet `cyrillic-ext`; a face of one file keeps its family.
    const alphabet = face.unicodeRange !== undefined ? /-([a-z-]+)-\d+-(?:normal|italic)$/.exec(base.slice(fontsourceSlug(fonts.family).length))?.[1] : undefined;
    const family = alphabet ? `${fonts.family} ${alphabet}` : fonts.family;
    if (!families.includes(family)) families.push(family);
    const style = `${face.weight >= 600 ? 'Bold' : 'Regular'}${face.style === 'italic' ? ' Italic' : ''}`.replace('Regular Italic', 'Italic');
    const out = path.join(dir, `${base}.ttf`);
    await writeFile(out, renameFontFamily(await fontverter.convert(await readFile(face.file), 'sfnt'), family, style));
    files.push(out);
  }
  // Latin first (the text's alphabet), then the other alphabets as fallbacks.
  const rank = (family: string) => ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext'].findIndex((a) => family.endsWith(` ${a}`));
  families.sort((a, b) => (rank(a) < 0 ? 9 : rank(a)) - (rank(b) < 0 ? 9 : rank(b)));
  return { family: fonts.family, families, files };
}

/** Write `book.typ` and `fonts/` into `dir`; what the Typst tool of the benchmark compiles. */
export async function writeTypstWorkspace(generated: GeneratedManuscript, dir: string): Promise<{ source: string; fonts: string; family: string }> {
  const fontsDir = path.join(dir, 'fonts');
  const { family, families } = await writeTypstFonts(fontsDir);
  const book = typstBook(generated, families);
  const source = path.join(dir, 'book.typ');
  await writeFile(source, book.source);
  return { source, fonts: fontsDir, family };
}
