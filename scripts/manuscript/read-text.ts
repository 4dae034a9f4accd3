/**
 * The one way manuscript text is read (chapters, book.yaml, persons.yaml, bibliographies, a CSL
 * style or locale of the manuscript): as UTF-8, strictly. A file in another encoding (Latin-1,
 * Windows-1252) is refused with the line and column of its first bad byte rather than read with
 * every accented letter turned into U+FFFD. A byte order mark is dropped and Windows (CRLF) or old
 * Mac (CR) line endings become LF, so that no `\r` reaches a note, a title or the front matter;
 * lines and columns stay those an editor shows.
 */
import { readFile } from 'node:fs/promises';
import { VFile } from 'vfile';
import { report } from '../check/messages.ts';

export type TextRead =
  | { text: string; problem?: undefined }
  /** Not UTF-8: where the first byte that cannot be read stands (1-based, in characters). */
  | { problem: 'encoding'; line: number; column: number; byte: number }
  /** The file cannot be read at all (a folder, no permission). */
  | { problem: 'unreadable'; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** For a piece of a line: a U+FEFF there is a character, not a byte order mark. */
const keepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629 §4). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < min || c > max : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Decode UTF-8 bytes, or say where they stop being UTF-8. */
export function decodeText(bytes: Uint8Array): TextRead {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const offset = Math.max(0, firstInvalidByte(bytes));
    const lineStart = offset === 0 ? 0 : Math.max(bytes.lastIndexOf(0x0a, offset - 1), bytes.lastIndexOf(0x0d, offset - 1)) + 1;
    const line = countLines(bytes, lineStart);
    // The part of the line before the bad byte is valid UTF-8: its length in characters is the column.
    let before = keepingBom.decode(bytes.subarray(lineStart, offset));
    if (lineStart === 0 && before.charCodeAt(0) === 0xfeff) before = before.slice(1);
    return { problem: 'encoding', line, column: before.length + 1, byte: bytes[offset] ?? 0 };
  }
  return { text: text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text };
}

/** 1 + the line breaks before `end`, a CR alone counting as one as CommonMark counts it. */
function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

export async function readText(file: string): Promise<TextRead> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'cannot be read (no permission)' : code === 'ELOOP' ? 'is a loop of symbolic links' : `cannot be read (${code ?? 'error'})`;
    return { problem: 'unreadable', reason };
  }
  return decodeText(bytes);
}

/**
 * Read a manuscript file into a VFile. When it cannot be read, the VFile carries the message, at
 * the first bad byte for an encoding problem, and has no value.
 */
export async function readManuscriptFile(file: string, what = 'This file'): Promise<{ file: VFile; ok: boolean }> {
  const read = await readText(file);
  if (read.problem === undefined) return { file: new VFile({ path: file, value: read.text }), ok: true };
  const vfile = new VFile({ path: file });
  if (read.problem === 'encoding') {
    report(
      vfile,
      'encoding-invalid',
      `${what} is not valid UTF-8: byte 0x${read.byte.toString(16).toUpperCase().padStart(2, '0')} cannot be read; save the file as UTF-8 (in most editors: « Save with encoding » or « Reopen with encoding », then UTF-8)`,
      { line: read.line, column: read.column },
    );
  } else {
    report(vfile, 'manuscript-missing', `${what} ${read.reason}`);
  }
  return { file: vfile, ok: false };
}
