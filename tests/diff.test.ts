/**
 * `book diff` on a small git repository made here: two commits of a three-chapter manuscript, then
 * a change left in the working tree. The pages must show word-level changes of the rendered text
 * (typography applied, no Markdown syntax), and the summary the chapters, notes and citations that
 * changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRevisions, diffSequences } from '../scripts/diff/index.ts';
import { diffWords } from '../scripts/diff/compare.ts';
import { tokenize } from '../scripts/diff/text.ts';
import { runCli } from './support/cli.ts';

let repo: string;
let manuscript: string;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });

const bibliography = JSON.stringify([
  { id: 'dupont-2001', type: 'book', title: 'Les maquis du Tarn', author: [{ family: 'Dupont', given: 'Jean' }], issued: { 'date-parts': [[2001]] }, publisher: 'Privat', 'publisher-place': 'Toulouse' },
  { id: 'martin-2010', type: 'book', title: 'Albi 1944', author: [{ family: 'Martin', given: 'Anne' }], issued: { 'date-parts': [[2010]] }, publisher: 'Vent Terral', 'publisher-place': 'Albi' },
]);

const bookYaml = (chapters: string[]) => `title: Un petit livre\nlanguage: fr\nbibliography: refs.json\ncontents:\n  chapters: [${chapters.join(', ')}]\n`;

async function write(name: string, text: string) {
  await writeFile(path.join(manuscript, name), text);
}

beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'book-diff-repo-'));
  manuscript = path.join(repo, 'manuscript');
  await mkdir(manuscript);
  git('init', '-q', '-b', 'main');
  await write('refs.json', bibliography);
  await write('book.yaml', bookYaml(['un.md', 'deux.md', 'trois.md']));
  await write('un.md', "# Premier chapitre\n\nLe régiment fut formé en juin 1944 dans le *Tarn*[^1].\n\nUn paragraphe qui ne change pas, cité [@dupont-2001].\n\n[^1]: Archives départementales du Tarn.\n");
  await write('deux.md', '# Deuxième chapitre\n\nRien ne change ici.\n');
  await write('trois.md', '# Troisième chapitre\n\nCe chapitre sera retiré.\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first draft');

  await write('book.yaml', bookYaml(['un.md', 'deux.md', 'quatre.md']));
  await write('un.md', "# Premier chapitre\n\nLe régiment fut formé en juillet 1944 dans le _Tarn_[^1], près d'Albi[^2].\n\nUn paragraphe qui ne change pas, cité [@dupont-2001].\n\nUn paragraphe nouveau : « citation » [@martin-2010].\n\n[^1]: Archives départementales du Tarn.\n[^2]: Note ajoutée.\n");
  await rm(path.join(manuscript, 'trois.md'));
  await write('quatre.md', '# Quatrième chapitre\n\nUn chapitre ajouté.\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'second draft');

  // Left uncommitted.
  await write('deux.md', '# Deuxième chapitre\n\nTout change ici.\n');
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('word diff', () => {
  it('aligns the longest common subsequence', () => {
    const edits = diffSequences([...'abcabba'], [...'cbabac'], (x, y) => x === y);
    expect(edits.filter((e) => e.op === 'equal')).toHaveLength(4);
    expect(edits.filter((e) => e.op !== 'insert').map((e) => (e.op === 'equal' || e.op === 'delete' ? e.a : '')).join('')).toBe('abcabba');
    expect(edits.filter((e) => e.op !== 'delete').map((e) => (e.op === 'equal' || e.op === 'insert' ? e.b : '')).join('')).toBe('cbabac');
  });

  it('changes words, not characters, and folds a lone space into the change', () => {
    const edits = diffWords(tokenize('formé en juin 1944'), tokenize('formé en juillet 1944'));
    expect(edits.map((e) => `${e.op}:${e.op === 'insert' ? e.b.text : e.a.text}`)).toEqual(['equal:formé', 'equal: ', 'equal:en', 'equal: ', 'delete:juin', 'insert:juillet', 'equal: ', 'equal:1944']);
    const two = diffWords(tokenize('un beau jour'), tokenize('une belle nuit'));
    expect(two.map((e) => e.op)).toEqual(['delete', 'delete', 'delete', 'delete', 'delete', 'insert', 'insert', 'insert', 'insert', 'insert']);
  });
});

describe('book diff', () => {
  it('compares two revisions chapter by chapter in the rendered text', async () => {
    const out = path.join(repo, 'out-commits');
    const result = await diffRevisions({ manuscript, from: 'HEAD~1', to: 'HEAD', out });
    const status = Object.fromEntries(result.diff.chapters.map((c) => [c.file, c.status]));
    expect(status).toEqual({ 'un.md': 'modified', 'deux.md': 'unchanged', 'trois.md': 'removed', 'quatre.md': 'added', '(bibliography)': 'modified' });
    expect(result.pages.sort()).toEqual(['bibliographie.html', 'index.html', 'quatre.html', 'trois.html', 'un.html']);

    const un = result.diff.chapters.find((c) => c.file === 'un.md')!;
    expect(un.noteCounts).toMatchObject({ before: 2, after: 4, added: 2, removed: 0 });
    expect(un.citations).toEqual({ before: 1, after: 2, added: ['martin-2010'], removed: [] });

    const page = await readFile(path.join(out, 'un.html'), 'utf8');
    expect(page).toContain('<del class="diff-del">juin</del><ins class="diff-ins">juillet</ins>');
    // The rendered text: French spacing and quotes applied, emphasis kept, no Markdown syntax.
    expect(page).toContain('<em>Tarn</em>');
    expect(page).toMatch(/Un paragraphe nouveau\u00a0: «\u202fcitation\u202f»/);
    expect(page).not.toMatch(/\[\^|\[@|_Tarn_|\*Tarn\*/);
    // `*Tarn*` → `_Tarn_` is the same text: not marked as a change.
    expect(page).not.toContain('<del class="diff-del"><em>Tarn');
    // The new paragraph is an inserted block, with its change bar.
    expect(page).toMatch(/<p id="change-\d+" class="diff-changed diff-block-ins"><ins class="diff-ins">Un paragraphe nouveau/);

    const summary = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(summary).toContain('href="un.html"');
    expect(summary).toContain('+ martin-2010');
    expect(summary).toContain('1 chapitre inchangé');
    expect(summary).toContain('Entre HEAD~1 et HEAD');
  });

  it('compares a revision with the working tree', async () => {
    const result = await diffRevisions({ manuscript, from: 'HEAD', out: path.join(repo, 'out-tree') });
    expect(result.changed.map((c) => c.file)).toEqual(['deux.md']);
    const page = await readFile(path.join(repo, 'out-tree', 'deux.html'), 'utf8');
    expect(page).toContain('<del class="diff-del">Rien ne</del><ins class="diff-ins">Tout</ins>');
    expect(page).toContain('la copie de travail');
  });

  it('runs from the command line, and names an unknown revision', async () => {
    const done = await runCli(['diff', 'HEAD~1', 'HEAD', '--manuscript', manuscript, '--out', path.join(repo, 'out-cli')]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^un\.md: modified; words \+\d+ −\d+; notes 2→4 \(\+2 −0 ~0\); citations 1→2 \+martin-2010$/m);
    expect(done.stdout).toMatch(/^trois\.md: removed/m);
    const unknown = await runCli(['diff', 'no-such-branch', '--manuscript', manuscript, '--out', path.join(repo, 'out-cli')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown revision `no-such-branch`');
  });
});
