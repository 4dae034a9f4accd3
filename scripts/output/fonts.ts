/**
 * The book's type: EB Garamond from @fontsource, whose subsets cover French and Kazakh/Russian
 * Cyrillic (ә ғ қ ң ө ұ ү һ і sit in its cyrillic-ext subset, U+0460–052F). Debian's EB Garamond
 * lacks those letters. The faces are read from the package's own CSS so that the unicode ranges
 * stay the package's.
 */
import { readFile, copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface FontFace {
  family: string;
  style: 'normal' | 'italic';
  weight: number;
  unicodeRange: string;
  /** Absolute path of the woff2 file in node_modules. */
  file: string;
}

const require = createRequire(import.meta.url);
export const fontFamily = 'EB Garamond';
const packageDir = path.dirname(require.resolve('@fontsource/eb-garamond/package.json'));
const faces: Array<{ css: string; weight: number; style: 'normal' | 'italic' }> = [
  { css: '400.css', weight: 400, style: 'normal' },
  { css: '400-italic.css', weight: 400, style: 'italic' },
  { css: '600.css', weight: 600, style: 'normal' },
  { css: '600-italic.css', weight: 600, style: 'italic' },
];

export async function bookFontFaces(): Promise<FontFace[]> {
  const result: FontFace[] = [];
  for (const face of faces) {
    const css = await readFile(path.join(packageDir, face.css), 'utf8');
    for (const block of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
      const woff2 = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block[1]);
      const range = /unicode-range:\s*([^;]+);/.exec(block[1]);
      if (!woff2 || !range) continue;
      result.push({
        family: fontFamily,
        style: face.style,
        weight: face.weight,
        unicodeRange: range[1].trim(),
        file: path.join(packageDir, 'files', woff2[1]),
      });
    }
  }
  return result;
}

/** Copy the font files into `dir` and return the @font-face rules that point at them. */
export async function installFonts(dir: string, urlPrefix: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const rules: string[] = [];
  for (const face of await bookFontFaces()) {
    const name = path.basename(face.file);
    await copyFile(face.file, path.join(dir, name));
    rules.push(
      `@font-face {\n  font-family: '${face.family}';\n  font-style: ${face.style};\n  font-weight: ${face.weight};\n  font-display: swap;\n  src: url('${urlPrefix}${name}') format('woff2');\n  unicode-range: ${face.unicodeRange};\n}`,
    );
  }
  return `/* EB Garamond (SIL Open Font License 1.1), from @fontsource/eb-garamond. */\n${rules.join('\n')}\n`;
}
