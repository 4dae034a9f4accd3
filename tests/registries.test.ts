/**
 * The book's registries (names, places, glossary, abbreviations), read by one loader
 * (scripts/manuscript/registry.ts): each entry with its place in the file, each problem at its line
 * under the registry's rule id. In process, on small files of test data.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { compileBook } from '../scripts/compile.ts';
import { parsePlaces } from '../scripts/manuscript/places.ts';
import { parsePersons } from '../scripts/manuscript/names.ts';
import { placeById } from '../scripts/model/index.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'apparatus');

const messagesOf = (file: VFile) => file.messages.map((m) => [m.line, m.column, m.ruleId, m.reason]);

describe('the places registry', () => {
  it('is on book.places, each place with its coordinates and the place of its entry', async () => {
    const book = await compileBook({ manuscript: fixture });
    expect(book.places?.map((p) => [p.id, p.name, p.lat, p.lon, p.position.line])).toEqual([
      ['valbrune', 'Valbrune', 43.9, 2.1, 2],
      ['port-ombre', 'Port-Ombre', 43.6, 1.4, 9],
      ['plaine-grise', 'la Plaine grise', undefined, undefined, 14],
    ]);
    expect(placeById(book.places, 'valbrune')?.forms).toEqual([{ form: 'Вальбрюн', lang: 'ru' }]);
    expect(placeById(book.places, 'port-ombre')?.sources).toEqual(['essai-2020']);
    expect(placeById(book.places, 'nulle-part')).toBeUndefined();
    expect(book.files.map((f) => path.basename(f.path))).toContain('lieux.yaml');
    expect(book.files.flatMap((f) => f.messages)).toEqual([]);
  });

  it('refuses coordinates out of range, at their line', () => {
    const file = new VFile({ path: 'lieux.yaml', value: '- id: a\n  name: A\n  lat: -90.5\n  lon: 180\n- id: b\n  name: B\n  lat: 0\n  lon: 181\n' });
    expect(parsePlaces(file)).toBeUndefined();
    expect(messagesOf(file)).toEqual([
      [3, 8, 'places-invalid', 'Invalid entry in the places registry at `0.lat`: expected a latitude between -90 and 90 (degrees, north positive), found -90.5'],
      [8, 8, 'places-invalid', 'Invalid entry in the places registry at `1.lon`: expected a longitude between -180 and 180 (degrees, east positive), found 181'],
    ]);
  });

  it('wants both coordinates or neither, and each id once', () => {
    const file = new VFile({ path: 'lieux.yaml', value: '- id: a\n  name: A\n  lat: 44\n- id: b\n  name: B\n  lon: 2\n- id: a\n  name: Encore A\n' });
    expect(parsePlaces(file)).toBeUndefined();
    expect(messagesOf(file)).toEqual([
      [3, 8, 'places-invalid', 'Invalid entry in the places registry at `0.lat`: a latitude without its longitude; give both `lat` and `lon`, or neither'],
      [6, 8, 'places-invalid', 'Invalid entry in the places registry at `1.lon`: a longitude without its latitude; give both `lat` and `lon`, or neither'],
      [7, 7, 'places-invalid', 'Place id `a` is used twice in the places registry; give each place one entry'],
    ]);
  });

  it('says when the file named in book.yaml is missing, at `places:`', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'places-'));
    try {
      await writeFile(path.join(dir, 'book.yaml'), 'title: T\nplaces: absent.yaml\ncontents:\n  chapters: [a.md]\n');
      await writeFile(path.join(dir, 'a.md'), '# A\n');
      const book = await compileBook({ manuscript: dir });
      expect(book.places).toBeUndefined();
      const config = book.files.find((f) => path.basename(f.path) === 'book.yaml')!;
      expect(messagesOf(config)).toEqual([[2, 9, 'places-invalid', expect.stringMatching(/^The places registry `absent.yaml` named in book.yaml does not exist in .*; create it or remove `places:`$/)]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('one loader for every registry', () => {
  it('refuses a registry outside the manuscript folder, at its key in book.yaml', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'registries-'));
    try {
      await mkdir(path.join(dir, 'livre'));
      await writeFile(path.join(dir, 'dehors.yaml'), '- id: x\n  name: Dehors\n  lat: 1\n  lon: 2\n');
      await writeFile(path.join(dir, 'livre', 'book.yaml'), 'title: T\nplaces: ../dehors.yaml\nglossary: ../dehors.yaml\ncontents:\n  chapters: [a.md]\n');
      await writeFile(path.join(dir, 'livre', 'a.md'), '# A\n');
      const error = await compileBook({ manuscript: path.join(dir, 'livre') }).catch((e: unknown) => e as { files: VFile[] });
      expect(error.files.flatMap((f) => f.messages.map((m) => [m.line, m.ruleId]))).toEqual([
        [2, 'path-outside-manuscript'],
        [3, 'path-outside-manuscript'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });


  it('gives the persons of the names registry their place too', () => {
    const persons = parsePersons(new VFile({ value: '# Données d\'essai\n- id: a\n  name: Alix Martin\n\n- id: b\n  name: Basile Durand\n' }))!;
    expect(persons.map((p) => [p.id, p.position])).toEqual([
      ['a', { line: 2, column: 3 }],
      ['b', { line: 5, column: 3 }],
    ]);
  });
});
