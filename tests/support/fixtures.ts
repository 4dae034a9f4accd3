/**
 * Fixture tests: an input beside its expected output. `UPDATE_FIXTURES=1 npx vitest run` rewrites
 * the expected files from the current output — review the diff before committing it.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const updating = process.env.UPDATE_FIXTURES === '1';

export function fixtureDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(root, entry.name))
    .sort();
}

/** Compare `actual` with the file `expectedPath`, or write it when updating. */
export function expectFixture(actual: string, expectedPath: string): void {
  if (updating || !existsSync(expectedPath)) {
    if (!updating) throw new Error(`Missing expected output ${expectedPath}; run with UPDATE_FIXTURES=1 and review it`);
    writeFileSync(expectedPath, actual);
    return;
  }
  expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
}

/** A tree as stable JSON: positions and empty data dropped. */
export function treeJson(tree: unknown): string {
  return `${JSON.stringify(
    tree,
    (key, value: unknown) => (key === 'position' || (key === 'data' && value && typeof value === 'object' && Object.keys(value).length === 0) ? undefined : value),
    2,
  )}\n`;
}

/** Make invisible spaces visible in expected files, so a reviewer sees the typography. */
export function showSpaces(text: string): string {
  return text.replace(/\u202f/g, '⍽').replace(/\u00a0/g, '~');
}
