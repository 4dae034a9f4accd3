#!/usr/bin/env node
// Runs the command line: compiled from scripts/ once for each version of them (bin/compiled.js), or
// from the TypeScript sources through tsx when it cannot be compiled, when BOOK_FROM_SOURCE=1, and
// when BOOK_DEBUG=1 (traces then point into the sources). No compile step for the user either way.
import { compiledCommandLine } from './compiled.js';

let cli = await compiledCommandLine();
if (!cli) {
  const { register } = await import('tsx/esm/api');
  register();
  // tsx turns on Node's source maps, which then measures every loaded module line by line (about 0.1 s
  // of `book check`): only a trace needs them, and BOOK_DEBUG=1 is what shows one (docs/startup.md).
  if (process.env.BOOK_DEBUG !== '1') process.setSourceMapsEnabled(false);
  try {
    cli = await import('../scripts/cli.ts');
  } catch (error) {
    // The command line itself cannot be loaded: a bug, reported as scripts/cli.ts reports one.
    process.stderr.write(`book: internal error (${String(error instanceof Error ? `${error.name}: ${error.message}` : error).split('\n')[0].slice(0, 200)}); please report it with the command you ran — set BOOK_DEBUG=1 to see the trace\n`);
    if (process.env.BOOK_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(70);
  }
}
await cli.runCommandLine(process.argv.slice(2));
