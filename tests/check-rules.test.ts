/**
 * One fixture folder per id of the catalogue (tests/fixtures/check/<rule-id>/): a manuscript
 * (a folder of Markdown, or a book.yaml with its files) whose "Signalé" part the rule must flag and
 * whose "Laissé tel quel" part it must leave alone, and `expected.json` beside it: that rule's
 * messages as `book check --reporter json` prints them, paths relative to the fixture.
 * `UPDATE_FIXTURES=1 npx vitest run tests/check-rules.test.ts` rewrites them; review the diff.
 * An `options.json` may give other build options (`{"manuscript": "absent"}`), and says how to get
 * the messages of the ids `book check` never gives (`stage` in the catalogue):
 *
 * - `{"formats": ["epub"]}`: build those editions (through `build()`, into a temporary folder) and
 *   collect the build's messages: an edition's writer's ids;
 * - `{"resolve": "accept", "readOnly": ["chapitre.md"]}`: copy the fixture to a temporary folder,
 *   make those files read-only, and run `book accept` over it: the ids of accept/reject.
 *
 * The PDF's layout checks and the preview's own failure are the only ids without a fixture: see
 * `producedElsewhere`.
 */
import { chmod, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { build, compileAndCheck, type BuildOptions } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { catalogue, type RuleId, type RuleInfo } from '../scripts/check/catalogue.ts';
import { applySeverities, diagnosticsOf, report } from '../scripts/check/messages.ts';
import { jsonDiagnostic, type JsonDiagnostic } from '../scripts/check/reporters.ts';
import { resolveManuscript } from '../scripts/critic/index.ts';
import type { Format } from '../scripts/output/index.ts';
import { expectFixture } from './support/fixtures.ts';

const root = path.join(import.meta.dirname, 'fixtures', 'check');
const rules = (Object.keys(catalogue) as RuleId[]).filter((id) => !(catalogue[id] as RuleInfo).retired);

/**
 * Ids no fixture can show honestly: the PDF writer's checks of its own layout are guards against
 * Paged.js bugs (a note printed twice or nowhere, a widow the CSS forbids) and against script
 * errors in the browser, and the preview's `preview-failed` against its own errors, which no
 * manuscript brings about on purpose. Each says where it is guarded, or why it cannot be produced.
 */
const producedElsewhere: Partial<Record<RuleId, string>> = {
  'pdf-footnote-doubled': 'tests/pdf-render.test.ts guards it on the 300k-word book (no note printed twice): a Paged.js bug, not an input',
  'pdf-footnote-lost': 'tests/pdf-render.test.ts guards it on the 300k-word book (no note lost): a Paged.js bug, not an input',
  'pdf-footnote-page': 'tests/pdf-render.test.ts guards it on the 300k-word book (each note on its call\'s page): a Paged.js bug, not an input',
  'pdf-orphan': 'print.css sets `orphans: 2`; the check guards the layout engine, no input brings it about on purpose',
  'pdf-widow': 'print.css sets `widows: 2`; the check guards the layout engine, no input brings it about on purpose',
  'pdf-heading-at-foot': 'print.css keeps headings with what follows; the check guards the layout engine',
  'pdf-browser-error': 'a script error of Paged.js in Chromium: a bug, no input brings it about on purpose',
  'preview-failed': 'tests/preview.test.ts checks its message (failureMessages): the preview failing for a reason no message of the manuscript gives is a bug, no input brings it about on purpose',
  // The printer's preflight runs in the PDF writer: one fixture each would be one PDF build each.
  'print-page-count-odd': 'tests/print.test.ts shows it on its fixture book (9 pages, a blank added), in its one PDF build',
  'print-image-resolution-low': 'tests/print.test.ts shows it on its fixture book (an image at 213 ppi), in its one PDF build',
  'print-image-resolution-too-low': 'tests/print.test.ts shows it on its fixture book (an image at 96 ppi), in its one PDF build',
  'print-line-too-thin': 'tests/print.test.ts shows it on its fixture book (print.min-line-width above print.css\'s rules), in its one PDF build',
  'print-text-too-small': 'tests/print.test.ts shows it on its fixture book (print.min-text-size above the folios), in its one PDF build',
  'print-font-embedding': 'a font whose licence forbids embedding cannot be shipped in a fixture (the @fontsource faces allow it): tests/print.test.ts checks the reader on a bare sfnt whose fsType forbids embedding, and the check runs on the faces book.yaml chooses (fonts:)',
  'print-draft-not-for-press': 'tests/print.test.ts shows it on its fixture book, built as a draft with a preflight error, in its one PDF build',
};

interface FixtureOptions extends BuildOptions {
  /** Run `book accept` or `book reject` over a copy of the fixture. */
  resolve?: 'accept' | 'reject';
  /** Files of that copy made read-only first. */
  readOnly?: string[];
}

const work = await mkdtemp(path.join(os.tmpdir(), 'check-rules-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/** The files of the fixture once the command its options ask for has run (or stopped, saying why). */
async function filesOf(ruleId: RuleId, dir: string, extra: FixtureOptions, renderCitations: boolean, run: number): Promise<VFile[]> {
  const { resolve, readOnly, ...buildOptions } = extra;
  const options: BuildOptions = { ...buildOptions, manuscript: path.join(dir, buildOptions.manuscript ?? '.') };
  try {
    if (resolve) {
      const copy = path.join(work, `${ruleId}-${run}`);
      await cp(dir, copy, { recursive: true });
      for (const file of readOnly ?? []) await chmod(path.join(copy, file), 0o444);
      await resolveManuscript({ manuscript: copy }, resolve);
      return [];
    }
    if (options.formats) return (await build({ ...options, formats: options.formats as Format[], out: path.join(work, `${ruleId}-${run}`) })).book.files;
    return (await compileAndCheck(options, { renderCitations })).book.files;
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    return error.files; // config-invalid, manuscript-missing: the build stops and says why
  }
}

let runs = 0;

/** The messages of `ruleId` for the fixture, as the JSON reporter gives them, machine-independent. */
async function reportOf(ruleId: RuleId, renderCitations = true): Promise<JsonDiagnostic[]> {
  const dir = path.join(root, ruleId);
  const optionsFile = path.join(dir, 'options.json');
  const extra = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as FixtureOptions) : {};
  const copy = path.join(work, `${ruleId}-${++runs}`);
  const files = await filesOf(ruleId, dir, extra, renderCitations, runs);
  return diagnosticsOf(files)
    .filter((d) => d.ruleId === ruleId)
    .map((d) => jsonDiagnostic(d))
    // A writer's own file (`book.pdf`) has no folder: it stays as it is.
    .map((d) => ({ ...d, file: path.isAbsolute(d.file) ? path.relative(d.file.startsWith(work) ? copy : dir, d.file) : d.file, message: d.message.replaceAll(dir, '<fixture>').replaceAll(copy, '<fixture>') }));
}

describe('check rules, one fixture each', () => {
  it('has a fixture folder for every rule of the catalogue', () => {
    expect(rules.filter((id) => !existsSync(path.join(root, id)) && !producedElsewhere[id])).toEqual([]);
    // Only ids an edition's writer or the preview alone reports may do without, and only when one is missing.
    const withoutFixture = new Set<RuleInfo['stage']>(['build', 'preview']);
    expect(Object.keys(producedElsewhere).filter((id) => !withoutFixture.has((catalogue[id as RuleId] as RuleInfo).stage) || existsSync(path.join(root, id)))).toEqual([]);
  });

  for (const ruleId of rules.filter((id) => !producedElsewhere[id])) {
    it(ruleId, async () => {
      const report = await reportOf(ruleId);
      // Every fixture shows the rule at work: a fixture with nothing flagged proves nothing.
      expect(report.length, `${ruleId} flags nothing in its fixture`).toBeGreaterThan(0);
      expect(report.every((d) => d.severity === catalogue[ruleId].severity)).toBe(true);
      expectFixture(`${JSON.stringify(report, null, 2)}\n`, path.join(root, ruleId, 'expected.json'));
      // `book check` skips formatting the citations; it must not change what is reported.
      expect(await reportOf(ruleId, false)).toEqual(report);
    });
  }
});

describe('one way to make a message (scripts/check/messages.ts)', () => {
  it('stamps id, source and documentation, and takes the severity from the catalogue', () => {
    const file = new VFile({ path: 'chapitre.md' });
    const warning = report(file, 'directive-unknown', 'Bloc inconnu', { line: 2, column: 1 });
    const writer = report(file, 'epub-image', 'Image sans texte', { line: 3, column: 1 }, { expected: ['![texte](carte.png)'], actual: '![](carte.png)' });
    const info = report(file, 'todo-marker', 'À faire', { start: { line: 4, column: 1 }, end: { line: 6, column: 4 } });
    expect([warning, writer, info].map((m) => [m.ruleId, m.source, m.url, m.fatal])).toEqual([
      ['directive-unknown', 'book', 'docs/check-rules.md#directive-unknown', false],
      ['epub-image', 'epub', 'docs/check-rules.md#epub-image', true],
      ['todo-marker', 'book', 'docs/check-rules.md#todo-marker', undefined],
    ]);
    expect(diagnosticsOf([file])).toEqual([
      { file: 'chapitre.md', line: 2, column: 1, ruleId: 'directive-unknown', severity: 'warning', message: 'Bloc inconnu', url: 'docs/check-rules.md#directive-unknown' },
      { file: 'chapitre.md', line: 3, column: 1, ruleId: 'epub-image', severity: 'error', message: 'Image sans texte', url: 'docs/check-rules.md#epub-image', expected: ['![texte](carte.png)'], actual: '![](carte.png)' },
      { file: 'chapitre.md', line: 4, column: 1, endLine: 6, endColumn: 4, ruleId: 'todo-marker', severity: 'info', message: 'À faire', url: 'docs/check-rules.md#todo-marker' },
    ]);
  });

  it('lets book.yaml change a severity or turn a rule off, but not a fixed one', () => {
    const file = new VFile({ path: 'chapitre.md' });
    report(file, 'directive-unknown', 'a');
    report(file, 'citation-unused-entry', 'b');
    report(file, 'path-outside-manuscript', 'c');
    applySeverities([file], { 'directive-unknown': 'error', 'citation-unused-entry': 'off', 'path-outside-manuscript': 'off' });
    expect(file.messages.map((m) => [m.ruleId, m.fatal])).toEqual([['directive-unknown', true], ['path-outside-manuscript', true]]);
  });

  it('documents every id at the anchor its messages link to', async () => {
    const docs = await readFile(path.join(import.meta.dirname, '..', 'docs', 'check-rules.md'), 'utf8');
    expect(rules.filter((id) => !docs.includes(`<a id="${id}"></a>`))).toEqual([]);
  });

  it('is the only place that makes a message or sets a severity', async () => {
    const scripts = path.join(import.meta.dirname, '..', 'scripts');
    const offenders: string[] = [];
    for (const entry of await readdir(scripts, { recursive: true })) {
      if (!/\.(ts|js)$/.test(entry) || entry === path.join('check', 'messages.ts')) continue;
      const lines = (await readFile(path.join(scripts, entry), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (/\.fatal\s*=[^=]|\bfile\??\.message\(|\.message\(\s*[`'"]|\.message\(reason\b/.test(line)) offenders.push(`${entry}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
