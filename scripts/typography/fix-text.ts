/**
 * `book fix` on one file's text or bytes: the typography findings that can be fixed safely
 * (find.ts), applied as replacements of exact source ranges. Only those bytes change: a byte
 * order mark, line endings (LF, CRLF, CR), escapes and everything else stay as they were, exactly
 * as `book accept` treats a file (scripts/critic/source-file.ts). Pure.
 */
import { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import type { Root } from 'mdast';
import { parseMarkdown } from '../markdown/parse.ts';
import { maxAliasCount } from '../config/load-config.ts';
import { decodeSource, encodeSource } from '../critic/source-file.ts';
import { findTypography, type TypographyFinding, type TypographyRuleId } from './find.ts';

export interface TypographyChange {
  ruleId: TypographyRuleId;
  line: number;
  column: number;
  /** Offsets into the text as given (its BOM, if any, counted). */
  start: number;
  end: number;
  old: string;
  new: string;
}

/** The chapter's own `lang` in its front matter, else the book's. */
function languageOf(tree: Root, bookLang: string): string {
  const first = tree.children[0];
  if (first?.type !== 'yaml') return bookLang;
  try {
    const data: unknown = parseYaml(first.value, { maxAliasCount });
    const lang = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).lang : undefined;
    return typeof lang === 'string' ? lang : bookLang;
  } catch {
    return bookLang;
  }
}

/** The findings of a Markdown text as the reader parses it (the BOM set apart, as micromark does). */
export function typographyFindings(source: string, bookLang: string, file = 'input.md'): { findings: TypographyFinding[]; bom: number } {
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom ? source.slice(1) : source;
  // The book's reader, nesting limit included: what lies too deep is neither checked nor fixed.
  const tree = parseMarkdown(new VFile({ path: file, value: text }));
  return { findings: findTypography(tree, text, languageOf(tree, bookLang)), bom };
}

/**
 * Apply every safe fix to a Markdown text. A finding is left when another overlaps it (never the
 * case for these rules, but a fix never writes over another). Idempotent: the fixed text has
 * nothing left to fix.
 */
export function fixTypography(source: string, bookLang: string, file = 'input.md'): { text: string; changes: TypographyChange[] } {
  const { findings, bom } = typographyFindings(source, bookLang, file);
  const changes: TypographyChange[] = [];
  let last = -1;
  for (const finding of findings) {
    if (!finding.fixable || finding.start < last) continue;
    changes.push({
      ruleId: finding.ruleId,
      line: finding.point.line,
      column: finding.point.column,
      start: finding.start + bom,
      end: finding.end + bom,
      old: finding.old,
      new: finding.new,
    });
    last = finding.end;
  }
  let text = source;
  for (const change of [...changes].reverse()) text = text.slice(0, change.start) + change.new + text.slice(change.end);
  return { text, changes };
}

/**
 * Fix a file's bytes. Bytes that are not valid UTF-8 give the place of the first bad byte instead
 * (decoding them would replace letters by U+FFFD). UTF-8 decoding and encoding being inverse on
 * valid input, every byte outside the fixed ranges comes back unchanged.
 */
export function fixTypographyBytes(
  bytes: Uint8Array,
  bookLang: string,
  file = 'input.md',
): { ok: true; bytes: Buffer; changes: TypographyChange[] } | { ok: false; byte: number; line: number; column: number } {
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return decoded;
  const { text, changes } = fixTypography(decoded.text, bookLang, file);
  return { ok: true, bytes: changes.length === 0 ? Buffer.from(bytes) : encodeSource(text, decoded.bom), changes };
}
