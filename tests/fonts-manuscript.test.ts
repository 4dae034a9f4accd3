/**
 * The shipped manuscript's fonts, read from the build made once for the run (tests/setup/manuscript.ts):
 * the EPUB and the HTML edition carry subsets, well under the whole @fontsource files (446 KB in the
 * EPUB before), and every file their CSS names.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, inject, it } from 'vitest';

const out = inject('manuscriptBuild').out;

describe('fonts of the shipped manuscript', () => {
  it('weigh less than 180 KB in the EPUB, each file named by its CSS', async () => {
    const zip = await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')));
    const fonts = Object.values(zip.files).filter((file) => file.name.startsWith('OEBPS/fonts/'));
    const sizes = await Promise.all(fonts.map(async (file) => (await file.async('uint8array')).length));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(180 * 1024);
    const css = await zip.file('OEBPS/style.css')!.async('string');
    expect(fonts.map((file) => file.name.replace('OEBPS/', '')).every((name) => css.includes(`url('${name}')`))).toBe(true);
    expect([...css.matchAll(/url\('([^']+)'\)/g)].every(([, url]) => zip.file(`OEBPS/${url}`))).toBe(true);
  });

  it('weigh less than 180 KB in the HTML edition too', async () => {
    const dir = path.join(out, 'html', 'assets', 'fonts');
    const sizes = await Promise.all((await readdir(dir)).map(async (name) => (await stat(path.join(dir, name))).size));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(180 * 1024);
  });
});
