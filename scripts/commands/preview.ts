/** `book preview`: serve the draft's HTML edition, rebuilt as the sources change (scripts/preview/). */
import path from 'node:path';
import { defineCommand, formatMs, manuscriptOf, manuscriptOption, outOption } from './command.ts';
import { outOf } from './book-folder.ts';

export default defineCommand({
  names: ['preview'],
  usage: ['preview [--manuscript DIR] [--out DIR] [--port N]'],
  summary: [
    "Serve the draft's HTML edition on 127.0.0.1, rebuilt chapter by chapter as you",
    'save, open pages updated in place. Ctrl-C stops it.',
  ],
  options: {
    manuscript: manuscriptOption,
    out: outOption,
    port: { type: 'string', short: 'p', value: 'N', default: '4000', description: 'With preview: the port on 127.0.0.1 (default 4000; 0 picks a free one).' },
  },
  async run({ values, positionals, io }) {
    const quiet = values.quiet ?? false;
    const port = Number(values.port ?? '4000');
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr.write(`book: --port takes a number from 0 to 65535, not \`${values.port}\`\n`);
      return 2;
    }
    const [{ checkOutputPlace }, { startPreview }] = await Promise.all([import('../output/ownership.ts'), import('../preview/index.ts')]);
    const manuscript = manuscriptOf(values, positionals);
    const out = outOf(values, positionals);
    await checkOutputPlace(out, [manuscript]);
    const server = await startPreview({
      manuscript,
      out: path.join(out, 'preview'),
      port,
      onRebuild: (result) => {
        if (!quiet) io.stderr.write(`book preview: ${result.summary} (${formatMs(result.ms)})\n`);
      },
      onError: (error) => io.stderr.write(`book preview: ${(error as Error).message}\n`),
    });
    io.stdout.write(`Preview on ${server.url} — Ctrl-C stops it\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    if (!quiet) io.stderr.write('book preview: stopped\n');
    return 0;
  },
});
