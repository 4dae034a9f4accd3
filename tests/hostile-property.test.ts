/**
 * Random hostile manuscripts (fast-check): Markdown made of attribute lists, links and images with
 * every kind of URL, raw HTML, deep nesting, directives, notes, in files with odd names, sometimes
 * not UTF-8. Whatever comes, a build of the HTML and EPUB editions (draft, so that it writes despite
 * errors) either stops with positioned messages or writes editions with nothing unsafe in them, and
 * the same input gives the same bytes. Some of the EPUBs also go through EPUBCheck.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { epubcheck } from './support/epub-checkers.ts';
import { outputFiles, unsafeIn } from './support/unsafe.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'book-property-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const words = fc.constantFrom('texte', 'Bektaïev', 'Жұманиязов', 'l’été', '1944', 'Albi', '«', '»', ';', '!', '&amp;', '<', '>', '"', "'", '\\', '*', '_', '`', '[', ']');
const urls = fc.constantFrom(
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=',
  'vbscript:x', 'file:///etc/passwd', '//example.org/x', '/\\example.org', 'https://example.org/a?b=1#c', 'http://example.org',
  'mailto:a@example.org', '#ancre', 'autre.md#titre', '../../../etc/passwd', '/etc/hostname', 'image%20.png', '%zz', '?q#f',
);
const attributeKeys = fc.constantFrom('onclick', 'onload', 'onmouseover', 'style', 'autofocus', 'tabindex', 'href', 'src', 'lang', 'class', 'id', 'xmlns', 'data-x', 'epub:type', 'role', 'aria-label', 'formaction');
const attributeValues = fc.constantFrom('alert(1)', 'javascript:alert(1)', 'color:red;background:url(//example.org/x)', 'kk', 'a b', '"><script>alert(1)</script>', 'fn-1', 'x-fn-1', 'index', '');
const attribute = fc.oneof(
  fc.tuple(attributeKeys, attributeValues).map(([key, value]) => `${key}="${value.replace(/"/g, '')}"`),
  fc.constantFrom('#a', '#x-fn-1', '#index', '.classe', '#a-b'),
);
const attributes = fc.array(attribute, { minLength: 1, maxLength: 3 }).map((list) => `{${list.join(' ')}}`);
const rawHtml = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', '<svg onload=alert(1)>',
  '<style>body{background:url(//example.org/x)}</style>', '<iframe src="https://example.org"></iframe>', '<!-- commentaire -->',
  '<b onclick="x">gras</b>', '<meta http-equiv="refresh" content="0;url=https://example.org">', '<base href="https://example.org/">',
);

const inline: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: words },
  { weight: 2, arbitrary: fc.tuple(words, attributes).map(([text, attrs]) => `[${text}]${attrs}`) },
  { weight: 2, arbitrary: fc.tuple(words, urls).map(([text, url]) => `[${text}](${url})`) },
  { weight: 1, arbitrary: fc.tuple(words, urls).map(([text, url]) => `![${text}](${url})`) },
  { weight: 1, arbitrary: urls.map((url) => `<${url}>`) },
  { weight: 1, arbitrary: rawHtml },
  { weight: 1, arbitrary: words.map((text) => `^[${text}]`) },
  { weight: 1, arbitrary: fc.constant('[^n]') },
);
const paragraph = fc.array(inline, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(' '));

const block: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: paragraph },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), paragraph, attributes).map(([depth, text, attrs]) => `${'#'.repeat(depth)} ${text} ${attrs}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 400 }), paragraph).map(([depth, text]) => `${'> '.repeat(depth)}${text}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 150 }), paragraph).map(([depth, text]) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- ${text}`).join('\n')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('testimony', 'document', 'todo', 'inconnu'), attributes, paragraph).map(([name, attrs, text]) => `:::${name}${attrs}\n${text}\n:::`) },
  { weight: 1, arbitrary: rawHtml },
  { weight: 1, arbitrary: paragraph.map((text) => `[^n]: ${text}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3000 }), paragraph).map(([n, text]) => `${n}. ${text}`) },
);

const chapterText = fc.tuple(fc.option(fc.constantFrom('id: index', 'id: a', 'id: "x-fn-1"', 'lang: kk', 'title: "<script>"')), paragraph, fc.array(block, { minLength: 1, maxLength: 8 }))
  .map(([front, title, blocks]) => `${front ? `---\n${front}\n---\n\n` : ''}# ${title}\n\n${blocks.join('\n\n')}\n`);

const fileNames = fc.constantFrom('a.md', 'index.md', 'nav.md', '%.md', '%41.md', '?.md', '#.md', "q'uote.md", 'é.md', 'sp ace.md', 'x-fn-1.md');

const chapter = fc.record({
  name: fileNames,
  text: chapterText,
  encoding: fc.constantFrom<'utf8' | 'bom-crlf' | 'latin1'>('utf8', 'utf8', 'utf8', 'utf8', 'bom-crlf', 'latin1'),
});
const manuscript = fc.uniqueArray(chapter, { minLength: 1, maxLength: 3, selector: (c) => c.name });

function bytesOf(text: string, encoding: 'utf8' | 'bom-crlf' | 'latin1'): Buffer {
  if (encoding === 'latin1') return Buffer.from(text, 'latin1');
  if (encoding === 'bom-crlf') return Buffer.from(`\uFEFF${text.replace(/\n/g, '\r\n')}`, 'utf8');
  return Buffer.from(text, 'utf8');
}

describe('random hostile manuscripts', () => {
  it('stop with positioned messages, or write safe editions, the same bytes twice', async () => {
    let run = 0;
    let built = 0;
    const checked: string[] = [];
    await fc.assert(
      fc.asyncProperty(manuscript, async (chapters) => {
        const dir = path.join(work, `m${run++}`);
        await mkdir(dir, { recursive: true });
        for (const c of chapters) await writeFile(path.join(dir, c.name), bytesOf(c.text, c.encoding));
        // A fixed title: the EPUB cover is rendered once and then taken from the cache.
        await writeFile(path.join(dir, 'book.yaml'), `title: Manuscrit hostile\nlanguage: fr\ncontents:\n  chapters: [${chapters.map((c) => JSON.stringify(c.name)).join(', ')}]\n`);
        const outputs: Array<Map<string, Buffer>> = [];
        for (const out of ['out-1', 'out-2']) {
          try {
            await build({ manuscript: dir, out: path.join(dir, out), formats: ['html', 'epub'], draft: true });
          } catch (error) {
            // The only way out: a build error whose messages say where.
            if (!(error instanceof BuildError)) throw error;
            const messages = error.files.flatMap((file) => file.messages);
            expect(messages.length, error.message).toBeGreaterThan(0);
            for (const message of messages) {
              expect(message.file || error.files[0].path).toBeTruthy();
              expect(message.ruleId).toBeTruthy();
            }
            expect(existsSync(path.join(dir, out, 'html'))).toBe(false);
            return;
          }
          outputs.push(await outputFiles(path.join(dir, out)));
        }
        built++;
        expect(unsafeIn(outputs[0], ['root:x:0:0'])).toEqual([]);
        expect([...outputs[1].keys()].sort()).toEqual([...outputs[0].keys()].sort());
        for (const [name, bytes] of outputs[0]) expect(outputs[1].get(name)!.equals(bytes), `${name} differs between two builds`).toBe(true);
        if (built % 6 === 1) checked.push(path.join(dir, 'out-1', 'book.epub'));
      }),
      { numRuns: 24, seed: Number(process.env.FC_SEED ?? 20261129), endOnFailure: true },
    );
    expect(built).toBeGreaterThan(0);
    // Every build that succeeds writes an EPUB that passes EPUBCheck: a few of them, checked.
    for (const file of checked) {
      const messages = (await epubcheck(file)).filter((m) => m.severity !== 'USAGE');
      expect(messages.map((m) => `${m.ID} ${m.message} ${m.locations[0]?.path ?? ''}`), file).toEqual([]);
    }
  }, 120_000);
});
