/**
 * The images the EPUB carries, named on the content documents' trees before they are written:
 * `images/image-1.png`, `images/image-2.jpeg`… in reading order, one name per file (a file shown
 * twice is carried once). The names depend on the book only, so two builds give the same package.
 * Each `<img>` comes here pointing at its file (a `file:` URL, see resolveImages in index.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, Root } from 'hast';
import { visit } from '../../tree/visit.ts';

export interface PackageImage {
  /** Its name in the package's `images/` folder, without extension (`image-1`). */
  id: string;
  /** `png`, `jpeg`…; for a file of no image type, its own extension. */
  extension: string;
  /** `image/png`…, '' for a file of no image type. */
  mediaType: string;
  /** The file read into the package. */
  file: string;
}

/**
 * Media type and package extension by file extension, as epub-gen-memory named them (mime's
 * table): the EPUB 3.3 core image types (§3.2) and the other image types a manuscript may name.
 */
const imageTypes: Record<string, [mediaType: string, extension: string]> = {
  '.png': ['image/png', 'png'],
  '.jpg': ['image/jpeg', 'jpeg'],
  '.jpeg': ['image/jpeg', 'jpeg'],
  '.gif': ['image/gif', 'gif'],
  '.svg': ['image/svg+xml', 'svg'],
  '.svgz': ['image/svg+xml', 'svg'],
  '.webp': ['image/webp', 'webp'],
  '.avif': ['image/avif', 'avif'],
  '.apng': ['image/apng', 'apng'],
  '.bmp': ['image/bmp', 'bmp'],
  '.tif': ['image/tiff', 'tif'],
  '.tiff': ['image/tiff', 'tif'],
  '.ico': ['image/vnd.microsoft.icon', 'ico'],
  '.heic': ['image/heic', 'heic'],
};

/** `images/image-1.png`: where the content documents find the image. */
export const imageHref = (image: PackageImage) => `images/${image.id}.${image.extension}`;

/**
 * Give every image of `trees` (in reading order) its name in the package, on the tree: each `src`
 * that is a `file:` URL becomes `images/image-N.ext`. Returns the images to carry, in that order.
 */
export function nameImages(trees: Root[]): PackageImage[] {
  const byFile = new Map<string, PackageImage>();
  for (const tree of trees) {
    visit(tree, 'element', (node: Element) => {
      const src = node.properties.src;
      if (node.tagName !== 'img' || typeof src !== 'string' || !src.startsWith('file:')) return;
      const file = fileURLToPath(src);
      let image = byFile.get(file);
      if (!image) {
        const own = path.extname(file).toLowerCase();
        const [mediaType, extension] = imageTypes[own] ?? ['', own.slice(1)];
        image = { id: `image-${byFile.size + 1}`, extension, mediaType, file };
        byFile.set(file, image);
      }
      node.properties.src = imageHref(image);
    });
  }
  return [...byFile.values()];
}
