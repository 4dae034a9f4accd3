import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { loadBookConfig } from '../scripts/config/load-config.ts';
import { isValidIsbn } from '../scripts/config/isbn.ts';

function validate(yaml: string) {
  const file = new VFile({ path: 'book.yaml', value: yaml });
  const config = loadBookConfig(file);
  return { config, messages: file.messages.map((m) => ({ line: m.line, column: m.column, reason: m.reason, fatal: m.fatal })) };
}

const valid = `title: Un livre
language: fr
contents:
  chapters: [un.md]
`;

describe('book.yaml validation', () => {
  it('accepts a minimal book and fills defaults', () => {
    const { config, messages } = validate(valid);
    expect(messages).toEqual([]);
    expect(config?.status).toBe('draft');
    expect(config?.locale).toBe('fr-FR');
  });

  it('reports a bad value with its line and what was expected', () => {
    const { config, messages } = validate(`title: Un livre
status: finished
contents:
  chapters: [un.md]
`);
    expect(config).toBeUndefined();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ line: 2, fatal: true });
    expect(messages[0].reason).toMatch(/`status`.*expected one of `draft`, `release`, found `finished`/);
  });

  it('points at the offending item inside a list', () => {
    const { messages } = validate(`title: Un livre
contents:
  parts:
    - title: Première partie
      chapters:
        - un.md
        - deux.txt
`);
    expect(messages[0]).toMatchObject({ line: 7 });
    expect(messages[0].reason).toMatch(/contents\.parts\.0\.chapters\.1.*Markdown file/);
  });

  it('reports a missing title and an unknown key', () => {
    const { messages } = validate(`titel: Faute
contents:
  chapters: [un.md]
`);
    const reasons = messages.map((m) => m.reason).join('\n');
    expect(reasons).toMatch(/`title` is missing/);
    expect(reasons).toMatch(/unknown key `titel`/);
  });

  it('reports YAML syntax errors with their line', () => {
    const { messages } = validate('title: "unterminated\ncontents: [\n');
    expect(messages[0].reason).toMatch(/Cannot read book.yaml as YAML/);
    expect(messages[0].line).toBeGreaterThanOrEqual(1);
  });

  it('checks the ISBN check digit', () => {
    expect(isValidIsbn('978-2-07-036822-8')).toBe(true);
    expect(isValidIsbn('978-2-07-036822-9')).toBe(false);
    expect(isValidIsbn('2-07-036822-X')).toBe(true);
    expect(isValidIsbn('2-07-036822-5')).toBe(false);
    expect(isValidIsbn('0-306-40615-2')).toBe(true);
    const { messages } = validate(`${valid}identifiers:\n  isbn: 978-2-07-036822-9\n`);
    expect(messages[0]).toMatchObject({ line: 6 });
    expect(messages[0].reason).toMatch(/Invalid ISBN/);
  });
  it('refuses a rule id that is no rule, at its line, with the nearest id as expected', () => {
    const file = new VFile({ path: 'book.yaml', value: `${valid}rules:\n  citation-unused-entry: off\n  footnote-unusd: off\n  # a comment\n  pas-une-regle: warning\n` });
    expect(loadBookConfig(file)).toBeUndefined();
    expect(file.messages.map((m) => [m.line, m.column, m.ruleId, m.fatal, m.expected, m.actual])).toEqual([
      [7, 3, 'config-invalid', true, ['footnote-unused'], 'footnote-unusd'],
      [9, 3, 'config-invalid', true, undefined, 'pas-une-regle'],
    ]);
    expect(file.messages[0].reason).toMatch(/`rules\.footnote-unusd` is no rule id.*did you mean `footnote-unused`\?/);
    expect(file.messages[0].url).toBe('docs/check-rules.md#config-invalid');
  });

  it('reports a misspelt rule id even when another value is wrong too', () => {
    const { messages } = validate(`${valid}status: finished\nrules:\n  footnote-unusd: off\n`);
    expect(messages.map((m) => m.line)).toEqual([5, 7]);
  });

  it('refuses to lower an id that stops the build or to set a writer\'s id, and accepts their own severity', () => {
    const { config, messages } = validate(`${valid}rules:\n  config-invalid: error\n  encoding-invalid: off\n  pdf-orphan: error\n  nesting-too-deep: off\n`);
    expect(config).toBeUndefined();
    expect(messages.map((m) => m.line)).toEqual([7, 8]);
    expect(messages[0].reason).toMatch(/`rules\.encoding-invalid` stops the build.*cannot be lowered or turned off/);
    expect(messages[1].reason).toMatch(/`rules\.pdf-orphan` is reported by the PDF writer.*cannot be set/);
  });
});
