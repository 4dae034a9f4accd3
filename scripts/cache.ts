/**
 * The build's cache: one folder, `node_modules/.cache/book/` (or `BOOK_CACHE_DIR`), one subfolder
 * per kind of entry (`chapters`, `covers`, `print-covers`, `fonts`, `search`…). Every entry is named by a hash of
 * everything it is made from, so an entry is either right or never asked for; nothing in it is
 * needed for correctness: an empty cache is a cold build, `BOOK_CACHE=0` a build without one, an
 * entry that cannot be read is made again (docs/cache.md).
 *
 * The ICC profiles are the exception: scripts/setup.sh makes them once (colprof, half a minute)
 * and they stay in node_modules/.cache/book/icc/ whatever BOOK_CACHE_DIR says (`iccCacheDir`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { hashSources } from './hash-sources.js';

const toolchainRoot = fileURLToPath(new URL('../', import.meta.url));
const defaultRoot = path.join(toolchainRoot, 'node_modules', '.cache', 'book');

/** The folder of one kind of entry: under BOOK_CACHE_DIR when set, else node_modules/.cache/book/. */
export function cacheDir(kind: string): string {
  const root = process.env.BOOK_CACHE_DIR ? path.resolve(process.env.BOOK_CACHE_DIR) : defaultRoot;
  return path.join(root, kind);
}

/**
 * The ICC profiles' folder, always node_modules/.cache/book/icc/: the set-up (scripts/setup.sh →
 * prepare-profiles.ts) makes them there once, with colprof (30 s); a cold build (BOOK_CACHE_DIR
 * a new empty folder) measures the build, not the making of a profile that never changes.
 */
export const iccCacheDir = path.join(defaultRoot, 'icc');

/** How often `prune` reads a whole folder (see there). */
const sweepEveryMs = 10 * 60 * 1000;

/** Whether caches are used: `BOOK_CACHE=0` turns every one off. */
export const useCache = (): boolean => process.env.BOOK_CACHE !== '0';

/** A key: sha-256 of the parts, each ended by a NUL (so that `ab`+`c` and `a`+`bc` differ). */
export function hashOf(...parts: ReadonlyArray<string | Uint8Array>): string {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex').slice(0, 40);
}

/**
 * One file entry of `kind`, named `name` (a hash of everything it is made from, and an extension):
 * read from the cache, or made by `make` and kept. Written aside and renamed, so a build stopped
 * halfway or two builds at once never leave half a file; a cache that cannot be written only makes
 * the next build cold. With `BOOK_CACHE=0`, always made, never kept. The covers, the font subsets
 * and the search box's script are kept so.
 */
export async function cachedFile(kind: string, name: string, make: () => Promise<Uint8Array>): Promise<Buffer> {
  const file = path.join(cacheDir(kind), name);
  if (useCache()) {
    try {
      return await readFile(file);
    } catch {
      // Not made yet (or unreadable): made below.
    }
  }
  const data = Buffer.from(await make());
  if (useCache()) {
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(partial, data);
      await rename(partial, file);
    } catch {
      await rm(partial, { force: true }).catch(() => undefined);
    }
  }
  return data;
}

/**
 * `map`'s value for `key`, else the one `make` gives, kept: a per-process memo of the last `most`
 * values (the oldest dropped first), for what is read again and again from the same text.
 */
