/**
 * One fixture folder per rule of the catalogue (tests/fixtures/check/<rule-id>/): a manuscript
 * (a folder of Markdown, or a book.yaml with its files) whose "Signalé" part the rule must flag and
 * whose "Laissé tel quel" part it must leave alone, and `expected.json` beside it: that rule's
 * messages as `book check --reporter json` prints them, paths relative to the fixture.
 * `UPDATE_FIXTURES=1 npx vitest run tests/check-rules.test.ts` rewrites them; review the diff.
 * An `options.json` may give other build options (`{"manuscript": "absent"}`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VFile } from 'vfile';
import { compileAndCheck, type BuildOptions } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { catalogue, type RuleId } from '../scripts/check/catalogue.ts';
import { diagnosticsOf, type Diagnostic } from '../scripts/check/index.ts';
import { expectFixture } from './support/fixtures.ts';

const root = path.join(import.meta.dirname, 'fixtures', 'check');
const rules = (Object.keys(catalogue) as RuleId[]).filter((id) => !(catalogue[id] as { retired?: boolean }).retired);

/** The messages of `ruleId` for the fixture, as the JSON reporter gives them, machine-independent. */
async function reportOf(ruleId: RuleId, renderCitations = true): Promise<Diagnostic[]> {
  const dir = path.join(root, ruleId);
  const optionsFile = path.join(dir, 'options.json');
  const extra = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as BuildOptions) : {};
  const options: BuildOptions = { ...extra, manuscript: path.join(dir, extra.manuscript ?? '.') };
  let files: VFile[];
  try {
    files = (await compileAndCheck(options, { renderCitations })).book.files;
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    files = error.files; // config-invalid, manuscript-missing: the build stops and says why
  }
  return diagnosticsOf(files)
    .filter((d) => d.ruleId === ruleId)
    .map((d) => ({ ...d, file: path.relative(dir, d.file), message: d.message.replaceAll(dir, '<fixture>') }));
}

describe('check rules, one fixture each', () => {
  it('has a fixture folder for every rule of the catalogue', () => {
    expect(rules.filter((id) => !existsSync(path.join(root, id)))).toEqual([]);
  });

  for (const ruleId of rules) {
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
