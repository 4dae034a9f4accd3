/**
 * The bytes of a source file, as `book accept` / `book reject` must treat them: decoded only when
 * they are valid UTF-8 (so that encoding the text again gives back the same bytes, RFC 3629), the
 * byte order mark kept apart, and the new bytes put in place atomically.
 */
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { decodeText } from '../manuscript/read-text.ts';

const bomBytes = [0xef, 0xbb, 0xbf];

export type DecodedSource =
  | { ok: true; bom: boolean; text: string }
  | { ok: false; byte: number; line: number; column: number };

/**
 * Decode a file's bytes as they are: valid UTF-8 → the text, the BOM set apart, line endings left
 * as they are (unlike the build's reader, which makes them LF). Anything else → the first bad byte
 * and its line and column, found as the build finds them (manuscript/read-text.ts), so that
 * `book accept` and `book build` point at the same place.
 */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  const bom = bytes.length >= 3 && bytes[0] === bomBytes[0] && bytes[1] === bomBytes[1] && bytes[2] === bomBytes[2];
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + (bom ? 3 : 0), bytes.length - (bom ? 3 : 0));
  if (isUtf8(body)) return { ok: true, bom, text: body.toString('utf8') };
  const read = decodeText(bytes);
  if (read.problem !== 'encoding') throw new Error('isUtf8 and decodeText disagree on a file’s bytes');
  return { ok: false, byte: read.byte, line: read.line, column: read.column };
}

/** Encode a text decoded by `decodeSource` again, its BOM put back. */
export function encodeSource(text: string, bom: boolean): Buffer {
  const body = Buffer.from(text, 'utf8');
  return bom ? Buffer.concat([Buffer.from(bomBytes), body]) : body;
}

/**
 * Replace `target` with `bytes` atomically: a temporary file in the same folder (so the rename
 * stays on one file system, where POSIX rename(2) is atomic), written, given the original's mode
 * (and owner and group where the system lets us), flushed to disk, then renamed over the target.
 * A reader sees the old file or the new one, never half of either; on any failure the temporary
 * file is removed and the target is untouched.
 */
export async function replaceFileAtomically(target: string, bytes: Uint8Array, original: { mode: number; uid: number; gid: number }): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // `wx`: never follow or reuse something already at that name.
    handle = await open(temporary, 'wx', 0o600);
    await handle.writeFile(bytes);
    // The group matters for a mode like 0640; giving it back fails harmlessly when not allowed.
    await handle.chown(original.uid, original.gid).catch(() => undefined);
    // After chown, which may clear the set-user-id bits; and explicitly, since the umask applied to open.
    await handle.chmod(original.mode & 0o7777);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
