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
});
