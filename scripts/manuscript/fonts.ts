/**
 * The book's type, as book.yaml chooses it (`fonts:`), resolved once when the book is loaded so that
 * `book check` reports a wrong choice at its line in book.yaml before any edition is built:
 * - `fonts.family` alone: an @fontsource package (`EB Garamond` → `@fontsource/eb-garamond`), read
 *   through the package's own CSS so that its split by alphabet (`unicode-range`) stays the
 *   package's. The default is EB Garamond, whose subsets cover French and Kazakh/Russian Cyrillic.
 * - `fonts.files`: the four faces the stylesheets use, as files of the manuscript (confined to it by
 *   inside.ts like every file book.yaml names: the manuscript is untrusted).
 * Every edition takes its faces from here (scripts/output/fonts.ts); the EPUB and the HTML edition
 * subset them to the characters the book uses (scripts/output/font-subset.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Point } from 'unist';
import type { BookConfig } from '../config/book-schema.ts';
import { report } from '../check/messages.ts';
import { describeProblem, resolveInside } from './inside.ts';

/** The four faces the stylesheets ask for: text, italics, headings and bold, bold italics. */
export const fontRoles = ['regular', 'italic', 'bold', 'bold-italic'] as const;
export type FontRole = (typeof fontRoles)[number];

export interface FontFace {
  family: string;
  role: FontRole;
  style: 'normal' | 'italic';
  weight: number;
  /** The characters the file is meant for (an @fontsource face is split by alphabet); absent: all. */
  unicodeRange?: string;
  /** Absolute path of the font file (woff2, woff, otf or ttf). */
  file: string;
}

export interface BookFonts {
  family: string;
  faces: FontFace[];
  /** What the files are, for comments and caches: `@fontsource/eb-garamond 5.3.0`, `files of the manuscript`. */
  origin: string;
  /** The licence, when known (the package's, or `fonts.licence`). */
  licence?: string;
}

/** Where book.yaml is, to point messages at its keys. */
export interface ConfigPlace {
  file: VFile;
  placeOfPath: (path: Array<string | number>) => Point;
}

const require = createRequire(import.meta.url);

/** `EB Garamond` → `eb-garamond`, the name @fontsource gives its packages. */
export function fontsourceSlug(family: string): string {
  return family
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const spdxNames: Record<string, string> = { 'OFL-1.1': 'SIL Open Font License', 'Apache-2.0': 'Apache License 2.0' };

/** The weight of the bold faces: 600 (EB Garamond's semibold, which the stylesheets name) or else 700. */
const boldWeights = [600, 700];

function fontsourceFaces(family: string, packageDir: string): { faces: FontFace[]; missing: FontRole[] } {
  const faces: FontFace[] = [];
  const missing: FontRole[] = [];
  const bold = boldWeights.find((weight) => existsSync(path.join(packageDir, `${weight}.css`))) ?? 600;
  const wanted: Array<{ role: FontRole; css: string; weight: number; style: 'normal' | 'italic' }> = [
    { role: 'regular', css: '400.css', weight: 400, style: 'normal' },
    { role: 'italic', css: '400-italic.css', weight: 400, style: 'italic' },
    { role: 'bold', css: `${bold}.css`, weight: bold, style: 'normal' },
    { role: 'bold-italic', css: `${bold}-italic.css`, weight: bold, style: 'italic' },
  ];
  for (const face of wanted) {
    const cssFile = path.join(packageDir, face.css);
    if (!existsSync(cssFile)) {
      missing.push(face.role);
      continue;
    }
    const css = readFileSync(cssFile, 'utf8');
    for (const block of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
      const woff2 = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block[1]);
      const range = /unicode-range:\s*([^;]+);/.exec(block[1]);
      if (!woff2) continue;
      faces.push({ family, role: face.role, style: face.style, weight: face.weight, unicodeRange: range?.[1].trim(), file: path.join(packageDir, 'files', woff2[1]) });
    }
  }
  return { faces, missing };
}

const problemAt = (where: ConfigPlace | undefined, yamlPath: Array<string | number>, ruleId: 'config-invalid' | 'path-outside-manuscript', reason: string) => {
  if (where) report(where.file, ruleId, reason, where.placeOfPath(yamlPath));
  return reason;
};

/**
 * The book's fonts, or the reasons they cannot be had (each also reported on book.yaml at its key
 * when `where` is given). `root` is the manuscript folder.
 */
export function resolveBookFonts(config: BookConfig['fonts'], root: string, where?: ConfigPlace): BookFonts | { problems: string[] } {
  const family = config.family;
  if (config.files) {
    const problems: string[] = [];
    const faces: FontFace[] = [];
    for (const role of fontRoles) {
      const name = config.files[role];
      const resolved = resolveInside(root, name);
      if (resolved.problem === 'outside') {
        problems.push(problemAt(where, ['fonts', 'files', role], 'path-outside-manuscript', `Font file \`${name}\` named in book.yaml (\`fonts.files.${role}\`) is outside the manuscript folder ${root}; move the file into the folder and name it by its path there`));
      } else if (resolved.problem !== undefined) {
        problems.push(problemAt(where, ['fonts', 'files', role], 'config-invalid', `Font file \`${name}\` named in book.yaml (\`fonts.files.${role}\`) ${describeProblem(resolved.problem)}; correct the path in book.yaml`));
      } else {
        const italic = role.endsWith('italic');
        faces.push({ family, role, style: italic ? 'italic' : 'normal', weight: role.startsWith('bold') ? 600 : 400, file: resolved.file });
      }
    }
    if (problems.length > 0) return { problems };
    return { family, faces, origin: 'files of the manuscript', licence: config.licence };
  }

  const slug = fontsourceSlug(family);
  const packageName = `@fontsource/${slug}`;
  let manifest: string;
  try {
    if (!slug) throw new Error('no name');
    manifest = require.resolve(`${packageName}/package.json`);
  } catch {
    return {
      problems: [
        problemAt(where, ['fonts', 'family'], 'config-invalid', `Font family \`${family}\` in book.yaml (\`fonts.family\`) is not installed: there is no package ${packageName}; install it (\`npm install ${packageName}\`), correct the name, or give the font's files under \`fonts.files\``),
      ],
    };
  }
  const packageDir = path.dirname(manifest);
  const { version, license } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string; license?: string };
  const { faces, missing } = fontsourceFaces(family, packageDir);
  if (missing.length > 0) {
    return {
      problems: [
        problemAt(where, ['fonts', 'family'], 'config-invalid', `Font family \`${family}\` in book.yaml (\`fonts.family\`) lacks the ${missing.join(', ')} face${missing.length > 1 ? 's' : ''} the stylesheets use (${packageName} has no such CSS file); choose a family with regular, italic, semibold or bold and bold italic faces, or give four files under \`fonts.files\``),
      ],
    };
  }
  return { family, faces, origin: `${packageName} ${version ?? ''}`.trim(), licence: config.licence ?? (license ? (spdxNames[license] ?? license) : undefined) };
}

let defaultFonts: BookFonts | undefined;

/** The fonts of a book loaded without them (a plain folder, a test's book): EB Garamond. */
export function defaultBookFonts(): BookFonts {
  if (defaultFonts) return defaultFonts;
  const resolved = resolveBookFonts({ family: 'EB Garamond' }, process.cwd());
  if ('problems' in resolved) throw new Error(resolved.problems.join('; '));
  defaultFonts = resolved;
  return resolved;
}
