/**
 * Test workers' setup: `toEqual` on bytes (a Buffer, a Map of file names to Buffers) compares them
 * with one memcmp instead of vitest's element-by-element walk, which took seconds of the workers'
 * CPU for the builds compared byte for byte (tests/outputs.test.ts: 3 s for its reproducible
 * builds). Same verdict: equal when the same kind of byte array holds the same bytes; anything
 * else (different lengths, a Buffer against another typed array) is left to vitest, whose diff
 * a failure still shows.
 */
import { expect } from 'vitest';

const registered = Symbol.for('book-tests.bytes-equality');
const global = globalThis as { [registered]?: boolean };

// The files of a worker share it (isolate: false): register once.
if (!global[registered]) {
  global[registered] = true;
  expect.addEqualityTesters([
    function sameBytes(a: unknown, b: unknown): boolean | undefined {
      if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.constructor !== b.constructor) return undefined;
      if (a.length !== b.length) return undefined;
      return Buffer.compare(a, b) === 0 ? true : undefined;
    },
  ]);
}
