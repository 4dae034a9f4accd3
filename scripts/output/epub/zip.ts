/**
 * The EPUB container written reproducibly (OCF 3.3 §4.2): `mimetype` first, stored uncompressed,
 * then every other file in a fixed order, all dated with the source's last change rather than the
 * clock, so that two builds of the same manuscript give the same bytes.
 */
import JSZip from 'jszip';

/** Package order: container files, then the package document, then the rest by name. */
function rank(name: string): number {
  if (name === 'mimetype') return 0;
  if (name.startsWith('META-INF/')) return 1;
  if (name.endsWith('.opf')) return 2;
  return 3;
}

export async function writeReproducibleZip(files: Map<string, Uint8Array | string>, date: Date): Promise<Buffer> {
  const mimetype = files.get('mimetype');
  if (mimetype === undefined) throw new Error('An EPUB needs its mimetype file');
  const zip = new JSZip();
  const names = [...files.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const stored = name === 'mimetype';
    zip.file(name, files.get(name)!, {
      // JSZip writes the DOS date from the UTC fields: the same bytes in every time zone.
      date,
      createFolders: false,
      compression: stored ? 'STORE' : 'DEFLATE',
      compressionOptions: stored ? null : { level: 9 },
    });
  }
  return zip.generateAsync({ type: 'nodebuffer', platform: 'DOS', mimeType: 'application/epub+zip' });
}

/** Every file of a zip (folders left out), as bytes. */
export async function readZip(data: Uint8Array): Promise<Map<string, Uint8Array>> {
  const zip = await JSZip.loadAsync(data);
  const files = new Map<string, Uint8Array>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) files.set(entry.name, await entry.async('uint8array'));
  }
  return files;
}
