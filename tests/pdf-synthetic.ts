/**
 * A synthetic manuscript for the print edition's tests and measurements: French text made of the
 * words of the real manuscript (so that hyphenation, notes and names behave as in the book), in
 * parts and chapters, with notes (some long enough to continue on the next page), sections,
 * testimonies and documents, language-tagged names and a names registry. Deterministic: the same
 * size and seed give the same files. Not the benchmark generator (that one lives in scripts/bench).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  /** Words of running text (notes included), roughly. */
  words: number;
  chapters?: number;
  seed?: number;
}

const persons = [
  { id: 'zhumaniyazov-kadem', name: 'Kadem Zhumaniyazov', sort: 'Zhumaniyazov, Kadem', kk: 'Қадем Жұманиязов' },
  { id: 'bisengaliev-uteule', name: 'Uteule Bisengaliev', sort: 'Bisengaliev, Uteule', kk: 'Өтеулі Бисенғалиев' },
  { id: 'bektaiev-akhmet', name: 'Akhmet Bektaïev', sort: 'Bektaïev, Akhmet', kk: 'Ахмет Бектаев' },
  { id: 'mendikulova-gulnara', name: 'Gulnara Mendikulova', sort: 'Mendikulova, Gulnara', kk: 'Гүлнара Меңдіқұлова' },
];

async function corpus(manuscript: string): Promise<string[]> {
  const words: string[] = [];
  for (const name of (await readdir(manuscript)).filter((n) => n.endsWith('.md')).sort()) {
    const text = await readFile(path.join(manuscript, name), 'utf8');
    const prose = text
      .replace(/^---[\s\S]*?---/m, '')
      .replace(/\[\^[^\]]*\]|\[@[^\]]*\]|\{[^}]*\}|:::[a-z]*|^#+.*$|^\[\^.*$/gm, ' ')
      .replace(/[[\]*_]/g, ' ');
    for (const word of prose.split(/\s+/)) if (/^[\p{L}'’-]{2,}[,.;:]?$/u.test(word)) words.push(word);
  }
  return words;
}

/** Write a synthetic manuscript folder into `dir`; returns the number of words written. */
export async function writeSyntheticManuscript(dir: string, options: SyntheticOptions, source = 'manuscript'): Promise<number> {
  const random = mulberry32(options.seed ?? 1944);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const vocabulary = await corpus(source);
  const chapters = options.chapters ?? Math.max(3, Math.round(options.words / 10_000));
  const perChapter = Math.ceil(options.words / chapters);
  let total = 0;

  const sentence = (n: number) => {
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(pick(vocabulary).replace(/[,.;:]$/, ''));
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    total += n;
    return `${words.join(' ')}.`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => sentence(8 + Math.floor(random() * 18))).join(' ');

  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let c = 1; c <= chapters; c++) {
    const name = `chapitre-${String(c).padStart(3, '0')}.md`;
    files.push(name);
    const lines: string[] = [`# Chapitre ${c} : ${sentence(4).replace(/\.$/, '')}`, ''];
    const notes: string[] = [];
    let words = 0;
    let p = 0;
    while (words < perChapter) {
      p += 1;
      if (p % 9 === 1 && p > 1) lines.push(`## ${sentence(5).replace(/\.$/, '')}`, '');
      const before = total;
      let text = paragraph(2 + Math.floor(random() * 5));
      if (random() < 0.35) {
        const person = pick(persons);
        text = text.replace(/\. /, random() < 0.5 ? `, selon ${person.name}. ` : `, que la presse appelle [${person.kk}]{lang=kk}. `);
      }
      if (random() < 0.6) {
        const n = notes.length + 1;
        // One note in twelve is long: it may continue on the next page.
        const note = random() < 1 / 12 ? paragraph(10 + Math.floor(random() * 8)) : paragraph(1 + Math.floor(random() * 2));
        notes.push(`[^n${n}]: ${note}`);
        text = text.replace(/\.$/, `[^n${n}].`);
      }
      if (p % 23 === 0) {
        lines.push(`:::testimony{who="${pick(persons).name}" date="1944" source="Témoignage synthétique"}`, paragraph(3), ':::', '');
      } else if (p % 31 === 0) {
        lines.push(`:::document{title="Document ${p}" date="1944-11-07" place="Albi" archive="Archives synthétiques"}`, paragraph(6), '', paragraph(4), ':::', '');
      }
      lines.push(text, '');
      words += total - before;
    }
    lines.push(...notes.flatMap((note) => [note, '']));
    await writeFile(path.join(dir, name), lines.join('\n'));
  }
  const parts: string[] = [];
  for (let i = 0; i < files.length; i += 3) {
    parts.push(`  - title: Partie ${i / 3 + 1}\n    chapters: [${files.slice(i, i + 3).join(', ')}]`);
  }
  await writeFile(
    path.join(dir, 'book.yaml'),
    [
      `title: Livre synthétique de ${options.words} mots`,
      'subtitle: Pour mesurer la mise en pages',
      'editors: [Éditeur Synthétique]',
      'language: fr',
      'date: "2026"',
      'status: draft',
      'names: persons.yaml',
      'contents:',
      '  parts:',
      ...parts,
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'persons.yaml'),
    persons.map((p) => `- id: ${p.id}\n  name: "${p.name}"\n  sort: "${p.sort}"\n  variants:\n    - { form: "${p.kk}", lang: kk }\n`).join('\n'),
  );
  return total;
}
