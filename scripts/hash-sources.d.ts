import type { Hash } from 'node:crypto';

/** Types of scripts/hash-sources.js. */
export declare function hashSources(digest: Hash, base: string, sources: { dirs?: readonly string[]; files?: readonly string[] }): Hash;
