// Module hooks for tests/cli-startup.test.ts: every module a process loads, one URL a line, in the
// file named by BOOK_LOAD_LOG (node --import this file). ES modules as they load (the hooks);
// CommonJS modules (`require`, which the hooks do not see in Node 20) from require's cache when
// the process exits. Node's own modules only.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.BOOK_LOAD_LOG;
if (log && !import.meta.url.includes('?hooks')) {
  register(`${import.meta.url}?hooks`);
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => {
    const files = Object.keys(cache).filter((file) => file.startsWith('/'));
    if (files.length) appendFileSync(log, `${files.map((file) => pathToFileURL(file).href).join('\n')}\n`);
  });
}

export async function load(url, context, next) {
  if (log) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
