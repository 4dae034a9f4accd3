/**
 * The EPUB's unique identifier (EPUB 3.3 §5.5.3.1: `dc:identifier` referenced by
 * `unique-identifier`). An ISBN when book.yaml has one (its check digit is validated when the
 * config is read, scripts/config/isbn.ts), else the UUID book.yaml gives, else a UUID derived from
 * the book itself, so that every build of the same book carries the same identifier and reading
 * systems keep the reader's place and notes across updates.
 */
import { createHash } from 'node:crypto';
import type { BookMeta } from '../../model/index.ts';
import { normaliseIsbn } from '../../config/isbn.ts';

export interface BookIdentifier {
  /** The value of `dc:identifier`, as a URN. */
  value: string;
  /** ONIX code list 5 type when the identifier is an ISBN (15 = ISBN-13, 02 = ISBN-10). */
  onixType?: '15' | '02';
}

/**
 * Our namespace for name-based UUIDs: the RFC 9562 URL namespace applied to the toolchain's own
 * name, so that a title hashes to the same UUID only within this toolchain.
 */
export const bookNamespace = uuidV5('urn:x-book-toolchain:epub', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');

/** A name-based UUID, version 5 (SHA-1), as defined by RFC 9562 §5.5. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`Not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function bookIdentifier(meta: Pick<BookMeta, 'title' | 'editors' | 'authors' | 'identifiers'>): BookIdentifier {
  const { isbn, uuid } = meta.identifiers;
  if (isbn) {
    const digits = normaliseIsbn(isbn);
    return { value: `urn:isbn:${digits}`, onixType: digits.length === 13 ? '15' : '02' };
  }
  if (uuid) return { value: `urn:uuid:${uuid.toLowerCase()}` };
  // Title and responsible people identify the work; the text may change between builds.
  const name = [meta.title, ...meta.editors, ...meta.authors].map((part) => part.normalize('NFC').trim()).join('\n');
  return { value: `urn:uuid:${uuidV5(name, bookNamespace)}` };
}
