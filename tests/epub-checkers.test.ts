/**
 * The EPUBCheck the tests use (tests/support/epub-checkers.ts) runs many EPUBs in one Java process:
 * on a broken EPUB it must say exactly what `java -jar epubcheck.jar` says, run after run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epubcheck, epubcheckServerRuns } from './support/epub-checkers.ts';

let dir: string;
let broken: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'epub-checkers-'));
  // A package without its identifier, title or language, whose spine names a missing file.
  const zip = new JSZip();
  zip.file('mimetype', 'application/epub+zip', { compression: 'STORE' });
  zip.file(
    'META-INF/container.xml',
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
  );
  zip.file(
    'OEBPS/content.opf',
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"></metadata><manifest><item id="c" href="absent.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine></package>',
  );
  broken = path.join(dir, 'broken.epub');
  await writeFile(broken, await zip.generateAsync({ type: 'nodebuffer' }));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const said = (messages: Awaited<ReturnType<typeof epubcheck>>) => messages.map((m) => `${m.severity} ${m.ID} ${m.message} ${m.locations.map((l) => `${l.path}:${l.line}`).join(' ')}`).sort();

describe('EPUBCheck in one Java process', () => {
  it('reports on a broken EPUB what the command line reports, on every run', async () => {
    const command = said(await epubcheck(broken, 'command'));
    expect(command.filter((m) => /^(ERROR|FATAL)/.test(m)).length).toBeGreaterThanOrEqual(3);
    expect(command.join('\n')).toMatch(/absent\.xhtml/);
    const runs = epubcheckServerRuns();
    expect(said(await epubcheck(broken))).toEqual(command);
    // Checked in the Java process (the JDK's compiler runs its source: scripts/setup.sh installs it).
    expect(epubcheckServerRuns()).toBe(runs + 1);
    // The process keeps nothing of one run in the next.
    expect(said(await epubcheck(broken))).toEqual(command);
  });
});
