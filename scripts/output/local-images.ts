/**
 * The images of a page that the editions carry: each `<img>` whose file lies inside the manuscript
 * folder (scripts/manuscript/inside.ts), with the real file to copy or embed. An image whose file is
 * outside the folder, missing, a broken link or not a file is never read: the page shows its text
 * alternative in its place (the `path-outside-manuscript` and `image-missing` checks report it, and
 * stop a release build; a draft still builds). Images given by URL are left to each writer.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { visit } from '../tree/visit.ts';
import { filePathOfUrl, isInside, resolveImage } from '../manuscript/inside.ts';

export interface LocalImage {
  node: Element;
  /** The image's file, symbolic links followed, inside the manuscript folder. */
  file: string;
  /** Its path in the manuscript folder as the chapter names it (`images/carte.png`), `/`-separated. */
  name: string;
}

/** Turn an image that cannot be carried into its text alternative, in place. */
function leaveOut(node: Element): void {
  const alt = typeof node.properties.alt === 'string' ? node.properties.alt : '';
  node.tagName = 'span';
  node.properties = {};
  node.children = alt === '' ? [] : [{ type: 'text', value: alt }];
}

export function localImages(page: Root, chapterFile: string, root: string): LocalImage[] {
  const found: LocalImage[] = [];
  let realRoot: string | undefined;
  visit(page, 'element', (node: Element) => {
    if (node.tagName !== 'img' || typeof node.properties.src !== 'string') return;
    const resolved = resolveImage(root, node.properties.src, chapterFile);
    if (!resolved) return;
    if (resolved.problem !== undefined) {
      leaveOut(node);
      return;
    }
    // Named through the folder as written; through its real path when the folder itself is reached by a link.
    const named = path.resolve(path.dirname(chapterFile), filePathOfUrl(node.properties.src));
    realRoot ??= realpathSync.native(root);
    const relative = isInside(path.resolve(root), named) ? path.relative(root, named) : path.relative(realRoot, resolved.file);
    found.push({ node, file: resolved.file, name: relative.split(path.sep).join('/') });
  });
  return found;
}
