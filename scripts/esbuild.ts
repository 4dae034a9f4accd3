/**
 * esbuild for the build's own browser scripts (the PDF's render.js, the HTML edition's search.js),
 * stopped when no bundling is under way: its service is a process of its own (30 MB after bundling
 * Paged.js), which would otherwise live as long as the build, through the PDF's layout. A later
 * call starts it again.
 */
import type * as Esbuild from 'esbuild';

let users = 0;

export async function withEsbuild<T>(work: (esbuild: typeof Esbuild) => Promise<T>): Promise<T> {
  const esbuild = await import('esbuild');
  users += 1;
  try {
    return await work(esbuild);
  } finally {
    users -= 1;
    if (users === 0) await esbuild.stop();
  }
}
