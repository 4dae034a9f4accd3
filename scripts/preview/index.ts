/** `book preview`: the draft's HTML edition, served on 127.0.0.1 and rebuilt chapter by chapter. */
import path from 'node:path';
import { checkOutputPlace, claimOutputs } from '../output/ownership.ts';
import { startPreview as serve, type PreviewOptions, type PreviewServer } from './server.ts';

export { resolveRequestPath, isPreviewHost, type PreviewOptions, type PreviewServer } from './server.ts';
export { PreviewSite, type RebuildResult, type PreviewMessage } from './site.ts';

/**
 * Start the preview. Its folder (default `build/preview`) is claimed before any work like every
 * output (scripts/output/ownership.ts): refused when it holds files the tool did not write. The
 * preview rewrites pages in place as chapters are saved, so what it wrote is recorded after each
 * rebuild and, last, when it stops.
 */
export async function startPreview(options: PreviewOptions = {}): Promise<PreviewServer> {
  const dir = path.resolve(options.out ?? path.join('build', 'preview'));
  const name = path.basename(dir);
  await checkOutputPlace(dir, [options.manuscript ?? 'manuscript']);
  const folder = await claimOutputs(path.dirname(dir), [name]);
  // One record at a time, in order.
  let recorded: Promise<void> = Promise.resolve();
  const record = () => (recorded = recorded.then(() => folder.record([name])).catch((error: unknown) => options.onError?.(error)));
  let server: PreviewServer;
  try {
    server = await serve({
      ...options,
      out: dir,
      onRebuild: (result) => {
        void record();
        options.onRebuild?.(result);
      },
    });
  } finally {
    // Even when the first build fails: the folder may hold what it wrote.
    await record();
  }
  return {
    ...server,
    async close() {
      await server.close();
      await record();
    },
  };
}