export function lastFew<K, V>(map: Map<K, V>, key: K, make: () => V, most = 8): V {
  if (map.has(key)) return map.get(key)!;
  const value = make();
  if (map.size >= most) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

let toolchain: string | undefined;

/**
 * The toolchain's fingerprint: the bytes of scripts/ and templates/, the installed dependencies'
 * versions (node_modules/.package-lock.json, which npm rewrites on every install), package.json,
 * and Node's version. An entry made by other code is never served: a change to scripts/ or an
 * upgrade changes every key.
 */
export function toolchainFingerprint(): string {
  if (toolchain) return toolchain;
  const digest = hashSources(createHash('sha256'), toolchainRoot, { dirs: ['scripts', 'templates'], files: ['package.json', 'node_modules/.package-lock.json'] });
  digest.update(process.version);
  return (toolchain = digest.digest('hex').slice(0, 40));
}

/**
 * One kind of entry holding structured values (trees, messages), written with v8's serializer.
 * Reading never fails: a missing, truncated or foreign entry is `undefined`, and is made again.
 * Writing is atomic (a temporary file renamed), so a build stopped halfway or two builds at once
 * never leave half an entry.
 */
export class ValueCache {
  readonly dir: string;
  /** Entries read or written by this build, kept by `prune`. */
  private readonly used = new Set<string>();

  constructor(kind: string) {
    this.dir = cacheDir(kind);
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.v8`);
  }

  /**
   * Whether the folder was missing when first asked (an emptied cache, the benchmark's cold runs):
   * nothing to read until this build makes it. The reads a cold build would start all fail, and
   * queued behind its writes they kept the build waiting (about 0.1 s of `book check` at 300k words).
   */
  private missing?: boolean;

  private nothingToRead(): boolean {
    this.missing ??= !existsSync(this.dir);
    return this.missing;
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!useCache() || this.nothingToRead()) return undefined;
    try {
      const early = this.reading.get(key);
      this.reading.delete(key);
      return this.entryValue<T>(key, await (early ?? readFile(this.file(key))));
    } catch {
      return undefined;
    }
  }

  /** Files being read ahead of `get` (`readAhead`). */
  private readonly reading = new Map<string, Promise<Buffer>>();

  /**
   * Start reading these entries now, all at once, for `get`s that come one after another: the disk
   * is not waited for once per entry.
   */
  readAhead(keys: readonly string[]): void {
    if (!useCache() || this.nothingToRead()) return;
    for (const key of keys) {
      if (this.reading.has(key)) continue;
      const bytes = readFile(this.file(key));
      bytes.catch(() => undefined);
      this.reading.set(key, bytes);
    }
  }

  /** `get`, reading the file synchronously: for a small entry wanted in the middle of synchronous work. */
  getSync<T>(key: string): T | undefined {
    if (!useCache() || this.nothingToRead()) return undefined;
    try {
      return this.entryValue<T>(key, readFileSync(this.file(key)));
    } catch {
      return undefined;
    }
  }

  private entryValue<T>(key: string, bytes: Buffer): T | undefined {
    const entry = deserialize(bytes) as { key?: unknown; value?: unknown };
    // The key inside the entry too: a file renamed or copied under another name is not served.
    if (!entry || entry.key !== key) return undefined;
    this.used.add(key);
    return entry.value as T;
  }

  /** The entries' folder, made once for all of this build's writes. */
  private folder?: Promise<unknown>;

  /** Writes under way: `set` does not wait for the disk, `flush` does. */
  private readonly pending: Array<Promise<void>> = [];

  /** Keep `value` under `key`; serialized now, written in the background (see `flush`). */
  set(key: string, value: unknown): void {
    if (!useCache()) return;
    this.pending.push(this.write(key, value));
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }

  private async write(key: string, value: unknown): Promise<void> {
    this.used.add(key);
    // Serialized now: the caller may change the value as soon as this returns a promise.
    let bytes: Buffer;
    try {
      bytes = serialize({ key, value });
    } catch {
      return;
    }
    try {
      await (this.folder ??= mkdir(this.dir, { recursive: true }));
      this.missing = false;
      const target = this.file(key);
      const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(partial, bytes);
      await rename(partial, target);
    } catch {
      // A cache that cannot be written (read-only, full disk) only makes the next build cold. The
      // folder is made again by the next write (someone may have emptied the cache meanwhile).
      this.folder = undefined;
    }
  }

  /**
   * Bound the folder: entries this build neither read nor wrote, and not used for `keepMs` (an
   * hour), go; the margin spares the entries of another book built meanwhile from the same
   * toolchain. The entries used are touched, so what a book keeps reusing stays. The sweep reads
   * every entry of the folder, which costs with thousands of them (a test suite, a day of builds):
   * it runs at most every ten minutes per folder (the `.swept` file's date). The folder thus holds
   * this build's entries and those used in the last hour and ten minutes, never more.
   */
  async prune(keepMs = 60 * 60 * 1000): Promise<void> {
    await this.flush();
    if (!useCache()) return;
    const now = Date.now();
    const seconds = now / 1000;
    await Promise.all([...this.used].map((key) => utimes(this.file(key), seconds, seconds).catch(() => undefined)));
    const swept = path.join(this.dir, '.swept');
    try {
      if (now - (await stat(swept)).mtimeMs < sweepEveryMs) return;
    } catch {
      // Never swept.
    }
    let names: string[];
    try {
      await writeFile(swept, '');
      names = await readdir(this.dir);
    } catch {
      return;
    }
    await Promise.all(
      names.map(async (name) => {
        const full = path.join(this.dir, name);
        const key = name.replace(/\.v8$/, '');
        if (name === '.swept' || this.used.has(key)) return;
        try {
          if (now - (await stat(full)).mtimeMs > keepMs) await rm(full, { force: true });
        } catch {
          // Removed by another build meanwhile.
        }
      }),
    );
  }
}
